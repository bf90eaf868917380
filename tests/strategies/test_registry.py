"""Custom field types: registration, MRO lookup, precedence, and the missing-strategy error."""

from __future__ import annotations

import pytest
from hypothesis import find, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from oslo_versionedobjects import base, fields

from strategies import (
    NoStrategyError,
    StrategyError,
    field_values,
    objects,
    register_field_strategy,
    temporary_field_strategy,
)


class _Celsius(fields.FieldType):
    def coerce(self, obj, attr, value):
        value = int(value)
        if value < -273:
            raise ValueError(f"{attr}: below absolute zero")
        return value


class _Kelvin(_Celsius):
    pass


class _EvenInteger(fields.Integer):
    """Narrows what the built-in Integer accepts; needs no registration of its own."""

    def coerce(self, obj, attr, value):
        value = super().coerce(obj, attr, value)
        if value % 2:
            raise ValueError(f"{attr}: {value} is odd")
        return value


@base.VersionedObjectRegistry.register
class _StratTestThermometer(base.VersionedObject):
    VERSION = "1.0"
    fields = {"id": fields.IntegerField(), "reading": fields.Field(_Celsius())}


def test_unregistered_type_names_class_field_type_and_fix() -> None:
    with pytest.raises(NoStrategyError) as info:
        objects(_StratTestThermometer)
    message = str(info.value)
    assert "_StratTestThermometer.reading" in message
    assert "_Celsius" in message
    assert f"register_field_strategy({__name__}._Celsius" in message
    assert info.value.field_type is _Celsius
    assert (info.value.owner, info.value.name) == ("_StratTestThermometer", "reading")


def test_unregistered_type_inside_a_list_is_reported() -> None:
    with pytest.raises(NoStrategyError, match=r"Probe\.temps\[\]"):
        field_values(fields.Field(fields.List(_Celsius())), owner="Probe", name="temps")


def _first(strategy: st.SearchStrategy) -> object:
    """The simplest value of ``strategy`` (```` is for interactive use only)."""
    return find(strategy, lambda _: True)


def test_registered_strategy_is_used() -> None:
    with temporary_field_strategy(_Celsius, st.integers(-273, -200)):
        strategy = field_values(fields.Field(_Celsius()))

    @given(strategy)
    def check(value: int) -> None:
        assert -273 <= value <= -200

    check()


def test_registration_is_removed_after_the_block() -> None:
    with temporary_field_strategy(_Celsius, st.just(5)):
        field_values(fields.Field(_Celsius()))
    with pytest.raises(NoStrategyError):
        field_values(fields.Field(_Celsius()))


def test_subclass_uses_nearest_registered_ancestor() -> None:
    with temporary_field_strategy(_Celsius, st.just(1)):
        with temporary_field_strategy(_Kelvin, st.just(2)):
            assert _first(field_values(fields.Field(_Kelvin()))) == 2
        assert _first(field_values(fields.Field(_Kelvin()))) == 1


def test_registration_beats_builtin() -> None:
    with temporary_field_strategy(fields.String, st.just("fixed")):
        assert _first(field_values(fields.StringField())) == "fixed"
        # a nearer built-in (Enum is a String subclass) still wins over the ancestor's
        assert _first(field_values(fields.EnumField(["a"]))) == "a"
    find(field_values(fields.StringField()), lambda v: v != "fixed")


def test_factory_receives_the_field() -> None:
    seen = []

    def factory(field: fields.Field) -> st.SearchStrategy:
        seen.append(field)
        return st.just(-1 if field.nullable else 1)

    field = fields.Field(_Celsius(), nullable=False)
    with temporary_field_strategy(_Celsius, factory):
        assert _first(field_values(field)) == 1
    assert seen == [field]


def test_registration_reaches_already_used_object_classes() -> None:
    with temporary_field_strategy(_Celsius, st.just(21)):
        obj = _first(objects(_StratTestThermometer))
    assert obj.reading == 21


@given(field_values(fields.Field(_EvenInteger())))
def test_subclass_narrowing_coerce_only_gets_accepted_values(value: int) -> None:
    assert value % 2 == 0


def test_register_field_strategy_is_permanent_until_replaced() -> None:
    class _Once(fields.FieldType):
        pass

    register_field_strategy(_Once, st.just("x"))
    assert _first(field_values(fields.Field(_Once()))) == "x"
    register_field_strategy(_Once, st.just("y"))
    assert _first(field_values(fields.Field(_Once()))) == "y"


@pytest.mark.parametrize(
    ("field_type", "strategy", "match"),
    [
        (fields.StringField, st.just("x"), "register its field type"),
        (int, st.just(1), "expected a subclass of"),
        (_Celsius, 42, "expected a SearchStrategy"),
    ],
)
def test_bad_registration_is_rejected(field_type, strategy, match) -> None:
    with pytest.raises(InvalidArgument, match=match):
        register_field_strategy(field_type, strategy)


def test_factory_returning_a_non_strategy_is_reported() -> None:
    with temporary_field_strategy(_Celsius, lambda field: 3):
        with pytest.raises(InvalidArgument, match="returned 3, not a SearchStrategy"):
            field_values(fields.Field(_Celsius()))


@base.VersionedObjectRegistry.register
class _StratTestPicky(base.VersionedObject):
    VERSION = "1.0"
    fields = {"reading": fields.Field(_Celsius())}


def test_strategy_drawing_rejected_values_is_reported_with_the_field() -> None:
    with temporary_field_strategy(_Celsius, st.just(-300)):
        strategy = objects(_StratTestPicky)
        with pytest.raises(StrategyError, match=r"_StratTestPicky\.reading drew -300"):
            find(strategy, lambda _: True)


@given(field_values(fields.EnumField({"b", "a", "c"})))
def test_enum_from_a_set_draws_its_values(value: str) -> None:
    assert value in {"a", "b", "c"}
