"""The ``old-node`` role: a release's own code answering the cross-release properties.

Runs inside the release's virtualenv (`compat_tests.cross.process.start_node` with the
interpreter of `compat_tests.venvs.release_python`), so every class, serializer, client and
server endpoint is the release's real code; ovo-compat's strategies generate its objects.

Role arguments: ``config`` and ``target`` (the target describing the release's modules),
``conductor_topic`` and ``peer_exchange`` (where the current node serves
``object_backport_versions`` and its RPC servers).  Operations (all JSON in, JSON out):

* ``tree_versions(name)``: what this release sends when it asks for a backport
  (``obj_tree_get_versions``);
* ``read(primitive)``: the object read with the release's classes, sent back as a primitive
  at its own version, or the error it raised (`outcome`);
* ``receive(primitive)``: the same through the release's serializer with an indirection API
  that asks the current node's conductor over RPC (``object_backport_versions``);
* ``generate(name, count)``: primitives of objects generated with the release's classes;
* ``rpc_schemas()``: the release's RPC APIs as `compat_tests.rpc.schema.describe_api` sees them;
* ``serve_rpc()``: start the release's real RPC servers (the target's ``rpc`` descriptions),
  each API on every topic the release serves it on (``rpc_topics``);
* ``rpc_topics()``: those topics, for the APIs whose description lists them (``topics``);
  ``rpc_topic_problems()``: the APIs whose ``topics()`` raised in the release (served on
  their ``topic`` alone);
* ``client_calls(api, method, count, served, peer_info)``: the release's real client calls
  the current server, which serves the API on the topics ``served`` lists (when its
  description lists them; on the API's topic otherwise).
"""

from __future__ import annotations

import importlib.metadata as metadata
from collections.abc import Callable
from typing import Any

from compat_tests.cross.node import NodeContext, Role
from compat_tests.properties._compare import copied

__all__ = [
    "CALL_TIMEOUT",
    "CONDUCTOR_TOPIC",
    "Conductor",
    "each_example",
    "old_node",
    "outcome",
    "shown",
    "watched_call",
]

#: The topic the current node's conductor (`Conductor`) serves on the peer exchange.
CONDUCTOR_TOPIC = "ovo-compat-conductor"
#: Seconds one RPC call of a cross-release run may take (a real broker, two processes).
CALL_TIMEOUT = 30.0


def outcome(work: Callable[[], Any]) -> dict[str, Any]:
    """``{"ok": True, "primitive": ...}`` for an object ``work`` returns, or the error's kind."""
    from compat_tests.rpc.transport import wire

    try:
        obj = work()
        return {"ok": True, "version": str(obj.VERSION), "primitive": wire(obj.obj_to_primitive())}
    except Exception as exc:
        return {"ok": False, "kind": type(exc).__name__, "message": str(exc)}


def each_example(strategy: Any, count: int) -> list[Any]:
    """``count`` derandomized examples of ``strategy`` (the same ones every run)."""
    from compat_tests.rpc.record import _each_example

    found: list[Any] = []
    _each_example(strategy, count, lambda value: len(found) < count and found.append(value))
    return found


class Conductor:
    """``object_backport_versions`` served over RPC by the node holding the newer classes."""

    target = None

    def __init__(self, classes: dict[str, type], context: Any) -> None:
        import oslo_messaging

        self.target = oslo_messaging.Target(version="1.0")
        self._classes, self._context = classes, context

    def object_backport_versions(self, ctxt: Any, objinst: Any, object_versions: Any) -> Any:
        """Read ``objinst`` with this node's classes and send it at the caller's versions."""
        name = objinst["versioned_object.name"]
        obj = self._classes[name].obj_from_primitive(copied(objinst), self._context)
        return obj.obj_to_primitive(
            target_version=object_versions[name], version_manifest=object_versions
        )


