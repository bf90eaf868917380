"""The ovo-compat pytest plugin.

Inert unless asked: without ``--compat-config FILE`` or ``--compat-target NAME`` it
registers no Hypothesis profile, loads none, imports nothing beyond this module and
collects nothing, so installing ovo-compat changes no other project's test run.

With one of those options it turns the configured target into tests (``pytest
--pyargs compat_tests``): it registers ovo-compat's Hypothesis profiles (`profiles`),
loads the default one unless ``--hypothesis-profile`` chose one, prints the target,
configuration file and profile in the pytest header, and runs the pre-flight checks
(`compat_tests.preflight`, the same as ``ovo-compat check``): bad input stops the run
there with one message and exit status 2.  The generic test modules of this package
ask `run_context` for the shared state.

Every object test of a class carries ``pytest.mark.xdist_group(<class name>)``: the
class's pair cases are decided by shared runs (`compat_tests.cases`), which a process
runs once.  With pytest-xdist, pass ``--dist loadgroup`` so that one worker runs all of
a class's tests (``ovo-compat run -n N`` adds it); other distribution modes still pass
or fail the same tests, but may repeat a class's shared runs on several workers.  Under
``loadgroup`` the plugin groups the object tests by class itself (their node ids name
the class), since pytest-xdist's own ``@group`` node-id suffix is lost on pytest 9.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Generator, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest

from compat_tests.config import Target, load_target
from compat_tests.errors import ConfigError, OvoCompatError

#: exit status of a run stopped by bad input, the same as ``ovo-compat check``'s
BAD_INPUT = 2
_PACKAGE_DIR = Path(__file__).resolve().parent
_TARGET_KEY = pytest.StashKey["Target | None"]()
_CONTEXT_KEY = pytest.StashKey["RunContext"]()
_STALE_KEY = pytest.StashKey[list]()
_RECHECK_KEY = pytest.StashKey[list]()
_USAGE_KEY = pytest.StashKey["tuple[set[int], set[int]]"]()
_STATS_KEY = pytest.StashKey["RunStats"]()
_PROFILE_KEY = pytest.StashKey[str]()
_PREFLIGHT_KEY = pytest.StashKey[Any]()
_DESELECTED_KEY = pytest.StashKey[int]()
_BAD_INPUT_KEY = pytest.StashKey[bool]()
# Starts the report of bad input met while a test ran (survives pytest-xdist's transport).
_BAD_INPUT_MARK = "ovo-compat: bad input:"
_SENT_KEY = pytest.StashKey["dict[str, Any]"]()
# The config whose RunStats totals the per-test counts: the controller's (or the only) one.
_STATS_CONFIG: list[pytest.Config] = []
# The class name in an object test's node id: ``...::test_object[Port[1.4->1.2]-backport]``.
_CASE_CLASS = re.compile(r"::test_object\[([^\[\]@]+)\[")
# Bad input, reported as a one-paragraph message rather than a traceback.


@dataclass
class RunContext:
    """State shared by every generic test of one run: loaded once per session."""

    target: Target
    catalog: Any
    store: Any
    support: dict[str, str]
    objects: Any
    fixtures: list[Any] = field(default_factory=list)
    #: declared exceptions fired and covered by the object and RPC tests alike
    ledger: Any = None


@dataclass
class RunStats:
    """What a run exercised, summed over pytest-xdist workers for the terminal summary."""

    classes: set[str] = field(default_factory=set)
    pair_cases: int = 0
    examples: int = 0
    rpc_apis: set[str] = field(default_factory=set)
    rpc_methods: set[str] = field(default_factory=set)
    rpc_cases: int = 0
    rpc_examples: int = 0
    class_seconds: dict[str, float] = field(default_factory=dict)
    class_examples: dict[str, int] = field(default_factory=dict)

    def add(self, counts: Mapping[str, Any]) -> None:
        """Add ``counts`` (an `as_dict` or `compat_tests.cases.ObjectSuite.run_counts` result)."""
        for key, value in counts.items():
            current = getattr(self, key)
            if isinstance(current, set):
                current.update(value)
            elif isinstance(current, dict):
                for name, amount in value.items():
                    current[name] = current.get(name, 0) + amount
            else:
                setattr(self, key, current + value)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able counts (sets as sorted lists)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: sorted(v) if isinstance(v, set) else v for k, v in values.items()}

    def render(self) -> str:
        """One summary line."""
        line = (
            f"ovo-compat: {len(self.classes)} classes, {self.pair_cases} (class, version pair) "
            f"cases, {self.examples} examples checked"
        )
        if self.rpc_cases:
            line += (
                f"; RPC: {len(self.rpc_apis)} APIs, {len(self.rpc_methods)} methods, "
                f"{self.rpc_cases} (method, cap) cases, {self.rpc_examples} examples"
            )
        return line

    def slowest(self, count: int = 5) -> str:
        """The ``count`` classes that took longest, with their examples per second ('' if none)."""
        ranked = sorted(self.class_seconds.items(), key=lambda item: -item[1])[:count]
        parts = [
            f"{name} {seconds:.1f}s ({self.class_examples.get(name, 0) / max(seconds, 1e-9):.1f} "
            "examples/s)"
            for name, seconds in ranked
        ]
        return ("ovo-compat: slowest classes: " + ", ".join(parts)) if parts else ""


def run_stats(config: pytest.Config) -> RunStats:
    """The session's `RunStats` (created empty on first use)."""
    if _STATS_KEY not in config.stash:
        config.stash[_STATS_KEY] = RunStats()
    return config.stash[_STATS_KEY]


