"""Comparing primitives the way a JSON wire sees them, and finding where they differ."""

from __future__ import annotations

import math
from typing import Any

from oslo_versionedobjects import fields as ovo_fields


def normalized(value: Any) -> Any:
    """A JSON-shaped view of a primitive: tuples become lists, ``*.changes`` lists are sorted.

    OVO builds ``changes`` from a set, so its order carries no meaning.
    """
    if isinstance(value, dict):
        return {
            k: sorted(v) if str(k).endswith(".changes") and isinstance(v, list) else normalized(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [normalized(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Equality that also treats two NaNs as the same value."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:  # values whose __eq__ fails are simply not the same
        return False


def first_difference(a: Any, b: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Path of the first place where ``a`` and ``b`` differ in value or JSON type, else None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return (*path, key)
            found = first_difference(a[key], b[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, (*path, index))
            if found is not None:
                return found
        return None
    if type(a) is not type(b) or not same(a, b):
        return path
    return None


def dig(value: Any, path: tuple[Any, ...]) -> Any:
    """The part of ``value`` at ``path`` (``<absent>`` when the path does not exist)."""
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return "<absent>"
    return value


def set_members_sorted(field: ovo_fields.Field, primitive: Any) -> Any:
    """``primitive`` of ``field`` with a ``Set``'s members sorted.

    A Set's primitive lists the members in iteration order, which a rebuilt set need
    not keep: the order carries no meaning.
    """
    if isinstance(field._type, ovo_fields.Set) and isinstance(primitive, (list, tuple)):
        return sorted(primitive, key=repr)
    return primitive
