"""Nodes in their own processes: start a role in a (release's) interpreter, call it, end it.

The parent side of the node protocol (the child side is `compat_tests.cross.node`):

* `start_node` runs ``python -m compat_tests.cross.node --role ROLE ...`` with the given
  interpreter (a release's virtualenv from `compat_tests.venvs.release_python`, or this
  one), an environment cleaned by `compat_tests.venvs.child_env` and a neutral working
  directory, and waits for its *ready* line (bounded by ``ready_timeout``);
* `Node.call` sends one operation and waits for its reply, bounded by ``timeout``: a child
  that does not answer in time is killed and reported as `NodeHung`, one that exits as
  `NodeCrashed`, both with the tail of its stderr and what to do; an operation that raised
  in the child is a `NodeCallError` (the child keeps serving);
* `Node.stop` (or leaving ``with node:``) asks the child to exit, then terminates and kills
  it; every node still running when this interpreter exits is killed (``atexit``).

Control messages are JSON lines on the child's stdin/stdout; the RPC traffic a role serves
goes over the transport URL (`rabbit_url`, RabbitMQ by default) under a private
``control_exchange`` per run (`private_exchange`), so runs never see each other's messages.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from compat_tests.errors import OvoCompatError
from compat_tests.venvs import child_env

__all__ = [
    "DEFAULT_RABBIT_URL",
    "BrokerUnreachable",
    "Node",
    "NodeCallError",
    "NodeCrashed",
    "NodeError",
    "NodeHung",
    "NodeStartError",
    "check_broker",
    "private_exchange",
    "rabbit_url",
    "rpc_transport",
    "start_node",
]

#: The broker of cross-release runs unless ``--url`` or ``$OVO_COMPAT_RABBIT_URL`` says another.
DEFAULT_RABBIT_URL = "rabbit://guest:guest@127.0.0.1:5672/"
#: Seconds a node may take from start to its ready line (importing an old release is slow).
READY_TIMEOUT = 300.0
#: Seconds one call may take unless the caller says otherwise.
CALL_TIMEOUT = 120.0
#: Seconds a node may take to exit after being asked to, before it is terminated.
STOP_TIMEOUT = 10.0
_TAIL_LINES = 40
# Seconds a hung node gets to write its stacks to stderr before it is killed.
_DUMP_GRACE = 0.5
_EOF = object()
_LIVE: set[Node] = set()


class NodeError(OvoCompatError):
    """A node process failed: it did not start, hung, crashed or an operation raised."""

    def __init__(self, message: str, *, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


class NodeStartError(NodeError):
    """The node exited or stayed silent before its ready line."""


class NodeHung(NodeError):
    """The node did not answer a call in time; it has been killed."""


class NodeCrashed(NodeError):
    """The node exited while a call was waiting for its reply."""


class NodeCallError(NodeError):
    """The operation raised in the node; ``kind`` is the exception's class name."""

    def __init__(self, message: str, *, kind: str, detail: str, traceback: str = "") -> None:
        super().__init__(message)
        self.kind, self.detail, self.traceback = kind, detail, traceback


def rabbit_url(url: str | None = None) -> str:
    """The transport URL of a run: ``url``, else ``$OVO_COMPAT_RABBIT_URL``, else the default."""
    return url or os.environ.get("OVO_COMPAT_RABBIT_URL") or DEFAULT_RABBIT_URL


class BrokerUnreachable(OvoCompatError):
    """The run's message broker does not accept connections."""


def check_broker(url: str, timeout: float = 5.0) -> None:
    """`BrokerUnreachable` unless every host of transport ``url`` accepts a TCP connection.

    oslo.messaging retries a dead broker forever; a run checks first so that it fails
    with this message instead of hanging.  In-process URLs (``fake:``) need no broker.
    """
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("fake", ""):
        return
    for host in (parts.netloc.rpartition("@")[2] or "localhost").split(","):
        name, _, port = host.rpartition(":") if ":" in host else (host, "", "5672")
        try:
            socket.create_connection((name or "localhost", int(port or 5672)), timeout).close()
        except OSError as exc:
            raise BrokerUnreachable(
                f"the message broker of {url} is not reachable at {name}:{port} ({exc}); "
                "start RabbitMQ there, or pass --url (or set $OVO_COMPAT_RABBIT_URL) to one "
                "that runs"
            ) from None


