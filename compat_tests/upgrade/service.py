"""One service of a rolling upgrade, inside its node process (its release's interpreter).

Started by `compat_tests.upgrade.orchestrate` through the process layer
(`compat_tests.cross.process.start_node` with role ``compat_tests.upgrade.service:service``).
The node loads the target with *this* interpreter's code (the release's classes, RPC
endpoints and clients), sets up the target's fixtures, and:

* hosts the APIs of its role on the run's transport (one RPC server per topic, addressed
  as ``server=<node name>``), recording every message it could not read or that raised;
* answers ``traffic``: the release's own client of one API, aimed at one peer and capped
  as the orchestrator says, called with arguments generated from the plan's seed, each
  outcome classified (accepted, refused by the cap, or a ``rolling.*`` problem);
* answers ``received``: the problems its servers met since the last ask (casts carry no
  reply, so this is how a cast the peer could not read is seen).

Everything a node returns is JSON.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

__all__ = ["installed_release", "service"]

#: Problems kept per (API, method, code) and node, so a flood stays readable.
_KEEP = 1
_TEXT = 400
# Errors that say the receiver cannot read what was sent (objects newer than it knows).
_UNREADABLE = {"IncompatibleObjectVersion", "UnsupportedObjectError", "TooNewObject"}


def service(context: Any) -> Any:
    """Role factory (`compat_tests.cross.node`): host ``args['hosts']``, call ``args['calls']``."""
    from compat_tests.config import load_target
    from compat_tests.cross.node import Role
    from compat_tests.rpc.api import load_apis
    from compat_tests.rpc.suite import target_fixtures

    args = context.args
    target = load_target(args["config"], args["target"])
    stack = contextlib.ExitStack()
    catalog = stack.enter_context(target_fixtures(target))
    apis = {api.name: api for api in load_apis(target)}
    node = _Service(context, args["node"], apis, args.get("call_timeout", 10.0))
    try:
        node.host([apis[name] for name in args["hosts"] if name in apis])
    except BaseException:
        node.close()
        stack.close()
        raise

    def close() -> None:
        node.close()
        stack.close()

    methods = {name: len(node.methods(apis[name])) for name in args["calls"] if name in apis}
    return Role(
        ops={"traffic": node.traffic, "received": node.received},
        info={
            "apis": {name: _api_version(api) for name, api in apis.items()},
            "release": installed_release(target),
            "methods": methods,
            "topics": {name: apis[name].served_topics() for name in args["hosts"] if name in apis},
            "objects": _object_versions(catalog.classes),
        },
        close=close,
    )


def _api_version(api: Any) -> str:
    from compat_tests.rpc.schema import describe_endpoints

    return describe_endpoints(api.endpoints())["version"]


def _object_versions(classes: dict[str, type]) -> dict[str, str]:
    """``{name: version}`` of this release's classes (what its peers may be told)."""
    return {name: str(cls.VERSION) for name, cls in sorted(classes.items())}


def installed_release(target: Any) -> dict[str, str]:
    """The distributions that define the target's classes here, with their versions."""
    import importlib.metadata as metadata

    found = {}
    for module in target.objects:
        top = module.split(".")[0]
        for dist in metadata.packages_distributions().get(top, []):
            found[dist] = metadata.version(dist)
    return found


class _Recorder:
    """Casts this node's servers dispatched, and those they could not read or answer.

    A call's error goes back to its caller, which reports it with the call; a cast has no
    reply, so the caller's orchestrator asks the host (`_Service.received`).
    """

    def __init__(self) -> None:
        self.done = threading.Condition()
        self.casts = 0
        self.problems: list[dict[str, Any]] = []

    def dispatched(self, method: str, error: BaseException | None) -> None:
        with self.done:
            self.casts += 1
            if error is not None:
                kind = _kind(error)
                code = (
                    "rolling.unreadable-object"
                    if kind in _UNREADABLE
                    else ("rolling.call-rejected")
                )
                self.problems.append(
                    {"method": method, "code": code, "raised": f"{kind}: {error}"[:_TEXT]}
                )
            self.done.notify_all()

    def take(self, expect: int, timeout: float) -> dict[str, Any]:
        """Wait (at most ``timeout`` s) for ``expect`` casts; what they met, and the count."""
        with self.done:
            self.done.wait_for(lambda: self.casts >= expect, timeout)
            taken = {"casts": self.casts, "problems": self.problems}
            self.casts, self.problems = 0, []
        return taken


