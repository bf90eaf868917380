"""Node roles for the process-layer tests: each misbehaves in one way on request."""

from __future__ import annotations

import os
import sys
import threading

from compat_tests.cross.node import NodeContext, Role


def _hang() -> None:
    print("hang: waiting forever on an event nobody sets", file=sys.stderr, flush=True)
    threading.Event().wait()


def _crash(code: int) -> None:
    print(f"crash: exiting with {code} on purpose", file=sys.stderr, flush=True)
    os._exit(code)


def _fail(message: str) -> None:
    raise ValueError(message)


def _chatty() -> str:
    print("printed to stdout: must not break the protocol")
    os.write(1, b"written to fd 1: must not break the protocol\n")
    return "still fine"


def misbehaving(context: NodeContext) -> Role:
    """Echoes, hangs, crashes, raises or prints, as asked; ready info echoes the args."""
    return Role(
        ops={
            "echo": lambda **kw: kw,
            "hang": _hang,
            "crash": _crash,
            "fail": _fail,
            "chatty": _chatty,
        },
        info={"args": context.args, "exchange": context.exchange, "url": context.url},
    )


def broken(context: NodeContext) -> Role:
    """A role whose set-up raises."""
    raise RuntimeError("the release's module could not be imported: seeded")


def silent(context: NodeContext) -> Role:
    """A role whose set-up never finishes (never writes its ready line)."""
    _hang()
    raise AssertionError("unreachable")


class _Echo:
    target = None

    def echo(self, ctxt, value):
        return {"echoed": value, "node": "child"}


def rpc_echo(context: NodeContext) -> Role:
    """An oslo.messaging RPC server on the run's transport with an ``echo`` method."""
    import oslo_messaging

    topic = context.args["topic"]
    server = oslo_messaging.get_rpc_server(
        context.transport(),
        oslo_messaging.Target(topic=topic, server="child"),
        [_Echo()],
        executor="threading",
    )
    server.start()

    def close() -> None:
        server.stop()
        server.wait()

    return Role(ops={}, info={"topic": topic}, close=close)