def private_exchange(prefix: str = "ovo-compat") -> str:
    """A ``control_exchange`` name used by one run only."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def rpc_transport(
    url: str,
    exchange: str,
    conf: Any = None,
    *,
    cast_timeout: float | None = None,
    route: str | None = None,
) -> Any:
    """An oslo.messaging RPC transport on ``url`` private to ``exchange``.

    Its ``control_exchange`` is ``exchange`` and every topic is prefixed with it
    (`compat_tests.rpc.transport.ScopedTransport`: RabbitMQ queues are named by topic
    alone), so clients and servers built with the same ``exchange`` meet, and nothing
    else on the broker sees their messages.  Both sides of a run use it (the node through
    `NodeContext.transport`).  ``conf``: an ``oslo_config.cfg.ConfigOpts`` to use
    (default: a new private one).  ``cast_timeout``: casts wait for the server's answer
    (bounded by it), so a cast the server rejects is seen; ``route``: every message goes to
    that topic, where the servers of one API listen (`ScopedTransport`).
    """
    import oslo_messaging
    from oslo_config import cfg
    from oslo_messaging import conffixture

    from compat_tests.rpc.transport import scoped

    if conf is None:
        conf = cfg.ConfigOpts()
        conf([], project="ovo-compat")
    conffixture.ConfFixture(conf)  # registers oslo.messaging's options on conf
    conf.set_override("control_exchange", exchange)
    return scoped(oslo_messaging.get_rpc_transport(conf, url=url), exchange, cast_timeout, route)


class Node:
    """One running node process; use `start_node` to get one.

    ``info`` is what the node said in its ready line (role-specific: a release's versions,
    the RPC topics it serves...).  ``label`` names the node in every error message.
    """

    def __init__(
        self,
        process: subprocess.Popen[str],
        *,
        label: str,
        stderr_path: Path,
        scratch: tempfile.TemporaryDirectory[str],
    ) -> None:
        self.process = process
        self.label = label
        self.info: dict[str, Any] = {}
        self._stderr_path = stderr_path
        self._scratch = scratch
        self._lines: queue.Queue[Any] = queue.Queue()
        self._ids = 0
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name=f"{label} reader", daemon=True)
        self._reader.start()
        _LIVE.add(self)

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def call(
        self, op: str, args: Mapping[str, Any] | None = None, *, timeout: float = CALL_TIMEOUT
    ) -> Any:
        """Run operation ``op`` in the node with JSON-able ``args``; its JSON-able result.

        `NodeHung` after ``timeout`` seconds (the node is killed), `NodeCrashed` if it exits,
        `NodeCallError` if the operation raised there.
        """
        with self._lock:
            self._ids += 1
            ident = self._ids
            self._send({"id": ident, "op": op, "args": dict(args or {})}, op)
            reply = self._wait(timeout, f"operation {op!r}")
        if reply.get("id") != ident:
            raise NodeCrashed(
                f"{self.label}: answered operation {op!r} out of turn ({reply!r}); the node "
                "protocol is broken (something else writes to the protocol stream)",
                stderr_tail=self.stderr_tail(),
            )
        if "error" in reply:
            error = reply["error"]
            raise NodeCallError(
                f"{self.label}: operation {op!r} raised {error['type']}: {error['message']}",
                kind=error["type"],
                detail=error["message"],
                traceback=error.get("traceback", ""),
            )
        return reply.get("result")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """Ask the node to exit, terminate or kill it if it does not; its exit code."""
        _LIVE.discard(self)
        if self.alive:
            try:
                self._send({"id": 0, "op": "__stop__", "args": {}}, "__stop__")
            except NodeError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()
        return self.process.returncode

    def kill(self) -> None:
        """Kill the node's process group now (SIGTERM, then SIGKILL after a second)."""
        _LIVE.discard(self)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive:
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(1.0)
            except subprocess.TimeoutExpired:
                continue
        self._close()

    def stderr_tail(self, lines: int = _TAIL_LINES) -> str:
        """The last ``lines`` lines the node wrote to stderr."""
        try:
            text = self._stderr_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _send(self, message: Mapping[str, Any], op: str) -> None:
        stdin = self.process.stdin
        try:
            assert stdin is not None
            stdin.write(json.dumps(message) + "\n")
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise self._crashed(f"operation {op!r}") from None

    def _wait(self, timeout: float, what: str) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._dump_stacks()
            tail, text = self.stderr_tail(), self._tail_text()
            self.kill()
            raise NodeHung(
                f"{self.label}: no answer to {what} within {timeout:g} s; the node was killed "
                f"(its threads' stacks are in the stderr tail).{text}\nWhat to do: see where "
                "it hangs in the stderr tail; raise the timeout only if the node is slow "
                "rather than stuck",
                stderr_tail=tail,
            ) from None
        if line is _EOF:
            raise self._crashed(what)
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise NodeCrashed(
                f"{self.label}: wrote {line[:200]!r} to the protocol stream instead of a "
                f"reply to {what}{self._tail_text()}",
                stderr_tail=self.stderr_tail(),
            ) from None

    def _dump_stacks(self) -> None:
        """Ask a hung node for its threads' stacks (``faulthandler`` on SIGUSR1, see node)."""
        if self.alive:
            try:
                os.kill(self.process.pid, signal.SIGUSR1)
                self.process.wait(_DUMP_GRACE)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass

    def _crashed(self, what: str) -> NodeCrashed:
        try:
            code = self.process.wait(5.0)
        except subprocess.TimeoutExpired:
            code = None
        _LIVE.discard(self)
        return NodeCrashed(
            f"{self.label}: exited (code {code}) during {what}.{self._tail_text()}\nWhat to do: "
            "the stderr tail shows why; run the node's command by hand to reproduce",
            stderr_tail=self.stderr_tail(),
        )

    def _tail_text(self) -> str:
        tail = self.stderr_tail()
        return f"\n--- stderr tail of {self.label} ---\n{tail}" if tail else " (no stderr)"

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        for line in stdout:
            if line.strip():
                self._lines.put(line)
        self._lines.put(_EOF)

    def _close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self._scratch.cleanup()


