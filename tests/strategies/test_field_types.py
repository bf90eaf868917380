"""Every field type and ready-made field of the installed oslo fields module has a strategy.

The values drawn must pass ``coerce`` and survive ``to_primitive`` -> JSON ->
``from_primitive`` unchanged.  ``_coverage_problems`` fails the suite when oslo grows
a field type that has no dedicated built-in strategy.
"""

from __future__ import annotations

import inspect
import json
import re
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oslo_versionedobjects import fields

from strategies import NoStrategyError, field_values
from strategies._fields import _COMPOUNDS
from strategies._scalars import SCALARS
from tests.strategies import _objs

# Bases that carry no constraint to generate from; a field of exactly these types is
# not something a project declares.  Subclasses of them are covered (or reported).
_ABSTRACT = {
    fields.AbstractFieldType,  # abstract methods
    fields.FieldType,  # identity coerce: any Python value, nothing to generate
    fields.CompoundFieldType,  # List/Set/Dict are its concrete forms
    fields.Field,  # wraps a FieldType: covered through every type below
    fields.AutoTypedField,  # no AUTO_TYPE
    fields.BaseEnumField,  # no AUTO_TYPE, refuses to instantiate
}
_LEAF = _objs._StratTestLeaf.__name__

# Constructor arguments for the classes that need them; each entry is a list of
# alternative argument tuples.
_ELEMENTS = [
    fields.String(),
    fields.Integer(),
    fields.UUID(),
    fields.IPAddress(),
    fields.DateTime(),
    fields.Enum(["a", "b"]),
    fields.List(fields.Integer()),
    fields.Object(_LEAF),
]
_HASHABLE_ELEMENTS = [fields.String(), fields.Integer(), fields.UUID(), fields.IPAddress()]
_TYPE_ARGS: dict[type, list[tuple]] = {
    fields.Enum: [(["up", "down", 7],)],
    fields.DateTime: [(), (False,)],
    fields.List: [(e,) for e in _ELEMENTS],
    fields.Dict: [(e,) for e in _ELEMENTS],
    fields.Set: [(e,) for e in _HASHABLE_ELEMENTS],
    fields.Object: [(_LEAF,)],
}
_FIELD_ARGS: dict[type, list[tuple]] = {
    fields.EnumField: [(["up", "down"],)],
    fields.StateMachine: [(["ACTIVE", "ERROR"],)],
    fields.ListOfEnumField: [(["x", "y"],)],
    fields.ObjectField: [(_LEAF,)],
    fields.ListOfObjectsField: [(_LEAF,)],
    fields.DateTimeField: [(), (False,)],
}


def _classes(module: types.ModuleType) -> list[type]:
    return [
        obj
        for _, obj in sorted(vars(module).items())
        if inspect.isclass(obj)
        and obj.__module__ == module.__name__
        and issubclass(obj, (fields.AbstractFieldType, fields.Field))
        and obj not in _ABSTRACT
    ]


def _coverage_problems(module: types.ModuleType) -> list[str]:
    """Field types in ``module`` without a dedicated built-in strategy."""
    problems = []
    for cls in _classes(module):
        if issubclass(cls, fields.AbstractFieldType) and cls not in SCALARS | _COMPOUNDS:
            problems.append(f"{cls.__name__} has no built-in strategy")
    return problems


class _Code(fields.StringPattern):
    """StringPattern itself has no PATTERN; its subclasses are generated from theirs."""

    PATTERN = r"^[A-Z]{3}-[0-9]{2,4}$"


def _instances() -> list[fields.Field]:
    out = []
    for nullable in (False, True):
        for cls in _classes(fields):
            if issubclass(cls, fields.Field):
                for args in _FIELD_ARGS.get(cls, [()]):
                    out.append(cls(*args, nullable=nullable))
            else:
                cls = _Code if cls is fields.StringPattern else cls
                for args in _TYPE_ARGS.get(cls, [()]):
                    out.append(fields.Field(cls(*args), nullable=nullable))
    return out


def _id(field: fields.Field) -> str:
    element = getattr(field._type, "_element_type", None)
    inner = f"({type(element._type).__name__})" if element is not None else ""
    return f"{type(field).__name__}:{type(field._type).__name__}{inner}:{field.nullable}"


def _comparable(value: object) -> object:
    """Objects have no ``__eq__``: compare them (also inside collections) by primitive."""
    if hasattr(value, "obj_to_primitive"):
        return value.obj_to_primitive()
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def _round_trip(field: fields.Field, value: object) -> None:
    holder = _objs._StratTestLeaf()
    coerced = field.coerce(holder, "f", value)
    wire = json.loads(json.dumps(field.to_primitive(holder, "f", coerced)))
    back = field.from_primitive(holder, "f", wire)
    assert _comparable(back) == _comparable(coerced)


def test_every_oslo_field_type_has_a_dedicated_strategy() -> None:
    assert _coverage_problems(fields) == []


def test_coverage_check_reports_a_new_oslo_type() -> None:
    fake = types.ModuleType("fake_oslo_fields")

    class BrandNew(fields.FieldType):
        pass

    class StringFlavour(fields.String):
        pass

    for cls in (BrandNew, StringFlavour):
        cls.__module__ = fake.__name__
        setattr(fake, cls.__name__, cls)
    assert _coverage_problems(fake) == [
        "BrandNew has no built-in strategy",
        "StringFlavour has no built-in strategy",
    ]
    with pytest.raises(NoStrategyError):
        field_values(fields.Field(BrandNew()))


def test_instances_cover_every_class() -> None:
    covered = {type(f) for f in _instances()} | {type(f._type) for f in _instances()}
    assert set(_classes(fields)) - {fields.StringPattern} <= covered
    assert _Code in covered


def test_string_pattern_without_pattern_has_no_strategy() -> None:
    with pytest.raises(NoStrategyError, match="StringPattern"):
        field_values(fields.Field(fields.StringPattern()), owner="Thing", name="code")


@given(field_values(fields.Field(_Code())))
def test_string_pattern_subclass_values_match_pattern(value: str) -> None:
    assert re.fullmatch(_Code.PATTERN, value)


@pytest.mark.parametrize("field", _instances(), ids=_id)
@given(data=st.data())
def test_values_coerce_and_round_trip(field: fields.Field, data: st.DataObject) -> None:
    value = data.draw(field_values(field, owner="Holder", name="f"))
    if value is None:
        assert field.nullable
    else:
        _round_trip(field, value)