class _ConductorClient:
    """The release's indirection API: asks the peer's `Conductor` over RPC."""

    def __init__(self, transport: Any, topic: str, serializer: Any) -> None:
        import oslo_messaging

        self._client = oslo_messaging.get_rpc_client(
            transport, oslo_messaging.Target(topic=topic), timeout=CALL_TIMEOUT
        )
        self._serializer = serializer

    def object_backport_versions(self, context: Any, objinst: Any, object_versions: Any) -> Any:
        """Ask the peer to backport ``objinst`` to ``object_versions``; the object it sends."""
        reply = self._client.call(
            {}, "object_backport_versions", objinst=objinst, object_versions=object_versions
        )
        # A conductor's RPC client reads the reply with the release's serializer.
        return self._serializer.deserialize_entity(context, reply)

    def object_backport(self, context: Any, objinst: Any, target_version: Any) -> Any:
        """Very old OVO releases ask with one version; not used by releases here."""
        raise NotImplementedError("this node's OVO asks with object_backport_versions")


class _Watched:
    """A client serializer that remembers whether reading a reply failed."""

    def __init__(self, inner: Any) -> None:
        self._inner, self.failed = inner, False

    def serialize_entity(self, ctxt: Any, entity: Any) -> Any:
        return self._inner.serialize_entity(ctxt, entity)

    def serialize_context(self, ctxt: Any) -> Any:
        return self._inner.serialize_context(ctxt)

    def deserialize_context(self, ctxt: Any) -> Any:
        return self._inner.deserialize_context(ctxt)

    def deserialize_entity(self, ctxt: Any, entity: Any) -> Any:
        try:
            return self._inner.deserialize_entity(ctxt, entity)
        except Exception:
            self.failed = True
            raise


