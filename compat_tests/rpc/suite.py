"""The RPC cases of one target and the state shared by all of them: the twin of `ObjectSuite`.

`RpcSuite` knows nothing of pytest: `compat_tests.test_rpc` only parametrizes
`RpcSuite.cases` and calls `RpcSuite.run`; ``ovo-compat check`` calls
`RpcSuite.preflight`.  Case kinds, per API:

* ``snapshot``: the current API against its record (`compat_tests.rpc.record.verdict`);
* ``history``: every cap of the support window has an RPC snapshot (else the
  run fails naming API, cap and the command that records it: never skipped);
* ``shapes`` (per cap): the cap has recorded payload shapes (``rpc.shape-unknown``);
* ``signatures`` (per cap): the current server takes every call the cap allows;
* ``call`` (per client method and cap, every cap of the window): a client pinned
  at the cap, with generated arguments, against the cap's server and the current one;
* ``recorded`` (per RPC method and cap with shapes): messages generated from the
  shapes recorded at the cap (what clients of that era sent, not today's client)
  reach the current server, which must take them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import settings

from compat_tests.failures import Failure
from compat_tests.profiles import run_name, run_named
from compat_tests.versions import parse as version_key

__all__ = ["RpcCase", "RpcSuite", "target_fixtures", "window_gaps"]


@contextlib.contextmanager
def target_fixtures(target: Any) -> Iterator[Any]:
    """The target's classes and strategies imported, its ``fixtures`` set up; yields the catalog.

    What the pytest plugin does at session start, for ``check`` and ``snapshot``.
    """
    from compat_tests.discover import Catalog, resolve_ref

    catalog = Catalog.load(target)
    with contextlib.ExitStack() as stack:
        for ref in target.fixtures:
            fixture = resolve_ref(
                target, "fixtures", ref, "a callable returning a fixtures.Fixture"
            )()
            stack.enter_context(fixture)
        yield catalog


@dataclass(frozen=True)
class RpcCase:
    """One RPC test: ``kind``, API, client method (``call`` only), cap, and a skip reason."""

    kind: str
    api: str
    cap: str | None = None
    method: str | None = None
    skip: str | None = None

    @property
    def id(self) -> str:
        """``Api``, ``Api@1.2`` or ``Api.method@1.2``."""
        name = self.api if self.method is None else f"{self.api}.{self.method}"
        return name if self.cap is None else f"{name}@{self.cap}"


def window_gaps(history: dict[str, Any], current: str, oldest: str) -> list[str]:
    """Caps from ``oldest`` to ``current`` with no recorded RPC snapshot.

    Every minor of the current major between them is a cap a client can be pinned
    at (older majors are below the window, `compat_tests.window`).
    """
    low, high = version_key(oldest), version_key(current)
    first = low[1] if low[0] == high[0] else 0
    known = set(history) | {current}
    return [f"{high[0]}.{m}" for m in range(first, high[1] + 1) if f"{high[0]}.{m}" not in known]


@dataclass
class RpcSuite:
    """The RPC APIs of a target, their histories, shapes and harnesses.

    ``harnesses`` maps API names to set-up `Harness` objects; use the suite as a
    context manager (or call `close`) to tear them down.  ``ledger`` (a
    `compat_tests.declarations.Ledger`, shared with the object tests in a run)
    excuses declared findings and records what each case covered, for the
    stale-declaration rule.  ``examples`` and ``refused`` count what `run` checked.
    """

    target: Any
    harnesses: dict[str, Any]
    ledger: Any = None
    examples: int = 0
    refused: int = 0

    def __post_init__(self) -> None:
        if self.ledger is None:
            from compat_tests.declarations import Ledger

            self.ledger = Ledger(tuple(getattr(self.target, "exceptions", ())))

    @classmethod
    def load(cls, target: Any, *, registry: Any = None, ledger: Any = None) -> RpcSuite:
        """Import every API the target names and set up one harness each."""
        from compat_tests.rpc.api import load_apis
        from compat_tests.rpc.harness import Harness
        from compat_tests.rpc.record import load_shapes
        from compat_tests.rpc.schema import load_history

        directory = target.snapshots / "rpc"
        harnesses = {}
        try:
            for api in load_apis(target):
                harness = Harness(
                    api,
                    load_history(directory, api.name),
                    shapes=load_shapes(directory, api.name),
                    registry=registry,
                )
                harness.setUp()
                harnesses[api.name] = harness
        except BaseException:
            for harness in harnesses.values():
                harness.cleanUp()
            raise
        return cls(target, harnesses, ledger)

    def __enter__(self) -> RpcSuite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Tear every harness down."""
        harnesses, self.harnesses = self.harnesses, {}
        for harness in harnesses.values():
            harness.cleanUp()

    # -- the window -------------------------------------------------------------------------

    def oldest(self, name: str) -> str:
        """Oldest cap of API ``name`` still supported (the target's ``support``)."""
        return self.target.oldest_supported(name)

    def caps(self, name: str) -> list[str]:
        """Every cap of the window with a snapshot (recorded or current), oldest first."""
        return self.harnesses[name].caps(self.oldest(name))

    def below(self, name: str) -> dict[str, str]:
        """Recorded caps below the window, each with the reason (reported as skipped)."""
        from compat_tests.window import support_window

        harness = self.harnesses[name]
        window = support_window(
            name, harness.history, harness.current["version"], self.oldest(name)
        )
        source = getattr(self.target, "support_source", None)
        where = (
            f"[tool.ovo-compat.targets.{self.target.name}.support] {source(name)}"
            if source is not None
            else "[support]"
        )
        return {v: window.why_below(v, where) for v in window.below}

    def methods(self, name: str) -> tuple[str, ...]:
        """The client methods of API ``name`` the harness calls."""
        from compat_tests.rpc.api import client_methods

        harness = self.harnesses[name]
        return client_methods(harness.api, harness.api.client(harness.capture_transport(), None))

    # -- cases ------------------------------------------------------------------------------

    def cases(self) -> list[RpcCase]:
        """Every RPC case of the target, below-window caps as skipped cases."""
        cases = []
        for name in self.harnesses:
            cases += [RpcCase("snapshot", name), RpcCase("history", name)]
            below = [
                RpcCase("signatures", name, v, skip=why) for v, why in self.below(name).items()
            ]
            for cap in self.caps(name):
                cases += [RpcCase("shapes", name, cap), RpcCase("signatures", name, cap)]
            cases += below
            for method in self.methods(name):
                cases += [RpcCase("call", name, cap, method) for cap in self.caps(name)]
            harness = self.harnesses[name]
            for cap in self.caps(name):
                methods = sorted((harness.shapes_at(cap) or {}).get("methods", {}))
                known = harness.schema_at(cap)["methods"]
                cases += [RpcCase("recorded", name, cap, m) for m in methods if m in known]
        return cases

    # -- checks -----------------------------------------------------------------------------

    def history_failures(self, name: str) -> list[Failure]:
        """``rpc.history-missing`` for every cap of the window without an RPC snapshot."""
        harness = self.harnesses[name]
        current = harness.current["version"]
        gaps = window_gaps(harness.history, current, self.oldest(name))
        if not gaps:
            return []
        t = self.target
        return [
            Failure(
                "rpc.history-missing",
                name,
                f"RPC API {name}: caps {', '.join(gaps)} are inside the support window "
                f"({self.oldest(name)}..{current}) but have no RPC snapshot, so clients "
                "pinned there are not checked. Record each from the release that served "
                f"it: `ovo-compat snapshot --config {t.config_path} --target {t.name}` in "
                "that release's environment (--infer-history records only the current "
                f"RPC version), or raise [tool.ovo-compat.targets.{t.name}.support] "
                f"{name} above {gaps[-1]}",
                from_version=gaps[0],
                to_version=current,
                details={"api": name, "caps": gaps},
            )
        ]

    def shape_failures(self, name: str, cap: str) -> list[Failure]:
        """``rpc.shape-unknown`` when ``cap`` has no recorded payload shapes."""
        harness = self.harnesses[name]
        if harness.shapes_at(cap) is not None:
            return []
        t = self.target
        return [
            Failure(
                "rpc.shape-unknown",
                name,
                f"RPC API {name} cap {cap}: no payload shapes recorded "
                f"({t.snapshots}/rpc/shapes/{name}.json), so the dict/list arguments and "
                f"replies of clients pinned at {cap} are not checked. Record them: "
                f"`ovo-compat snapshot --config {t.config_path} --target {t.name}` in the "
                f"environment of the release that served {cap}, or declare "
                f'code = "rpc.shape-unknown" for {name} with the reason',
                from_version=cap,
                to_version=cap,
                details={"api": name, "cap": cap},
            )
        ]

    def snapshot_failures(self, name: str) -> list[Failure]:
        """The verdict of the current API against its record (computes the current shapes)."""
        from compat_tests.rpc.record import infer_shapes, verdict

        harness = self.harnesses[name]
        version = harness.current["version"]
        current_shapes = infer_shapes(harness, version)
        return verdict(
            harness.api,
            harness.history,
            harness.shapes,
            harness.current,
            current_shapes,
            oldest=self.oldest(name),
            path=str(self.target.snapshots / "rpc" / f"{name}.json"),
        )

    def ungenerated(self, name: str) -> list[Failure]:
        """``rpc.ungenerated-parameter``: client parameters the harness never generates."""
        from compat_tests.rpc.api import ungenerated_parameters

        harness = self.harnesses[name]
        client = harness.api.client(harness.capture_transport(), None)
        return [
            Failure("rpc.ungenerated-parameter", name, line, field=where)
            for where, line in ungenerated_parameters(harness.api, client)
        ]

    def preflight(self) -> list[Failure]:
        """Everything ``ovo-compat check`` reports for the RPC APIs (before declarations)."""
        failures = []
        for name in self.harnesses:
            verdict = self.snapshot_failures(name)
            failures += verdict
            if any(f.code == "rpc.snapshot-missing" for f in verdict):
                continue  # nothing recorded: the one thing to do is `ovo-compat snapshot`
            failures += self.history_failures(name)
            for cap in self.caps(name):
                failures += self.shape_failures(name, cap)
        for name in self.harnesses:
            failures += self.ungenerated(name)
        return failures

    # -- running ----------------------------------------------------------------------------

    def raise_undeclared(self, failures: list[Failure]) -> None:
        """Raise the first failure no declaration covers (recording those covered)."""
        self.ledger.raise_first(failures)

    def run(self, case: RpcCase, *, given: Callable[..., Any] | None = None) -> None:
        """Run one case; raise `CompatFailure` for an undeclared finding."""
        from compat_tests.rpc.properties import check_signatures

        current = self.harnesses[case.api].current["version"]
        if case.kind == "snapshot":
            self.ledger.cover(case.api)
        elif case.kind == "history":
            gaps = window_gaps(self.harnesses[case.api].history, current, self.oldest(case.api))
            self.ledger.cover(case.api, [(gap, current) for gap in gaps] or [])
        elif case.kind == "shapes":
            self.ledger.cover(case.api, [(case.cap, case.cap)])
        elif case.kind in ("signatures", "recorded"):
            self.ledger.cover(case.api, [(case.cap, current)])
        else:
            self.ledger.cover(case.api, [(case.cap, case.cap), (case.cap, current)])
        if case.kind == "snapshot":
            self.raise_undeclared(self.snapshot_failures(case.api))
        elif case.kind == "history":
            self.raise_undeclared(self.history_failures(case.api))
        elif case.kind == "shapes":
            self.raise_undeclared(self.shape_failures(case.api, case.cap))
        elif case.kind == "signatures":
            self._guarded(lambda: check_signatures(self.harnesses[case.api], case.cap))
        elif case.kind == "call":
            self._run_call(case)
        elif case.kind == "recorded":
            self._run_recorded(case)
        else:
            raise ValueError(f"unknown RPC case kind {case.kind!r}")

    def _guarded(self, check: Callable[[], Any]) -> Any:
        return self.ledger.guard(check)

    def _run_call(self, case: RpcCase) -> None:
        from hypothesis import strategies as st

        from compat_tests.rpc.api import argument_strategy
        from compat_tests.rpc.properties import check_pinned_call, check_real_call

        harness = self.harnesses[case.api]
        client = harness.api.client(harness.capture_transport(), None)
        arguments = argument_strategy(harness.api, client, case.method)
        state = {"real": False, "refused": 0}

        def pinned_call(data: st.DataObject) -> None:
            self.examples += 1
            kwargs = data.draw(arguments, label="kwargs")
            kind = self._guarded(lambda: check_pinned_call(harness, case.method, case.cap, kwargs))
            if kind is False:
                state["refused"] += 1
            elif kind is True and not state["real"]:
                for server in (case.cap, None):
                    self._guarded(
                        lambda s=server: check_real_call(harness, case.method, case.cap, s, kwargs)
                    )
                state["real"] = True

        run_named(pinned_call, run_name("pinned_call", case.id), settings(), data=st.data())
        if state["refused"]:
            self.refused += 1

    def _run_recorded(self, case: RpcCase) -> None:
        from compat_tests.rpc.properties import check_recorded_message, recorded_messages

        harness = self.harnesses[case.api]
        messages = recorded_messages(harness, case.cap)[case.method]

        def old_client_message(args: dict[str, Any]) -> None:
            self.examples += 1
            self._guarded(lambda: check_recorded_message(harness, case.cap, case.method, args))

        name = run_name("old_client_message", case.id)
        run_named(old_client_message, name, settings(), args=messages)


def _joined(failures: list[Failure]) -> Failure:
    first = failures[0]
    text = "\n".join(f.render() for f in failures)
    return Failure(
        first.code,
        first.subject,
        f"{len(failures)} findings:\n{text}",
        first.from_version,
        first.to_version,
        first.field,
        first.location,
        first.details,
    )
