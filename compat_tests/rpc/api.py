"""How a project describes one RPC API to ovo-compat.

An `RpcApi` names everything the harness needs and nothing more: how to build
the client (given a transport and a version cap), how to build the current
server's endpoints, the topic, and optional strategies for client arguments.
Arguments without an explicit strategy are drawn from their type annotation:
versioned objects through ``strategies.objects`` and everything else through
Hypothesis's ``from_type``, the same way ``st.builds`` fills a signature.
"""

from __future__ import annotations

import contextlib
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import oslo_messaging
from hypothesis import strategies as st
from oslo_versionedobjects import base as ovo_base

from compat_tests.discover import resolve_ref
from compat_tests.errors import ConfigError

__all__ = [
    "RpcApi",
    "argument_strategy",
    "by_topic",
    "client_methods",
    "load_apis",
    "ungenerated_parameters",
]


@dataclass(frozen=True)
class RpcApi:
    """Description of one RPC API: client factory, server endpoints, topic, argument strategies.

    ``client(transport, version_cap)`` returns the project's client wrapper (the
    object whose methods call ``prepare(...).call/cast``).  A client that builds
    its own ``RPCClient`` without a cap is pinned by the harness through
    ``client_attr`` (see `compat_tests.pinning.pin_client`).  ``endpoints()``
    returns the current server's endpoint objects; their ``target.version`` is the
    API's current version.  ``arguments`` maps a client method name to
    ``{parameter: strategy}`` overrides.

    ``topics()`` lists the topics a host serves the API on when they are not just
    ``topic`` (Neutron's agents consume pushes on one topic per resource type and version;
    a Nova 6.5 compute serves ``compute`` and ``compute-alt``); the harness's live servers
    serve each.  ``always_passed`` maps a client method to the parameters with a default
    that the project's callers always pass (never omitted from generated calls);
    ``peer(info)`` returns a context manager the caller's code runs in while it calls one
    host, given that host's node info (``ovo-compat upgrade``: ``objects``, the host's
    object versions), for a client that picks what to send from what its peers reported.

    ``server_serializer(cap)`` builds the serializer the project's RPC server uses in
    a deployment pinned at ``cap`` (cinder and nova pin it so replies are backported);
    None: the same serializer as the clients.  ``refuses`` lists the exceptions a
    client raises, before sending anything, for a method its cap does not have
    (``RPCVersionCapError`` unless the project documents its own).
    """

    name: str
    topic: str
    client: Callable[[Any, str | None], Any]
    endpoints: Callable[[], Sequence[Any]]
    obj_base: type | None = None
    serializer: Callable[[], Any] | None = None
    context: Callable[[], Any] = dict
    methods: tuple[str, ...] | None = None
    arguments: Mapping[str, Mapping[str, st.SearchStrategy]] = field(default_factory=dict)
    client_attr: str = "client"
    namespace: str | None = None
    timeout: float = 5.0
    server_serializer: Callable[[str | None], Any] | None = None
    refuses: tuple[type[BaseException], ...] = (oslo_messaging.RPCVersionCapError,)
    topics: Callable[[], Sequence[str]] | None = None
    peer: Callable[[Mapping[str, Any]], Any] | None = None
    always_passed: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def served_topics(self) -> list[str]:
        """The topics a host serves this API on: ``topics()``, else ``topic``."""
        return list(self.topics()) if self.topics is not None else [self.topic]

    def calling(self, peer_info: Mapping[str, Any]) -> contextlib.AbstractContextManager[Any]:
        """What a client of this API runs in while it calls one host: ``peer(peer_info)``.

        ``peer_info`` is that host's node info; without ``peer`` nothing is changed.
        """
        return self.peer(peer_info) if self.peer is not None else contextlib.nullcontext()

    def object_base(self, registry: Any = None) -> type | None:
        """The class objects of this API derive from: ``obj_base``, the serializer's, or None.

        Without ``obj_base`` the serializer's ``OBJ_BASE_CLASS`` names it; failing
        that, the classes of the target's ``registry`` (a ``VersionedObjectRegistry``
        subclass) are used by `compat_tests.rpc.schema.object_manifest`.
        """
        if self.obj_base is not None:
            return self.obj_base
        if self.serializer is not None:
            base = getattr(self.serializer(), "OBJ_BASE_CLASS", None)
            if isinstance(base, type) and base is not ovo_base.VersionedObject:
                return base
        return None

    def make_serializer(self) -> Any:
        """The serializer both sides use: the project's own, or one for obj_base."""
        if self.serializer is not None:
            return self.serializer()
        if self.obj_base is None:
            raise ConfigError(
                f"RPC API {self.name}: set obj_base=<your VersionedObject base class> (a plain "
                "VersionedObjectSerializer cannot find your objects otherwise) or serializer=..."
            )
        serializer_cls = type(
            f"{self.name}Serializer",
            (ovo_base.VersionedObjectSerializer,),
            {"OBJ_BASE_CLASS": self.obj_base},
        )
        return serializer_cls()


