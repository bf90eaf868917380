"""Run a rolling-upgrade plan: nodes as processes, one upgrade per step, traffic in every state.

`run_upgrade` starts every node of the plan on the old release (each in its own process,
`compat_tests.cross.process`, role `compat_tests.upgrade.service:service`), then for each
state of the plan (all old, then after each step) sends generated traffic over every link
(a caller, an API it calls, a node hosting it) with the caller's client capped as the
target's pinning rule says, and asks every host what its casts could not read.  A step
stops the upgraded node's old process and starts it on the new release.  Problems become
`compat_tests.failures.Failure` objects naming the step, both nodes, both versions and
the seed; a node that crashes, hangs or fails to start ends the run with
``rolling.node-failed`` naming its step.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from compat_tests.failures import Failure
from compat_tests.report import CaseFailure, Counterexample
from compat_tests.upgrade.config import UpgradeConfig
from compat_tests.upgrade.plan import Plan, State
from compat_tests.versions import parse as version_key

__all__ = ["Release", "Run", "run_plan"]

ROLE = "compat_tests.upgrade.service:service"
#: Seconds one generated RPC call may take before it is a ``rolling.timeout``.
CALL_TIMEOUT = 10.0
#: Seconds a node gets on top of its calls' own bounds to answer one operation.
_SLACK = 30.0
#: Seconds one answered call may take, at most, within a traffic operation's bound.
_PER_CALL = 5.0


@dataclass(frozen=True)
class Release:
    """One side of the upgrade: a label for people and the interpreter that runs it."""

    label: str
    python: Path


@dataclass
class Run:
    """What a run found and counted."""

    failures: list[CaseFailure] = field(default_factory=list)
    calls: int = 0
    refused: int = 0
    unserved: int = 0  # casts to a topic the host does not serve (no listener, as on a broker)
    links: int = 0
    states: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    stopped: str | None = None  # why the run ended before the last state


def run_plan(
    plan: Plan,
    config: UpgradeConfig,
    target: Any,
    old: Release,
    new: Release,
    *,
    url: str | None = None,
    examples: int = 3,
    replay: Sequence[str] = (),
    out: TextIO = sys.stdout,
    start: Callable[..., Any] | None = None,
    check: Callable[[list[str]], None] | None = None,
    call_timeout: float = CALL_TIMEOUT,
) -> Run:
    """Run ``plan`` from ``old`` to ``new``; progress lines go to ``out``.

    ``check`` sees the API names the first node describes before any traffic (it raises
    `compat_tests.errors.ConfigError` for a role naming an unknown API); ``start``
    replaces `compat_tests.cross.start_node`.  ``call_timeout`` bounds each generated
    call; every operation on a node is bounded by what its calls may take.
    """
    from compat_tests.cross import NodeError, private_exchange, rabbit_url, start_node

    start = start or start_node
    run = Run()
    exchange = private_exchange("ovo-compat-upgrade")
    nodes: dict[str, Any] = {}
    context = _Context(plan, config, target, old, new, tuple(replay), run, call_timeout)

    def launch(name: str, release: Release, step: int) -> Any:
        role = config.role(plan.node(name).role)
        return start(
            ROLE,
            python=release.python,
            args={
                "config": str(target.config_path),
                "target": target.name,
                "node": name,
                "hosts": list(role.hosts),
                "calls": list(role.calls),
                "call_timeout": call_timeout,
            },
            url=rabbit_url(url),
            exchange=exchange,
            label=f"node {name} ({release.label}, step {step})",
        )

    try:
        began = time.monotonic()
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                started = {n.name: pool.submit(launch, n.name, old, 0) for n in plan.nodes}
                for name, future in started.items():
                    nodes[name] = future.result()
        except NodeError as exc:
            for future in started.values():
                if future.done() and future.exception() is None:
                    future.result().kill()
            _stop(run, context.node_failed(0, _failed_name(exc, plan), old, exc))
            return run
        run.seconds["start"] = time.monotonic() - began
        if check is not None:
            check(sorted(next(iter(nodes.values())).info.get("apis", {})))
        print(
            f"started {len(nodes)} nodes on {old.label} in {run.seconds['start']:.1f} s", file=out
        )
        for state in plan.states():
            began = time.monotonic()
            if state.step:
                name = plan.order[state.step - 1]
                nodes.pop(name).stop()
                try:
                    nodes[name] = launch(name, new, state.step)
                except NodeError as exc:
                    _stop(run, context.node_failed(state.step, name, new, exc))
                    break
            try:
                _traffic(context, state, nodes, examples)
            except _NodeDown as down:
                release = new if state.is_new(down.node) else old
                _stop(run, context.node_failed(state.step, down.node, release, down.error))
                break
            run.states += 1
            spent = time.monotonic() - began
            run.seconds[f"step {state.step}"] = spent
            found = len(run.failures)
            print(
                f"step {state.step}: {run.calls} calls so far, {found} problem(s); {spent:.1f} s",
                file=out,
            )
            out.flush()
    finally:
        # in parallel: a node that does not exit when asked costs its stop timeout once
        with ThreadPoolExecutor(max_workers=max(1, len(nodes))) as pool:
            list(pool.map(lambda node: node.stop(), list(nodes.values())))
    return run


class _NodeDown(Exception):
    def __init__(self, node: str, error: BaseException) -> None:
        super().__init__(node)
        self.node, self.error = node, error


@dataclass
class _Context:
    plan: Plan
    config: UpgradeConfig
    target: Any
    old: Release
    new: Release
    replay: tuple[str, ...]
    run: Run
    call_timeout: float = CALL_TIMEOUT

    def release(self, state: State, node: str) -> Release:
        return self.new if state.is_new(node) else self.old

    def node_failed(
        self, step: int, name: str, release: Release, error: BaseException
    ) -> CaseFailure:
        message = (
            f"step {step} (seed {self.plan.seed}): node {name} on {release.label} failed: {error}"
        )
        failure = Failure(
            code="rolling.node-failed",
            subject=name,
            message=message,
            from_version=self.old.label,
            to_version=self.new.label,
            details={"step": step, "node": name, "release": release.label, "seed": self.plan.seed},
        )
        return CaseFailure(
            case=f"upgrade[seed={self.plan.seed}] step {step} node {name}",
            failure=failure,
            counterexample=Counterexample(raised=type(error).__name__),
            reproduce=" ".join(self.replay) or None,
        )


def _stop(run: Run, record: CaseFailure) -> None:
    run.failures.append(record)
    details = record.failure.details
    run.stopped = f"node {details['node']} failed at step {details['step']} (rolling.node-failed)"


def _failed_name(error: BaseException, plan: Plan) -> str:
    text = str(error)
    for node in plan.nodes:
        if f"node {node.name} (" in text:
            return node.name
    return plan.nodes[0].name


def _traffic(context: _Context, state: State, nodes: Mapping[str, Any], examples: int) -> None:
    """Every link of ``state``: generated calls, then what the host's casts could not read."""
    from compat_tests.cross import NodeError

    plan, config = context.plan, context.config
    versions = {name: node.info.get("apis", {}) for name, node in nodes.items()}
    links = 0
    for caller in plan.nodes:
        role = config.role(caller.role)
        for api in role.calls:
            hosts = [
                n.name
                for n in plan.nodes
                if n.name != caller.name and api in config.role(n.role).hosts
            ]
            cap = _cap(config.pinning, api, caller.name, hosts, versions)
            for host in hosts:
                links += 1
                seed = (state.seed + links * 7919) % 2**32
                methods = nodes[caller.name].info.get("methods", {}).get(api, 1)
                timeout = context.call_timeout
                bound = methods * (timeout + examples * _PER_CALL) + _SLACK
                try:
                    result = nodes[caller.name].call(
                        "traffic",
                        {
                            "api": api,
                            "peer": host,
                            "cap": cap,
                            "examples": examples,
                            "seed": seed,
                            "peer_info": {
                                "topics": nodes[host].info.get("topics", {}),
                                "objects": nodes[host].info.get("objects", {}),
                            },
                        },
                        timeout=bound,
                    )
                except NodeError as exc:
                    raise _NodeDown(caller.name, exc) from None
                try:
                    received = nodes[host].call(
                        "received",
                        {"expect": result["casts"], "timeout": timeout},
                        timeout=timeout + _SLACK,
                    )
                except NodeError as exc:
                    raise _NodeDown(host, exc) from None
                context.run.calls += result["calls"]
                context.run.refused += result["refused"]
                context.run.unserved += result.get("unserved", 0)
                problems = list(result["problems"])
                problems += [{**p, "sent": None, "cast": True} for p in received["problems"]]
                if received["casts"] < result["casts"]:
                    problems.append(_lost_casts(result["casts"], received["casts"], timeout))
                for problem in problems:
                    _record(context, state, caller.name, host, api, cap, versions, problem)
    context.run.links = max(context.run.links, links)