def watched_call(api: Any, client: Any, method: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Call ``client.method`` and describe what happened (JSON-able).

    ``{"ok": True, "reply"}`` or ``{"ok": False, "kind", "message", "remote", "timeout",
    "unreadable", "refused"}``: ``remote`` when the server raised, ``unreadable`` when the
    client's serializer could not read the reply, ``refused`` when the client refused to
    send for its cap (``api.refuses``).
    """
    import oslo_messaging

    inner = (
        client
        if isinstance(client, oslo_messaging.RPCClient)
        else getattr(client, api.client_attr, None)
    )
    watch = None
    if isinstance(inner, oslo_messaging.RPCClient):
        watch = inner.serializer = _Watched(inner.serializer)
    args = {k: shown(v) for k, v in kwargs.items()}
    try:
        reply = getattr(client, method)(api.context(), **kwargs)
    except Exception as exc:
        return {
            "ok": False,
            "kind": _kind(exc).removesuffix("_Remote"),
            "message": str(exc)[:2000],
            "args": args,
            "remote": _raised_by_server(exc),
            "timeout": isinstance(exc, oslo_messaging.MessagingTimeout),
            "unreadable": bool(watch and watch.failed),
            "refused": isinstance(exc, api.refuses),
        }
    finally:
        if watch is not None:
            inner.serializer = watch._inner
    return {"ok": True, "reply": shown(reply), "args": args}


def old_node(context: NodeContext) -> Role:
    """The role factory (see the module docstring)."""
    import contextlib

    from compat_tests.config import load_target
    from compat_tests.discover import make_context
    from compat_tests.manifests import registry_lookup, tree_versions
    from compat_tests.rpc.suite import target_fixtures

    target = load_target(context.args["config"], context.args["target"])
    stack = contextlib.ExitStack()
    catalog = stack.enter_context(target_fixtures(target))  # as the test session sets up
    classes = catalog.classes
    ctx = make_context(target)
    servers: list[Any] = []
    peer = {"transport": None}

    def peer_transport() -> Any:
        if peer["transport"] is None:
            from compat_tests.cross.process import rpc_transport

            peer["transport"] = rpc_transport(context.url, context.args["peer_exchange"])
        return peer["transport"]

    def cls_of(name: str) -> type:
        if name not in classes:
            raise KeyError(f"this release has no object {name!r}")
        return classes[name]

    def tree(name: str) -> dict[str, Any]:
        from oslo_versionedobjects import base

        cls = cls_of(name)
        try:  # OVO's own walk, as this release's serializer runs it
            walked = {k: str(v) for k, v in base.obj_tree_get_versions(name).items()}
            return {"manifest": walked, "real": True}
        except Exception as exc:
            # Not in OVO's global registry (Neutron's own registry) or an abstract declared
            # class (QosRule): this release cannot send a manifest; it names versions only.
            return {
                "manifest": tree_versions(cls, registry_lookup(cls)),
                "real": False,
                "why": f"{type(exc).__name__}: {exc}",
            }

    def schemas() -> dict[str, Any]:
        from compat_tests.schema import describe_field

        # What this release's own classes declare, for the fidelity check (field by field).
        return {
            name: {key: describe_field(f) for key, f in sorted(cls.fields.items())}
            for name, cls in sorted(classes.items())
        }

    def read(primitive: dict[str, Any]) -> dict[str, Any]:
        cls = cls_of(primitive["versioned_object.name"])
        return outcome(lambda: cls.obj_from_primitive(copied(primitive), ctx))

    def receive(primitive: dict[str, Any]) -> dict[str, Any]:
        from oslo_versionedobjects import base

        name = primitive["versioned_object.name"]
        cls = cls_of(name)
        plain = type(
            "ReleaseSerializer", (base.VersionedObjectSerializer,), {"OBJ_BASE_CLASS": cls}
        )()
        api = _ConductorClient(peer_transport(), context.args["conductor_topic"], plain)
        obj_base = type(name, (cls,), {"indirection_api": api})
        serializer_cls = type(
            "ReleaseSerializer", (base.VersionedObjectSerializer,), {"OBJ_BASE_CLASS": obj_base}
        )
        serializer = serializer_cls()
        return outcome(lambda: serializer.deserialize_entity(ctx, copied(primitive)))

    def generate(name: str, count: int) -> list[dict[str, Any]]:
        from compat_tests.rpc.transport import wire
        from strategies import objects

        found = each_example(objects(cls_of(name)), count)
        return [wire(obj.obj_to_primitive()) for obj in found]

    loaded: dict[str, Any] = {}

    def apis() -> list[Any]:
        """The release's RPC API descriptions that load; the others in ``rpc_problems``."""
        if not loaded:
            import dataclasses

            from compat_tests.rpc.api import load_apis

            loaded["apis"], loaded["problems"] = [], {}
            for ref in target.rpc:  # one by one: an old release may lack what one imports
                try:
                    loaded["apis"] += load_apis(dataclasses.replace(target, rpc=(ref,)))
                except Exception as exc:
                    loaded["problems"][ref] = f"{type(exc).__name__}: {exc}"
        return loaded["apis"]

    def rpc_problems() -> dict[str, str]:
        apis()
        return dict(loaded["problems"])

    def rpc_schemas() -> dict[str, Any]:
        from compat_tests.rpc.schema import describe_api
        from compat_tests.rpc.transport import wire

        return {api.name: wire(describe_api(api)) for api in apis()}

    topics_found: dict[str, list[str]] = {}
    topic_problems: dict[str, str] = {}

    def topics_of(api: Any) -> list[str]:
        """The topics the release serves ``api`` on; ``api.topic`` alone if ``topics()`` raises.

        A description's ``topics`` may read what an older release lacks (Nova's
        ``RPC_TOPIC_ALT``); the release then serves the API as it did before it had them,
        and ``rpc_topic_problems`` says so.
        """
        if api.name not in topics_found:
            try:
                topics_found[api.name] = [str(topic) for topic in api.served_topics()]
            except Exception as exc:
                topic_problems[api.name] = f"{type(exc).__name__}: {exc}"
                topics_found[api.name] = [api.topic]
        return topics_found[api.name]

    def serve_rpc() -> dict[str, list[str]]:
        import oslo_messaging

        from compat_tests.rpc.api import by_topic

        for topic, group in by_topic(apis(), topics_of).items():
            server = oslo_messaging.get_rpc_server(
                context.transport(),
                oslo_messaging.Target(topic=topic, server="old-node"),
                [endpoint for api in group for endpoint in api.endpoints()],
                executor="threading",
                serializer=group[0].make_serializer(),
            )
            server.start()
            servers.append(server)
        return {api.name: topics_of(api) for api in apis()}

    def rpc_topics() -> dict[str, list[str]]:
        # The topics this release's servers consume for the APIs whose descriptions list them
        # (Nova's 'compute-alt', Neutron's versioned pushes); the others serve their topic.
        return {api.name: topics_of(api) for api in apis() if api.topics is not None}

    def rpc_topic_problems() -> dict[str, str]:
        for api in apis():
            topics_of(api)
        return dict(topic_problems)

    def client_transport(description: Any, served: list[str] | None = None) -> Any:
        """The peer's transport for one API's client; casts wait for their answer.

        ``served``: the topics the peer serves the API on when its description lists them:
        each message goes to the topic it names, and one to another topic reaches nobody
        (`compat_tests.rpc.transport.ScopedTransport`).  Without it every message is routed
        to the API's topic, where the peer serves it.
        """
        from compat_tests.rpc.transport import to_peer

        return to_peer(
            peer_transport(), CALL_TIMEOUT, description.topic, served, owner="the current code"
        )

    def described(api: str) -> Any:
        found = {a.name: a for a in apis()}
        if api not in found:
            raise KeyError(f"this release has no RPC API {api!r}")
        return found[api]

    def methods_of(api: str) -> list[str]:
        from compat_tests.rpc.api import client_methods

        description = described(api)
        client = description.client(client_transport(description), None)
        return list(client_methods(description, client))

    def client_calls(
        api: str,
        method: str,
        count: int,
        served: list[str] | None = None,
        peer_info: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The calls (`watched_call`) and the topics of the casts no peer server consumes.

        ``served`` and ``peer_info``: the topics the peer serves the API on (`client_transport`)
        and the peer's node info, which ``api.peer`` reads while the client calls it.
        """
        from compat_tests.rpc.api import argument_strategy
        from compat_tests.rpc.harness import pinned_client

        description = described(api)
        transport = client_transport(description, served)
        # The release's own client at its own newest version: no cap.
        client = pinned_client(description, transport, None, CALL_TIMEOUT)
        found = each_example(argument_strategy(description, client, method), count)
        with description.calling(peer_info or {}):
            calls = [watched_call(description, client, method, kwargs) for kwargs in found]
        return {"calls": calls, "dropped": list(transport.dropped)}

    def close() -> None:
        for server in servers:
            server.stop()
        for server in servers:
            server.wait()
        stack.close()

    from oslo_config import cfg
    from oslo_messaging import conffixture
    from oslo_versionedobjects import base

    conffixture.ConfFixture(cfg.CONF)  # the release's clients read oslo.messaging's options
    versions = {name: str(cls.VERSION) for name, cls in sorted(classes.items())}
    distributions = {}
    for dist in (*(context.args.get("distributions") or ()), "oslo.versionedobjects"):
        try:
            distributions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return Role(
        ops={
            "tree_versions": tree,
            "schemas": schemas,
            "read": read,
            "receive": receive,
            "generate": generate,
            "rpc_schemas": rpc_schemas,
            "serve_rpc": serve_rpc,
            "rpc_topics": rpc_topics,
            "rpc_topic_problems": rpc_topic_problems,
            "client_methods": methods_of,
            "rpc_problems": rpc_problems,
            "client_calls": client_calls,
        },
        info={
            "objects": versions,
            "distributions": distributions,
            # OVO's serializer asks the indirection API only for classes in its global
            # registry; a project with its own registry (Neutron) never backports that way.
            "indirection": sorted(
                n for n in classes if n in base.VersionedObjectRegistry.obj_classes()
            ),
        },
        close=close,
    )


def _raised_by_server(exc: BaseException) -> bool:
    """Whether ``exc`` came back in a reply: the server raised it.

    oslo.messaging rebuilds a remote exception as ``<Name>_Remote`` or, for built-in classes
    it cannot relabel (``TypeError``), as the class itself; either way the driver raises it
    where it reads the reply, so the innermost frame is in ``oslo_messaging._drivers``.
    """
    import oslo_messaging

    if isinstance(exc, oslo_messaging.RemoteError) or type(exc).__name__.endswith("_Remote"):
        return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and "oslo_messaging/_drivers" in tb.tb_frame.f_code.co_filename.replace(
        "\\", "/"
    )


def _kind(exc: BaseException) -> str:
    """The exception's class name; for a remote error, the server-side class name."""
    return str(getattr(exc, "exc_type", None) or type(exc).__name__)


def shown(value: Any) -> Any:
    """A JSON-able, readable form of a call argument or reply (objects as primitives)."""
    from compat_tests.rpc.transport import wire

    if hasattr(value, "obj_to_primitive"):
        return wire(value.obj_to_primitive())
    try:
        return wire(value)
    except (TypeError, ValueError):
        return repr(value)
