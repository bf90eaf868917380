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
import copy
import json
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from compat_tests.cross.old import (
    CALL_TIMEOUT,
    CONDUCTOR_TOPIC,
    Conductor,
    each_example,
    shown,
    watched_call,
)
from compat_tests.cross.process import (
    READY_TIMEOUT,
    Node,
    NodeError,
    check_broker,
    private_exchange,
    rabbit_url,
    rpc_transport,
    start_node,
)
from compat_tests.failures import Failure
from compat_tests.properties._compare import dig, first_difference, normalized, sets_sorted
from compat_tests.report import CaseFailure, Counterexample
from compat_tests.rpc.transport import wire

__all__ = ["DEFAULT_EXAMPLES", "CrossResult", "run_against"]

#: Generated examples per class and per RPC method (``--examples``).
DEFAULT_EXAMPLES = 5


@dataclass
class CrossResult:
    """What a cross-release run found, counted and left out."""

    release: str
    failures: list[CaseFailure] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: "API.method: Kind" -> calls answered with an application error or a client error
    benign: dict[str, int] = field(default_factory=dict)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set)

    @property
    def gaps(self) -> list[CaseFailure]:
        """The model gaps (``cross.model-gap``) among the failures."""
        return [f for f in self.failures if f.failure.code == "cross.model-gap"]

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to counter ``key``."""
        self.counts[key] = self.counts.get(key, 0) + n

    def add(
        self, failure: Failure, case: str, *, sent: Any = None, raised: str | None = None
    ) -> None:
        """Record ``failure`` (once per code, subject, field and version pair)."""
        key = (failure.code, failure.subject, failure.field or "", failure.pair)
        if key in self._seen:
            self.count("repeats")
            return
        self._seen.add(key)
        shown = None if sent is None else json.dumps(sent, sort_keys=True, default=str)[:4000]
        self.failures.append(
            CaseFailure(
                case=case, failure=failure, counterexample=Counterexample(sent=shown, raised=raised)
            )
        )

    def counts_line(self) -> str:
        """One line: what was checked against which release, and what was not and why."""
        c = self.counts
        parts = [
            f"cross against {self.release}: {c.get('classes', 0)} classes",
            f"({c.get('sent', 0)} objects sent, "
            f"{c.get('indirection', 0)} through indirection, {c.get('received', 0)} received "
            "from the release)",
            f"RPC: {c.get('rpc-calls', 0)} calls to its servers, {c.get('rpc-old-client', 0)} "
            f"by its clients ({c.get('rpc-refused', 0)} methods refused by the cap before "
            f"sending; {c.get('rpc-application-errors', 0)} answered with an application "
            f"error and {c.get('rpc-client-errors', 0)} raised by the client on a valid "
            "reply, neither a compatibility failure)",
            f"fidelity: {c.get('fidelity', 0)} comparisons with the rebuilt node, "
            f"{len(self.gaps)} model gaps",
            f"{len(self.failures)} failures ({c.get('declared', 0)} more explained by declared "
            "exceptions)",
        ]
        if self.benign:
            shown = ", ".join(f"{k} x{n}" for k, n in sorted(self.benign.items()))
            parts[2] = parts[2][:-1] + f": {shown})"
        line = " ".join(parts[:2]) + "; " + "; ".join(parts[2:])
        if c.get("indirection-impossible"):
            self.notes.append(
                f"indirection for {c['indirection-impossible']} objects (the release's classes "
                "are not in OVO's global registry, so its serializer never asks for a backport)"
            )
        if self.notes:
            line += "; not checked: " + "; ".join(self.notes)
        return line


@dataclass
class _Run:
    """The state one run shares between its checks."""

    target: Any
    classes: Mapping[str, type]
    context: Any
    node: Node
    result: CrossResult
    examples: int
    histories: Any
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (primitive given to the release, what the real release read) for the fidelity check
    reads: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    fidelity: bool = True
    cleanups: list[Callable[[], Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.result.release

    def old_version(self, name: str) -> str:
        return str(self.node.info["objects"][name])

    def manifest(self, name: str) -> dict[str, str]:
        """What the release's serializer sends for ``name`` (``obj_tree_get_versions``)."""
        if name not in self.manifests:
            self.manifests[name] = self.node.call("tree_versions", {"name": name})
        return self.manifests[name]["manifest"]

    def backport(self, obj: Any, version: str) -> dict[str, Any]:
        """``obj`` as the current code sends it to the release: with its manifest if it has one.

        A release whose OVO cannot walk its classes (``obj_tree_get_versions`` fails: a
        project registry such as Neutron's) never sends a manifest, so the current code
        is given the version only, as such projects do.
        """
        name = obj.obj_name()
        manifest = self.manifest(name)
        if self.manifests[name]["real"]:
            return wire(obj.obj_to_primitive(target_version=version, version_manifest=manifest))
        return wire(obj.obj_to_primitive(target_version=version))

    def descriptors(self, name: str, version: str) -> Mapping[str, Any] | None:
        if name in self.histories and version in self.histories[name]:
            return self.histories[name][version].get("fields", {})
        return None

    def comparable(self, primitive: Any) -> Any:
        """``primitive`` as values compare: sets sorted, without ``changes`` lists.

        Which fields were changed is bookkeeping a reader filters to its own fields
        (``obj_from_primitive``), not a value the two sides must agree on.
        """
        return _without_changes(normalized(sets_sorted(primitive, self.descriptors)))

    def fail(
        self,
        code: str,
        name: str,
        message: str,
        *,
        pair: tuple[str | None, str | None],
        field: str | None = None,
        sent: Any = None,
        raised: str | None = None,
        location: str = "",
    ) -> None:
        failure = Failure(
            code=code,
            subject=name,
            message=f"{message} [against {self.label}]",
            from_version=pair[0],
            to_version=pair[1],
            field=field,
            location=location,
            details={"release": self.label},
        )
        self.result.add(failure, f"cross::{self.label}::{name}::{code}", sent=sent, raised=raised)


