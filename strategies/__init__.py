"""Hypothesis strategies for oslo.versionedobjects fields and objects.

* :func:`field_values` -- valid values of one ``Field`` (every oslo field type built in);
* :func:`register_field_strategy` / :func:`temporary_field_strategy` -- add or override a
  strategy for a ``FieldType`` class and its subclasses;
* :func:`objects` / :func:`primitives` -- instances (or their primitives) of an OVO class
  at any version, with random subsets of optional fields set and bounded-depth children;
* :class:`NoStrategyError` -- a field type has no strategy (names the call that fixes it).

This package depends on Hypothesis and oslo.versionedobjects only.
"""

from strategies._errors import NoStrategyError, ObjectResolutionError, StrategyError
from strategies._objects import FieldRule, objects, primitives
from strategies._registry import register_field_strategy, temporary_field_strategy
from strategies._values import field_values

__all__ = [
    "FieldRule",
    "NoStrategyError",
    "ObjectResolutionError",
    "StrategyError",
    "field_values",
    "objects",
    "primitives",
    "register_field_strategy",
    "temporary_field_strategy",
]
