"""Reading the field descriptors `compat_tests.schema.describe` records.

A descriptor is a dict such as ``{"type": "List", "element": {"type": "Object",
"objname": "Subnet"}}``; `compat_tests.rebuild` turns one back into a real OVO field.
These helpers are the one place that looks inside one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["holds_subclasses", "objname"]


def _innermost(descriptor: Mapping[str, Any]) -> Mapping[str, Any]:
    while "objname" not in descriptor and "element" in descriptor:
        descriptor = descriptor["element"] or {}
    return descriptor


def objname(descriptor: Mapping[str, Any]) -> str | None:
    """The object name a field (or its elements, at any depth) holds, or None."""
    return _innermost(descriptor or {}).get("objname")


def holds_subclasses(descriptor: Mapping[str, Any]) -> bool:
    """Tell whether the object field (or its elements) accepts subclasses of its object."""
    return bool(_innermost(descriptor or {}).get("subclasses"))
