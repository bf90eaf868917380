"""The runner: drives the planned object cases (`compat_tests.plan`) with Hypothesis.

`ObjectSuite` is runner-independent: ``cases()`` lists the `Case` objects of a
target (with a skip reason for versions below the support window) and
``run(case)`` checks one with Hypothesis.  The pytest plugin only parametrizes over
them.

Generated examples are shared across version pairs, so a class costs two Hypothesis runs,
not one per pair.  The first case of a class to run triggers its *shared run*
(`compat_tests.examples`): objects of the current class, each checked by the
roundtrip, backport, manifest and indirection cases of every selected pair; then, in a
run of its own, one object per old version of an upgrade case, each checked by that case.
The old versions' objects are *projected* from one drawn current object: each holds its
values in the fields both versions describe alike, and draws the others (fields the
versions describe differently, object-valued fields, fields only the old version has)
with the old class's own strategies.  So each old version's examples range over exactly
the values that version's strategy draws, at the cost of one drawn object per example,
not one per version.  A pair's failure is recorded and the other pairs go on.  A case
then passes if its pair never failed; otherwise its own *dedicated* run (the per-case
Hypothesis run, drawing the old version's objects directly) finds and shrinks the
counterexample.

Declared exceptions are accounted for by a `compat_tests.declarations.Ledger`
(shared with the RPC tests of the same run).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import strategies
from compat_tests.config import DeclaredException, Target
from compat_tests.declarations import Ledger, first_match
from compat_tests.examples import SharedExample, SharedExamples
from compat_tests.failures import CompatFailure, Failure
from compat_tests.plan import Case, class_cases
from compat_tests.profiles import run_name, run_named
from compat_tests.properties import Shown, Subject, describe, target_access_errors
from compat_tests.properties.backport import source_changed
from compat_tests.properties.guarantees import target_rules
from compat_tests.properties.primitives import Primitives
from compat_tests.report.counterexample import constructor
from compat_tests.window import Window, support_window

__all__ = ["ObjectSuite", "Recheck", "SharedRun"]

#: How many times the profile's examples `ObjectSuite.recheck_unfired` draws.
RECHECK_FACTOR = 10

_SHARED_HEALTH_OK = (
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
)


@dataclass(frozen=True)
class SharedRun:
    """The outcome of one shared run: the cases it checked and those that failed.

    ``failures`` maps a case id to the exception its check raised first and the repr
    of the example it raised on; cases not in it held on every example.
    """

    name: str
    cases: tuple[Case, ...]
    failures: dict[str, tuple[Exception, str]]
    findings: dict[str, dict[tuple[Any, ...], str]] = field(default_factory=dict)


@dataclass
class ObjectSuite:
    """The object cases of one target and the state shared by all of them.

    ``classes`` maps object names to current classes (a `Catalog`'s ``classes``, or
    a substitute, as the seeded-bug gallery does); ``histories`` maps names to
    ``{version: schema}``; ``node_factory(histories, name, version)`` builds an old node
    (default `compat_tests.rebuild.OldNode.for_version`), cached per (name, version);
    ``context`` is the request context primitives are deserialized with.
    ``ledger`` accounts for declared exceptions (default: a new one for
    ``target.exceptions``; the pytest plugin shares one with the RPC tests).
    ``examples_checked`` counts the (case, generated example) checks that ran;
    ``progress(class name, examples_checked)``, when set, is called after each one.
    ``selected`` restricts shared runs to those case ids (the pytest plugin sets it
    to the collected cases; None: every case); ``shared_runs`` counts the shared
    Hypothesis runs executed.
    """

    target: Target
    classes: Mapping[str, type]
    histories: Any
    node_factory: Callable[[Any, str, str], Any] | None = None
    snapshot_failures: list[Failure] | None = None
    context: Any = None
    access_errors: tuple[type[BaseException], ...] | None = None
    rules: Mapping[tuple[str, str], Any] | None = None
    ledger: Ledger | None = None
    ran: list[Case] = field(default_factory=list)
    examples_checked: int = 0
    selected: set[str] | None = None
    shared_runs: int = 0
    progress: Callable[[str, int], None] | None = None
    shrink_seconds: float = float(os.environ.get("OVO_COMPAT_SHRINK_SECONDS", "30"))
    class_seconds: dict[str, float] = field(default_factory=dict)
    class_examples: dict[str, int] = field(default_factory=dict)
    _explained: dict[tuple[Any, ...], str] = field(default_factory=dict, init=False, repr=False)
    _nodes: dict[tuple[str, str], Any] = field(default_factory=dict, init=False, repr=False)
    _subjects: dict[str, Subject] = field(default_factory=dict, init=False, repr=False)
    _store: Any = field(default=None, init=False, repr=False)
    _shared: dict[str, SharedRun | None] = field(default_factory=dict, init=False, repr=False)
    _windows: dict[str, Window | None] = field(default_factory=dict, init=False, repr=False)
    _release_nodes: dict[str, list[tuple[Any, Any]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        if self.ledger is None:
            self.ledger = Ledger(self.target.exceptions)
        # Snapshot stores read their files on every access; the properties read them per example.
        self._store = self.histories
        self.histories = {name: dict(self.histories[name]) for name in self.histories}
        if self.access_errors is None:
            self.access_errors = target_access_errors(self.target)
        if self.rules is None:
            self.rules = target_rules(self.target, self.classes)

    @property
    def store(self) -> Any:
        """The histories as given (a `SnapshotStore` in normal runs)."""
        return self._store

    def subject(self, name: str) -> Subject:
        """The `Subject` for class ``name`` (cached)."""
        if name not in self._subjects:
            self._subjects[name] = Subject(
                name=name,
                cls=self.classes[name],
                histories=self.histories,
                node=functools.partial(self._node, name),
                transformed=functools.partial(self.target.is_transformed, name),
                context=self.context,
                access_errors=self.access_errors or (),
                declared=self._excused,
                releases=functools.partial(self.release_nodes, name),
            )
        return self._subjects[name]

    def _excused(self, failure: Failure) -> bool:
        """Tell whether ``failure`` is declared, recording that its declaration fired."""
        return self.ledger.excuse(failure)

    def _node(self, name: str, version: str) -> Any:
        key = (name, version)
        if key not in self._nodes:
            factory = self.node_factory
            if factory is None:
                from compat_tests.rebuild import OldNode

                # The target's own classes, not whatever else shares their names in OVO's
                # global registry (another target, a test double).
                from compat_tests.releases import releases_of

                # An old node is a release: the recorded one that shipped the version.
                factory = functools.partial(
                    OldNode.for_version, current=self.classes, releases=releases_of(self._store)
                )
            self._nodes[key] = factory(self.histories, name, version)
        return self._nodes[key]

    def window(self, name: str) -> Window | None:
        """The support window of class ``name`` (None when nothing is recorded), computed once."""
        if name not in self._windows:
            window = None
            if name in self.histories:
                window = support_window(
                    name,
                    self.histories[name],
                    str(self.classes[name].VERSION),
                    self.target.oldest_supported(name),
                )
            self._windows[name] = window
        return self._windows[name]

    def versions(self, name: str) -> tuple[list[str], list[str]]:
        """(supported, below-window) recorded versions of ``name`` older than the current one."""
        window = self.window(name)
        if window is None:
            return [], []
        return list(window.supported), list(window.below)

    def cases(self) -> list[Case]:
        """Every case of the target, including skipped ones (with their reason)."""
        return [case for name in sorted(self.classes) for case in self.class_cases(name)]

    def class_cases(self, name: str) -> list[Case]:
        """The cases of class ``name``, including skipped ones (with their reason)."""
        key = self.target.support_source(name)
        where = f"[tool.ovo-compat.targets.{self.target.name}.support] {key}"
        current = str(self.classes[name].VERSION)
        cases = class_cases(name, current, self.window(name), where)
        if self.release_nodes(name):  # its graph changed under an unchanged VERSION
            cases.append(Case(name, "release", current, current))
        return cases

    def release_nodes(self, name: str) -> list[tuple[Any, Any]]:
        """``(release, node)`` for `compat_tests.graph.graph_releases` of ``name`` (cached)."""
        if name not in self._release_nodes:
            from compat_tests.graph import graph_releases
            from compat_tests.rebuild import OldNode
            from compat_tests.releases import releases_of

            found = graph_releases(
                name,
                self.classes,
                self.histories,
                releases_of(self._store),
                self.target.oldest_supported,
            )
            self._release_nodes[name] = [
                (r, OldNode.for_release(self.histories, r, current=self.classes)) for r in found
            ]
        return self._release_nodes[name]

    def run(self, case: Case, settings: hypothesis_settings | None = None) -> None:
        """Run ``case``: raises `CompatFailure` (after Hypothesis shrinking) when it fails.

        Pair and roundtrip cases are decided by their class's shared run (run once, with
        ``settings`` of the first case that needs it); a case that failed
        there gets a dedicated run that shrinks the counterexample.  Should the dedicated
        run not reproduce it, the failure recorded by the shared run is raised, with its
        example.
        """
        if case.skip:
            raise ValueError(f"case {case.id} is skipped: {case.skip}")
        self.ran.append(case)
        self.ledger.cover(case.name, case.pairs)
        subject = self.subject(case.name)
        prop = case.definition
        if prop.direction is None:
            for failure in prop.check(self, case):
                self._guarded(case, functools.partial(_raise, failure))
            return
        started, examples = time.perf_counter(), self.examples_checked
        try:
            self._run_pair(case, subject, settings)
        finally:
            self.class_seconds[case.name] = (
                self.class_seconds.get(case.name, 0.0) + time.perf_counter() - started
            )
            self.class_examples[case.name] = (
                self.class_examples.get(case.name, 0) + self.examples_checked - examples
            )

    def _run_pair(self, case: Case, subject: Subject, settings: hypothesis_settings | None) -> None:
        shared = self._shared_run(case, settings)
        if shared is not None and case.id not in shared.failures:
            return
        others = shared.findings.get(case.id, {}) if shared is not None else {}
        if shared is not None:
            recorded = shared.failures[case.id]
            explained = self._explained.get(_finding_key(recorded[0]))
            if explained is not None:  # the same finding was shrunk for another case
                raise _with_others(_already_explained(case, explained, *recorded), others)
        try:
            with _shrink_budget(self.shrink_seconds):
                self._dedicated_run(case, subject, settings)
        except CompatFailure as exc:
            self._explained.setdefault(_finding_key(exc), case.id)
            raise _with_others(exc, others) from None
        if shared is not None:
            raise _with_others(_unreproduced(case, *shared.failures[case.id]), others)

    def _shared_run(self, case: Case, settings: hypothesis_settings | None) -> SharedRun | None:
        """The shared run deciding ``case`` (run on first use), or None if it has none."""
        if case.name not in self._shared:
            members = self.shared_members(case.name)
            # Sharing one case with nobody would only add a run.
            shared = self._share(case.name, members, settings) if len(members) > 1 else None
            self._shared[case.name] = shared
        shared = self._shared[case.name]
        return shared if shared is not None and case in shared.cases else None

    def shared_members(self, name: str) -> tuple[Case, ...]:
        """The selected, not skipped cases of class ``name`` that its shared run checks."""
        return tuple(
            c
            for c in self.class_cases(name)
            if not c.skip
            and c.definition.direction is not None
            and (self.selected is None or c.id in self.selected)
        )

    def shared_strategies(
        self, name: str, members: tuple[Case, ...]
    ) -> list[tuple[str, st.SearchStrategy]]:
        """What the shared run of ``members`` draws: ``(run name, strategy)`` of each of its
        Hypothesis runs, the current direction's and the upgrade cases' (`SharedExamples`).
        """
        subject = self.subject(name)
        upgrades = [c for c in members if c.definition.direction == "upgrade"]
        olds = [subject.node(c.from_version).cls(name) for c in upgrades]
        examples = SharedExamples(subject.cls, olds, self.context, self.rules)
        runs = []
        if len(upgrades) < len(members):
            runs.append((f"shared_{name}", examples.current()))
        if upgrades:
            runs.append((f"shared_{name}_upgrades", examples.upgrades()))
        return runs

    @staticmethod
    def shared_settings(settings: hypothesis_settings | None) -> hypothesis_settings:
        """The shared runs' settings: ``settings`` (default: the loaded profile), no shrinking.

        No shrinking (a failing case gets its own dedicated run, which shrinks), no
        deadline, and the health checks a run of many checks per example trips on purpose.
        """
        base = settings if settings is not None else hypothesis_settings()
        return hypothesis_settings(
            base,
            deadline=None,
            phases=[p for p in base.phases if p is not Phase.shrink],
            suppress_health_check=[*base.suppress_health_check, *_SHARED_HEALTH_OK],
        )

    def _share(
        self, name: str, members: tuple[Case, ...], settings: hypothesis_settings | None
    ) -> SharedRun | None:
        """Check every case of ``members`` on the same examples; None if the run itself broke."""
        subject = self.subject(name)
        checks = [(case, self._property(case, subject)) for case in members]
        failed: dict[str, tuple[Exception, str]] = {}
        findings: dict[str, dict[tuple[Any, ...], str]] = {}
        # Which old object of the example each upgrade case checks.
        old_index = {
            c.id: i for i, c in enumerate(c for c in members if c.definition.direction == "upgrade")
        }

        def record(case: Case, exc: Exception, example: Any) -> None:
            # Never repr(): it may lazy-load.  Objects read as a constructor call.
            shown = constructor(example) if hasattr(example, "obj_name") else describe(example)
            failed.setdefault(case.id, (exc, shown))
            met = findings.setdefault(case.id, {})
            key = _finding_key(exc)
            if key not in met:
                met[key] = f"{_rendered(exc)} (example: {shown})"

        def done(case: Case) -> bool:
            return case.id in failed and len(findings.get(case.id, {})) >= _MAX_FINDINGS

        def run(case: Case, check: Callable[..., Any], obj: Any, example: Any, **kw: Any) -> None:
            self._count(name)
            try:
                self._guarded(case, functools.partial(check, obj, **kw))
            except Exception as exc:  # recorded per pair; the dedicated run re-raises it
                record(case, exc, example)

        def body(example: SharedExample) -> None:
            # A failed case is still checked, for the other distinct findings it meets.
            todo = [(c, check) for c, check in checks if not done(c)]
            if example.current is not None:
                current = [(c, check) for c, check in todo if c.id not in old_index]
                if current:
                    check_current(current, example.current)
                return
            for case, check in todo:  # each old version's object, checked by its own case
                if case.id in old_index:
                    old = example.olds[old_index[case.id]]
                    run(case, check, old, old)

        def check_current(current: list[tuple[Case, Callable[..., Any]]], obj: Any) -> None:
            # In-place checks share the example and its primitive; every other check gets
            # its own copy, so a backport that mutates its source changes nothing they see.
            pristine = copy.deepcopy(obj)
            in_place = [(c, check) for c, check in current if c.definition.in_place]
            if in_place:
                self._in_place(in_place, obj, pristine, run, record)
            isolated = [(c, check) for c, check in current if not c.definition.in_place]
            for index, (case, check) in enumerate(isolated):
                # the last one may have pristine itself: nobody needs it afterwards
                mine = pristine if index == len(isolated) - 1 else copy.deepcopy(pristine)
                run(case, check, mine, pristine)

        self.shared_runs += 1
        chosen = self.shared_settings(settings)
        try:
            for run_name, strategy in self.shared_strategies(name, members):
                run_named(body, run_name, chosen, example=strategy)
        except Exception:  # e.g. no strategy for a field: each dedicated run reports it
            return None
        return SharedRun(name, members, failed, findings)

    def recheck_unfired(self, factor: int = RECHECK_FACTOR) -> Recheck:
        """Look harder for declared exceptions that the cases covering them did not meet.

        A declaration describes a finding that needs particular input (a rare enum value
        deep in a child object), which the profile's examples may simply not have drawn:
        that makes a declaration unmet, not stale.  Each class with such a declaration
        gets its shared run again with ``factor`` times the examples (a derandomized run
        draws what it drew before and more); a declaration that fires there is met.  The
        run's counts are left as they were (`Recheck` says what the recheck checked).
        """
        unmet = set(self.ledger.covered_indexes) - set(self.ledger.fired_indexes)
        names = {self.target.exceptions[i].object for i in unmet}
        shared = sorted(n for n in names if self._shared.get(n) is not None)
        found: list[str] = []
        checked = self.examples_checked
        budget = hypothesis_settings()
        bigger = hypothesis_settings(budget, max_examples=budget.max_examples * factor)
        saved = (dict(self.class_seconds), dict(self.class_examples), self.shared_runs)
        progress, self.progress = self.progress, None
        try:
            for name in shared:
                before = self._shared[name]
                run = self._share(name, before.cases, bigger)
                for case_id, met in (run.findings if run is not None else {}).items():
                    known = before.findings.get(case_id, {})
                    found.extend(text for key, text in met.items() if key not in known)
        finally:
            examples, self.examples_checked = self.examples_checked - checked, checked
            self.class_seconds, self.class_examples, self.shared_runs = saved
            self.progress = progress
        still = set(self.ledger.covered_indexes) - set(self.ledger.fired_indexes)
        return Recheck(tuple(shared), factor, examples, len(unmet) - len(still), tuple(found))

    def _in_place(
        self,
        checks: list[tuple[Case, Callable[..., Any]]],
        example: Any,
        pristine: Any,
        run: Callable[..., None],
        record: Callable[[Case, Exception, Any], None],
    ) -> None:
        """Run the in-place ``checks`` on ``example``, sharing its primitive.

        Should one of them change the example, none of their outcomes count: each is
        checked again on its own copy of ``pristine`` (with ``run``), which finds the
        one that did (``backport.mutated-source``).
        """
        try:
            primitives = Primitives(example)
        except Exception:  # not even serializable: let every check say so on its own copy
            for case, check in checks:
                run(case, check, copy.deepcopy(pristine), pristine)
            return
        outcomes: list[tuple[Case, Exception]] = []
        for case, check in checks:
            try:
                self._guarded(case, functools.partial(check, example, primitives=primitives))
            except Exception as exc:  # recorded below, once the example is known unchanged
                outcomes.append((case, exc))
        if source_changed(example, primitives.source) is not None:
            for case, check in checks:
                run(case, check, copy.deepcopy(pristine), pristine)
            return
        for case, _ in checks:
            self._count(case.name)
        for case, exc in outcomes:
            record(case, exc, pristine)

    def _dedicated_run(
        self, case: Case, subject: Subject, settings: hypothesis_settings | None
    ) -> None:
        """Run ``case`` alone with Hypothesis, which shrinks a failure to a minimal example."""
        if case.definition.direction == "upgrade":
            old_cls = subject.node(case.from_version).cls(case.name)
            strategy = strategies.objects(old_cls, context=self.context, rules=self.rules)
        else:
            strategy = strategies.objects(subject.cls, context=self.context, rules=self.rules)
        # Hypothesis prints the falsifying example with repr(), which may lazy-load.
        strategy = strategy.map(Shown)
        check = self._property(case, subject)

        def body(obj: Shown) -> None:
            self._count(case.name)
            self._guarded(case, lambda: check(obj.value))

        # One shrunk counterexample per case reads better than an exception group.
        chosen = hypothesis_settings(settings, report_multiple_bugs=False)
        run_named(
            body,
            run_name(case.prop, case.name, case.from_version, case.to_version),
            chosen,
            obj=strategy,
        )

    def _count(self, name: str) -> None:
        self.examples_checked += 1
        if self.progress is not None:
            self.progress(name, self.examples_checked)

    def _property(self, case: Case, subject: Subject) -> Callable[..., Any]:
        check = case.definition.check
        return lambda obj, **shared: check(subject, obj, case, **shared)

    def class_snapshot_failures(self, name: str) -> list[Failure]:
        """The snapshot check's failures for class ``name`` (the check runs once per suite)."""
        if self.snapshot_failures is None:
            from compat_tests.diff import check_classes

            self.snapshot_failures = check_classes(
                self.classes, self._store, oldest_supported=self.target.oldest_supported
            )
        return [f for f in self.snapshot_failures if f.subject == name]

    def _guarded(self, case: Case, check: Callable[[], Any]) -> None:
        self.ledger.guard(check)

    @property
    def fired(self) -> set[DeclaredException]:
        """The declared exceptions that fired."""
        return self.ledger.fired

    def declared_for(self, failure: Failure) -> DeclaredException | None:
        """The declared exception covering ``failure``, if any."""
        return first_match(self.target.exceptions, failure)

    def run_counts(self) -> dict[str, Any]:
        """What the run exercised, JSON-able (pytest-xdist workers send it to the controller).

        ``classes``: sorted names of the classes a case ran for; ``pair_cases``: the
        (class, version pair) cases run; ``examples``: `examples_checked`;
        ``class_seconds``/``class_examples``: wall time and examples per class.
        """
        return {
            "classes": sorted({c.name for c in self.ran}),
            "pair_cases": sum(1 for c in self.ran if c.is_pair),
            "examples": self.examples_checked,
            "class_seconds": dict(self.class_seconds),
            "class_examples": dict(self.class_examples),
        }

    def exception_usage(self) -> tuple[set[int], set[int]]:
        """Indexes (into ``target.exceptions``) of those that fired and of those a run case covers.

        Plain integers, so pytest-xdist workers can send them to the controller.
        """
        return self.ledger.usage()

    def stale_exceptions(self) -> list[DeclaredException]:
        """Declared exceptions that never fired although a case they cover ran."""
        return self.ledger.stale()


