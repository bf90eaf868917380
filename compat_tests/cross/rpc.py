"""Cross-release RPC properties: pinned current clients to the release's real servers and back.

See `compat_tests.cross.run` for the properties; ``run`` is the run's `Run`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compat_tests.cross.old import CALL_TIMEOUT, each_example, shown, watched_call
from compat_tests.cross.result import Run
from compat_tests.rpc.transport import to_peer

__all__ = ["check_rpc"]


def check_rpc(run: Run, apis: list[Any], old_transport: Any) -> dict[str, Any]:
    """Both directions of every RPC API the release and the current code share."""
    if not apis:
        return {}
    schemas = run.node.call("rpc_schemas")
    served = run.node.call("serve_rpc")
    topics = run.node.call("rpc_topics")
    for ref, problem in sorted(run.node.call("rpc_problems").items()):
        run.result.notes.append(
            f"RPC API {ref}: its description does not load in the release ({problem[:300]})"
        )
    for name, problem in sorted(run.node.call("rpc_topic_problems").items()):
        run.result.notes.append(
            f"RPC API {name}: its topics() raised in the release ({problem[:300]}); the release "
            f"serves it on its topic {served[name][0]!r} only"
        )
    for api in apis:
        if api.name not in served:
            run.result.notes.append(f"RPC API {api.name}: the release has no description of it")
            continue
        cap = str(schemas[api.name]["version"])
        # The release serves an API whose description lists its topics on each of them: the
        # client's messages go to the topic they name, and one to a topic the release does
        # not consume reaches nobody, as on a broker (a cast is dropped, a call times out).
        # Otherwise the release serves the API's topic, and every message of its client is
        # routed there, whatever topic it computes (`ScopedTransport` route).  Casts wait
        # for their answer.
        routed = to_peer(old_transport, CALL_TIMEOUT, api.topic, topics.get(api.name))
        _current_client(run, api, cap, routed)
        _dropped(run, api, routed.dropped, "the current client", "the release")
        _old_client(run, api, cap, schemas[api.name])
    return schemas


def _dropped(run: Run, api: Any, topics: list[str], sender: str, consumer: str) -> None:
    """Note the casts ``sender`` sent to topics ``consumer`` does not consume (dropped)."""
    if not topics:
        return
    run.result.count("rpc-dropped", len(topics))
    run.result.notes.append(
        f"RPC API {api.name}: {len(topics)} cast(s) of {sender} to topics {consumer} does "
        f"not consume, dropped as a broker drops them ({', '.join(sorted(set(topics)))})"
    )


def _current_client(run: Run, api: Any, cap: str, transport: Any) -> None:
    from compat_tests.rpc.api import argument_strategy, client_methods
    from compat_tests.rpc.harness import pinned_client

    client = pinned_client(api, transport, cap, CALL_TIMEOUT)
    server = f"the release's real {api.name} server"
    model = _model_harness(run, api, cap)
    for method in client_methods(api, client):
        for kwargs in each_example(argument_strategy(api, client, method), run.examples):
            # The client sends what it would send to this peer (Neutron: the versions it
            # reported, from which the server picks what it pushes).
            unconsumed = len(transport.unconsumed)
            with api.calling(run.node.info):
                done = watched_call(api, client, method, kwargs)
            if done.get("refused"):
                run.result.count("rpc-refused")
                break
            run.result.count("rpc-calls")
            who = f"the current {api.name} client pinned to {cap} calling {method} on {server}"
            rejected = _classify(
                run, api, method, (cap, cap), done, who, "cross.old-server-rejects"
            )
            # A call to a topic the release does not consume reached no server to compare.
            if model is not None and len(transport.unconsumed) == unconsumed:
                _compare_model_server(run, model, api, method, cap, kwargs, rejected, done)


def _model_harness(run: Run, api: Any, cap: str) -> Any:
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
    run: Run,
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


def _old_client(run: Run, api: Any, cap: str, schema: Mapping[str, Any]) -> None:
    from compat_tests.rpc.schema import describe_api

    current = str(describe_api(api)["version"])
    # The current code serves an API whose description lists its topics on each of them
    # (`run_against`): the release's client sends to the topic each message names, and one
    # the current code does not consume reaches nobody.  Otherwise its messages are routed
    # to the API's topic.  The client calls in the current node's info (``api.peer``: the
    # versions a Neutron server pushes at).
    served = api.served_topics() if api.topics is not None else None
    info = {"objects": {name: str(cls.VERSION) for name, cls in sorted(run.classes.items())}}
    for method in run.node.call("client_methods", {"api": api.name}):
        sent = run.node.call(
            "client_calls",
            {
                "api": api.name,
                "method": method,
                "count": run.examples,
                "served": served,
                "peer_info": info,
            },
            timeout=run.examples * (CALL_TIMEOUT + 5) + 60,  # each call is bounded there
        )
        _dropped(run, api, sent["dropped"], "the release's client", "the current code")
        for done in sent["calls"]:
            if done.get("refused"):
                run.result.count("rpc-refused")
                break
            run.result.count("rpc-old-client")
            who = (
                f"the release's real {api.name} client (at {cap}) calling {method} on the "
                f"current server ({current})"
            )
            _classify(run, api, method, (cap, current), done, who, "cross.new-server-rejects")


def _benign(run: Run, key: str) -> None:
    run.result.benign[key] = run.result.benign.get(key, 0) + 1


def _classify(
    run: Run,
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
