"""The server side of an RPC API as JSON: what gets recorded in ``<snapshots>/rpc/<Api>.json``.

One version's schema::

    {"version": "1.2",
     "namespace": null,
     "methods": {"get_router": {"params": {"router_id": {"required": true},
                                           "fields": {"required": false, "default": null}},
                                "signature": "(context, router_id, fields=None)"}},
     "objects": {"Router": "1.1"}}

``objects`` is the newest version of every object class the server could read
when this API version was current; an old node rebuilt at that version rejects
anything newer.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

from oslo_versionedobjects import base as ovo_base

from compat_tests.errors import SnapshotError
from compat_tests.relationships import all_subclasses
from compat_tests.rpc.api import RpcApi
from compat_tests.snapshots import SnapshotStore
from compat_tests.versions import parse as version_key

__all__ = [
    "describe_api",
    "describe_endpoints",
    "load_history",
    "object_manifest",
    "version_key",
]


def describe_api(api: RpcApi, registry: Any = None) -> dict[str, Any]:
    """Schema of the current server of ``api`` (endpoints plus registered object versions).

    The ``objects`` here are the newest registered classes (what the current node
    reads); a recording replaces them with the versions the API sends and reads at
    its version (`compat_tests.rpc.record`), and comparisons never look at them.
    """
    return describe_endpoints(
        api.endpoints(),
        namespace=api.namespace,
        objects=object_manifest(api.object_base(), registry),
    )


def describe_endpoints(
    endpoints: Any, *, namespace: str | None = None, objects: dict[str, str] | None = None
) -> dict[str, Any]:
    """Schema of a list of endpoint objects: every public method with its parameters."""
    methods: dict[str, Any] = {}
    versions = []
    for endpoint in endpoints:
        target = getattr(endpoint, "target", None)
        if target is not None:
            versions.append(target.version or "1.0")
            namespace = target.namespace if target.namespace is not None else namespace
        for name in dir(type(endpoint)):
            member = getattr(endpoint, name)
            if name.startswith("_") or name == "target" or not callable(member):
                continue
            methods[name] = _describe_method(member)
    return {
        "version": max(versions, key=version_key) if versions else "1.0",
        "namespace": namespace,
        "methods": methods,
        "objects": dict(sorted((objects or {}).items())),
    }


def object_manifest(obj_base: type | None, registry: Any = None) -> dict[str, str]:
    """Newest registered version of every object class deriving from ``obj_base``.

    Without ``obj_base``, every class of ``registry`` (the target's registry); with
    neither, nothing.
    """
    if obj_base is None and registry is None:
        return {}
    if obj_base is None:
        return {
            name: max((c.VERSION for c in classes), key=version_key)
            for name, classes in sorted(registry.obj_classes().items())
            if classes
        }
    manifest: dict[str, str] = {}
    # projects may keep their own registry (Neutron's NeutronObjectRegistry has its own table)
    registries = [
        ovo_base.VersionedObjectRegistry,
        *all_subclasses(ovo_base.VersionedObjectRegistry),
    ]
    for registry in registries:
        for name, classes in registry.obj_classes().items():
            mine = [c.VERSION for c in classes if issubclass(c, obj_base)]
            if name in manifest:
                mine.append(manifest[name])
            if mine:
                manifest[name] = max(mine, key=version_key)
    return manifest


def load_history(directory: Path, name: str) -> dict[str, dict[str, Any]]:
    """Recorded versions of RPC API ``name`` in ``directory`` (``<snapshots>/rpc``), oldest first.

    A missing file is an empty history; a malformed one raises `SnapshotError`.
    """
    store = SnapshotStore(Path(directory))
    if name not in store:
        return {}
    history = store.history(name)
    for version, schema in history.items():
        if not isinstance(schema.get("methods"), dict):
            raise SnapshotError(
                f'{store.path(name)}: version {version} of RPC API {name} has no "methods" '
                "object; is this an object snapshot in the rpc/ directory?"
            )
    return history


def _describe_method(method: Any) -> dict[str, Any]:
    params = list(inspect.signature(method).parameters.values())[1:]  # drop the context
    described = {}
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            described[f"**{param.name}"] = {"required": False}
            continue
        entry: dict[str, Any] = {"required": param.default is param.empty}
        if param.default is not param.empty:
            entry["default"] = _jsonable(param.default)
        described[param.name] = entry
    bare = inspect.signature(method)
    bare = bare.replace(
        parameters=[p.replace(annotation=p.empty) for p in bare.parameters.values()],
        return_annotation=bare.empty,
    )
    return {"params": described, "signature": _stable(str(bare))}


# ``<object object at 0x7f...>``: a sentinel default's repr names a memory address that
# differs per process, so the same server would describe differently each recording.
_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(text: str) -> str:
    return _ADDRESS_RE.sub("", text)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return _stable(repr(value))
    return value
