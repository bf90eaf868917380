"""Bounded cost of failing cases on big objects, and what a run (even interrupted) reports."""

from __future__ import annotations

import re

import pytest
from hypothesis.internal.conjecture import engine

from compat_tests.plugin import RunStats
from compat_tests.runner import _shrink_budget
from tests.gallery.harness import Substitute
from tests.sample.objects import port
from tests.suite.conftest import write_config
from tests.suite.test_plugin import BASE, _summary
from tests.suite.test_shared import _KeepsDnsNameFor11, _run_class, _suite


class _KeepsDnsNameAndRenames(port.Port):
    """Two distinct bugs for 1.1: keeps dns_name (when set), and always changes the id."""

    def obj_make_compatible_from_manifest(
        self, primitive: dict, target_version: str, version_manifest: dict
    ) -> None:
        super().obj_make_compatible_from_manifest(primitive, target_version, version_manifest)
        if target_version == "1.1" and self.obj_attr_is_set("dns_name"):
            primitive["dns_name"] = self.dns_name
        if target_version == "1.1":
            primitive["id"] = "00000000-0000-4000-8000-000000000001"


_KeepsDnsNameAndRenames.__name__ = _KeepsDnsNameAndRenames.__qualname__ = "Port"


def test_a_failing_pair_already_explained_is_not_shrunk_again() -> None:
    suite = _suite(_KeepsDnsNameFor11)
    with Substitute(_KeepsDnsNameFor11):
        outcomes = _run_class(suite, "Port")
    shrunk, _ = outcomes["Port[1.4->1.1]-backport"]
    again, _ = outcomes["Port[1.4->1.1]-manifest"]  # same class, code, field and pair
    assert "found" not in shrunk.details
    assert again.code == shrunk.code and again.field == shrunk.field
    assert "the same finding as Port[1.4->1.1]-backport" in again.details["found"]
    assert again.details["example"].startswith("Port(")


def test_a_case_reports_every_distinct_finding_it_met() -> None:
    suite = _suite(_KeepsDnsNameAndRenames)
    with Substitute(_KeepsDnsNameAndRenames):
        outcomes = _run_class(suite, "Port")
    # The upgrade case checks 1.2 -> 1.1 on every example: some set dns_name, all lose the id.
    failure, notes = outcomes["Port[1.2->1.4]-upgrade"]
    codes = {
        failure.code,
        *(o.split("]")[0].lstrip("[") for o in failure.details["other_findings"]),
    }
    assert codes == {"backport.unknown-field", "backport.lost-value"}
    assert any("also met 1 other distinct finding" in n for n in notes)


def test_shrink_budget_lowers_hypothesis_shrink_time_for_one_run_only() -> None:
    before = engine.MAX_SHRINKING_SECONDS
    with _shrink_budget(7):
        assert engine.MAX_SHRINKING_SECONDS == min(before, 7)
    assert engine.MAX_SHRINKING_SECONDS == before


def test_slowest_classes_are_rendered_with_examples_per_second() -> None:
    stats = RunStats()
    stats.add({"class_seconds": {"Port": 2.0, "Net": 1.0}, "class_examples": {"Port": 50}})
    stats.add({"class_seconds": {"Port": 2.0}, "class_examples": {"Port": 50, "Net": 10}})
    assert stats.slowest() == (
        "ovo-compat: slowest classes: Port 4.0s (25.0 examples/s), Net 1.0s (10.0 examples/s)"
    )


_SLOWEST = re.compile(r"slowest classes: \w+ [\d.]+s \([\d.]+ examples/s\)")


def test_an_interrupted_run_still_prints_what_it_covered(compat_pytester: pytest.Pytester) -> None:
    config = write_config(
        compat_pytester,
        extra='fixtures = ["tests.gallery.harness:forgets_to_drop_new_field"]',
        objects="tests.gallery.broken",
    )
    result = compat_pytester.runpytest_subprocess(
        *BASE, "-p", "xdist", "-n", "2", "-x", "--compat-config", str(config)
    )
    assert result.ret in (pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED)
    out = result.stdout.str()
    assert "stopping after 1 failures" in out
    classes, _pairs, examples = _summary(out)[:3]
    assert classes >= 1 and examples > 0  # not "0 classes, 0 cases, 0 examples"
    assert _SLOWEST.search(out), out