def _lost_casts(sent: int, arrived: int, timeout: float) -> dict[str, Any]:
    return {
        "method": "<casts>",
        "code": "rolling.timeout",
        "raised": f"{sent} cast(s) sent, {arrived} dispatched within {timeout:g} s",
        "sent": None,
        "cast": True,
    }


def _cap(
    pinning: str, api: str, caller: str, hosts: list[str], versions: Mapping[str, Mapping[str, str]]
) -> str | None:
    """The caller's cap for ``api``: the oldest running host's version when it is older."""
    if pinning == "none" or not hosts:
        return None
    own = versions[caller].get(api)
    oldest = min((versions[h][api] for h in hosts if api in versions[h]), key=version_key)
    if own is None or version_key(oldest) < version_key(own):
        return oldest
    return None


def _record(
    context: _Context,
    state: State,
    caller: str,
    host: str,
    api: str,
    cap: str | None,
    versions: Mapping[str, Mapping[str, str]],
    problem: Mapping[str, Any],
) -> None:
    plan = context.plan
    caller_release = context.release(state, caller).label
    host_release = context.release(state, host).label
    caller_version = versions[caller].get(api, "?")
    host_version = versions[host].get(api, "?")
    where = (
        f"step {state.step} (seed {plan.seed}): {caller} ({caller_release}, {api} "
        f"{caller_version}, cap {cap or 'none'}) -> {host} ({host_release}, {api} {host_version})"
    )
    if problem.get("cast"):
        what = f"{host} did not take the cast {problem['method']}: {problem['raised']}"
    else:
        what = f"{api}.{problem['method']}: {problem['raised']}"
    failure = Failure(
        code=problem["code"],
        subject=api,
        message=f"{where}: {what}; {_ADVICE[problem['code']]}",
        from_version=caller_version,
        to_version=host_version,
        field=problem["method"],
        details={
            "step": state.step,
            "seed": plan.seed,
            "caller": f"{caller} ({caller_release})",
            "host": f"{host} ({host_release})",
            "cap": cap,
        },
    )
    context.run.failures.append(
        CaseFailure(
            case=f"upgrade[seed={plan.seed}] step {state.step} {caller}->{host} "
            f"{api}.{problem['method']}",
            failure=failure,
            counterexample=Counterexample(
                call=f"{api}.{problem['method']}(context, ...)",
                sent=problem.get("sent"),
                raised=problem["raised"],
            ),
            reproduce=" ".join(context.replay) or None,
        )
    )


_ADVICE = {
    "rolling.call-rejected": "the receiving node refused what the caller sent: keep serving "
    "what older peers send, and cap clients at the oldest running host's version",
    "rolling.unreadable-reply": "the caller could not read the reply: backport replies to the "
    "caller's versions",
    "rolling.unreadable-object": "the receiving node could not read an object in the message: "
    "send objects at the receiver's versions",
    "rolling.timeout": "no reply within the call bound: the receiving node hangs or never got it",
    "rolling.client-error": "the caller's client raised before sending: fix the client",
}
