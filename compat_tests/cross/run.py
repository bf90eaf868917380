"""``ovo-compat run --against SPEC``: the current code against a release's real code, over RabbitMQ.

The current code runs here; the release runs in its own virtualenv as an ``old-node``
(`compat_tests.cross.old`), both on the broker of `compat_tests.cross.process.rabbit_url`
under private exchanges.  On generated data (derandomized: the same every run):

* **to the release**: every current object backported to the release's manifest (what its
  serializer asks for: ``obj_tree_get_versions``), read field by field by the release's
  classes, and what they read read back by the current classes;
* **indirection**: the release given the newest primitive asks the current node's conductor
  for ``object_backport_versions`` over RPC and gets what a direct backport gives;
* **from the release**: objects generated with the release's classes read by the current
  classes and backported back unchanged;
* **RPC**: the current clients pinned to the release's caps call the release's real servers,
  and the release's real clients call the current servers; replies are readable;
* **fidelity** (`compat_tests.cross.fidelity`): the snapshot-rebuilt node of the recorded
  release must agree with the real one on all of the above; a disagreement is a model gap.

Failures are `compat_tests.report.CaseFailure` records with ``cross.*`` codes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from compat_tests.cross.objects import check_objects
from compat_tests.cross.old import CONDUCTOR_TOPIC, Conductor
from compat_tests.cross.process import (
    READY_TIMEOUT,
    NodeError,
    check_broker,
    private_exchange,
    rabbit_url,
    rpc_transport,
    start_node,
)
from compat_tests.cross.result import CrossResult, Run
from compat_tests.cross.rpc import check_rpc
from compat_tests.failures import Failure

__all__ = ["DEFAULT_EXAMPLES", "CrossResult", "render", "run_against"]

#: Generated examples per class and per RPC method (``--examples``).
DEFAULT_EXAMPLES = 5


def run_against(
    target: Any,
    spec_text: str,
    *,
    out: TextIO,
    old_target: str | None = None,
    url: str | None = None,
    index: bool = True,
    find_links: Sequence[str] = (),
    examples: int = DEFAULT_EXAMPLES,
    ready_timeout: float = READY_TIMEOUT,
    fidelity: bool = True,
) -> CrossResult:
    """Run every cross-release property of ``target`` against release ``spec_text``.

    ``old_target``: the target (in the same configuration file) describing the release's
    modules when they differ from ``target``'s; ``url``: the broker (`rabbit_url`);
    ``index``/``find_links``: how the release is installed (`compat_tests.venvs`).
    """
    from compat_tests.discover import make_context
    from compat_tests.rpc.api import by_topic
    from compat_tests.rpc.suite import target_fixtures
    from compat_tests.snapshots import SnapshotStore
    from compat_tests.venvs import release_python

    url = rabbit_url(url)
    check_broker(url)
    spec, python = release_python(spec_text, out=out, index=index, find_links=find_links)
    old_exchange, new_exchange = private_exchange(), private_exchange()
    result = CrossResult(release=" ".join(spec.requirements))
    with target_fixtures(target) as catalog, contextlib.ExitStack() as stack:
        context = make_context(target)
        new_transport = rpc_transport(url, new_exchange)
        stack.callback(new_transport.cleanup)
        stack.enter_context(
            _serving(new_transport, CONDUCTOR_TOPIC, [Conductor(catalog.classes, context)])
        )
        apis = _apis(target)
        # Each API on every topic the current description lists (`served_topics`), as the
        # old node serves the release's; `check_rpc` tells the release's clients which.
        for topic, group in by_topic(apis).items():
            endpoints = [e for api in group for e in api.endpoints()]
            stack.enter_context(_serving(new_transport, topic, endpoints, api=group[0]))
        label = f"old node {' '.join(spec.requirements)}"
        print(f"starting {label} ({python}) on {url}", file=out)
        out.flush()
        try:
            node = start_node(
                "old-node",
                python=python,
                args={
                    "config": str(target.config_path),
                    "target": old_target or target.name,
                    "conductor_topic": CONDUCTOR_TOPIC,
                    "peer_exchange": new_exchange,
                    "distributions": list(spec.claim),
                },
                url=url,
                exchange=old_exchange,
                label=label,
                ready_timeout=ready_timeout,
            )
        except NodeError as exc:
            _node_failed(result, exc, "starting")
            return result
        stack.callback(node.stop)
        run = Run(
            target,
            catalog.classes,
            context,
            node,
            result,
            examples,
            SnapshotStore(target.snapshots),
        )
        step = "the object checks"
        try:
            check_objects(run)
            old_transport = rpc_transport(url, old_exchange)
            stack.callback(old_transport.cleanup)
            step = "the RPC checks"
            schemas = check_rpc(run, apis, old_transport)
            if fidelity:
                from compat_tests.cross.fidelity import check_fidelity

                step = "the fidelity check"
                check_fidelity(run, schemas, spec)
            else:
                result.notes.append("fidelity (--no-fidelity)")
        except NodeError as exc:
            _node_failed(result, exc, step)
    _apply_declared(result, target)
    return result


def _apply_declared(result: CrossResult, target: Any) -> None:
    """Drop the failures the target's declared exceptions explain (counted as declared).

    Declarations of ``cross.*`` codes are not reported stale when they do not fire: what a
    run finds depends on the release it runs against.
    """
    from compat_tests.declarations import Ledger

    ledger = Ledger(tuple(target.exceptions))
    kept = [f for f in result.failures if not ledger.excuse(f.failure)]
    result.count("declared", len(result.failures) - len(kept))
    result.failures = kept


def _node_failed(result: CrossResult, exc: NodeError, step: str) -> None:
    failure = Failure(
        code="cross.node-failed",
        subject=result.release,
        message=f"during {step}: {exc}",
    )
    result.add(failure, f"cross::{result.release}::node", raised=exc.stderr_tail or None)
    result.notes.append(f"everything after {step} (the old node failed)")


@contextlib.contextmanager
def _serving(
    transport: Any, topic: str, endpoints: list[Any], *, api: Any = None
) -> Iterator[None]:
    """An RPC server of the current code on ``topic`` while the block runs."""
    import oslo_messaging

    serializer = None
    if api is not None:
        serializer = api.server_serializer(None) if api.server_serializer else api.make_serializer()
    server = oslo_messaging.get_rpc_server(
        transport,
        oslo_messaging.Target(topic=topic, server="current-node"),
        endpoints,
        executor="threading",
        serializer=serializer,
    )
    server.start()
    try:
        yield
    finally:
        server.stop()
        server.wait()


def _apis(target: Any) -> list[Any]:
    if not target.rpc:
        return []
    from compat_tests.rpc.api import load_apis

    return load_apis(target)


def render(result: CrossResult, out: TextIO, *, verbose: bool = False) -> None:
    """Print the findings (as ``ovo-compat run`` does) and the counts line."""
    from compat_tests.report import group, render_findings

    findings = group(result.failures)
    if findings:
        print(render_findings(findings, verbose=verbose), file=out)
    print(result.counts_line(), file=out)
