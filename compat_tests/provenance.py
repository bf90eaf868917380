"""Where a recorded class came from: the distribution that defined it and the file imported.

``recorded_from(cls)`` is stored with every exact schema (``"recorded_from"``)::

    {"module": "neutron.objects.ports", "file": "neutron/objects/ports.py",
     "distribution": "neutron", "version": "25.2.3"}

``file`` is relative to the ``sys.path`` entry it was imported from, so a recording does not
depend on where the virtualenv lives; ``distribution`` and ``version`` are absent when no
installed distribution owns the file (a working tree that is not installed), and
``"editable": true`` says the owner is an editable install (a working tree, not a release).

`check_release` refuses a recording whose classes are not the release it claims: with an
explicit claim (``ovo-compat snapshot --release neutron==25.2.3``) every class must come from
a claimed distribution at the claimed version; without one, a class imported from a working
tree that *shadows* an installed distribution providing the same module (the ``--config``
folder goes first on ``sys.path``) is refused, since the installed release is what was meant.
"""

from __future__ import annotations

import functools
import importlib.metadata as metadata
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compat_tests.errors import SnapshotError

__all__ = ["ProvenanceError", "check_release", "normalize_name", "recorded_from"]


class ProvenanceError(SnapshotError):
    """The imported classes are not the release the recording claims to record."""


def normalize_name(name: str) -> str:
    """A distribution name in its canonical form (PEP 503): ``Neutron_Lib`` -> ``neutron-lib``."""
    return "-".join(part for part in name.lower().replace("_", "-").replace(".", "-").split("-"))


def recorded_from(cls: type) -> dict[str, Any]:
    """Module, file (relative to its ``sys.path`` entry) and owning distribution of ``cls``.

    The installed files are read once and cached; `check_release` refreshes that cache.
    """
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    result: dict[str, Any] = {"module": cls.__module__}
    if not filename:
        return result
    path = Path(filename).resolve()
    result["file"] = _relative(path)
    owner = _owner(path)
    if owner is not None:
        result["distribution"], result["version"] = owner
        if _is_editable(path):
            result["editable"] = True
    return result


