"""Errors raised by :mod:`strategies` for field types or classes it cannot generate.

Defined here rather than in ``compat_tests.errors`` because ``strategies`` must not
import ``compat_tests`` (data flows one way).
"""

from __future__ import annotations


class StrategyError(Exception):
    """Base class of every bad-input error :mod:`strategies` raises."""


class NoStrategyError(StrategyError):
    """A field's type has no strategy, built-in or registered.

    The message names the object class, the field, the field type and the
    ``register_field_strategy(...)`` call that fixes it.
    """

    def __init__(self, field_type: type, *, owner: str | None, name: str | None) -> None:
        self.field_type = field_type
        self.owner = owner
        self.name = name
        dotted = f"{field_type.__module__}.{field_type.__qualname__}"
        where = f"{owner or '<no object>'}.{name or '<unnamed field>'}"
        super().__init__(
            f"No Hypothesis strategy for field {where}: its field type {field_type.__name__} "
            f"({dotted}) has no registered or built-in strategy. Register one before the tests "
            f"draw, e.g. in a module listed under `strategies` in the ovo-compat target config:\n"
            f"    strategies.register_field_strategy({dotted}, <strategy, or factory(field) "
            f"-> strategy>)"
        )


class ObjectResolutionError(StrategyError):
    """An ``Object`` field names a class that cannot be resolved, or a version is invalid."""
