"""Describe an OVO class at its current version as a JSON-ready schema.

The description is what a snapshot records (see ``docs/snapshots.rst``): every
field with a type descriptor precise enough to rebuild the field, the
``obj_relationships`` table, the remotable methods with their signatures, and
the fingerprint oslo's ``ObjectVersionChecker`` computes, so a project moving
from its hash list to snapshots can check that both agree.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from oslo_versionedobjects import base, fields

__all__ = ["describe", "describe_field", "describe_type", "fingerprint", "remotable_methods"]

# Instance attributes of a FieldType that the descriptor already covers elsewhere.
_COVERED_ATTRS = {"_valid_values", "_element_type", "_obj_name", "_subclasses", "PATTERN"}
_JSON_SCALARS = (str, int, float, bool, type(None))


def describe(cls: type[base.VersionedObject]) -> dict[str, Any]:
    """Schema of ``cls`` at ``cls.VERSION``: fields, relationships, remotable, fingerprint."""
    return {
        "version": cls.VERSION,
        "fields": {name: describe_field(field) for name, field in sorted(cls.fields.items())},
        "relationships": {
            name: [[parent, child] for parent, child in pairs]
            for name, pairs in sorted(getattr(cls, "obj_relationships", {}).items())
        },
        "remotable": remotable_methods(cls),
        "fingerprint": fingerprint(cls),
    }


def describe_field(field: fields.Field) -> dict[str, Any]:
    """The descriptor of one ``Field``: its type descriptor plus ``nullable`` and ``default``.

    ``default`` is absent when the field has none (``fields.UnspecifiedDefault``).
    """
    descriptor = describe_type(field._type)
    descriptor["nullable"] = bool(field.nullable)
    if field.default is not fields.UnspecifiedDefault:
        descriptor["default"] = _jsonable(field.default)
    return descriptor


def describe_type(field_type: fields.FieldType) -> dict[str, Any]:
    """The descriptor of a ``FieldType`` instance (an element descriptor: no nullable/default).

    Older neutron-lib releases set ``AUTO_TYPE`` to a FieldType class rather than an instance
    and nest a ``Field`` as a list element; both are described by the FieldType they carry,
    so the same wire format gets the same descriptor across releases.
    """
    if isinstance(field_type, type):
        return {"type": field_type.__name__, "class": _dotted(field_type)}
    if isinstance(field_type, fields.Field):
        # ``List(SomeField())`` (a Field where a FieldType belongs) carries its type inside.
        return describe_type(field_type._type)
    klass = type(field_type)
    descriptor: dict[str, Any] = {
        "type": klass.__name__,
        "class": _dotted(klass),
    }
    valid_values = getattr(field_type, "_valid_values", None)
    if valid_values is not None:
        descriptor["valid_values"] = _jsonable(list(valid_values))
    if isinstance(field_type, fields.StringPattern) and hasattr(field_type, "PATTERN"):
        descriptor["pattern"] = field_type.PATTERN
    if isinstance(field_type, fields.CompoundFieldType):
        inner = field_type._element_type
        element = describe_type(inner._type)
        # Dict(String(), nullable=True) holds None values: only then is "nullable" recorded.
        if inner.nullable:
            element["nullable"] = True
        descriptor["element"] = element
    if isinstance(field_type, fields.Object):
        descriptor["objname"] = field_type._obj_name
        descriptor["subclasses"] = bool(field_type._subclasses)
    params = _params(field_type)
    if params:
        descriptor["params"] = params
    return descriptor


def _dotted(klass: type) -> str:
    return f"{klass.__module__}.{klass.__qualname__}"


def remotable_methods(cls: type) -> dict[str, str]:
    """Remotable methods and classmethods of ``cls`` mapped to their signature string."""
    methods = {}
    for name in dir(cls):
        original = _remotable_original(getattr(cls, name, None))
        if original is not None:
            methods[name] = str(inspect.signature(original))
    return dict(sorted(methods.items()))


def fingerprint(cls: type[base.VersionedObject]) -> str:
    """``"<VERSION>-<md5>"`` exactly as oslo's ``ObjectVersionChecker.get_hashes`` computes it."""
    # Imported here: the fixture module pulls in oslo.service, which most stages never need.
    from oslo_versionedobjects.fixture import ObjectVersionChecker

    name = cls.obj_name()
    return ObjectVersionChecker({name: [cls]}).get_hashes()[name]


def _remotable_original(thing: Any) -> Any:
    # remotable / remotable_classmethod wrap the implementation and mark the wrapper
    # with ``remotable`` and ``original_fn``; stacked wrappers are followed to the end.
    if not (inspect.ismethod(thing) or inspect.isfunction(thing)):
        return None
    if not getattr(thing, "remotable", False):
        return None
    while getattr(thing, "remotable", False) and hasattr(thing, "original_fn"):
        thing = thing.original_fn
    return thing


def _params(field_type: fields.FieldType) -> dict[str, Any]:
    # Constructor-like state of custom types (e.g. neutron RangeConstrainedInteger's
    # _start/_end, DateTime's tzinfo_aware), keyed without the leading underscore.
    params = {}
    for attr, value in sorted(vars(field_type).items()):
        if attr in _COVERED_ATTRS or attr.startswith("__"):
            continue
        try:
            params[attr.lstrip("_")] = _jsonable(value, strict=True)
        except TypeError:
            continue
    return params


def _jsonable(value: Any, *, strict: bool = False) -> Any:
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, strict=strict) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v, strict=strict) for v in value), key=repr)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, strict=strict) for k, v in value.items()}
    if strict:
        raise TypeError(f"{type(value).__name__} is not JSON-able")
    return str(value)
