"""Shared runs: one Hypothesis run per class decides every pair case of the class."""

from __future__ import annotations

import re

import pytest

from compat_tests import cli
from compat_tests.cases import Case, ObjectSuite
from compat_tests.failures import CompatFailure, Failure
from compat_tests.snapshots import SnapshotStore
from tests.gallery.harness import CONFIG, SETTINGS, Substitute, sample
from tests.sample.objects import port
from tests.suite.conftest import write_config
from tests.suite.test_plugin import BASE, _summary


class _KeepsDnsNameFor11(port.Port):
    """Backport forgets to drop dns_name (added in 1.2), only when the target is 1.1."""

    def obj_make_compatible_from_manifest(
        self, primitive: dict, target_version: str, version_manifest: dict
    ) -> None:
        super().obj_make_compatible_from_manifest(primitive, target_version, version_manifest)
        if target_version == "1.1" and self.obj_attr_is_set("dns_name"):
            primitive["dns_name"] = self.dns_name


class _CrashesOnce(port.Port):
    """Backport to an older version crashes the first time after ``armed`` is set, then works."""

    armed = False

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        if type(self).armed and target_version != self.VERSION:
            type(self).armed = False
            raise RuntimeError("crashed once")
        super().obj_make_compatible(primitive, target_version)


for _variant in (_KeepsDnsNameFor11, _CrashesOnce):
    _variant.__name__ = _variant.__qualname__ = "Port"


def _run_class(suite: ObjectSuite, name: str) -> dict[str, tuple[Failure, list[str]] | None]:
    """Run every case of ``name``: case id -> None (passed) or (failure, Hypothesis notes)."""
    outcomes: dict[str, tuple[Failure, list[str]] | None] = {}
    for case in suite.class_cases(name):
        if case.skip:
            continue
        try:
            suite.run(case, SETTINGS)
        except CompatFailure as exc:
            outcomes[case.id] = (exc.failure, list(getattr(exc, "__notes__", [])))
        else:
            outcomes[case.id] = None
    return outcomes


def _suite(variant: type | None = None) -> ObjectSuite:
    target, classes = sample()
    if variant is not None:
        classes = {**classes, "Port": variant}
    return ObjectSuite(target, classes, SnapshotStore(target.snapshots))


def test_failure_in_one_pair_fails_only_the_cases_checking_it_with_a_shrunk_example() -> None:
    suite = _suite(_KeepsDnsNameFor11)
    with Substitute(_KeepsDnsNameFor11):
        outcomes = _run_class(suite, "Port")
    failed = {case_id: result for case_id, result in outcomes.items() if result is not None}
    # The cases whose checks include a backport to 1.1 from a version that has dns_name; the
    # upgrade cases check their lower pairs (1.3->1.1, 1.2->1.1) on the same example.  Not
    # the indirection case: a real 1.1 node reads the primitive and ignores dns_name.
    assert {k: (f.code, f.pair) for k, (f, _) in failed.items()} == {
        "Port[1.4->1.1]-backport": ("backport.unknown-field", "1.4->1.1"),
        "Port[1.4->1.1]-manifest": ("backport.unknown-field", "1.4->1.1"),
        "Port[1.3->1.4]-upgrade": ("backport.unknown-field", "1.3->1.1"),
        "Port[1.2->1.4]-upgrade": ("backport.unknown-field", "1.2->1.1"),
    }
    passed = {case_id for case_id, result in outcomes.items() if result is None}
    for case_id in ("Port[1.4->1.0]-backport", "Port[1.4->1.2]-manifest", "Port[1.1->1.4]-upgrade"):
        assert case_id in passed
    assert len(passed) == len(outcomes) - 4
    failure, notes = failed["Port[1.4->1.1]-backport"]
    assert failure.field == "dns_name"
    assert "found" not in failure.details  # its dedicated run reproduced it, and shrank it:
    example = next(n for n in notes if n.startswith(("Failing test case", "Falsifying example")))
    assert "backport_Port_1_4_1_1(" in example
    assert '"dns_name": null' in example  # the smallest value that is set (primitive, no repr)
    assert "binding_host" not in example  # an optional field the failure does not need
    assert suite.shared_runs == 1


