"""The in-process RPC transport: the only module that touches oslo.messaging's driver internals.

`SyncDriver` is an ``oslo_messaging`` driver that JSON-encodes every message like
a wire would, records it (`Sent`) and hands it to a handler synchronously; an
``RPCTransport`` over it gives the project's real ``RPCClient`` a transport with
no listener, so no poll sleep per call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import oslo_messaging
from oslo_config import cfg
from oslo_messaging._drivers import base as driver_base
from oslo_serialization import jsonutils

__all__ = [
    "Incoming",
    "Outcome",
    "ScopedTransport",
    "Sent",
    "SyncDriver",
    "scoped",
    "sync_transport",
    "wire",
]


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


class Incoming:
    """The slice of an incoming message ``RPCDispatcher.dispatch`` reads."""

    client_timeout = None

    def __init__(self, ctxt: dict[str, Any], message: dict[str, Any]) -> None:
        self.ctxt, self.message = ctxt, message


class SyncDriver(driver_base.BaseDriver):
    """In-process RPC driver: JSON round trip, record, dispatch synchronously."""

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
        """Record the message after a JSON round trip, hand it to the handler, return its reply."""
        ctxt, message = wire(ctxt), wire(message)
        self.outcome.sent.append(Sent(target, ctxt, message, bool(wait_for_reply)))
        reply = wire(self.handler(ctxt, message))
        self.outcome.replies.append(reply)
        return reply if wait_for_reply else None

    def send_notification(self, target, ctxt, message, version, retry=None):
        """Notifications are not part of the harness."""
        raise NotImplementedError("the ovo-compat harness drives RPC only")

    def listen(self, target, batch_size, batch_timeout):
        """No listener: the fast path dispatches directly."""
        raise NotImplementedError("the fast path dispatches directly; use Harness.real_call")

    def listen_for_notifications(self, targets_and_priorities, pool, batch_size, batch_timeout):
        """Notifications are not part of the harness."""
        raise NotImplementedError("the ovo-compat harness drives RPC only")

    def cleanup(self) -> None:
        """Nothing to release."""


def sync_transport(
    conf: cfg.ConfigOpts, handler: Callable[[dict, dict], Any]
) -> tuple[Any, SyncDriver]:
    """An ``RPCTransport`` over a new `SyncDriver` with ``handler``, and the driver."""
    driver = SyncDriver(conf, handler)
    return oslo_messaging.transport.RPCTransport(driver), driver


class ScopedTransport(oslo_messaging.transport.RPCTransport):
    """An RPC transport whose every topic is prefixed with ``scope``.

    The rabbit driver names a server's queue after the topic alone, whatever the exchange,
    so two runs (or the two sides of one) serving the same topic on one broker would share
    a queue.  Clients and servers built on transports of the same scope meet; others never
    see their messages.  The project's code keeps its own topic names.

    With ``cast_timeout`` (seconds), a cast waits for the server's answer like a call, so a
    server that rejects a cast is seen by the caller (on a real broker a rejected cast is
    only logged by the server) and a server that never answers is a timeout.  With
    ``route``, every message is sent to that topic (fanout and server kept): the servers of
    one API listen on its topic, while a client may compute per-message topics.  With
    ``served`` (the topics the servers really consume: Neutron's agents consume resource
    pushes on ``neutron-vo-<Resource>-<version>``), a message to any other topic reaches
    nobody, as on a broker: a cast is dropped and its topic kept in ``dropped``; a call
    raises ``MessagingTimeout`` at once (a real caller would wait out its timeout), so a
    call no server consumes is never answered, and its topic is kept in ``unconsumed``.
    ``route`` and ``served`` together: the messages to served topics go to ``route``.
    ``owner`` names whose servers ``served`` lists in that timeout's message.
    """

    def __init__(
        self,
        driver: Any,
        scope: str,
        cast_timeout: float | None = None,
        route: str | None = None,
        served: Collection[str] | None = None,
        owner: str = "the release",
    ) -> None:
        super().__init__(driver)
        self.scope = scope
        self.cast_timeout = cast_timeout
        self.route = route
        self.served = None if served is None else frozenset(served)
        self.owner = owner
        self.dropped: list[str] = []
        self.unconsumed: list[str] = []

    def _scoped(self, target: oslo_messaging.Target) -> oslo_messaging.Target:
        topic = self.route or target.topic
        return target(topic=f"{self.scope}.{topic}") if topic else target

    def _send(self, target, ctxt, message, wait_for_reply=None, timeout=None, **kwargs):  # type: ignore[no-untyped-def]
        """Send to the scoped topic (a cast waits for its answer with ``cast_timeout``).

        A message to a topic outside ``served`` is not sent: a cast is dropped, a call
        times out (see the class docstring).
        """
        if self.served is not None and target.topic not in self.served:
            if not wait_for_reply:
                self.dropped.append(target.topic)
                return None
            self.unconsumed.append(target.topic)
            raise oslo_messaging.MessagingTimeout(
                f"no server of {self.owner} consumes topic {target.topic!r} (it serves "
                f"{', '.join(sorted(self.served))}): on a broker this call reaches nobody "
                "and times out"
            )
        if self.cast_timeout is not None and not wait_for_reply:
            wait_for_reply, timeout = True, timeout or self.cast_timeout
        return super()._send(
            self._scoped(target),
            ctxt,
            message,
            wait_for_reply=wait_for_reply,
            timeout=timeout,
            **kwargs,
        )

    def _listen(self, target, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Listen on the scoped topic (servers are never routed)."""
        return super()._listen(target(topic=f"{self.scope}.{target.topic}"), *args, **kwargs)


def scoped(
    transport: Any,
    scope: str,
    cast_timeout: float | None = None,
    route: str | None = None,
    served: Collection[str] | None = None,
    owner: str = "the release",
) -> ScopedTransport:
    """``transport``'s driver behind a `ScopedTransport` (see there for the options)."""
    return ScopedTransport(transport._driver, scope, cast_timeout, route, served, owner)


def to_peer(
    transport: ScopedTransport,
    cast_timeout: float | None,
    topic: str,
    served: Collection[str] | None,
    owner: str = "the release",
) -> ScopedTransport:
    """The transport one API's client reaches a peer's servers of that API with.

    ``served``: the topics the peer serves the API on, when its description lists them;
    each message then goes to the topic it names, and one to any other topic reaches nobody.
    None: the peer serves the API on ``topic`` alone, and every message is routed there.
    """
    route = None if served is not None else topic
    return scoped(transport, transport.scope, cast_timeout, route, served, owner)


def wire(value: Any) -> Any:
    """``value`` after the JSON round trip a real transport puts it through."""
    return json.loads(jsonutils.dumps(value))
