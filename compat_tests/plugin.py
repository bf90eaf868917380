"""The ovo-compat pytest plugin.

Registers the Hypothesis profiles (so ``--hypothesis-profile ci`` works everywhere)
and loads the default one when none is chosen on the command line.

With ``--compat-config FILE`` and/or ``--compat-target NAME`` it also turns the
configured target into tests (``pytest --pyargs compat_tests``): the generic test
modules of this package ask `run_context` for the shared state.  Without those
options the plugin is inert: the generic modules are not even collected.

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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest

from compat_tests import profiles
from compat_tests.config import Target, load_target
from compat_tests.errors import ConfigError, OvoCompatError
from compat_tests.failures import CompatFailure

profiles.register_profiles()

_PACKAGE_DIR = Path(__file__).resolve().parent
_TARGET_KEY = pytest.StashKey["Target | None"]()
_CONTEXT_KEY = pytest.StashKey["RunContext"]()
_STALE_KEY = pytest.StashKey[list]()
_USAGE_KEY = pytest.StashKey["tuple[set[int], set[int]]"]()
_STATS_KEY = pytest.StashKey["RunStats"]()
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


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--compat-config`` and ``--compat-target``."""
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


def pytest_configure(config: pytest.Config) -> None:
    """Load the profile named by the environment unless ``--hypothesis-profile`` chose one."""
    if config.getoption("hypothesis_profile", default=None) is None:
        profiles.load_profile()
    if not config.pluginmanager.hasplugin("xdist"):  # --strict-markers must accept the marks
        config.addinivalue_line(
            "markers", "xdist_group(name): run the tests of one group on one xdist worker"
        )
    configured_target(config)  # a bad configuration is a usage error before collection
    if not hasattr(config, "workerinput"):
        _STATS_CONFIG[:] = [config]


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
    """Attach the ovo-compat rendering (with a reproduction line) to compatibility failures.

    Bad input met while a test runs (a field type without a strategy, a snapshot that
    cannot be rebuilt) replaces the traceback with its message: it names the class,
    the field and what to do.
    """
    report = yield
    _attach_counts(item, report)
    if call.excinfo is not None and _is_bad_input(call.excinfo.value):
        exc = call.excinfo.value
        report.longrepr = f"ovo-compat: {item.nodeid}: {type(exc).__name__}: {exc}"
        return report
    if call.excinfo is not None and isinstance(call.excinfo.value, CompatFailure):
        target = configured_target(item.config)
        from compat_tests import report as rendering

        reproduce = None
        if target is not None and item.path is not None:
            reproduce = rendering.reproduction_line(
                target, rendering.test_path(_without_group(item), item.path)
            )
        case = getattr(item, "callspec", None)
        case_id = case.id if case is not None else None
        text = rendering.render(call.excinfo.value.failure, case_id=case_id, reproduce=reproduce)
        report.sections.append(("ovo-compat failure", text))
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
    report.user_properties.append((_COUNTS, delta))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Total the object counts each test's report carries (on the controller, not workers)."""
    for key, value in report.user_properties:
        if key == _COUNTS and _STATS_CONFIG:
            run_stats(_STATS_CONFIG[0]).add(value)


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

    Also totals what the run exercised for the terminal summary.
    """
    config = session.config
    usage = _usage(config)
    stats = run_stats(config)
    if _CONTEXT_KEY in config.stash:
        objects = config.stash[_CONTEXT_KEY].objects
        fired, covered = config.stash[_CONTEXT_KEY].ledger.usage()
        usage[0].update(fired)
        usage[1].update(covered)
        # Object counts travel on each test's report (see _attach_counts); the rest now.
        stats.add(_unsent(objects.run_counts(), config.stash.get(_SENT_KEY, None) or {}))
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller decides
        config.workeroutput["ovo_compat_usage"] = [sorted(usage[0]), sorted(usage[1])]
        config.workeroutput["ovo_compat_stats"] = stats.as_dict()
        return
    target = configured_target(config)
    if target is None:
        return
    from compat_tests.cases import stale_from_usage

    stale = stale_from_usage(target, *usage)
    config.stash[_STALE_KEY] = stale
    # Only a derandomized run (the ci profile) is sure to meet the rare input a declared
    # exception describes; a randomized run reports a stale declaration without failing.
    if stale and _deterministic() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    output = workeroutput.get("ovo_compat_usage")
    if output:
        usage = _usage(node.config)
        usage[0].update(output[0])
        usage[1].update(output[1])


def _usage(config: pytest.Config) -> tuple[set[int], set[int]]:
    if _USAGE_KEY not in config.stash:
        config.stash[_USAGE_KEY] = (set(), set())
    return config.stash[_USAGE_KEY]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Report what the run exercised, stale declared exceptions and skipped versions."""
    if configured_target(config) is not None:
        stats = run_stats(config)
        terminalreporter.write_line(stats.render())
        if stats.slowest():
            terminalreporter.write_line(stats.slowest())
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
    if _CONTEXT_KEY in config.stash:
        cases = config.stash[_CONTEXT_KEY].objects.cases()
        skipped = [c for c in cases if c.skip]
        if skipped:
            terminalreporter.write_line(
                f"ovo-compat: {len(skipped)} version(s) below the support window skipped: "
                + ", ".join(c.id for c in skipped)
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    """Clean up the target's fixtures."""
    if _CONTEXT_KEY in config.stash:
        for fixture in reversed(config.stash[_CONTEXT_KEY].fixtures):
            fixture.cleanUp()
