"""Pinned real ``RPCClient``s against servers of every recorded version.

Two paths, both with the project's real client code and a real ``RPCClient``:

* the **fast path** (`Harness.call`) gives the client an ``RPCTransport`` over an
  in-process driver that JSON-encodes every message like a wire would, records it,
  and hands it straight to an ``oslo_messaging.RPCDispatcher`` in a worker thread
  (bounded by the API's timeout).  No listener, so no poll sleep per call;
* the **real path** (`Harness.real_call`) goes through ``get_rpc_transport`` (``fake:/``
  by default, any URL such as ``rabbit://`` works) and ``get_rpc_server``.  The
  stock fake listener sleeps up to 50 ms when idle, so the properties use it
  once per (method, cap, server version) rather than per example.

A server "as it was at version X" is rebuilt from the RPC snapshot of X
(`rebuilt_endpoint`): every recorded method with its recorded parameters, and a
serializer that refuses objects newer than the X-era manifest.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import fixtures
import oslo_messaging
from oslo_config import cfg
from oslo_messaging import conffixture
from oslo_messaging._drivers import base as driver_base
from oslo_serialization import jsonutils

from compat_tests import pinning
from compat_tests.errors import ConfigError
from compat_tests.rpc.api import RpcApi
from compat_tests.rpc.schema import describe_api
from compat_tests.versions import compatible
from compat_tests.window import support_window

__all__ = [
    "Harness",
    "OldServerRejects",
    "Outcome",
    "RpcTimeout",
    "Sent",
    "ServerError",
    "TooNewObject",
    "rebuilt_endpoint",
]


class RpcTimeout(Exception):
    """The server did not answer within the harness timeout."""


class ServerError(Exception):
    """An exception raised on the server side of a fast-path call (not the client)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


class OldServerRejects(TypeError):
    """A server rebuilt from a snapshot refused a message (unknown argument, missing one)."""


class TooNewObject(Exception):
    """An object inside a message is newer than the receiving node can read."""

    def __init__(self, name: str, version: str, readable: str | None, location: str) -> None:
        have = f"reads at most {name} {readable}" if readable else f"does not know {name}"
        super().__init__(f"object {name} {version} at {location}: that node {have}")
        self.name, self.version, self.readable, self.location = name, version, readable, location


@dataclass(frozen=True)
class Sent:
    """One message as it crossed the wire (after a JSON round trip)."""

    target: oslo_messaging.Target
    ctxt: dict[str, Any]
    message: dict[str, Any]
    wait_for_reply: bool

    @property
    def version(self) -> str:
        """The message's version (oslo's default is 1.0)."""
        return self.message.get("version", "1.0")


@dataclass
class Outcome:
    """What one client call did: messages sent, raw replies, result or error."""

    sent: list[Sent] = field(default_factory=list)
    replies: list[Any] = field(default_factory=list)
    result: Any = None
    error: BaseException | None = None


def find_objects(entity: Any, location: str = "") -> list[tuple[str, str, str]]:
    """``(name, version, location)`` of every serialized versioned object inside ``entity``."""
    found = []
    if isinstance(entity, dict):
        names = [k for k in entity if isinstance(k, str) and k.endswith(".name")]
        for key in names:
            prefix = key[: -len(".name")]
            if f"{prefix}.version" in entity and f"{prefix}.data" in entity:
                found.append((entity[key], entity[f"{prefix}.version"], location or "/"))
        for key, value in entity.items():
            found.extend(find_objects(value, f"{location}/{key}"))
    elif isinstance(entity, (list, tuple)):
        for index, value in enumerate(entity):
            found.extend(find_objects(value, f"{location}/{index}"))
    return found


def too_new_objects(entity: Any, manifest: dict[str, str], where: str = "") -> TooNewObject | None:
    """The first object in ``entity`` that a node with ``manifest`` cannot read, or None."""
    for name, version, location in find_objects(entity, where):
        readable = manifest.get(name)
        if readable is None or not compatible(version, readable):
            return TooNewObject(name, version, readable, location)
    return None


