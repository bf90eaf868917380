"""``field_values``: the public entry point for one Field's values."""

from __future__ import annotations

import weakref

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from oslo_versionedobjects import fields as ovo_fields

from strategies._fields import Site, build, has_objects
from strategies._objects import global_children
from strategies._registry import on_change

_cache: weakref.WeakKeyDictionary[ovo_fields.Field, st.SearchStrategy] = weakref.WeakKeyDictionary()
on_change(_cache.clear)


def field_values(
    field: ovo_fields.Field, *, owner: str | None = None, name: str | None = None
) -> st.SearchStrategy:
    """Strategy for valid Python values of the oslo ``Field`` instance ``field``.

    Values pass ``field.coerce`` and survive ``to_primitive``/``from_primitive``.
    None is drawn only for nullable fields; the field's default is drawn sometimes.
    ``Object`` values come from the global registry's newest class, two levels deep
    (``objects()`` resolves them through the owner class instead).  ``owner`` and
    ``name`` only label errors.  Raises ``NoStrategyError`` if a type in the field
    has no built-in or registered strategy.
    """
    if not isinstance(field, ovo_fields.Field):
        raise InvalidArgument(
            f"field_values() needs an oslo_versionedobjects.fields.Field instance, got "
            f"{field!r}; wrap a FieldType with fields.Field(the_type)"
        )
    if has_objects(field._type):
        # Not cached: the global registry may gain newer classes between calls.
        return build(field, Site(owner, name), global_children(owner, max_depth=2))
    cached = _cache.get(field)
    if cached is None:
        cached = build(field, Site(owner, name), global_children(owner, max_depth=2))
        _cache[field] = cached
    return cached
