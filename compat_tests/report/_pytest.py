"""The reporting half of the pytest plugin (registered by `compat_tests.plugin`).

* every failing test that raised `CompatFailure` gets a report that starts with its
  finding block (no traceback through ovo-compat, Hypothesis or pytest; ``-v`` adds
  the user's frames and Hypothesis's own text) and a short-summary message naming
  code, subject, pair and field;
* failures sharing a root cause are one finding: the first case's report is shown in
  full, the others point at it, and a findings section ends the run;
* the version-pair matrix is summarised in the terminal and, with ``--compat-report
  DIR``, written with ``findings.json`` as JSON and HTML (``ovo-compat run --report
  DIR`` also writes ``DIR/junit.xml`` through pytest's own ``--junitxml``);
* long shared runs print which class they are on and how many examples they checked.

All of it runs in the process that reports (the controller under pytest-xdist): the
workers only attach their findings to the test reports they send.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import pytest
from _pytest._code.code import ReprExceptionInfo, ReprFileLocation, ReprTracebackNative

from compat_tests._jsonfile import write_json_atomic
from compat_tests.config import Target
from compat_tests.failures import CompatFailure, Failure
from compat_tests.report import _render, counterexample, findings, matrix

_ATTR = "ovo_compat_failure"
_SIDE = "ovo_compat_side"


class ReportPlugin:
    """Findings, matrix and report folder of one run (one instance per pytest config)."""

    def __init__(self, config: pytest.Config, target: Target) -> None:
        self.config = config
        self.target = target
        self.records: list[findings.CaseFailure] = []
        self.reports: list[tuple[Any, findings.CaseFailure]] = []
        self.outcomes: list[matrix.Outcome] = []
        self.findings: list[findings.Finding] = []
        self.matrix: matrix.Matrix | None = None
        self.directory = config.getoption("compat_report", default=None)
        self.verbose = config.get_verbosity() > 0
        self._progress_at = 0.0

    # -- worker side: build the finding block while the frames are still there ----------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        """Replace a compatibility failure's traceback with its finding block."""
        report = yield
        exc = call.excinfo.value if call.excinfo is not None else None
        if isinstance(exc, CompatFailure):
            record = findings.CaseFailure(
                case=_case_id(item),
                failure=exc.failure,
                counterexample=counterexample.from_exception(exc),
                nodeid=item.nodeid,
                reproduce=self._reproduce(item),
            )
            setattr(report, _ATTR, record.as_dict())
            details = exc.failure.details
            if "server" in details and "cap" in details:
                setattr(report, _SIDE, "old" if details["server"] == details["cap"] else "current")
            extra = _verbose_text(exc) if self.verbose else ""
            report.longrepr = _longrepr(item, record, findings.case_block(record) + extra)
        return report

    def _reproduce(self, item: pytest.Item) -> str | None:
        if item.path is None:
            return None
        from compat_tests.plugin import _without_group

        return _render.reproduction_line(
            self.target, _render.test_path(_without_group(item), item.path)
        )

    # -- reporting side ---------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Collect findings and outcomes (before junitxml and the terminal see the report)."""
        if hasattr(self.config, "workerinput"):
            return
        data = getattr(report, _ATTR, None)
        key = None
        if data is not None:
            record = findings.CaseFailure.from_dict(data)
            self.records.append(record)
            self.reports.append((report, record))
            key = record.key
        if report.when == "call" or report.outcome != "passed":
            if report.when == "teardown" and report.outcome == "passed":
                return
            reason = ""
            if report.skipped and isinstance(report.longrepr, tuple):
                reason = str(report.longrepr[2])
                report.longrepr = (*report.longrepr[:2], _per_class(reason))
            outcome = "failed" if report.failed else report.outcome
            self.outcomes.append(
                matrix.Outcome(report.nodeid, outcome, reason, key, getattr(report, _SIDE, None))
            )

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        """A failed case's status word names code, subject, pair and field.

        pytest trims the short summary's message to the terminal width, never the word:
        ``FAILED (backport.unknown-field Port 1.4->1.1 dns_name) path::test[...]``.
        """
        data = getattr(report, _ATTR, None)
        if data is None or report.when != "call" or not report.failed:
            return None
        failure = data["failure"]
        pair = Failure(**failure).pair
        field = f" {failure['field']}" if failure.get("field") else ""
        return (
            "failed",
            "F",
            (f"FAILED ({failure['code']} {failure['subject']} {pair}{field})", {"red": True}),
        )

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Group findings, point duplicate reports at their finding, write the report folder."""
        if hasattr(self.config, "workerinput"):
            return
        self.findings = findings.group(self.records)
        ids = {f.first.key: f.id for f in self.findings}
        first: dict[tuple[str, str, str], str] = {}
        for report, record in self.reports:
            finding_id = ids[record.key]
            if record.key not in first or self.verbose:
                first.setdefault(record.key, record.case)
                text = findings.case_block(record, finding_id=finding_id)
                if self.verbose:
                    text = report.longrepr.reprtraceback.reprentries[0].lines[0].rstrip("\n")
                    text = text.replace(
                        "ovo-compat finding:", f"ovo-compat finding {finding_id}:", 1
                    )
            else:
                head = findings.summary_line(record.failure).split(": ", 1)[0]
                text = (
                    f"ovo-compat finding {finding_id} (as {first[record.key]}; -v: in full): {head}"
                )
            report.longrepr = _longrepr_from(report.longrepr, text)
        self.matrix = matrix.build(
            self.outcomes, ids, self._declared(), self._recorded, self.target.oldest_supported
        )
        if self.directory:
            self.write(Path(self.directory))

    def _declared(self) -> Any:
        """A passing cell is *declared* when a declared exception that fired covers its pairs."""
        from compat_tests.plugin import _usage

        fired = [self.target.exceptions[i] for i in sorted(_usage(self.config)[0])]
        if not fired:
            return None

        def declared(name: str, prop: str, from_v: str, to_v: str, lower: tuple[str, ...]) -> bool:
            if prop == "snapshot":  # the snapshot check covers the whole recorded history
                return any(d.about(name) and d.code.startswith("snapshot") for d in fired)
            pairs = [(from_v, to_v), *((from_v, u) for u in lower)]
            return any(d.about(name) and any(d.at(*p) for p in pairs) for d in fired)

        return declared

    def _recorded(self, name: str) -> list[str]:
        from compat_tests.snapshots import SnapshotStore

        store = SnapshotStore(self.target.snapshots)
        return list(store.history(name)) if name in store else []

    def write(self, directory: Path) -> None:
        """Write ``findings.json``, ``matrix.json`` and ``matrix.html`` into ``directory``."""
        from compat_tests.report import html

        directory.mkdir(parents=True, exist_ok=True)
        assert self.matrix is not None
        run = _run_info(self.config, self.target)
        document = findings.findings_document(self.findings, target=self.target.name, run=run)
        write_json_atomic(directory / "findings.json", document)
        table = self.matrix.as_dict(self.target.name)
        write_json_atomic(directory / "matrix.json", table)
        _write(directory / "matrix.html", html.page(table, document))
        for name in ("findings.json", "matrix.json"):  # artifacts: readable like the page
            (directory / name).chmod(0o644)

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The compact matrix and the report folder."""
        if self.matrix is not None and (self.matrix.objects or self.matrix.rpc):
            terminalreporter.write_line("ovo-compat matrix (class version: cells per status):")
            for line in matrix.summary_lines(self.matrix):
                terminalreporter.write_line(line)
        if self.directory:
            terminalreporter.write_line(
                f"ovo-compat report: {self.directory} (findings.json, matrix.json, matrix.html)"
            )

    # -- progress ---------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Have the object runner report its progress here."""
        from compat_tests.plugin import _CONTEXT_KEY

        if _CONTEXT_KEY in self.config.stash:
            self.config.stash[_CONTEXT_KEY].objects.progress = self.progress

    def pytest_runtest_logstart(self) -> None:
        """A test starts: progress is for tests running longer than the interval."""
        self._progress_at = time.monotonic()

    def progress(self, name: str, examples: int) -> None:
        """Print which class a run is on and the examples checked, every ``--compat-progress`` s.

        pytest's own progress is per test; one class's shared run can take minutes, so
        a test running longer than the interval prints a line per interval.  An xdist
        worker writes to its stderr, which pytest-xdist leaves on the terminal.
        """
        interval = self.config.getoption("compat_progress", default=10.0)
        now = time.monotonic()
        if not interval or now - self._progress_at < interval:
            return
        self._progress_at = now
        worker = getattr(self.config, "workerinput", {}).get("workerid")
        line = f"ovo-compat: {name}: {examples} examples checked"
        capture = self.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            if worker:
                sys.stderr.write(f"\n[{worker}] {line}\n")
                sys.stderr.flush()
                return
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.ensure_newline()
                reporter.write_line(line)