def record_rpc_case(config: pytest.Config, api: str, method: str, examples: int) -> None:
    """Count one RPC (method, cap) case of ``api`` that ran ``examples`` generated calls."""
    run_stats(config).add(
        {
            "rpc_apis": [api],
            "rpc_methods": [f"{api}.{method}"],
            "rpc_cases": 1,
            "rpc_examples": examples,
        }
    )


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Add ``--compat-config`` and ``--compat-target`` (and the inert pre-flight hook)."""
    pluginmanager.register(_Preflight(), "ovo-compat-preflight")
    group = parser.getgroup("ovo-compat", "oslo.versionedobjects compatibility suite")
    group.addoption(
        "--compat-config",
        default=None,
        help="pyproject.toml (or other TOML file) with [tool.ovo-compat.targets.NAME]",
    )
    group.addoption(
        "--compat-target",
        default=None,
        help="target NAME to test (optional when the file defines exactly one)",
    )
    _add_report_options(group)


def is_active(config: pytest.Config) -> bool:
    """True when an ovo-compat option was given: only then does the plugin do anything."""
    return bool(
        config.getoption("compat_config", default=None)
        or config.getoption("compat_target", default=None)
    )


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    """When active: profiles, xdist marker and target (`_Preflight` checks it); else nothing."""
    if not is_active(config):
        return
    from compat_tests import profiles

    profiles.register_profiles()
    chosen = config.getoption("hypothesis_profile", default=None)
    config.stash[_PROFILE_KEY] = chosen or profiles.load_profile()
    if not config.pluginmanager.hasplugin("xdist"):  # --strict-markers must accept the marks
        config.addinivalue_line(
            "markers", "xdist_group(name): run the tests of one group on one xdist worker"
        )
    if not hasattr(config, "workerinput"):
        _STATS_CONFIG[:] = [config]
    try:
        target = configured_target(config)
    except pytest.UsageError:
        return  # `_Preflight` stops the run with the message
    if target is not None:
        _register_reporting(config, target)


class _Preflight:
    """Runs the pre-flight checks once every other plugin is configured (pytester too)."""

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        """Stop a run that cannot work before collection (never on xdist workers)."""
        if not is_active(config) or hasattr(config, "workerinput"):
            return
        try:
            target = configured_target(config)
        except pytest.UsageError as exc:
            stop(str(exc))
        if target is None:
            return
        from compat_tests.preflight import preflight, render, take_over

        # ``ovo-compat run`` has just checked the same target in this process.
        result = take_over(target) or preflight(target)
        config.stash[_PREFLIGHT_KEY] = result
        if result.problems:
            stop(render(result))


def stop(message: str) -> None:
    """Stop the run on bad input: one message, no traceback, no summary, exit status 2."""
    pytest.exit(f"ovo-compat: error: {message}", returncode=BAD_INPUT)


def configured_target(config: pytest.Config) -> Target | None:
    """The target chosen by ``--compat-config``/``--compat-target``, or None when not configured."""
    if _TARGET_KEY not in config.stash:
        path = config.getoption("compat_config", default=None)
        name = config.getoption("compat_target", default=None)
        target = None
        if path or name:
            try:
                target = load_target(path, name)
            except ConfigError as exc:
                raise pytest.UsageError(str(exc)) from None
        config.stash[_TARGET_KEY] = target
    return config.stash[_TARGET_KEY]


def run_context(config: pytest.Config) -> RunContext:
    """The session's `RunContext` (target, catalog, snapshot store, support window, cases).

    Built on first use and cached; ``target.fixtures`` are set up here and cleaned
    up when pytest unconfigures.  Raises `pytest.UsageError` when not configured.
    """
    if _CONTEXT_KEY in config.stash:
        return config.stash[_CONTEXT_KEY]
    target = configured_target(config)
    if target is None:
        raise pytest.UsageError(
            "ovo-compat tests need a target: pass --compat-config FILE and/or --compat-target NAME"
        )
    from compat_tests.cases import ObjectSuite
    from compat_tests.declarations import Ledger
    from compat_tests.discover import Catalog, make_context
    from compat_tests.snapshots import SnapshotStore

    try:
        started = [_start_fixture(target, ref) for ref in target.fixtures]
        catalog = Catalog.load(target)
        store = SnapshotStore(target.snapshots)
        ledger = Ledger(target.exceptions)
        objects = ObjectSuite(
            target, catalog.classes, store, context=make_context(target), ledger=ledger
        )
    except Exception as exc:
        if not _is_bad_input(exc):
            raise
        raise pytest.UsageError(str(exc)) from None
    context = RunContext(
        target=target,
        catalog=catalog,
        store=store,
        support={name: target.oldest_supported(name) for name in catalog.classes},
        objects=objects,
        fixtures=started,
        ledger=ledger,
    )
    config.stash[_CONTEXT_KEY] = context
    return context


def _is_bad_input(exc: BaseException) -> bool:
    # strategies imports OVO and oslo.messaging: never load it just to check an exception
    # (this module is imported by every pytest run where ovo-compat is installed).
    if isinstance(exc, OvoCompatError):
        return True
    errors = sys.modules.get("strategies._errors")
    return errors is not None and isinstance(exc, errors.StrategyError)


def _start_fixture(target: Target, ref: str) -> Any:
    from compat_tests.discover import resolve_ref

    fixture = resolve_ref(target, "fixtures", ref, "a callable returning a fixtures.Fixture")()
    fixture.setUp()
    return fixture


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip this package's generic test modules when no target is configured."""
    if (
        collection_path.resolve().parent == _PACKAGE_DIR
        and collection_path.name.startswith("test_")
        and configured_target(config) is None
    ):
        return True
    return None


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadgroup``, schedule every object test of a class on one worker."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ClassGroupScheduling(LoadGroupScheduling):
        """xdist's ``loadgroup``, plus: object tests grouped by the class their id names."""

        def _split_scope(self, nodeid: str) -> str:
            found = _CASE_CLASS.search(nodeid)
            if found is not None:
                return f"ovo-compat:{found.group(1)}"
            return super()._split_scope(nodeid)

    return ClassGroupScheduling(config, log)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Limit the shared runs to the object cases collected (after ``-k`` and deselection)."""
    if _CONTEXT_KEY not in session.config.stash:
        return
    selected = set()
    for item in session.items:
        case = getattr(getattr(item, "callspec", None), "params", {}).get("object_case")
        if case is not None:
            selected.add(case.id)
    session.config.stash[_CONTEXT_KEY].objects.selected = selected


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, Any, Any]:
    """Bad input met while a test runs replaces the traceback with its message.

    (A field type without a strategy, a snapshot that cannot be rebuilt: the message
    names the class, the field and what to do.)  Compatibility failures are rendered
    by `compat_tests.report` (see `_register_reporting`).
    """
    report = yield
    _attach_counts(item, report)
    if call.excinfo is not None and _is_bad_input(call.excinfo.value):
        exc = call.excinfo.value
        report.longrepr = f"{_BAD_INPUT_MARK} {item.nodeid}: {type(exc).__name__}: {exc}"
    return report


_COUNTS = "ovo_compat_counts"


def _attach_counts(item: pytest.Item, report: pytest.TestReport) -> None:
    """Put what this test added to the object counts on its report.

    Reports reach the controller as each test ends (pytest-xdist sends them), so an
    interrupted run still totals what it covered.
    """
    if report.when != "teardown" or _CONTEXT_KEY not in item.config.stash:
        return
    objects = item.config.stash[_CONTEXT_KEY].objects
    now = objects.run_counts()
    delta = _unsent(now, item.config.stash.get(_SENT_KEY, None) or {})
    item.config.stash[_SENT_KEY] = now
    # An attribute, not a user property: those would land in junit.xml as <properties>,
    # which pytest's JUnit schema does not allow there; pytest-xdist sends it all the same.
    setattr(report, _COUNTS, delta)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Total the object counts each report carries; bad input met in a test stops the run.

    Counts are totalled on the controller (or the only process), not on workers.  Bad
    input stops the run there (no repeat per case), exit 2.
    """
    counts = getattr(report, _COUNTS, None)
    if counts is not None and _STATS_CONFIG:
        run_stats(_STATS_CONFIG[0]).add(counts)
    if report.failed and str(report.longrepr).startswith(_BAD_INPUT_MARK):
        session = _SESSION.get("current")
        if session is not None:
            session.config.stash[_BAD_INPUT_KEY] = True
            session.shouldstop = "ovo-compat: bad input (above) stops the run; fix it and rerun"


