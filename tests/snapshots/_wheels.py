"""Old releases of the sample target as local wheels, built from its recorded history.

`sample_release_wheel` writes ``ovo_sample_release-<version>-py3-none-any.whl``: a package
whose ``objects`` module defines, at the versions the release shipped, the sample classes
rebuilt from their recorded schemas (``snapshots/sample``).  Installed with ``pip install
--no-index --no-deps`` into a release virtualenv, it is what ``ovo-compat snapshot
--release`` records from, and what ``ovo-compat run --against`` runs as the old node,
without any package index.

A release can carry real code besides the rebuilt classes: ``modules`` maps module names
to their source (``rpc`` for the release's RPC API description and endpoints); a module
called ``custom`` is imported by ``objects`` once the classes exist (methods of this
release's own, such as an ``obj_make_compatible``, or a seeded bug).  ``schemas`` replaces
the recorded schemas the classes are built from (a release whose real code differs from
what the snapshots say).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE = "ovo_sample_release"

_OBJECTS = '''"""The sample target's classes as this old release shipped them."""

import importlib
import importlib.util
import json
import pathlib

from oslo_versionedobjects import base

from compat_tests.rebuild import build_field


class Registry(base.VersionedObjectRegistry):
    """This release's class table."""


class SampleReleaseObject(base.VersionedObject, base.ComparableVersionedObject):
    OBJ_PROJECT_NAMESPACE = "ovo_compat_sample"  # the sample target's: primitives travel


_SCHEMAS = json.loads((pathlib.Path(__file__).parent / "release.json").read_text())
for _name, _schema in sorted(_SCHEMAS.items()):
    _fields = {
        key: build_field(fd, where=f"{_name} {_schema['version']} field {key!r}")
        for key, fd in _schema["fields"].items()
    }
    _relationships = {k: [tuple(p) for p in v] for k, v in _schema["relationships"].items()}
    _namespace = {
        "VERSION": _schema["version"],
        "fields": _fields,
        "obj_relationships": _relationships,
        "__module__": __name__,
    }
    globals()[_name] = Registry.register(type(_name, (SampleReleaseObject,), _namespace))

if importlib.util.find_spec(__package__ + ".custom") is not None:
    importlib.import_module(__package__ + ".custom")  # this release's own code
'''


def sample_release_wheel(
    directory: Path,
    version: str,
    manifest: Mapping[str, str],
    histories: Mapping[str, Any],
    *,
    modules: Mapping[str, str] | None = None,
    schemas: Mapping[str, Any] | None = None,
) -> Path:
    """Write the wheel of sample release ``version`` holding ``manifest``'s class versions.

    ``modules``: extra modules of the release (name -> source); ``schemas``: the schemas its
    classes are built from instead of ``histories``'s (see the module docstring).
    """
    if schemas is None:
        schemas = {name: histories[name][v] for name, v in sorted(manifest.items())}
    dist_info = f"{PACKAGE}-{version}.dist-info"
    files = {
        f"{PACKAGE}/__init__.py": f'"""Sample target, release {version}."""\n',
        f"{PACKAGE}/objects.py": _OBJECTS,
        f"{PACKAGE}/release.json": json.dumps(schemas, indent=1, sort_keys=True),
        **{f"{PACKAGE}/{name}.py": source for name, source in (modules or {}).items()},
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {version}\n"
            "Summary: an old release of ovo-compat's sample target\n"
        ),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: ovo-compat-tests\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
        f"{dist_info}/top_level.txt": f"{PACKAGE}\n",
    }
    record = [f"{path},{_hash(text)},{len(text.encode())}" for path, text in files.items()]
    files[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = directory / f"{PACKAGE}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