@dataclass(frozen=True)
class Recheck:
    """What `ObjectSuite.recheck_unfired` did: the classes it ran again (with ``factor``
    times the examples), the examples it checked, how many unmet declarations it met, and
    the new undeclared findings it met (rendered: real findings the profile's examples
    missed).
    """

    classes: tuple[str, ...] = ()
    factor: int = RECHECK_FACTOR
    examples: int = 0
    met: int = 0
    findings: tuple[str, ...] = ()

    def render(self) -> str:
        """One line for the terminal summary (empty when nothing was rechecked)."""
        if not self.classes:
            return ""
        return (
            f"ovo-compat: rechecked {', '.join(self.classes)} with {self.factor}x the "
            f"examples ({self.examples} checked) for declared exceptions their cases did not "
            f"meet: {self.met} met"
        )


#: Distinct findings a shared run records per case before it stops checking that case.
_MAX_FINDINGS = 10


def _finding_key(exc: BaseException) -> tuple[Any, ...]:
    """What makes two findings the same: class, code, field and pair (not the value)."""
    if isinstance(exc, CompatFailure):
        f = exc.failure
        return (f.subject, f.code, f.field, f.from_version, f.to_version)
    return ("", type(exc).__qualname__, str(exc)[:200])


def _rendered(exc: BaseException) -> str:
    if isinstance(exc, CompatFailure):
        return exc.failure.render()
    return f"{type(exc).__name__}: {exc}"