def rebuilt_endpoint(api_name: str, schema: dict[str, Any]) -> Any:
    """An endpoint object with exactly the methods and parameters recorded in ``schema``.

    Each method checks the arguments the old server would have taken (unknown or
    missing ones raise `OldServerRejects`) and returns None: the old server's
    results are unknown, only its acceptance is checked.
    """
    version = schema["version"]
    methods = {
        name: _old_method(api_name, version, name, desc["params"])
        for name, desc in schema["methods"].items()
    }
    methods["target"] = oslo_messaging.Target(namespace=schema.get("namespace"), version=version)
    return type(f"{api_name}Server_{version.replace('.', '_')}", (), methods)()


class _ManifestSerializer(oslo_messaging.Serializer):
    """Wraps a serializer; refuses incoming objects newer than an old node's manifest."""

    def __init__(self, inner: Any, manifest: dict[str, str]) -> None:
        self._inner, self._manifest = inner, manifest

    def serialize_entity(self, ctxt: Any, entity: Any) -> Any:
        return self._inner.serialize_entity(ctxt, entity)

    def deserialize_entity(self, ctxt: Any, entity: Any) -> Any:
        problem = too_new_objects(entity, self._manifest)
        if problem is not None:
            raise problem
        return self._inner.deserialize_entity(ctxt, entity)

    def serialize_context(self, ctxt: Any) -> Any:
        return self._inner.serialize_context(ctxt)

    def deserialize_context(self, ctxt: Any) -> Any:
        return self._inner.deserialize_context(ctxt)


class _Incoming:
    """The slice of an incoming message ``RPCDispatcher.dispatch`` reads."""

    client_timeout = None

    def __init__(self, ctxt: dict[str, Any], message: dict[str, Any]) -> None:
        self.ctxt, self.message = ctxt, message


class _SyncDriver(driver_base.BaseDriver):
    """In-process RPC driver: JSON round trip, record, dispatch synchronously (bounded)."""

    def __init__(self, conf: cfg.ConfigOpts, handler: Callable[[dict, dict], Any]) -> None:
        super().__init__(conf, oslo_messaging.TransportURL.parse(conf, "fake:/"))
        self.handler = handler
        self.outcome = Outcome()

    def require_features(self, requeue: bool = True) -> None:
        """Nothing to require: the driver is in-process."""

    def send(
        self,
        target,
        ctxt,
        message,
        wait_for_reply=None,
        timeout=None,
        call_monitor_timeout=None,
        retry=None,
        transport_options=None,
    ):
        ctxt, message = _wire(ctxt), _wire(message)
        self.outcome.sent.append(Sent(target, ctxt, message, bool(wait_for_reply)))
        reply = _wire(self.handler(ctxt, message))
        self.outcome.replies.append(reply)
        return reply if wait_for_reply else None

    def send_notification(self, target, ctxt, message, version, retry=None):
        raise NotImplementedError("the ovo-compat harness drives RPC only")

    def listen(self, target, batch_size, batch_timeout):
        raise NotImplementedError("the fast path dispatches directly; use Harness.real_call")

    def listen_for_notifications(self, targets_and_priorities, pool, batch_size, batch_timeout):
        raise NotImplementedError("the ovo-compat harness drives RPC only")

    def cleanup(self) -> None:
        """Nothing to release."""


