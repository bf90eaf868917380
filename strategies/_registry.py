"""Field-type -> strategy lookup: user registrations over built-ins, nearest class wins."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from oslo_versionedobjects import fields

Factory = Callable[[fields.Field], st.SearchStrategy]
StrategyOrFactory = st.SearchStrategy | Factory

_USER: dict[type, StrategyOrFactory] = {}
_invalidators: list[Callable[[], None]] = []


def register_field_strategy(field_type: type, strategy_or_factory: StrategyOrFactory) -> None:
    """Use ``strategy_or_factory`` for fields whose type is ``field_type`` or a subclass.

    ``field_type`` is an ``oslo_versionedobjects.fields.FieldType`` subclass (the type
    of ``Field._type``, not the ``*Field`` wrapper).  ``strategy_or_factory`` is a
    ``SearchStrategy`` or a ``Callable[[Field], SearchStrategy]`` called once per
    field (so it can read the field type's attributes).  A registration beats the
    built-in strategy of the same class; lookups walk the type's MRO, so the nearest
    registered ancestor wins.  Registering again replaces the previous registration.
    """
    _check_field_type(field_type)
    if not isinstance(strategy_or_factory, st.SearchStrategy) and not callable(strategy_or_factory):
        raise InvalidArgument(
            f"register_field_strategy({field_type.__name__}, ...): expected a SearchStrategy "
            f"or a callable(field) -> SearchStrategy, got {strategy_or_factory!r}"
        )
    _USER[field_type] = strategy_or_factory
    _invalidate()


@contextlib.contextmanager
def temporary_field_strategy(
    field_type: type, strategy_or_factory: StrategyOrFactory
) -> Iterator[None]:
    """Register ``strategy_or_factory`` for ``field_type`` inside a ``with`` block only.

    The previous registration (or its absence) is restored on exit.  Meant for tests.
    """
    _check_field_type(field_type)
    missing = object()
    previous = _USER.get(field_type, missing)
    register_field_strategy(field_type, strategy_or_factory)
    try:
        yield
    finally:
        if previous is missing:
            _USER.pop(field_type, None)
        else:
            _USER[field_type] = previous  # type: ignore[assignment]
        _invalidate()


def user_registration(cls: type) -> StrategyOrFactory | None:
    """The user registration for exactly ``cls``, if any."""
    return _USER.get(cls)


def call_user(entry: StrategyOrFactory, field: fields.Field, cls: type) -> st.SearchStrategy:
    """Turn a registration into a strategy for ``field``; reject factories returning junk."""
    if isinstance(entry, st.SearchStrategy):
        return entry
    result = entry(field)
    if not isinstance(result, st.SearchStrategy):
        raise InvalidArgument(
            f"The strategy factory {entry!r} registered for {cls.__name__} returned "
            f"{result!r}, not a SearchStrategy"
        )
    return result


def on_change(callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever registrations change (used to drop strategy caches)."""
    _invalidators.append(callback)


def _invalidate() -> None:
    for callback in _invalidators:
        callback()


def _check_field_type(field_type: Any) -> None:
    if isinstance(field_type, type) and issubclass(field_type, fields.Field):
        raise InvalidArgument(
            f"register_field_strategy({field_type.__name__}, ...): {field_type.__name__} is a "
            f"Field wrapper; register its field type instead, e.g. "
            f"type({field_type.__name__}.AUTO_TYPE) or the FieldType class it wraps"
        )
    if not (isinstance(field_type, type) and issubclass(field_type, fields.AbstractFieldType)):
        raise InvalidArgument(
            f"register_field_strategy: expected a subclass of "
            f"oslo_versionedobjects.fields.FieldType, got {field_type!r}"
        )