def load_apis(target: Any) -> list[RpcApi]:
    """Import the `RpcApi` objects a target names in its ``rpc`` list (``"module:attribute"``)."""
    apis = []
    for ref in target.rpc:
        where = f"{target.config_path}: [tool.ovo-compat.targets.{target.name}] rpc entry {ref!r}"
        api = resolve_ref(target, "rpc", ref, "a compat_tests.RpcApi")
        if not isinstance(api, RpcApi):
            raise ConfigError(
                f"{where} is a {type(api).__name__}, not a compat_tests.RpcApi; point it at "
                "the RpcApi(...) description of the API"
            )
        apis.append(api)
    return apis


def by_topic(
    apis: Sequence[RpcApi], topics_of: Callable[[RpcApi], Sequence[str]] | None = None
) -> dict[str, list[RpcApi]]:
    """The APIs a host serves on each topic: one server per topic holds all their endpoints.

    Each API is served on every topic ``topics_of(api)`` gives (its ``served_topics()``
    unless told otherwise), as services run them; the APIs keep their order on a topic.
    """
    found: dict[str, list[RpcApi]] = {}
    for api in apis:
        topics = topics_of(api) if topics_of is not None else api.served_topics()
        for topic in dict.fromkeys(topics):
            found.setdefault(topic, []).append(api)
    return found


def client_methods(api: RpcApi, client: Any) -> tuple[str, ...]:
    """Names of the client methods to exercise: ``api.methods`` or every public method."""
    if api.methods is not None:
        missing = [m for m in api.methods if not callable(getattr(client, m, None))]
        if missing:
            raise ConfigError(
                f"RPC API {api.name}: methods {missing} are not methods of "
                f"{type(client).__name__}; fix RpcApi(methods=...)"
            )
        return api.methods
    own = {
        name
        for klass in type(client).__mro__
        if klass is not object
        for name, value in vars(klass).items()
        if not name.startswith("_") and inspect.isfunction(value)
    }
    return tuple(sorted(own - {"can_send_version", "prepare"}))


def argument_strategy(api: RpcApi, client: Any, method: str) -> st.SearchStrategy[dict]:
    """Keyword arguments for ``client.method(context, **kwargs)``.

    Parameters with a default are sometimes omitted, except those
    ``api.always_passed[method]`` names (the project's callers always pass them);
    explicit strategies in ``api.arguments`` win over annotations.
    """
    func = getattr(client, method)
    params = list(inspect.signature(func).parameters.values())[1:]  # drop the context
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable string annotations: fall back to explicit strategies
        hints = {}
    overrides = api.arguments.get(method, {})
    required: dict[str, st.SearchStrategy] = {}
    optional: dict[str, st.SearchStrategy] = {}
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name in overrides:
            strategy = overrides[param.name]
        elif param.name in hints:
            strategy = _from_annotation(hints[param.name])
        elif param.default is not param.empty:
            continue
        else:
            raise ConfigError(
                f"RPC API {api.name}: client method {type(client).__name__}.{method} parameter "
                f"{param.name!r} has no annotation and no default; annotate it or pass "
                f"RpcApi(arguments={{{method!r}: {{{param.name!r}: <strategy>}}}})"
            )
        passed = param.default is param.empty or param.name in api.always_passed.get(method, ())
        (required if passed else optional)[param.name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def ungenerated_parameters(api: RpcApi, client: Any) -> list[tuple[str, str]]:
    """``(method(param), message)`` per client parameter the harness never generates.

    The message gives the line that adds a strategy.

    A parameter with a default, no annotation and no strategy in ``api.arguments``
    is always omitted, so the messages that carry it are never exercised.
    """
    lines = []
    for method in client_methods(api, client):
        func = getattr(client, method)
        params = list(inspect.signature(func).parameters.values())[1:]
        try:
            hints = typing.get_type_hints(func)
        except Exception:
            hints = {}
        overrides = api.arguments.get(method, {})
        for param in params:
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.name in overrides or param.name in hints or param.default is param.empty:
                continue
            lines.append(
                (
                    f"{method}({param.name})",
                    f"RPC API {api.name}: {type(client).__name__}.{method} parameter "
                    f"{param.name!r} (default {param.default!r}, no annotation, no strategy) is "
                    f"never generated; add RpcApi(arguments={{{method!r}: {{{param.name!r}: "
                    "<strategy>}}) or annotate it",
                )
            )
    return lines


def _from_annotation(annotation: Any) -> st.SearchStrategy:
    if isinstance(annotation, type) and issubclass(annotation, ovo_base.VersionedObject):
        from strategies import objects

        return objects(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, Sequence) and args:
        return st.lists(_from_annotation(args[0]), max_size=3)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_from_annotation(a) for a in args])
    if annotation is type(None):
        return st.none()
    return st.from_type(annotation)