def start_node(
    role: str,
    *,
    python: str | Path | None = None,
    args: Mapping[str, Any] | None = None,
    url: str | None = None,
    exchange: str | None = None,
    label: str | None = None,
    path: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
    ready_timeout: float = READY_TIMEOUT,
) -> Node:
    """Start a node serving ``role`` (a name in `compat_tests.cross.node.ROLES` or ``module:fn``).

    ``python``: the interpreter (default: this one); ``args``: JSON-able role arguments;
    ``url``/``exchange``: transport URL (`rabbit_url`) and control exchange (default: a
    `private_exchange`); ``path``: directories appended to the child's ``sys.path`` (where
    a ``module:fn`` role lives); ``env``: extra environment variables.  Returns once the
    node is ready (`Node.info` holds what it said); `NodeStartError` otherwise.
    """
    python = Path(python or sys.executable)
    label = label or f"node {role!r} ({python})"
    scratch = tempfile.TemporaryDirectory(prefix="ovo-compat-node-")
    stderr_path = Path(scratch.name) / "stderr.log"
    command = [
        str(python),
        "-m",
        "compat_tests.cross.node",
        "--role",
        role,
        "--url",
        rabbit_url(url),
        "--exchange",
        exchange or private_exchange(),
        "--args",
        json.dumps(dict(args or {})),
        *[arg for entry in path for arg in ("--path", str(entry))],
    ]
    if not python.is_file():
        scratch.cleanup()
        raise NodeStartError(
            f"{label}: no interpreter at {python}; rebuild the release's virtualenv (delete "
            "its directory under the ovo-compat cache and run again)"
        )
    with stderr_path.open("w") as stderr:
        # A session of its own: killing the node kills whatever it started; cwd neutral.
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=scratch.name,
            env=child_env(dict(env or {}), scratch=Path(scratch.name)),
            text=True,
            start_new_session=True,
        )
    node = Node(process, label=label, stderr_path=stderr_path, scratch=scratch)
    try:
        ready = node._wait(ready_timeout, "the ready handshake")
    except NodeError as exc:
        node.kill()
        raise NodeStartError(
            f"{exc}\nCommand: {' '.join(command)}", stderr_tail=exc.stderr_tail
        ) from None
    if "error" in ready:
        tail = node.stderr_tail()
        node.stop()
        error = ready["error"]
        raise NodeStartError(
            f"{label}: could not start: {error['type']}: {error['message']}"
            + (f"\n--- stderr tail ---\n{tail}" if tail else ""),
            stderr_tail=tail,
        )
    node.info = ready.get("ready", {})
    return node


@atexit.register
def _kill_all() -> None:
    for node in list(_LIVE):
        node.kill()
