"""Hypothesis strategies for oslo.versionedobjects fields and objects.

* :func:`field_values` -- valid values of one ``Field`` (every oslo field type built in);
* :func:`register_field_strategy` / :func:`temporary_field_strategy` -- add or override a
  strategy for a ``FieldType`` class and its subclasses;
* :func:`objects` / :func:`primitives` -- instances (or their primitives) of an OVO class
  at any version, with random subsets of optional fields set and bounded-depth children;
* :func:`rows` / :func:`datasets` -- rows of a SQLAlchemy ``Table`` (types, lengths,
  nullability, enums, defaults, unique and foreign keys honoured); need SQLAlchemy;
* :class:`NoStrategyError` -- a field type has no strategy (names the call that fixes it).

This package depends on Hypothesis and oslo.versionedobjects only (SQLAlchemy for rows).
"""

from strategies._errors import NoStrategyError, ObjectResolutionError, StrategyError
from strategies._objects import FieldRule, objects, primitives
from strategies._registry import register_field_strategy, temporary_field_strategy
from strategies._values import field_values

try:  # the row strategies need SQLAlchemy (the db extra)
    from strategies._rows import datasets, rows
except ImportError as _missing:  # pragma: no cover - exercised without SQLAlchemy only
    _reason = str(_missing)

    def rows(*args: object, **kwargs: object) -> object:
        """Unavailable: SQLAlchemy is not installed (``pip install ovo-compat[db]``)."""
        raise ImportError(f"strategies.rows needs SQLAlchemy: {_reason}; install ovo-compat[db]")

    def datasets(*args: object, **kwargs: object) -> object:
        """Unavailable: SQLAlchemy is not installed (``pip install ovo-compat[db]``)."""
        raise ImportError(
            f"strategies.datasets needs SQLAlchemy: {_reason}; install ovo-compat[db]"
        )


__all__ = [
    "FieldRule",
    "NoStrategyError",
    "ObjectResolutionError",
    "StrategyError",
    "datasets",
    "field_values",
    "objects",
    "primitives",
    "register_field_strategy",
    "rows",
    "temporary_field_strategy",
]
