"""A target's guarantees (``[[tool.ovo-compat.targets.NAME.guarantees]]``) as generation rules.

A project may guarantee more than its field definitions say: objects Nova loads from
its database always carry ``InstanceGroup.policies``, a nullable field that is never
None there.  Generating what the project never produces only raises false alarms, so
a target states such guarantees, each with its reason, and generated objects honour
them.  A guarantee that no longer applies (its class or field is gone, ``never_none``
on a field that is no longer nullable, ``always_set`` on one that became required)
fails the run like a stale declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oslo_versionedobjects import fields as ovo_fields

from compat_tests.errors import ConfigError


def target_rules(target: Any, classes: Mapping[str, type]) -> dict[tuple[str, str], Any]:
    """``{(object, field): strategies.FieldRule}`` for ``target.guarantees``, checked.

    Raises `compat_tests.errors.ConfigError` naming the guarantee that is stale or
    whose strategy cannot be imported.
    """
    from hypothesis import strategies as st

    import strategies
    from compat_tests.discover import resolve_ref

    rules = {}
    for guarantee in target.guarantees:
        problem = stale_reason(guarantee, classes)
        if problem:
            raise ConfigError(
                f"{target.config_path}: {guarantee.where} is stale: {problem}; delete or "
                "update it (its reason was: " + guarantee.reason + ")"
            )
        strategy = None
        if guarantee.strategy is not None:
            found = resolve_ref(target, "guarantees", guarantee.strategy, "a strategy factory")
            strategy = found if isinstance(found, st.SearchStrategy) else found()
            if not isinstance(strategy, st.SearchStrategy):
                raise ConfigError(
                    f"{target.config_path}: {guarantee.where} strategy {guarantee.strategy!r} "
                    "must be a Hypothesis strategy or a callable returning one"
                )
        rules[(guarantee.object, guarantee.field)] = strategies.FieldRule(
            always_set=guarantee.always_set, never_none=guarantee.never_none, strategy=strategy
        )
    return rules


def stale_reason(guarantee: Any, classes: Mapping[str, type]) -> str | None:
    """Why ``guarantee`` no longer applies to ``classes``, or None when it still does."""
    cls = classes.get(guarantee.object)
    if cls is None:
        return f"the target has no class {guarantee.object!r}"
    field = cls.fields.get(guarantee.field)
    if field is None:
        return f"{guarantee.object} has no field {guarantee.field!r}"
    if guarantee.never_none and not field.nullable:
        return f"{guarantee.object}.{guarantee.field} is not nullable: never_none says nothing"
    required = not field.nullable and field.default is ovo_fields.UnspecifiedDefault
    if guarantee.always_set and required:
        return f"{guarantee.object}.{guarantee.field} is required: always_set says nothing"
    return None