_SESSION: dict[str, pytest.Session] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember the session, so that `pytest_runtest_logreport` can stop it."""
    _SESSION["current"] = session


def _without_group(item: pytest.Item) -> str:
    """The node id without the ``@group`` suffix ``--dist loadgroup`` adds (not runnable)."""
    marker = item.get_closest_marker("xdist_group")
    if marker is not None:
        group = marker.args[0] if marker.args else marker.kwargs.get("name")
        suffix = f"@{group}"
        if item.nodeid.endswith(suffix):
            return item.nodeid[: -len(suffix)]
    return item.nodeid


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a declared exception never fired (aggregated over xdist workers).

    In a derandomized run each process first rechecks the declarations its cases did
    not meet (`compat_tests.runner.ObjectSuite.recheck_unfired`); new findings the recheck
    meets fail the run as well.

    Also totals what the run exercised for the terminal summary.
    """
    config = session.config
    usage = _usage(config)
    stats = run_stats(config)
    if _CONTEXT_KEY in config.stash:
        objects = config.stash[_CONTEXT_KEY].objects
        if _deterministic() and session.exitstatus == pytest.ExitCode.OK:
            _rechecks(config).append(asdict(objects.recheck_unfired()))
        fired, covered = config.stash[_CONTEXT_KEY].ledger.usage()
        usage[0].update(fired)
        usage[1].update(covered)
        # Object counts travel on each test's report (see _attach_counts); the rest now.
        stats.add(_unsent(objects.run_counts(), config.stash.get(_SENT_KEY, None) or {}))
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller decides
        config.workeroutput["ovo_compat_usage"] = [sorted(usage[0]), sorted(usage[1])]
        config.workeroutput["ovo_compat_stats"] = stats.as_dict()
        config.workeroutput["ovo_compat_deselected"] = config.stash.get(_DESELECTED_KEY, 0)
        config.workeroutput["ovo_compat_rechecks"] = _rechecks(config)
        return
    target = configured_target(config)
    if target is None:
        return
    from compat_tests.cases import stale_from_usage

    stale = stale_from_usage(target, *usage)
    config.stash[_STALE_KEY] = stale
    # A derandomized run (the ci profile) meets the same input every time, and has rechecked
    # unmet declarations with more examples; a randomized run reports a stale declaration
    # without failing.
    if stale and _deterministic() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if _recheck(config).findings and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if config.stash.get(_BAD_INPUT_KEY, False):
        session.exitstatus = BAD_INPUT


