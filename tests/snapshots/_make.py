"""Build real, unregistered OVO classes for diff tests: one class per schema variant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from oslo_versionedobjects import base, fields


def make_class(
    name: str,
    version: str = "1.0",
    field_map: Mapping[str, fields.Field] | None = None,
    relationships: Mapping[str, list[tuple[str, str]]] | None = None,
    methods: Mapping[str, Callable[..., Any]] | None = None,
) -> type[base.VersionedObject]:
    """A VersionedObject subclass named ``name`` (its obj_name) that no registry knows."""
    namespace: dict[str, Any] = {
        "VERSION": version,
        "fields": dict(field_map or {}),
        "obj_relationships": dict(relationships or {}),
    }
    for method_name, function in (methods or {}).items():
        namespace[method_name] = base.remotable(function)
    return base.VersionedObjectRegistry.objectify(type(name, (base.VersionedObject,), namespace))
