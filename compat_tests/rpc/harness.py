"""Pinned real ``RPCClient``s against servers of every recorded version.

Two paths, both with the project's real client code and a real ``RPCClient``:

* the **fast path** (`Harness.call`) gives the client an ``RPCTransport`` over the
  in-process driver of `compat_tests.rpc.transport` and hands every message
  straight to an ``oslo_messaging.RPCDispatcher`` in a worker thread (bounded by
  the API's timeout).  No listener, so no poll sleep per call;
* the **real path** (`Harness.real_call`) goes through ``get_rpc_transport`` (``fake:/``
  by default, any URL such as ``rabbit://`` works) and ``get_rpc_server``.  The
  stock fake listener sleeps up to 50 ms when idle, so the properties use it
  once per (method, cap, server version) rather than per example.

A server "as it was at version X" is rebuilt from the RPC snapshot of X
(`compat_tests.rpc.rebuild`).  The current server runs with the serializer the
project configures for its RPC server (``RpcApi.server_serializer``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import fixtures
import oslo_messaging
from oslo_config import cfg
from oslo_messaging import conffixture

from compat_tests import pinning
from compat_tests.errors import ConfigError
from compat_tests.rpc.api import RpcApi
from compat_tests.rpc.rebuild import (
    ManifestSerializer,
    OldServerRejects,
    TooNewObject,
    find_objects,
    rebuilt_endpoint,
    too_new_objects,
)
from compat_tests.rpc.schema import describe_api
from compat_tests.rpc.transport import Incoming, Outcome, Sent, sync_transport, wire
from compat_tests.window import support_window

__all__ = [
    "SERVER",
    "Harness",
    "OldServerRejects",
    "Outcome",
    "RpcTimeout",
    "Sent",
    "ServerError",
    "TooNewObject",
    "find_objects",
    "pinned_client",
    "rebuilt_endpoint",
    "too_new_objects",
]

SERVER = "ovo-compat"
"""The ``server`` name of the harness's live servers: a client that routes a message to a
host (``prepare(server=host)``) reaches them only if its host is this name."""


class RpcTimeout(Exception):
    """The server did not answer within the harness timeout."""


class ServerError(Exception):
    """An exception raised on the server side of a fast-path call (not the client)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