def check_release(
    classes: Mapping[str, type], claim: Mapping[str, str | None] | None = None
) -> dict[str, dict[str, Any]]:
    """``recorded_from`` of every class; `ProvenanceError` when they are not the claimed release.

    ``claim`` maps distribution names to the version claimed (None: any version).  The
    error lists every offending class with the file it was imported from and what to do.
    """
    for cache in (_packages, _dist_index, _editable_roots):
        cache.cache_clear()  # what is installed may have changed since the last recording
    sources = {name: recorded_from(cls) for name, cls in sorted(classes.items())}
    problems = []
    for name, source in sources.items():
        problem = (
            _against_claim(name, source, claim)
            if claim is not None
            else _shadowing(name, classes[name], source)
        )
        if problem:
            problems.append(problem)
    if problems:
        shown = "\n  ".join(problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ProvenanceError(
            f"refusing to record: {len(problems)} class(es) are not the release being recorded"
            f":\n  {shown}{more}"
        )
    return sources


def _against_claim(name: str, source: Mapping[str, Any], claim: Mapping[str, str | None]) -> str:
    claimed = {normalize_name(k): v for k, v in claim.items()}
    dist = source.get("distribution")
    where = source.get("file", source["module"])
    if dist is None:
        return (
            f"{name} was imported from {where} ({_absolute(source)}), which no installed "
            f"distribution owns, not from {_claims(claimed)}; a working tree is ahead of the "
            "release on sys.path: run from outside it (the --config folder goes first)"
        )
    if normalize_name(dist) not in claimed:
        return (
            f"{name} comes from {dist} {source.get('version')} ({where}), not from "
            f"{_claims(claimed)}; add that distribution to the release spec if it is part of "
            "the release"
        )
    want = claimed[normalize_name(dist)]
    if want is not None and source.get("version") != want:
        return (
            f"{name} comes from {dist} {source.get('version')} ({where}), but the release "
            f"claims {dist}=={want}; install that version"
        )
    return ""


def _shadowing(name: str, cls: type, source: Mapping[str, Any]) -> str:
    if source.get("distribution") or "file" not in source:
        return ""
    installed = _installed_elsewhere(source["file"])
    if installed is None:
        return ""
    dist, version, location = installed
    return (
        f"{name} was imported from the working tree ({_absolute(source)}) although {dist} "
        f"{version} is installed and provides the same module ({location}): the --config "
        f"folder goes first on sys.path, so this would record the working tree as if it were "
        f"{dist} {version}. Record the release with `ovo-compat snapshot --release "
        f"{dist}=={version}`, or run from a directory whose configuration does not shadow it"
    )


def _claims(claimed: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k}=={v}" if v else k for k, v in sorted(claimed.items()))


def _absolute(source: Mapping[str, Any]) -> str:
    module = sys.modules.get(source["module"])
    return str(getattr(module, "__file__", source.get("file")))


def _relative(path: Path) -> str:
    best: Path | None = None
    for entry in sys.path:
        try:
            root = Path(entry or ".").resolve()
        except OSError:
            continue
        if path.is_relative_to(root) and (best is None or len(root.parts) > len(best.parts)):
            best = root
    return path.relative_to(best).as_posix() if best is not None else path.as_posix()


def _owner(path: Path) -> tuple[str, str] | None:
    for name in _providers(_top_level(path)):
        by_path, _ = _dist_index(name)
        if path in by_path:
            return by_path[path]
    for name, version, root in _editable_roots():
        if path.is_relative_to(root):
            return name, version
    return None


def _is_editable(path: Path) -> bool:
    return any(path.is_relative_to(root) for _, _, root in _editable_roots())


def _installed_elsewhere(relative: str) -> tuple[str, str, str] | None:
    """(name, version, file) of an installed distribution that ships the module ``relative``."""
    for name in _providers(relative.split("/", 1)[0].removesuffix(".py")):
        found = _dist_index(name)[1].get(relative)
        if found is not None:
            return found
    return None


def _top_level(path: Path) -> str:
    return _relative(path).split("/", 1)[0].removesuffix(".py")


@functools.lru_cache(maxsize=1)
def _packages() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def _providers(top_level: str) -> list[str]:
    return sorted(set(_packages().get(top_level, [])))


@functools.cache
def _dist_index(
    name: str,
) -> tuple[dict[Path, tuple[str, str]], dict[str, tuple[str, str, str]]]:
    """The ``.py`` files of distribution ``name``: by absolute path, and by path inside it."""
    by_path: dict[Path, tuple[str, str]] = {}
    by_relative: dict[str, tuple[str, str, str]] = {}
    try:
        dist = metadata.distribution(name)  # the first one on sys.path: the one imported
    except metadata.PackageNotFoundError:
        return by_path, by_relative
    real_name = dist.metadata["Name"]
    for file in dist.files or ():
        if file.suffix != ".py":
            continue
        located = Path(str(dist.locate_file(file))).resolve()
        by_path[located] = (real_name, dist.version)
        by_relative[file.as_posix()] = (real_name, dist.version, str(located))
    return by_path, by_relative


@functools.lru_cache(maxsize=1)
def _editable_roots() -> list[tuple[str, str, Path]]:
    """(name, version, source directory) of every editable install."""
    roots = []
    for dist in metadata.distributions():
        text = dist.read_text("direct_url.json")
        try:
            info = json.loads(text) if text else {}
        except ValueError:
            continue
        url = info.get("url", "")
        if info.get("dir_info", {}).get("editable") and url.startswith("file://"):
            roots.append((dist.metadata["Name"], dist.version, Path(url[7:]).resolve()))
    return roots
