"""The object test cases of a target: the plan (`compat_tests.plan`) and its runner.

Kept as the one import for runners and tests: `Case` and the `PROPERTIES` registry
come from the plan, `ObjectSuite` (which drives them with Hypothesis) from
`compat_tests.runner`, the staleness rule from `compat_tests.declarations`.
"""

from __future__ import annotations

from collections.abc import Iterable

from compat_tests.config import DeclaredException, Target
from compat_tests.declarations import stale
from compat_tests.plan import PROPERTIES, Case, Property, register
from compat_tests.runner import ObjectSuite, SharedRun

__all__ = [
    "PROPERTIES",
    "Case",
    "ObjectSuite",
    "Property",
    "SharedRun",
    "register",
    "stale_from_usage",
]


def stale_from_usage(
    target: Target, fired: Iterable[int], covered: Iterable[int]
) -> list[DeclaredException]:
    """The declared exceptions covered by some run case that never fired (by index)."""
    return stale(target.exceptions, fired, covered)