class FindingsFirst:
    """Prints the findings section before pytest's failure details (a separate plugin,
    since one object cannot implement a hook twice)."""

    def __init__(self, plugin: ReportPlugin) -> None:
        self.plugin = plugin

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Any:
        """The findings section, then everything else."""
        if self.plugin.findings:
            terminalreporter.section("ovo-compat findings", sep="=")
            text = findings.render_findings(self.plugin.findings, verbose=self.plugin.verbose)
            for line in text.splitlines():
                terminalreporter.write_line(line)
        return (yield)


_BELOW = re.compile(
    r"^(?:Skipped: )?(?P<name>\S+) (?P<version>\S+) is below the support window \((?P<why>.*)\)$"
)


def _per_class(reason: str) -> str:
    """One skip reason per class for the versions below its window, so pytest folds them."""
    found = _BELOW.match(reason)
    if found is None:
        return reason
    return f"{found['name']}: versions below the support window not checked ({found['why']})"


def _case_id(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return callspec.id if callspec is not None else item.name


def _longrepr(item: pytest.Item, record: findings.CaseFailure, text: str) -> ReprExceptionInfo:
    crash = ReprFileLocation(str(item.path), 0, findings.summary_line(record.failure))
    return ReprExceptionInfo(reprtraceback=ReprTracebackNative([text + "\n"]), reprcrash=crash)


def _longrepr_from(longrepr: Any, text: str) -> Any:
    crash = getattr(longrepr, "reprcrash", None)
    if crash is None:
        return text
    return ReprExceptionInfo(reprtraceback=ReprTracebackNative([text + "\n"]), reprcrash=crash)


def _verbose_text(exc: BaseException) -> str:
    """The user's frames of the exception chain and Hypothesis's notes (shown with -v)."""
    lines = []
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for each in reversed(chain[1:]):
        frames = [
            f
            for f in traceback.extract_tb(each.__traceback__)
            if counterexample.is_user(f.filename)
        ]
        if frames:
            lines.append(f"  {type(each).__name__} in your code:")
            lines += ["    " + x for x in "".join(traceback.format_list(frames)).splitlines()]
    # Hypothesis's "Explanation" lists lines of ovo-compat's properties: "your code" replaces it.
    notes = "\n".join(getattr(exc, "__notes__", [])).split("\nExplanation:", 1)[0]
    if notes:
        lines.append("  Hypothesis:")
        lines += ["    " + x for x in notes.splitlines()]
    return ("\n" + "\n".join(lines)) if lines else ""


def _run_info(config: pytest.Config, target: Target) -> dict[str, Any]:
    from compat_tests.plugin import header_info

    return header_info(config, target)


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