def _unsent(now: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``now`` not yet sent on a report (cases run outside a test's teardown)."""
    result: dict[str, Any] = {}
    for key, value in now.items():
        old = sent.get(key)
        if isinstance(value, list):
            result[key] = sorted(set(value) - set(old or []))
        elif isinstance(value, dict):
            result[key] = {k: v - (old or {}).get(k, 0) for k, v in value.items()}
        else:
            result[key] = value - (old or 0)
    return result


def _deterministic() -> bool:
    from hypothesis import settings

    return bool(settings.default.derandomize)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Collect which declared exceptions an xdist worker saw fire and covered, and its counts."""
    workeroutput = getattr(node, "workeroutput", {})
    if "ovo_compat_stats" in workeroutput:
        run_stats(node.config).add(workeroutput["ovo_compat_stats"])
    # every worker collects (and deselects) the same tests
    deselected = workeroutput.get("ovo_compat_deselected", 0)
    node.config.stash[_DESELECTED_KEY] = max(node.config.stash.get(_DESELECTED_KEY, 0), deselected)
    _rechecks(node.config).extend(workeroutput.get("ovo_compat_rechecks", []))
    output = workeroutput.get("ovo_compat_usage")
    if output:
        usage = _usage(node.config)
        usage[0].update(output[0])
        usage[1].update(output[1])


def _rechecks(config: pytest.Config) -> list[dict[str, Any]]:
    """`compat_tests.runner.Recheck` of this process and of its xdist workers, as dicts."""
    if _RECHECK_KEY not in config.stash:
        config.stash[_RECHECK_KEY] = []
    return config.stash[_RECHECK_KEY]


def _recheck(config: pytest.Config) -> Any:
    """The rechecks of the whole run (every worker's) as one `Recheck`."""
    from compat_tests.runner import Recheck

    done = [
        Recheck(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})
        for d in _rechecks(config)
    ]
    return Recheck(
        classes=tuple(sorted({c for r in done for c in r.classes})),
        factor=max((r.factor for r in done), default=Recheck.factor),
        examples=sum(r.examples for r in done),
        met=sum(r.met for r in done),
        findings=tuple(f for r in done for f in r.findings),
    )


def _usage(config: pytest.Config) -> tuple[set[int], set[int]]:
    if _USAGE_KEY not in config.stash:
        config.stash[_USAGE_KEY] = (set(), set())
    return config.stash[_USAGE_KEY]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Report what the run exercised and stale declared exceptions.

    (Findings, the matrix and the versions below the support window are reported by
    `compat_tests.report`.)
    """
    if config.stash.get(_BAD_INPUT_KEY, False):
        return  # the bad input is the message; counts of a stopped run would mislead
    if configured_target(config) is not None:
        stats = run_stats(config)
        terminalreporter.write_line(stats.render() + _not_checked(config))
        inferred = _inferred_note(config)
        if inferred:
            terminalreporter.write_line(inferred)
        if stats.slowest():
            terminalreporter.write_line(stats.slowest())
    recheck = _recheck(config)
    if recheck.classes:
        terminalreporter.write_line(recheck.render())
    if recheck.findings:
        terminalreporter.section("ovo-compat", sep="=")
        terminalreporter.write_line(
            f"ovo-compat: the recheck's extra examples met {len(recheck.findings)} undeclared "
            "finding(s) the profile's examples did not (real failures: fix or declare them; "
            "OVO_COMPAT_PROFILE=thorough checks more examples everywhere):"
        )
        for text in recheck.findings:
            terminalreporter.write_line(f"  - {text}")
    stale = config.stash.get(_STALE_KEY, [])
    if stale:
        from compat_tests.report import render_stale

        terminalreporter.section("ovo-compat", sep="=")
        terminalreporter.write_line(render_stale(stale))
        if not _deterministic():
            terminalreporter.write_line(
                "(not failing the run: this Hypothesis profile is randomized, so the input a "
                "declaration describes may just not have come up; the ci profile enforces it)"
            )


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Count the deselected generic tests: the summary says a partial run is partial."""
    chosen = [i for i in items if i.path is not None and i.path.parent == _PACKAGE_DIR]
    if chosen:
        config = chosen[0].config
        config.stash[_DESELECTED_KEY] = config.stash.get(_DESELECTED_KEY, 0) + len(chosen)


def _not_checked(config: pytest.Config) -> str:
    """What the run did not check, and why, for the counts line."""
    preflight = config.stash.get(_PREFLIGHT_KEY, None)
    parts = []
    if preflight is not None:
        below = sum(len(v) for v in preflight.below.values())
        if below:
            parts.append(f"{below} version(s) below the support window")
    declared = len(_usage(config)[0])
    if declared:
        parts.append(f"{declared} declared exception(s) excused failures")
    deselected = config.stash.get(_DESELECTED_KEY, 0)
    if deselected:
        parts.append(f"{deselected} test(s) deselected")
    text = "; not checked: " + (", ".join(parts) if parts else "nothing")
    if preflight is not None and preflight.inferred:
        count = sum(len(v) for v in preflight.inferred.values())
        text += f"; {count} version(s) checked against inferred history"
    return text


def _inferred_note(config: pytest.Config) -> str:
    """Which versions the run checked against schemas inferred from backport code."""
    preflight = config.stash.get(_PREFLIGHT_KEY, None)
    if preflight is None or not preflight.inferred:
        return ""
    listed = "; ".join(f"{n} {', '.join(v)}" for n, v in sorted(preflight.inferred.items()))
    return (
        "ovo-compat: inferred history (derived from backport code, not recorded from a "
        f"release; record the release to replace it): {listed}"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    """Clean up the target's fixtures."""
    if _CONTEXT_KEY in config.stash:
        for fixture in reversed(config.stash[_CONTEXT_KEY].fixtures):
            fixture.cleanUp()


# --- reporting (compat_tests.report): options, header, quiet warnings, report plugin -------

_REPORT_KEY = pytest.StashKey[Any]()
# Third-party deprecation noise a passing run should not show (the target's own warnings stay).
_QUIET_WARNINGS = (
    r"ignore:\s*Eventlet is deprecated",
    "ignore:The selected oslo_service backend",
    r"ignore::DeprecationWarning:oslo_\w*(\.|$)",
    r"ignore::DeprecationWarning:eventlet(\.|$)",
    r"ignore::DeprecationWarning:debtcollector(\.|$)",
    r"ignore::DeprecationWarning:webob(\.|$)",  # imported by oslo.middleware for Neutron
    r"ignore::PendingDeprecationWarning:oslo_\w*(\.|$)",
    "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning",
)


def _add_report_options(group: Any) -> None:
    """``--compat-report DIR`` and ``--compat-progress SECONDS``."""
    group.addoption(
        "--compat-report",
        default=None,
        metavar="DIR",
        help="write findings.json, matrix.json and matrix.html into DIR "
        "(ovo-compat run --report DIR also writes DIR/junit.xml)",
    )
    group.addoption(
        "--compat-progress",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="during a class's shared run, print its progress every SECONDS (0: never)",
    )


def _register_reporting(config: pytest.Config, target: Target) -> None:
    """Quiet third-party warnings and register the report plugin for a configured run."""
    for line in _QUIET_WARNINGS:
        config.addinivalue_line("filterwarnings", line)
    from compat_tests.report._pytest import FindingsFirst, ReportPlugin

    plugin = ReportPlugin(config, target)
    config.stash[_REPORT_KEY] = plugin
    config.pluginmanager.register(plugin, "ovo-compat-report")
    config.pluginmanager.register(FindingsFirst(plugin), "ovo-compat-findings")


def report_plugin(config: pytest.Config) -> Any:
    """The run's `compat_tests.report._pytest.ReportPlugin`, or None when not configured."""
    return config.stash.get(_REPORT_KEY, None)


def header_info(config: pytest.Config, target: Target) -> dict[str, Any]:
    """Target, config file, Hypothesis profile and seed of the run (header and findings.json)."""
    from hypothesis import settings

    seed = config.getoption("hypothesis_seed", default=None)
    if settings.default.derandomize:
        seed_text = "derandomized (the same examples every run)"
    elif seed is not None:
        seed_text = str(seed)
    else:
        seed_text = "random (Hypothesis prints a reproduction seed with each failure)"
    profile = config.stash.get(_PROFILE_KEY, None) or config.getoption(
        "hypothesis_profile", default=None
    )
    return {
        "target": target.name,
        "config": str(target.config_path),
        "profile": profile,
        "seed": seed_text,
    }


def pytest_report_header(config: pytest.Config) -> list[str]:
    """The header lines of ovo-compat (one function: other header lines are added here)."""
    target = configured_target(config) if is_active(config) else None
    if target is None:
        return []
    info = header_info(config, target)
    return [
        f"ovo-compat: target {info['target']} ({info['config']}), profile {info['profile']}, "
        f"seed {info['seed']}"
    ]
