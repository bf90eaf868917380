"""Old servers rebuilt from RPC snapshots: the RPC twin of `compat_tests.rebuild`.

A server "as it was at version X" (`rebuilt_endpoint`) has every method recorded at
X with its recorded parameters: unknown or missing arguments raise
`OldServerRejects`.  `ManifestSerializer` refuses objects newer than the X-era
manifest (`TooNewObject`).  The old server's results are unknown, so its methods
answer None: only its acceptance is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import oslo_messaging

from compat_tests.versions import compatible

__all__ = [
    "ManifestSerializer",
    "OldServerRejects",
    "TooNewObject",
    "find_objects",
    "reads",
    "rebuilt_endpoint",
    "too_new_objects",
]


class OldServerRejects(TypeError):
    """A server rebuilt from a snapshot refused a message (unknown argument, missing one)."""


class TooNewObject(Exception):
    """An object inside a message is newer than the receiving node can read."""

    def __init__(self, name: str, version: str, readable: str | None, location: str) -> None:
        have = f"reads at most {name} {readable}" if readable else f"does not know {name}"
        super().__init__(f"object {name} {version} at {location}: that node {have}")
        self.name, self.version, self.readable, self.location = name, version, readable, location


def find_objects(entity: Any, location: str = "") -> list[tuple[str, str, str]]:
    """``(name, version, location)`` of every serialized versioned object inside ``entity``."""
    found = []
    if isinstance(entity, dict):
        names = [k for k in entity if isinstance(k, str) and k.endswith(".name")]
        for key in names:
            prefix = key[: -len(".name")]
            if f"{prefix}.version" in entity and f"{prefix}.data" in entity:
                found.append((entity[key], entity[f"{prefix}.version"], location or "/"))
        for key, value in entity.items():
            found.extend(find_objects(value, f"{location}/{key}"))
    elif isinstance(entity, (list, tuple)):
        for index, value in enumerate(entity):
            found.extend(find_objects(value, f"{location}/{index}"))
    return found


def too_new_objects(entity: Any, manifest: dict[str, str], where: str = "") -> TooNewObject | None:
    """The first object in ``entity`` that a node with ``manifest`` cannot read, or None."""
    for name, version, location in find_objects(entity, where):
        readable = manifest.get(name)
        if readable is None or not reads(readable, version):
            return TooNewObject(name, version, readable, location)
    return None


def rebuilt_endpoint(api_name: str, schema: dict[str, Any]) -> Any:
    """An endpoint object with exactly the methods and parameters recorded in ``schema``.

    Each method checks the arguments the old server would have taken (unknown or
    missing ones raise `OldServerRejects`) and returns None: the old server's
    results are unknown, only its acceptance is checked.
    """
    version = schema["version"]
    methods = {
        name: _old_method(api_name, version, name, desc["params"])
        for name, desc in schema["methods"].items()
    }
    methods["target"] = oslo_messaging.Target(namespace=schema.get("namespace"), version=version)
    return type(f"{api_name}Server_{version.replace('.', '_')}", (), methods)()


class ManifestSerializer(oslo_messaging.Serializer):
    """Wraps a serializer; refuses incoming objects newer than an old node's manifest."""

    def __init__(self, inner: Any, manifest: dict[str, str]) -> None:
        self._inner, self._manifest = inner, manifest

    def serialize_entity(self, ctxt: Any, entity: Any) -> Any:
        """As the wrapped serializer."""
        return self._inner.serialize_entity(ctxt, entity)

    def deserialize_entity(self, ctxt: Any, entity: Any) -> Any:
        """Refuse objects newer than the manifest, then as the wrapped serializer."""
        problem = too_new_objects(entity, self._manifest)
        if problem is not None:
            raise problem
        return self._inner.deserialize_entity(ctxt, entity)

    def serialize_context(self, ctxt: Any) -> Any:
        """As the wrapped serializer."""
        return self._inner.serialize_context(ctxt)

    def deserialize_context(self, ctxt: Any) -> Any:
        """As the wrapped serializer."""
        return self._inner.deserialize_context(ctxt)


def _old_method(api: str, version: str, method: str, params: dict[str, Any]) -> Callable:
    accepts_any = any(p.startswith("**") for p in params)
    known = {p for p in params if not p.startswith("**")}
    required = {p for p, desc in params.items() if desc.get("required")}

    def endpoint_method(self: Any, ctxt: Any, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - known)
        if unknown and not accepts_any:
            raise OldServerRejects(
                f"RPC API {api} server {version} method {method} got unexpected argument(s) "
                f"{unknown}; it takes {sorted(known)}"
            )
        missing = sorted(required - set(kwargs))
        if missing:
            raise OldServerRejects(
                f"RPC API {api} server {version} method {method} is missing required "
                f"argument(s) {missing}"
            )

    endpoint_method.__name__ = method
    return endpoint_method


def reads(have_version: str, version: str) -> bool:
    """Whether a node reading ``have_version`` reads ``version`` (same major, minor at most)."""
    return compatible(version, have_version)