def _dispatcher(endpoints: list[Any], serializer: Any, recorder: _Recorder) -> Any:
    """An ``RPCDispatcher`` that records what a cast could not be dispatched with."""
    import oslo_messaging

    class Recording(oslo_messaging.RPCDispatcher):
        def dispatch(self, incoming: Any) -> Any:
            # a cast has no reply queue (its msg_id may be set: oslo.messaging >= 14)
            cast = getattr(incoming, "reply_q", None) is None
            method = str(incoming.message.get("method"))
            try:
                result = super().dispatch(incoming)
            except Exception as exc:
                if cast:
                    recorder.dispatched(method, exc)
                raise
            if cast:
                recorder.dispatched(method, None)
            return result

    return Recording(endpoints, serializer)


class _Service:
    def __init__(self, context: Any, name: str, apis: dict[str, Any], timeout: float) -> None:
        self.context, self.name, self.apis, self.timeout = context, name, apis, timeout
        self.recorder = _Recorder()
        self.servers: list[Any] = []
        self.casts: dict[tuple[str | None, str | None], int] = {}
        self.sent = 0  # messages this node sent (calls and casts)

    def host(self, hosted: list[Any]) -> None:
        """One RPC server per topic for the hosted APIs (as the project's service runs them)."""
        import oslo_messaging

        from compat_tests.rpc.api import by_topic

        for topic, apis in by_topic(hosted).items():
            first = apis[0]
            serializer = (
                first.server_serializer(None)
                if first.server_serializer
                else first.make_serializer()
            )
            endpoints = [endpoint for api in apis for endpoint in api.endpoints()]
            server = oslo_messaging.rpc.server.RPCServer(
                self.context.transport(),
                oslo_messaging.Target(topic=topic, server=self.name),
                _dispatcher(endpoints, serializer, self.recorder),
                "threading",
            )
            server.start()
            self.servers.append(server)

    def methods(self, api: Any) -> tuple[str, ...]:
        """The client methods of ``api`` that `traffic` calls."""
        from compat_tests.rpc.api import client_methods

        return client_methods(api, api.client(self.context.transport(), None))

    def received(self, expect: int = 0, timeout: float = 10.0) -> dict[str, Any]:
        """Operation: once ``expect`` casts arrived (or after ``timeout``), what they met."""
        return self.recorder.take(expect, timeout)

    def traffic(
        self,
        api: str,
        peer: str,
        cap: str | None,
        examples: int,
        seed: int,
        peer_info: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Operation: call every client method of ``api`` on ``peer``, ``examples`` times each.

        ``peer_info`` is what the peer said when it started (its ``topics`` and ``objects``):
        casts count for the peer only on the topics it serves (others reach no listener, as
        a fanout nobody consumes), and ``api.peer(peer_info)`` surrounds the calls.
        """
        peer_info = peer_info or {}
        description = self.apis[api]
        self._count_casts()
        self.casts = {}
        client = self._client(description, peer, cap)
        with description.calling(peer_info):
            counts, problems = self._traffic(description, client, examples, seed)
        served = set(peer_info.get("topics", {}).get(api, description.served_topics()))
        sent = {t: n for (server, t), n in self.casts.items() if server == peer}
        return {
            **counts,
            "casts": sum(n for t, n in sent.items() if t in served),
            "unserved": sum(n for t, n in sent.items() if t not in served),
            "problems": problems,
        }

    def _traffic(
        self, description: Any, client: Any, examples: int, seed: int
    ) -> tuple[dict[str, int], list[dict[str, Any]]]:
        from compat_tests.rpc.api import argument_strategy, client_methods

        api = description.name
        counts = {"calls": 0, "refused": 0, "answered": 0}
        problems: list[dict[str, Any]] = []
        for index, method in enumerate(client_methods(description, client)):
            strategy = argument_strategy(description, client, method)
            for kwargs in _examples(strategy, examples, seed + index):
                outcome = self._call(description, client, method, kwargs)
                counts["calls"] += 1
                if outcome is None:
                    counts["answered"] += 1
                elif outcome == "refused":
                    counts["refused"] += 1
                else:
                    outcome.update(method=method, api=api)
                    if not _seen(problems, outcome):
                        problems.append(outcome)
                    if outcome["code"] == "rolling.timeout":
                        break  # a peer that does not answer: one timeout says it
        return counts, problems

    def _client(self, api: Any, peer: str, cap: str | None) -> Any:
        """``api``'s client with a plain ``RPCClient`` capped at ``cap``, aimed at ``peer``.

        A copy of the project's client (its target and serializer) whose every call is
        bounded by this node's call timeout (a project's own client may stretch timeouts,
        as neutron-lib's backing-off client does) and sent to ``peer`` alone.
        """
        import oslo_messaging

        client = api.client(self.context.transport(), cap)
        inner = (
            client
            if isinstance(client, oslo_messaging.RPCClient)
            else getattr(client, api.client_attr)
        )
        aimed = oslo_messaging.get_rpc_client(
            inner.transport,
            inner.target(server=peer),
            version_cap=cap,
            serializer=inner.serializer,
            timeout=self.timeout,
            retry=inner.retry,
        )
        prepare = aimed.prepare

        def aimed_prepare(*args: Any, **kwargs: Any) -> Any:
            # every message goes to the peer alone (a fanout would reach every host at once)
            kwargs.pop("fanout", None)
            kwargs["server"] = peer
            return prepare(*args, **kwargs)

        aimed.prepare = aimed_prepare
        if isinstance(client, oslo_messaging.RPCClient):
            return aimed
        setattr(client, api.client_attr, aimed)
        return client

    def _count_casts(self) -> None:
        """Count the casts this node sends, per (server, topic) (the host waits for them)."""
        transport = self.context.transport()
        if getattr(transport, "_ovo_compat_counted", False):
            return
        send = transport._send

        def counted(target: Any, *args: Any, **kwargs: Any) -> Any:
            self.sent += 1
            if not kwargs.get("wait_for_reply"):
                key = (target.server, target.topic)
                self.casts[key] = self.casts.get(key, 0) + 1
            return send(target, *args, **kwargs)

        transport._send = counted
        transport._ovo_compat_counted = True

    def _call(self, api: Any, client: Any, method: str, kwargs: dict[str, Any]) -> Any:
        """None (answered and read), ``"refused"`` (by the cap), or the problem met."""
        from compat_tests.cross.old import watched_call

        before = self.sent
        result = watched_call(api, client, method, kwargs)
        if result["ok"]:
            return None
        if result["refused"]:
            return "refused"
        kind, unreadable = result["kind"], result["kind"] in _UNREADABLE
        if result["timeout"]:
            code = "rolling.timeout"
        elif result["unreadable"]:  # the caller's serializer could not read the reply
            code = "rolling.unreadable-reply"
        elif result["remote"]:
            code = "rolling.unreadable-object" if unreadable else "rolling.call-rejected"
        elif unreadable or self.sent > before:  # raised here, reading what came back
            code = "rolling.unreadable-reply"
        else:  # raised here before anything was sent
            code = "rolling.client-error"
        first = result["message"].splitlines()[0] if result["message"] else ""
        return {"code": code, "raised": f"{kind}: {first}"[:_TEXT], "sent": _trim(result["args"])}

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        for server in self.servers:
            server.wait()


def _examples(strategy: Any, count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` examples of ``strategy`` drawn from ``seed`` (the same ones on a replay)."""
    from compat_tests.rpc.record import _each_example

    drawn: list[dict[str, Any]] = []
    _each_example(strategy, count, drawn.append, seed=seed)
    return drawn


def _kind(error: BaseException) -> str:
    exc_type = getattr(error, "exc_type", None)
    return exc_type or type(error).__name__.removesuffix("_Remote")


def _trim(args: Any) -> str:
    """The arguments as they went on the wire (objects as their primitives), trimmed."""
    import json

    text = json.dumps(args, default=str, sort_keys=True)
    return text if len(text) <= _TEXT else text[: _TEXT - 3] + "..."


def _seen(problems: list[dict[str, Any]], outcome: dict[str, Any]) -> bool:
    key = (outcome["method"], outcome["code"])
    return sum((p["method"], p["code"]) == key for p in problems) >= _KEEP
