"""The plan: properties are registry entries, and the support window is computed once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests import plan
from compat_tests.cases import ObjectSuite
from compat_tests.failures import CompatFailure, Failure
from compat_tests.snapshots import SnapshotStore
from tests.gallery.harness import SETTINGS, sample


@pytest.fixture
def suite() -> ObjectSuite:
    target, classes = sample()
    return ObjectSuite(target, classes, SnapshotStore(target.snapshots))


@pytest.fixture
def no_name_change() -> Iterator[list[tuple[str, str]]]:
    """A new property, registered with one entry: backports never change ``name``."""
    seen: list[tuple[str, str]] = []

    def check(subject: Any, obj: Any, case: plan.Case) -> None:
        seen.append((case.from_version, case.to_version))
        if case.name == "Port" and case.to_version == "1.0":
            raise CompatFailure(Failure("backport.lost-value", "Port", "seeded", "1.4", "1.0"))

    plan.register(plan.Property("no-name-change", "down", check))
    try:
        yield seen
    finally:
        del plan.PROPERTIES["no-name-change"]


def test_adding_a_property_is_one_registry_entry(suite, no_name_change) -> None:
    cases = [c for c in suite.class_cases("Port") if c.prop == "no-name-change"]
    supported, _ = suite.versions("Port")
    assert [c.to_version for c in cases] == list(reversed(supported))
    assert all(c.is_pair and c.definition.direction == "current" for c in cases)
    for case in cases:
        if case.to_version == "1.0":
            with pytest.raises(CompatFailure):
                suite.run(case, SETTINGS)
        else:
            suite.run(case, SETTINGS)
    # decided by the class's shared run: every pair saw the same generated examples
    assert {pair for pair in no_name_change} == {(c.from_version, c.to_version) for c in cases}


def test_every_property_has_a_shape_and_a_check() -> None:
    assert list(plan.PROPERTIES) == [
        "snapshot",
        "roundtrip",
        "backport",
        "manifest",
        "indirection",
        "upgrade",
        "release",
    ]
    for prop in plan.PROPERTIES.values():
        shapes = ("static", "current", "down", "up", "release")
        assert prop.shape in shapes and callable(prop.check)


def test_support_window_is_computed_once_per_class(suite) -> None:
    window = suite.window("Port")
    assert window is suite.window("Port")  # cached
    assert window.caps[-1] == str(suite.classes["Port"].VERSION)
    assert list(window.supported) == suite.versions("Port")[0]
