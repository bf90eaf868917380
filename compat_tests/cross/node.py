"""The child side of the node protocol: ``python -m compat_tests.cross.node --role ROLE``.

Started by `compat_tests.cross.process.start_node`.  It builds the role (a factory taking a
`NodeContext` and returning a `Role`), writes one ready line to the protocol stream (the
original stdout; ``sys.stdout`` and file descriptor 1 go to stderr so that nothing a library
prints can break the protocol), then answers one JSON line per operation until it is told
to stop or its stdin closes.  A role whose factory raises answers the handshake with the
error instead, and the node exits 2.

A role is one entry of `ROLES` (name -> ``"module:factory"``) or any ``module:factory``.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

__all__ = ["ROLES", "NodeContext", "Role", "load_role", "main"]

#: Built-in roles: name -> ``module:factory``.
ROLES: dict[str, str] = {
    "probe": "compat_tests.cross.node:probe",
    "old-node": "compat_tests.cross.old:old_node",
}


@dataclass
class Role:
    """What a node serves: its ready ``info``, its operations and what to do when it ends."""

    ops: dict[str, Callable[..., Any]]
    info: dict[str, Any] = field(default_factory=dict)
    close: Callable[[], None] | None = None


@dataclass
class NodeContext:
    """What a role factory gets: its arguments and the run's transport settings."""

    args: dict[str, Any]
    url: str
    exchange: str
    _transport: Any = None

    def transport(self) -> Any:
        """The run's oslo.messaging RPC transport (built once: `process.rpc_transport`)."""
        if self._transport is None:
            from compat_tests.cross.process import rpc_transport

            self._transport = rpc_transport(self.url, self.exchange)
        return self._transport


def probe(context: NodeContext) -> Role:
    """A role answering ``ping`` and ``versions``: is this interpreter usable as a node?"""
    import importlib.metadata as metadata

    def versions(distributions: Sequence[str] = ()) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for name in distributions:
            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = None
        return found

    return Role(
        ops={"ping": lambda **kw: kw, "versions": versions},
        info={"python": sys.version.split()[0], "executable": sys.executable},
    )


def load_role(name: str) -> Callable[[NodeContext], Role]:
    """The factory of role ``name`` (a `ROLES` name or ``module:factory``)."""
    spec = ROLES.get(name, name)
    module, _, attr = spec.partition(":")
    if not attr:
        raise ValueError(
            f"unknown node role {name!r}: use one of {sorted(ROLES)} or 'module:factory'"
        )
    return getattr(importlib.import_module(module), attr)


def _error(exc: BaseException) -> dict[str, str]:
    return {"type": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}


def _write(stream: TextIO, message: Mapping[str, Any]) -> None:
    stream.write(json.dumps(message, default=str) + "\n")
    stream.flush()


def serve(role: Role, requests: TextIO, replies: TextIO) -> int:
    """Answer operations read from ``requests`` until ``__stop__`` or end of input; exit code."""
    try:
        for line in requests:
            if not line.strip():
                continue
            request = json.loads(line)
            if request["op"] == "__stop__":
                return 0
            op = role.ops.get(request["op"])
            try:
                if op is None:
                    known = sorted(role.ops)
                    raise KeyError(f"this node has no operation {request['op']!r}: {known}")
                reply: dict[str, Any] = {"id": request["id"], "result": op(**request["args"])}
            except Exception as exc:
                reply = {"id": request["id"], "error": _error(exc)}
            _write(replies, reply)
        return 0
    finally:
        if role.close is not None:
            role.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of a node process (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m compat_tests.cross.node")
    parser.add_argument("--role", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--exchange", required=True)
    parser.add_argument("--args", default="{}", help="JSON object of role arguments")
    parser.add_argument("--path", action="append", default=[])
    options = parser.parse_args(argv)
    sys.path.extend(options.path)
    # The protocol stream is the original stdout; anything else printed goes to stderr.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # A parent that gives up on a hung node asks for every thread's stack first.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    warnings.filterwarnings("ignore", message="The selected oslo_service backend")
    context = NodeContext(json.loads(options.args), options.url, options.exchange)
    try:
        role = load_role(options.role)(context)
    except Exception as exc:
        traceback.print_exc()
        _write(replies, {"error": _error(exc)})
        return 2
    _write(replies, {"ready": role.info})
    return serve(role, sys.stdin, replies)


if __name__ == "__main__":
    sys.exit(main())