def _without_changes(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_changes(v) for k, v in value.items() if not str(k).endswith(".changes")}
    if isinstance(value, list):
        return [_without_changes(v) for v in value]
    return value


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
        for topic, group in _by_topic(apis).items():
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
        run = _Run(
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
            _objects(run)
            old_transport = rpc_transport(url, old_exchange)
            stack.callback(old_transport.cleanup)
            step = "the RPC checks"
            schemas = _rpc(run, apis, old_transport)
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


def _by_topic(apis: Sequence[Any]) -> dict[str, list[Any]]:
    """APIs grouped by topic: one server per topic holds every endpoint, as services do."""
    found: dict[str, list[Any]] = {}
    for api in apis:
        found.setdefault(api.topic, []).append(api)
    return found


def _apis(target: Any) -> list[Any]:
    if not target.rpc:
        return []
    from compat_tests.rpc.api import load_apis

    return load_apis(target)


# -- objects ------------------------------------------------------------------------------


def _objects(run: _Run) -> None:
    from strategies import objects

    released = run.node.info["objects"]
    common = sorted(set(run.classes) & set(released))
    new_only = sorted(set(run.classes) - set(released))
    if new_only:
        run.result.notes.append(
            f"{len(new_only)} classes the release does not have ({', '.join(new_only[:5])}"
            f"{', ...' if len(new_only) > 5 else ''}): nothing to send them to"
        )
    for name in common:
        run.result.count("classes")
        cls = run.classes[name]
        for obj in each_example(objects(cls), run.examples):
            _to_release(run, name, obj)
        _from_release(run, name)


def _to_release(run: _Run, name: str, obj: Any) -> None:
    old = run.old_version(name)
    pair = (str(obj.VERSION), old)
    try:
        sent = run.backport(obj, old)
    except Exception as exc:
        how = (
            f"the release's manifest {run.manifest(name)}"
            if run.manifests[name]["real"]
            else ("its version only (the release sends no manifest)")
        )
        run.fail(
            "cross.backport-failed",
            name,
            f"the current code cannot backport {name} {obj.VERSION} to {old} with "
            f"{how}: {type(exc).__name__}: {exc}",
            pair=pair,
            sent=wire(obj.obj_to_primitive()),
        )
        return
    run.result.count("sent")
    got = run.node.call("read", {"primitive": sent})
    run.reads.append((sent, got))
    if not got["ok"]:
        run.fail(
            "cross.old-cannot-read",
            name,
            f"the release's own {name} {old} cannot read what the current code sends it "
            f"(backported with the release's manifest): {got['kind']}: {got['message']}",
            pair=pair,
            sent=sent,
            raised=f"{got['kind']}: {got['message']}",
        )
        return
    _compare_fields(run, name, pair, sent, got["primitive"], "reads")
    try:
        run.classes[name].obj_from_primitive(copy.deepcopy(got["primitive"]), run.context)
    except Exception as exc:
        run.fail(
            "cross.new-cannot-read",
            name,
            f"the current code cannot read the {name} {old} the release sends back: "
            f"{type(exc).__name__}: {exc}",
            pair=(old, str(obj.VERSION)),
            sent=got["primitive"],
        )
    _indirection(run, name, obj, pair, got["primitive"])


def _compare_fields(
    run: _Run, name: str, pair: tuple[str, str], sent: dict, read: dict, verb: str
) -> None:
    """Field by field: what the release read (``read``) against what it was sent."""
    data_key = "versioned_object.data"
    sent_data, read_data = sent.get(data_key, {}), read.get(data_key, {})
    for key in sorted(sent_data):
        if key not in read_data:
            run.fail(
                "cross.old-ignores-field",
                name,
                f"the current code sends field {key!r} in {name} {pair[1]}, which the "
                f"release's {name} {pair[1]} does not define: a real node at {pair[1]} drops "
                "it when reading (obj_make_compatible should pop it)",
                pair=pair,
                field=key,
                sent=sent,
            )
            continue
        want = run.comparable({**sent, data_key: {key: sent_data[key]}})
        got = run.comparable({**sent, data_key: {key: read_data[key]}})
        path = first_difference(want, got)
        if path is not None:
            run.fail(
                "cross.old-reads-differently",
                name,
                f"the release's {name} {pair[1]} {verb} field {key!r} as {dig(got, path)!r} "
                f"where the current code sent {dig(want, path)!r}",
                pair=pair,
                field=key,
                sent=sent,
                location="/" + "/".join(str(p) for p in path),
            )


def _indirection(run: _Run, name: str, obj: Any, pair: tuple[str, str], direct: dict) -> None:
    """The release given the newest primitive asks the current node to backport it."""
    if pair[0] == pair[1] and run.manifest(name) == _current_tree(obj):
        return  # the release reads this primitive as is: no backport asked for
    if name not in run.node.info.get("indirection", ()):
        run.result.count("indirection-impossible")
        return
    run.result.count("indirection")
    full = wire(obj.obj_to_primitive())
    got = run.node.call("receive", {"primitive": full})
    if not got["ok"]:
        run.fail(
            "cross.indirection-failed",
            name,
            f"the release's serializer could not receive {name} {pair[0]} through the current "
            f"node's object_backport_versions: {got['kind']}: {got['message']}",
            pair=pair,
            sent=full,
        )
        return
    want, have = run.comparable(direct), run.comparable(got["primitive"])
    path = first_difference(want, have)
    if path is not None:
        run.fail(
            "cross.indirection-differs",
            name,
            f"through indirection the release holds {dig(have, path)!r}, a direct backport "
            f"gives {dig(want, path)!r}",
            pair=pair,
            field=str(path[1]) if len(path) > 1 else None,
            sent=full,
        )


def _current_tree(obj: Any) -> dict[str, str]:
    from compat_tests.manifests import registry_lookup, tree_versions

    return tree_versions(type(obj), registry_lookup(type(obj)))


def _from_release(run: _Run, name: str) -> None:
    old = run.old_version(name)
    cls = run.classes[name]
    pair = (old, str(cls.VERSION))
    try:
        primitives = run.node.call("generate", {"name": name, "count": run.examples})
    except NodeError as exc:
        if not hasattr(exc, "kind"):
            raise
        run.result.notes.append(f"{name} {old} not generated in the release ({exc.detail[:200]})")
        return
    for primitive in primitives:
        run.result.count("received")
        run.reads.append((primitive, {"ok": True, "version": old, "primitive": primitive}))
        try:
            obj = cls.obj_from_primitive(copy.deepcopy(primitive), run.context)
        except Exception as exc:
            run.fail(
                "cross.new-cannot-read",
                name,
                f"the current code cannot read a {name} {old} generated by the release's own "
                f"classes: {type(exc).__name__}: {exc}",
                pair=pair,
                sent=primitive,
            )
            continue
        try:
            back = run.backport(obj, old)
        except Exception as exc:
            run.fail(
                "cross.backport-failed",
                name,
                f"the current code cannot backport the {name} it read from the release back to "
                f"{old}: {type(exc).__name__}: {exc}",
                pair=(str(cls.VERSION), old),
                sent=primitive,
                raised=traceback.format_exc(),
            )
            continue
        _compare_back(run, name, (str(cls.VERSION), old), primitive, back)


def _compare_back(run: _Run, name: str, pair: tuple[str, str], original: dict, back: dict) -> None:
    want, got = run.comparable(original), run.comparable(back)
    path = first_difference(want, got)
    if path is not None:
        run.fail(
            "cross.backport-changed",
            name,
            f"a {name} {pair[1]} from the release, read by the current code and backported "
            f"back to {pair[1]}, holds {dig(got, path)!r} where the release sent "
            f"{dig(want, path)!r}",
            pair=pair,
            field=str(path[1]) if len(path) > 1 else None,
            sent=original,
            location="/" + "/".join(str(p) for p in path),
        )


# -- RPC ----------------------------------------------------------------------------------


def _rpc(run: _Run, apis: list[Any], old_transport: Any) -> dict[str, Any]:
    """Both directions of every RPC API the release and the current code share."""
    if not apis:
        return {}
    schemas = run.node.call("rpc_schemas")
    served = run.node.call("serve_rpc")
    for api in apis:
        if api.name not in served:
            run.result.notes.append(f"RPC API {api.name}: the release has no description of it")
            continue
        cap = str(schemas[api.name]["version"])
        _current_client(run, api, cap, old_transport)
        _old_client(run, api, cap, schemas[api.name])
    return schemas


def _current_client(run: _Run, api: Any, cap: str, transport: Any) -> None:
    from compat_tests.rpc.api import argument_strategy, client_methods
    from compat_tests.rpc.harness import pinned_client

    client = pinned_client(api, transport, cap, CALL_TIMEOUT)
    server = f"the release's real {api.name} server"
    model = _model_harness(run, api, cap)
    for method in client_methods(api, client):
        for kwargs in each_example(argument_strategy(api, client, method), run.examples):
            done = watched_call(api, client, method, kwargs)
            if done.get("refused"):
                run.result.count("rpc-refused")
                break
            run.result.count("rpc-calls")
            who = f"the current {api.name} client pinned to {cap} calling {method} on {server}"
            rejected = _classify(
                run, api, method, (cap, cap), done, who, "cross.old-server-rejects"
            )
            if model is not None:
                _compare_model_server(run, model, api, method, cap, kwargs, rejected, done)


def _model_harness(run: _Run, api: Any, cap: str) -> Any:
    """The suite's harness of ``api`` (servers rebuilt from its RPC snapshots), or None.

    None without the fidelity check or when the release's version of the API is not
    recorded (the RPC schema gap says so).
    """
    if not run.fidelity:
        return None
    from compat_tests.rpc.harness import Harness
    from compat_tests.rpc.record import load_shapes
    from compat_tests.rpc.schema import load_history

    directory = run.target.snapshots / "rpc"
    history = load_history(directory, api.name)
    if cap not in history:
        return None
    harness = Harness(api, history, shapes=load_shapes(directory, api.name))
    harness.setUp()
    run.cleanups.append(harness.cleanUp)
    return harness


def _compare_model_server(
    run: _Run,
    harness: Any,
    api: Any,
    method: str,
    cap: str,
    kwargs: Mapping[str, Any],
    real_rejected: bool,
    done: Mapping[str, Any],
) -> None:
    """Fidelity: the server rebuilt at ``cap`` rejects exactly what the real one rejects."""
    from compat_tests.rpc.harness import RpcTimeout, ServerError

    run.result.count("fidelity")
    outcome = harness.call(method, cap, cap, dict(kwargs))
    error = outcome.error
    inner = error.error if isinstance(error, ServerError) else error
    model_rejected = isinstance(error, ServerError) or isinstance(inner, RpcTimeout)
    if model_rejected == real_rejected:
        return
    said = {True: "rejects", False: "accepts"}
    model_why = f" ({type(inner).__name__}: {inner})" if model_rejected else ""
    real_why = f" ({done['kind']}: {done['message'][:300]})" if real_rejected else ""
    from compat_tests.cross.fidelity import gap

    gap(
        run,
        api.name,
        f"{method} from the current client pinned to {cap}: the server rebuilt from the "
        f"{api.name} {cap} snapshot {said[model_rejected]} it{model_why}, the real "
        f"{run.label} server {said[real_rejected]} it{real_why}",
        version=cap,
        field=method,
        sent={k: shown(v) for k, v in kwargs.items()},
    )


def _old_client(run: _Run, api: Any, cap: str, schema: Mapping[str, Any]) -> None:
    from compat_tests.rpc.schema import describe_api

    current = str(describe_api(api)["version"])
    for method in run.node.call("client_methods", {"api": api.name}):
        results = run.node.call(
            "client_calls", {"api": api.name, "method": method, "count": run.examples}
        )
        for done in results:
            if done.get("refused"):
                run.result.count("rpc-refused")
                break
            run.result.count("rpc-old-client")
            who = (
                f"the release's real {api.name} client (at {cap}) calling {method} on the "
                f"current server ({current})"
            )
            _classify(run, api, method, (cap, current), done, who, "cross.new-server-rejects")


def _benign(run: _Run, key: str) -> None:
    run.result.benign[key] = run.result.benign.get(key, 0) + 1


def _classify(
    run: _Run,
    api: Any,
    method: str,
    pair: tuple[str, str],
    done: Mapping[str, Any],
    who: str,
    rejects: str,
) -> bool:
    """Report one call's outcome (`compat_tests.cross.old.watched_call`) when it is a failure.

    A server that raised because of the message's structure or a too-new object rejects it;
    a reply the client's serializer cannot read is unreadable; a server that answered with
    an application error (an id that does not exist) or a client that raised on a valid
    reply (Neutron's clients raise ResourceNotFound on an empty one) says nothing about
    compatibility: those are counted, not reported.  True when the server rejected it.
    """
    from compat_tests.rpc.properties import _REJECTS, _STRUCTURAL, _TOO_NEW

    if done["ok"]:
        return False
    kind = done["kind"]
    detail = f"{kind}: {done['message'][:500]}"
    if done.get("unreadable"):
        code, what = "cross.reply-unreadable", "the client could not read the reply"
    elif done.get("timeout"):
        code, what = rejects, "no reply within the timeout"
    elif done.get("remote") and kind in _STRUCTURAL | _TOO_NEW | _REJECTS:
        code, what = rejects, "the server rejected the message"
    elif done.get("remote"):
        run.result.count("rpc-application-errors")
        _benign(run, f"{api.name}.{method}: {kind} (server)")
        return False
    else:
        run.result.count("rpc-client-errors")
        _benign(run, f"{api.name}.{method}: {kind} (client)")
        return False
    run.fail(
        code,
        api.name,
        f"{who}: {what} ({detail})",
        pair=pair,
        field=method,
        sent=done.get("args"),
        raised=f"{kind}: {done['message'][:2000]}",
    )
    return code == rejects


def render(result: CrossResult, out: TextIO, *, verbose: bool = False) -> None:
    """Print the findings (as ``ovo-compat run`` does) and the counts line."""
    from compat_tests.report import group, render_findings

    findings = group(result.failures)
    if findings:
        print(render_findings(findings, verbose=verbose), file=out)
    print(result.counts_line(), file=out)