def test_a_class_is_one_shared_run_checking_every_pair_in_both_directions() -> None:
    suite = _suite()
    outcomes = _run_class(suite, "Port")
    assert set(outcomes.values()) == {None}
    checked = [c for c in suite.ran if c.prop != "snapshot"]
    assert {c.prop for c in checked} >= {"roundtrip", "backport", "upgrade"}
    assert suite.shared_runs == 1  # each example: a current object and its old versions'
    # Every (case, example) check ran once, in the shared runs: no dedicated run happened.
    assert suite.examples_checked == len(checked) * SETTINGS.max_examples


def test_a_failure_the_dedicated_run_misses_is_raised_from_the_shared_run() -> None:
    suite = _suite(_CrashesOnce)
    _CrashesOnce.armed = True
    with Substitute(_CrashesOnce):
        outcomes = _run_class(suite, "Port")
    failed = {case_id: result for case_id, result in outcomes.items() if result is not None}
    assert list(failed) == ["Port[1.4->1.3]-backport"]  # the first case to backport
    failure, _ = failed["Port[1.4->1.3]-backport"]
    assert failure.code == "backport.crash"
    assert "found by the shared run of Port" in failure.details["found"]
    assert failure.details["example"].startswith("Port(")  # a constructor call, never repr()


def test_selected_cases_limit_the_shared_run() -> None:
    suite = _suite()
    suite.selected = {"Port[1.4->1.1]-backport", "Port[1.4->1.0]-backport"}
    for case_id in sorted(suite.selected):
        suite.run(_case(suite, case_id), SETTINGS)
    assert suite.shared_runs == 1
    assert suite.examples_checked == 2 * SETTINGS.max_examples
    # A single selected case (a reproduction line) needs no shared run at all.
    alone = _suite()
    alone.selected = {"Port[1.4->1.1]-backport"}
    alone.run(_case(alone, "Port[1.4->1.1]-backport"), SETTINGS)
    assert alone.shared_runs == 0


def _case(suite: ObjectSuite, case_id: str) -> Case:
    return next(c for c in suite.cases() if c.id == case_id)


@pytest.mark.parametrize(
    ("extra", "dist"),
    [
        (["-n", "2"], ["--dist", "loadgroup"]),
        (["-n2"], ["--dist", "loadgroup"]),
        (["--numprocesses=auto"], ["--dist", "loadgroup"]),
        (["-n", "2", "--dist", "load"], []),
        (["-x"], []),
    ],
)
def test_run_groups_classes_when_parallel(
    monkeypatch: pytest.MonkeyPatch, extra: list[str], dist: list[str]
) -> None:
    calls = []
    monkeypatch.setattr(pytest, "main", lambda args: calls.append(args) or 0)
    assert cli.main(["run", "--config", str(CONFIG), "--target", "sample", "--", *extra]) == 0
    (args,) = calls
    assert args == [
        "--pyargs",
        "compat_tests",
        "--compat-config",
        str(CONFIG),
        "--compat-target",
        "sample",
        *cli.QUIET_PYTEST_ARGS,
        *dist,
        *extra,
    ]


_WORKER_LINE = re.compile(r"\[(gw\d+)\].*test_object\[(\w+)\[")


def test_loadgroup_runs_each_class_on_one_worker(compat_pytester: pytest.Pytester) -> None:
    config = write_config(compat_pytester)
    result = compat_pytester.runpytest_subprocess(
        *BASE,
        "-p",
        "xdist",
        "-n",
        "2",
        "--dist",
        "loadgroup",
        "-v",
        "--compat-config",
        str(config),
        "-k",
        "Subnet or SecurityGroup",
    )
    assert result.ret == pytest.ExitCode.OK
    out = result.stdout.str()
    workers: dict[str, set[str]] = {}
    for found in _WORKER_LINE.finditer(out):
        workers.setdefault(found.group(2), set()).add(found.group(1))
    assert set(workers) == {"Subnet", "SecurityGroup", "SecurityGroupRule"}
    assert all(len(ran_on) == 1 for ran_on in workers.values()), workers
    classes, pairs, examples = _summary(out)
    # Every non-snapshot case checked exactly max_examples (25 in ci): no repeated shared run.
    assert examples == (pairs + classes) * 25


def test_object_marks_are_accepted_without_xdist(compat_pytester: pytest.Pytester) -> None:
    config = write_config(compat_pytester)
    result = compat_pytester.runpytest_subprocess(
        *BASE,
        "-p",
        "no:xdist",
        "--strict-markers",
        "--compat-config",
        str(config),
        "-k",
        "Subnet and roundtrip",
    )
    assert result.ret == pytest.ExitCode.OK
    assert result.parseoutcomes()["passed"] == 1