class Harness(fixtures.Fixture):
    """Builds pinned clients and servers of every recorded version of one RPC API.

    ``history`` maps version -> recorded RPC schema (`compat_tests.rpc.schema.load_history`).
    ``url`` is the transport of the real path.  Use as a fixture (``useFixture``
    or ``with``): servers and private configuration are torn down on cleanup.
    """

    def __init__(
        self,
        api: RpcApi,
        history: dict[str, dict[str, Any]],
        *,
        url: str = "fake:/",
        timeout: float | None = None,
    ) -> None:
        super().__init__()
        self.api = api
        self.history = dict(history)
        self.url = url
        self.timeout = api.timeout if timeout is None else timeout
        self.current = describe_api(api)
        self._servers: dict[str, tuple[Any, Any]] = {}

    def _setUp(self) -> None:
        self.serializer = self.api.make_serializer()
        self.conf = cfg.ConfigOpts()
        self.useFixture(conffixture.ConfFixture(self.conf))
        self.addCleanup(self._stop_live)

    # -- versions ---------------------------------------------------------------------------

    def caps(self, oldest: str) -> list[str]:
        """Caps to test: recorded versions from ``oldest`` on, plus the current version."""
        current = self.current["version"]
        return list(support_window(self.api.name, self.history, current, oldest).caps)

    def schema_at(self, version: str) -> dict[str, Any]:
        """The server schema as it was at ``version`` (recorded, or the current one)."""
        if version in self.history:
            return self.history[version]
        if version == self.current["version"]:
            return self.current
        raise ConfigError(
            f"RPC API {self.api.name}: no snapshot of version {version} (recorded: "
            f"{', '.join(self.history) or 'none'}); run `ovo-compat snapshot`"
        )

    def endpoints_at(self, version: str | None) -> tuple[list[Any], Any]:
        """Endpoints and server serializer: current server for None, else rebuilt at ``version``."""
        if version is None:
            return list(self.api.endpoints()), self.serializer
        schema = self.schema_at(version)
        manifest = schema.get("objects") or {}
        return [rebuilt_endpoint(self.api.name, schema)], _ManifestSerializer(
            self.serializer, manifest
        )

    def label(self, method: str, cap: str, server: str | None) -> str:
        """``RPC API X method m cap 1.1 server 1.1`` for messages."""
        where = server or f"current ({self.current['version']})"
        return f"RPC API {self.api.name} method {method} cap {cap} server {where}"

    # -- calls ------------------------------------------------------------------------------

    def client(self, transport: Any, cap: str) -> Any:
        """The project's client built on ``transport``, pinned at ``cap``."""
        client = self.api.client(transport, cap)
        client = pinning.pin_client(client, cap, self.api.client_attr)
        inner = (
            client
            if isinstance(client, oslo_messaging.RPCClient)
            else getattr(client, self.api.client_attr)
        )
        inner.timeout = self.timeout
        return client

    def capture_transport(self) -> Any:
        """An ``RPCTransport`` that records and drops every message (to build clients offline)."""
        return oslo_messaging.transport.RPCTransport(_SyncDriver(self.conf, lambda c, m: None))

    def capture(self, method: str, cap: str, kwargs: dict[str, Any]) -> Outcome:
        """Call ``method`` with a client pinned at ``cap`` and only record what it sends."""
        return self._fast(method, cap, kwargs, lambda ctxt, message: None)

    def sends(self, method: str, kwargs: dict[str, Any]) -> list[str]:
        """RPC method names a call of client ``method`` sends at the current version."""
        outcome = self.capture(method, self.current["version"], kwargs)
        return [sent.message.get("method") for sent in outcome.sent]

    def call(self, method: str, cap: str, server: str | None, kwargs: dict[str, Any]) -> Outcome:
        """Call ``method`` pinned at ``cap`` against ``server`` (None: current), fast path."""
        endpoints, serializer = self.endpoints_at(server)
        dispatcher = oslo_messaging.RPCDispatcher(endpoints, serializer)
        label = self.label(method, cap, server)

        def handler(ctxt: dict, message: dict) -> Any:
            try:
                return _bounded(
                    lambda: dispatcher.dispatch(_Incoming(ctxt, message)), self.timeout, label
                )
            except Exception as exc:
                raise ServerError(exc) from exc

        return self._fast(method, cap, kwargs, handler)

    def real_call(
        self, method: str, cap: str, server: str | None, kwargs: dict[str, Any]
    ) -> Outcome:
        """The same call end to end through ``get_rpc_transport(url)`` and ``get_rpc_server``."""
        transport = self._live_server(server)
        outcome = Outcome()
        client = self.client(transport, cap)
        try:
            outcome.result = getattr(client, method)(self.api.context(), **kwargs)
        except oslo_messaging.MessagingTimeout:
            outcome.error = RpcTimeout(
                f"{self.label(method, cap, server)}: no reply within {self.timeout}s over "
                f"{self.url}; the server hangs or is not consuming"
            )
            self._abandon(server)
        except Exception as exc:
            outcome.error = exc
        return outcome

    def _fast(
        self, method: str, cap: str, kwargs: dict[str, Any], handler: Callable[[dict, dict], Any]
    ) -> Outcome:
        driver = _SyncDriver(self.conf, handler)
        transport = oslo_messaging.transport.RPCTransport(driver)
        client = self.client(transport, cap)
        try:
            driver.outcome.result = getattr(client, method)(self.api.context(), **kwargs)
        except Exception as exc:
            driver.outcome.error = exc
        return driver.outcome

    def _live_server(self, version: str | None) -> Any:
        key = version or "current"
        if key in self._servers:
            return self._servers[key][1]
        if not self.url.startswith("fake:"):
            # brokers share queue names across exchanges: one server version at a time
            self._stop_live()
        conf = cfg.ConfigOpts()
        self.useFixture(conffixture.ConfFixture(conf))
        self.addCleanup(self._stop_live)  # runs before the conf fixture's own cleanup
        # a private exchange per server keeps harnesses and server versions apart
        conf.set_override("control_exchange", f"ovo-compat-{uuid.uuid4().hex[:12]}")
        transport = oslo_messaging.get_rpc_transport(conf, url=self.url)
        endpoints, serializer = self.endpoints_at(version)
        target = oslo_messaging.Target(topic=self.api.topic, server="ovo-compat")
        server = oslo_messaging.get_rpc_server(transport, target, endpoints, serializer=serializer)
        server.start()
        self._servers[key] = (server, transport)
        return transport

    def _abandon(self, version: str | None) -> None:
        # a hung server cannot be stopped cleanly; leave its daemon threads behind
        self._servers.pop(version or "current", None)

    def _stop_live(self) -> None:
        servers, self._servers = list(self._servers.values()), {}
        for server, _transport in servers:
            server.stop()
        for server, transport in servers:  # stop all first: each wait takes up to a second
            server.wait()
            transport.cleanup()


def _bounded(work: Callable[[], Any], timeout: float, label: str) -> Any:
    """Run ``work`` in a daemon thread; raise `RpcTimeout` naming ``label`` if it overruns."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, name=f"ovo-compat {label}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise RpcTimeout(f"{label}: no reply within {timeout}s; the server hangs")
    if "error" in box:
        raise box["error"]
    return box.get("result")


def _old_method(api: str, version: str, method: str, params: dict[str, Any]) -> Callable:
    accepts_any = any(p.startswith("**") for p in params)
    known = {p for p in params if not p.startswith("**")}
    required = {p for p, desc in params.items() if desc.get("required")}

    def endpoint_method(self: Any, ctxt: Any, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - known)
        if unknown and not accepts_any:
            raise OldServerRejects(
                f"RPC API {api} server {version} method {method} got unexpected argument(s) "
                f"{unknown}; it takes {sorted(known)}"
            )
        missing = sorted(required - set(kwargs))
        if missing:
            raise OldServerRejects(
                f"RPC API {api} server {version} method {method} is missing required "
                f"argument(s) {missing}"
            )

    endpoint_method.__name__ = method
    return endpoint_method


def _wire(value: Any) -> Any:
    return json.loads(jsonutils.dumps(value))