def _with_others(exc: Exception, others: Mapping[tuple[Any, ...], str]) -> Exception:
    """``exc`` with a note listing the other distinct findings the case met."""
    mine = _finding_key(exc)
    rest = [text for key, text in others.items() if key != mine]
    if rest:
        exc.add_note(
            f"this case also met {len(rest)} other distinct finding(s) (each must be fixed "
            "or declared):\n" + "\n".join(f"  - {text}" for text in rest)
        )
        if isinstance(exc, CompatFailure):
            exc.failure.details["other_findings"] = rest
    return exc


def _already_explained(case: Case, explained: str, exc: Exception, example: str) -> Exception:
    """The shared run's failure of ``case``, not shrunk again: ``explained`` shrank it."""
    how = f"the same finding as {explained}, whose counterexample was shrunk; not shrunk again"
    if isinstance(exc, CompatFailure):
        details = {**exc.failure.details, "example": example, "found": how}
        return CompatFailure(dataclasses.replace(exc.failure, details=details))
    exc.add_note(f"{how}; example: {example}")
    return exc


@contextlib.contextmanager
def _shrink_budget(seconds: float) -> Iterator[None]:
    """Bound the time Hypothesis spends shrinking one failure (big objects shrink slowly).

    Hypothesis has no public setting for it: its engine reads the module constant
    ``MAX_SHRINKING_SECONDS`` when shrinking starts, so it is lowered for this run only;
    a Hypothesis without it simply shrinks unbounded.
    """
    from hypothesis.internal.conjecture import engine

    previous = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if previous is None or seconds <= 0:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = min(previous, seconds)
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = previous


def _raise(failure: Failure) -> None:
    raise CompatFailure(failure)


def _unreproduced(case: Case, exc: Exception, example: str) -> Exception:
    """The failure a shared run recorded for ``case``, with its example and how it was found."""
    how = (
        f"found by the shared run of {case.name} (every pair checked on the same examples); "
        f"{case.id} run alone did not reproduce it, so rerun every case of {case.name}"
    )
    if isinstance(exc, CompatFailure):
        failure = exc.failure
        details = {**failure.details, "example": example, "found": how}
        return CompatFailure(dataclasses.replace(failure, details=details))
    exc.add_note(f"{how}; example: {example}")
    return exc
