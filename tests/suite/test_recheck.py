"""Rechecking declared exceptions the run's examples did not meet, before calling them stale."""

from __future__ import annotations

import dataclasses

from compat_tests.cases import ObjectSuite
from compat_tests.config import DeclaredException
from compat_tests.runner import Recheck
from compat_tests.snapshots import SnapshotStore
from tests.gallery.broken import CrashesLate as _CrashesLate
from tests.gallery.harness import SETTINGS, Substitute, sample

_MEETS = DeclaredException(object="Port", code="backport.crash", reason="met late")
_STALE = DeclaredException(object="Port", code="backport.version", reason="fixed long ago")


def _suite(*declared: DeclaredException) -> ObjectSuite:
    target, classes = sample()
    target = dataclasses.replace(target, exceptions=(*target.exceptions, *declared))
    suite = ObjectSuite(target, {**classes, "Port": _CrashesLate}, SnapshotStore(target.snapshots))
    suite.selected = {c.id for c in suite.class_cases("Port") if c.prop == "backport"}
    return suite


def _run_backports(suite: ObjectSuite) -> None:
    _CrashesLate.calls, _CrashesLate.limit = 0, None
    for case in suite.class_cases("Port"):
        if case.id in suite.selected and not case.skip:
            suite.run(case, SETTINGS)
    _CrashesLate.limit = _CrashesLate.calls  # only examples beyond the run's crash


def test_a_declaration_the_examples_missed_is_met_by_more_examples_and_not_stale() -> None:
    suite = _suite(_MEETS, _STALE)
    with Substitute(_CrashesLate):
        _run_backports(suite)
        assert suite.stale_exceptions() == [_MEETS, _STALE]
        checked, runs = suite.examples_checked, suite.shared_runs
        recheck = suite.recheck_unfired(factor=3)
    assert recheck.classes == ("Port",)
    assert recheck.met == 1 and recheck.findings == ()
    assert recheck.examples > checked  # more examples than the run had...
    assert suite.examples_checked == checked  # ...and not counted as the run's
    assert suite.shared_runs == runs
    assert suite.stale_exceptions() == [_STALE]  # really stale: no example meets it
    assert "rechecked Port with 3x the examples" in recheck.render()
    assert "1 met" in recheck.render()


def test_findings_only_the_recheck_meets_are_returned() -> None:
    suite = _suite(_STALE)
    with Substitute(_CrashesLate):
        _run_backports(suite)
        recheck = suite.recheck_unfired(factor=3)
    assert recheck.met == 0
    assert recheck.findings
    assert all("backport.crash" in text and "crashed late" in text for text in recheck.findings)


def test_nothing_is_rechecked_when_every_declaration_fired() -> None:
    suite = _suite()
    with Substitute(_CrashesLate):
        _run_backports(suite)
        checked = suite.examples_checked
        assert suite.recheck_unfired() == Recheck(factor=10)
    assert suite.examples_checked == checked
    assert Recheck().render() == ""
