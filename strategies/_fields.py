"""Walk a Field's type tree and build its strategy: registry lookup, compounds, nullability."""

from __future__ import annotations

import copy
from typing import NamedTuple, Protocol

from hypothesis import strategies as st
from oslo_versionedobjects import fields

from strategies._errors import NoStrategyError
from strategies._registry import call_user, user_registration
from strategies._scalars import SCALARS, wire_text

# Collections stay small: strategies are drawn millions of times and a long list
# exercises no compatibility path that a short one does not.
MAX_COLLECTION = 5


class Site(NamedTuple):
    """Where a field lives, for error messages and relationship lookups."""

    owner: str | None
    name: str | None


class Children(Protocol):
    """How Object field types get their values; supplied by the objects layer."""

    exhausted: bool

    def child(self, objname: str, field: fields.Field, site: Site) -> st.SearchStrategy:
        """Strategy for an ``Object(objname)`` value of ``field``."""
        ...


def build(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy:
    """Strategy for every valid Python value of ``field`` (None, default, typed values)."""
    return _with_null_and_default(field, _type_values(field, site, children), site)


def has_objects(field_type: fields.FieldType) -> bool:
    """True if values of ``field_type`` contain versioned objects (Object or a compound of it)."""
    if isinstance(field_type, fields.Object):
        return True
    if isinstance(field_type, fields.CompoundFieldType):
        return has_objects(field_type._element_type._type)
    return False


def _type_values(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy:
    field_type = field._type
    if isinstance(field_type, fields.Field):
        # A Field where a FieldType belongs (neutron-lib 3.21's ListOfDictOfMiscValuesField
        # lists DictOfMiscValuesField()): its values are that field's values.
        return _type_values(field_type, site, children)
    # Some releases set AUTO_TYPE to the type class itself (neutron-lib 3.21's
    # DictOfMiscValuesField), whose coerce is then called on the class: look that class up.
    actual = field_type if isinstance(field_type, type) else type(field_type)
    for klass in actual.__mro__:
        entry = user_registration(klass)
        if entry is not None:
            strategy = call_user(entry, field, klass)
            break
        if klass in _COMPOUNDS:
            strategy = _COMPOUNDS[klass](field, site, children)
            break
        if klass in SCALARS:
            strategy = SCALARS[klass](field_type)
            if strategy is None:
                raise NoStrategyError(actual, owner=site.owner, name=site.name)
            break
    else:
        raise NoStrategyError(actual, owner=site.owner, name=site.name)
    if klass is not actual and actual.coerce is not klass.coerce:
        # A subclass of a covered type that narrows what coerce accepts (ranges, patterns):
        # keep only what it accepts, and hand out the coerced form.
        strategy = _accepted_by(field_type, strategy, site)
    return strategy


def _accepted_by(
    field_type: fields.FieldType, strategy: st.SearchStrategy, site: Site
) -> st.SearchStrategy:
    rejected = object()
    attr = site.name or "value"

    def coerce(value: object) -> object:
        try:
            return field_type.coerce(None, attr, value)
        except (ValueError, TypeError):
            return rejected

    return strategy.map(coerce).filter(lambda v: v is not rejected)


def _with_null_and_default(
    field: fields.Field, strategy: st.SearchStrategy, site: Site
) -> st.SearchStrategy:
    options = []
    if field.nullable:
        options.append(st.none())
    default = field.default
    if default is not fields.UnspecifiedDefault and default is not None:
        try:
            field.coerce(None, site.name or "value", copy.deepcopy(default))
        except (ValueError, TypeError):
            pass  # a default the field rejects is the schema's bug, not a value to draw
        else:
            options.append(st.just(default).map(copy.deepcopy))
    options.append(strategy)
    return options[0] if len(options) == 1 else st.one_of(options)


def _element(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy | None:
    element = field._type._element_type  # type: ignore[attr-defined]
    if children.exhausted and has_objects(element._type):
        return None
    name = f"{site.name}[]" if site.name else None
    return build(element, Site(site.owner, name), _ElementChildren(children, site))


class _ElementChildren:
    """Element Fields of a compound keep the top-level field's name for relationships."""

    def __init__(self, parent: Children, site: Site) -> None:
        self._parent = parent
        self._site = site
        self.exhausted = parent.exhausted

    def child(self, objname: str, field: fields.Field, site: Site) -> st.SearchStrategy:
        return self._parent.child(objname, field, self._site)


def _list(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy:
    element = _element(field, site, children)
    if element is None:
        return st.builds(list)
    return st.lists(element, max_size=MAX_COLLECTION)


def _set(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy:
    element = _element(field, site, children)
    if element is None:
        return st.builds(set)
    return st.sets(element, max_size=MAX_COLLECTION)


def _dict(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy:
    element = _element(field, site, children)
    if element is None:
        return st.builds(dict)
    return st.dictionaries(wire_text(), element, max_size=MAX_COLLECTION)


def _object(field: fields.Field, site: Site, children: Children) -> st.SearchStrategy:
    return children.child(field._type._obj_name, field, site)  # type: ignore[attr-defined]


_COMPOUNDS = {
    fields.List: _list,
    fields.Set: _set,
    fields.Dict: _dict,
    fields.Object: _object,
}
