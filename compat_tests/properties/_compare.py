"""Comparing primitives the way a JSON wire sees them, and finding where they differ."""

from __future__ import annotations

import copy
import functools
import importlib
import json
import math
from collections.abc import Callable, Mapping
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


_ATOMS = (str, int, float, bool, type(None))


def copied(value: Any) -> Any:
    """A deep copy of the primitive ``value``, fast for what primitives hold.

    Plain dicts, lists and tuples are rebuilt and JSON scalars shared (they are
    immutable); anything else (subclasses included) is copied with `copy.deepcopy`.
    What one reader of a shared primitive changes in its copy changes nothing the
    others see.
    """
    kind = type(value)
    if kind is dict:
        return {k: copied(v) for k, v in value.items()}
    if kind is list:
        return [copied(v) for v in value]
    if kind in _ATOMS:
        return value
    if kind is tuple:
        return tuple(copied(v) for v in value)
    return copy.deepcopy(value)


def same(a: Any, b: Any) -> bool:
    """Equality that also treats two NaNs as the same value."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:  # values whose __eq__ fails are simply not the same
        return False


def first_difference(a: Any, b: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Path of the first place where ``a`` and ``b`` differ in value or JSON type, else None.

    "First" in sorted key order; the (common) equal case is decided without sorting.
    """
    if _equal(a, b):
        return None
    return _first_difference(a, b, path)


def _equal(a: Any, b: Any) -> bool:
    """True when `first_difference` finds no difference (the same rules, in any order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and same(a, b)


def canonical_difference(
    a: Any, b: Any, descriptors_of: DescriptorsOf
) -> tuple[tuple[Any, ...], Any, Any] | None:
    """Where primitives ``a`` and ``b`` differ once normalized with their Sets sorted.

    Returns ``(path, a', b')`` with ``a'`` and ``b'`` the normalized, Set-sorted forms,
    or None.  Equal normalized primitives are equal sorted too, so those (the common
    case) are not sorted at all.
    """
    if _equal(normalized(a), normalized(b)):
        return None
    left = normalized(sets_sorted(a, descriptors_of))
    right = normalized(sets_sorted(b, descriptors_of))
    path = first_difference(left, right)
    return None if path is None else (path, left, right)


def _first_difference(a: Any, b: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return (*path, key)
            found = _first_difference(a[key], b[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, (*path, index))
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


#: ``descriptors_of(object name, version)``: that version's field descriptors, or None.
DescriptorsOf = Callable[[str, str], "Mapping[str, Any] | None"]


def map_object_data(
    primitive: Any,
    rewrite: Callable[[Mapping[str, Any] | None, dict[str, Any]], dict[str, Any]],
    descriptors_of: DescriptorsOf,
) -> Any:
    """``primitive`` with every object primitive's data replaced by ``rewrite(descriptors, data)``.

    Object primitives are found anywhere (the value itself, inside lists and dicts);
    ``descriptors`` are those of the object's own name and version (None when unknown).
    An object primitive without a data dict is kept as it is.
    """
    keys = _object_keys(primitive)
    if keys is None:
        if isinstance(primitive, list):
            return [map_object_data(v, rewrite, descriptors_of) for v in primitive]
        if isinstance(primitive, dict):
            return {k: map_object_data(v, rewrite, descriptors_of) for k, v in primitive.items()}
        return primitive
    name_key, version_key, data_key = keys
    data = primitive.get(data_key)
    if not isinstance(data, dict):
        return primitive
    descriptors = descriptors_of(str(primitive[name_key]), str(primitive[version_key]))
    return {**primitive, data_key: rewrite(descriptors, data)}


def sets_sorted(primitive: Any, descriptors_of: DescriptorsOf) -> Any:
    """``primitive`` with the members of every Set in a canonical order, wherever it sits.

    A Set's primitive lists the members in iteration order, which a rebuilt set need
    not keep: the order carries no meaning.  Object primitives (found anywhere: inside
    child objects, lists and dicts) are read with the descriptors of their own name and
    version, so a Set inside a child inside a list is sorted as well.
    """

    def rewrite(descriptors: Mapping[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
        known = descriptors or {}
        return {k: sorted_by_descriptor(known.get(k), v, descriptors_of) for k, v in data.items()}

    return map_object_data(primitive, rewrite, descriptors_of)


def sorted_by_descriptor(
    descriptor: Mapping[str, Any] | None, value: Any, descriptors_of: DescriptorsOf
) -> Any:
    """The primitive ``value`` of a field described by ``descriptor`` with its Sets sorted."""
    if descriptor is None or value is None:
        return sets_sorted(value, descriptors_of)
    element = descriptor.get("element")
    if _is_set(descriptor) and isinstance(value, (list, tuple)):
        members = [sorted_by_descriptor(element, v, descriptors_of) for v in value]
        return sorted(members, key=_order_key)
    if isinstance(value, (list, tuple)) and element is not None:
        return [sorted_by_descriptor(element, v, descriptors_of) for v in value]
    if isinstance(value, dict) and element is not None and _object_keys(value) is None:
        return {k: sorted_by_descriptor(element, v, descriptors_of) for k, v in value.items()}
    return sets_sorted(value, descriptors_of)


def _object_keys(value: Any) -> tuple[str, str, str] | None:
    """The (name, version, data) keys of an object primitive in any namespace, else None."""
    if not isinstance(value, dict):
        return None
    found = {}
    for key in value:
        prefix, _, part = str(key).rpartition(".")
        if prefix and part in ("name", "version", "data"):
            found[part] = key
    if len(found) != 3:
        return None
    return found["name"], found["version"], found["data"]


@functools.cache
def _set_class(dotted: str) -> bool:
    module, _, name = dotted.rpartition(".")
    try:
        klass = getattr(importlib.import_module(module), name)
    except Exception:  # a class that no longer imports: judge by its recorded name only
        return False
    return isinstance(klass, type) and issubclass(klass, ovo_fields.Set)


def _is_set(descriptor: Mapping[str, Any]) -> bool:
    if descriptor.get("type") == "Set":
        return True
    dotted = descriptor.get("class")
    return isinstance(dotted, str) and _set_class(dotted)


def _order_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)