class Harness(fixtures.Fixture):
    """Builds pinned clients and servers of every recorded version of one RPC API.

    ``history`` maps version -> recorded RPC schema (`compat_tests.rpc.schema.load_history`),
    ``shapes`` version -> recorded payload shapes (`compat_tests.rpc.record.load_shapes`).
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
        shapes: dict[str, dict[str, Any]] | None = None,
        registry: Any = None,
    ) -> None:
        super().__init__()
        self.api = api
        self.history = dict(history)
        self.shapes = dict(shapes or {})
        self.registry = registry
        self.url = url
        self.timeout = api.timeout if timeout is None else timeout
        self.current = describe_api(api, registry)
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

    def shapes_at(self, version: str) -> dict[str, Any] | None:
        """The payload shapes recorded at ``version``, or None (shape unknown)."""
        return self.shapes.get(version)

    def endpoints_at(self, version: str | None, cap: str | None = None) -> tuple[list[Any], Any]:
        """Endpoints and server serializer: current server for None, else rebuilt at ``version``.

        The current server uses ``api.server_serializer(cap)`` when the project
        configures one (a deployment pinned at ``cap``).
        """
        if version is None:
            if self.api.server_serializer is not None:
                return list(self.api.endpoints()), self.api.server_serializer(cap)
            return list(self.api.endpoints()), self.serializer
        schema = self.schema_at(version)
        manifest = schema.get("objects") or {}
        return [rebuilt_endpoint(self.api.name, schema)], ManifestSerializer(
            self.serializer, manifest
        )

    def label(self, method: str, cap: str, server: str | None) -> str:
        """``RPC API X method m cap 1.1 server 1.1`` for messages."""
        where = server or f"current ({self.current['version']})"
        return f"RPC API {self.api.name} method {method} cap {cap} server {where}"

    # -- calls ------------------------------------------------------------------------------

    def client(self, transport: Any, cap: str) -> Any:
        """The project's client built on ``transport``, pinned at ``cap``."""
        return pinned_client(self.api, transport, cap, self.timeout)

    def capture_transport(self) -> Any:
        """An ``RPCTransport`` that records and drops every message (to build clients offline)."""
        return sync_transport(self.conf, lambda c, m: None)[0]

    def capture(self, method: str, cap: str, kwargs: dict[str, Any]) -> Outcome:
        """Call ``method`` with a client pinned at ``cap`` and only record what it sends."""
        return self._fast(method, cap, kwargs, lambda ctxt, message: None)

    def sends(self, method: str, kwargs: dict[str, Any]) -> list[str]:
        """RPC method names a call of client ``method`` sends at the current version."""
        outcome = self.capture(method, self.current["version"], kwargs)
        return [sent.message.get("method") for sent in outcome.sent]

    def call(self, method: str, cap: str, server: str | None, kwargs: dict[str, Any]) -> Outcome:
        """Call ``method`` pinned at ``cap`` against ``server`` (None: current), fast path."""
        endpoints, serializer = self.endpoints_at(server, cap)
        dispatcher = oslo_messaging.RPCDispatcher(endpoints, serializer)
        label = self.label(method, cap, server)

        def handler(ctxt: dict, message: dict) -> Any:
            try:
                return _bounded(
                    lambda: dispatcher.dispatch(Incoming(ctxt, message)), self.timeout, label
                )
            except Exception as exc:
                raise ServerError(exc) from exc

        return self._fast(method, cap, kwargs, handler)

    def deliver(self, cap: str, method: str, args: dict[str, Any]) -> Outcome:
        """Hand the current server a message ``method(**args)`` claiming version ``cap``.

        As an old client would send it, with no client code involved (messages built
        from recorded shapes).
        """
        endpoints, serializer = self.endpoints_at(None, cap)
        dispatcher = oslo_messaging.RPCDispatcher(endpoints, serializer)
        message = {"method": method, "args": args, "version": cap}
        if self.current.get("namespace") is not None:
            message["namespace"] = self.current["namespace"]
        outcome = Outcome()
        label = self.label(method, cap, None)
        ctxt = wire(serializer.serialize_context(self.api.context()))
        try:
            outcome.result = _bounded(
                lambda: dispatcher.dispatch(Incoming(ctxt, wire(message))),
                self.timeout,
                label,
            )
        except Exception as exc:
            outcome.error = ServerError(exc)
        return outcome

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
        transport, driver = sync_transport(self.conf, handler)
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
        endpoints, serializer = self.endpoints_at(version, version)
        servers = []
        for topic in self.api.served_topics():  # Nova's computes also serve 'compute-alt'
            target = oslo_messaging.Target(topic=topic, server=SERVER)
            servers.append(
                oslo_messaging.get_rpc_server(transport, target, endpoints, serializer=serializer)
            )
        for server in servers:
            server.start()
        self._servers[key] = (servers, transport)
        return transport

    def _abandon(self, version: str | None) -> None:
        # a hung server cannot be stopped cleanly; leave its daemon threads behind
        self._servers.pop(version or "current", None)

    def _stop_live(self) -> None:
        started, self._servers = list(self._servers.values()), {}
        for servers, _transport in started:
            for server in servers:
                server.stop()
        for servers, transport in started:  # stop all first: each wait takes up to a second
            for server in servers:
                server.wait()
            transport.cleanup()


def pinned_client(api: RpcApi, transport: Any, cap: str | None, timeout: float) -> Any:
    """``api``'s client on ``transport`` pinned at ``cap``, each call bounded by ``timeout``."""
    client = api.client(transport, cap)
    client = pinning.pin_client(client, cap, api.client_attr)
    inner = (
        client if isinstance(client, oslo_messaging.RPCClient) else getattr(client, api.client_attr)
    )
    inner.timeout = timeout
    _bound_prepare(inner, timeout)
    return client


def _bound_prepare(rpc: Any, timeout: float) -> None:
    """Cap the ``timeout`` a client's own ``prepare(timeout=...)`` asks for at ``timeout``.

    Nova prepares long calls with ``timeout=CONF.long_rpc_timeout`` (30 minutes): a call
    nobody answers would hang the case that long instead of failing as a timeout.
    """
    original = rpc.prepare

    def prepare(*args: Any, **kwargs: Any) -> Any:
        asked = kwargs.get("timeout")
        if isinstance(asked, (int, float)) and asked > timeout:
            kwargs["timeout"] = timeout
        return original(*args, **kwargs)

    rpc.prepare = prepare


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
