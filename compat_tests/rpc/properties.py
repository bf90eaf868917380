"""The pinned-client properties, as plain functions raising `CompatFailure`.

For a client method, a cap X and generated arguments:

* `check_pinned_call`: the client pinned to X sends nothing above X
  (``rpc.cap-exceeded``); the server as it was at X accepts every message
  (``rpc.old-server-rejects``, ``rpc.unsupported-version``) and can read every
  object in it (``rpc.too-new-object``); the current server accepts the same
  messages (``rpc.new-server-rejects``, ``rpc.timeout``) and its result is readable
  by the X-era client (``rpc.unreadable-result``).
* `check_real_call`: one call end to end over a real transport completes
  (same codes, plus ``rpc.timeout`` for a server that never answers).
* `check_signatures`: the current server accepts every message the X snapshot
  allows, without generating any (``rpc.new-server-rejects``).
"""

from __future__ import annotations

from typing import Any

from oslo_messaging import MessagingException, RemoteError, RPCVersionCapError

from compat_tests.failures import CompatFailure, Failure
from compat_tests.rpc.diff import compare
from compat_tests.rpc.harness import (
    Harness,
    OldServerRejects,
    Outcome,
    RpcTimeout,
    ServerError,
    TooNewObject,
    too_new_objects,
)
from compat_tests.versions import compatible

__all__ = ["check_pinned_call", "check_real_call", "check_signatures"]

_REJECTS = {"NoSuchMethod", "OldServerRejects", "TypeError"}
_TOO_NEW = {"TooNewObject", "IncompatibleObjectVersion"}
_REJECTED_BY = {"old": "rpc.old-server-rejects", "new": "rpc.new-server-rejects"}


def check_signatures(harness: Harness, cap: str) -> None:
    """The current server takes every call the snapshot of ``cap`` allows (static check)."""
    old = harness.schema_at(cap)
    breaking = [c for c in compare(old, harness.current) if c.severity == "major"]
    if breaking:
        change = breaking[0]
        method = change.field.split("(")[0]
        lines = "\n".join(f"  {c.rule} {c.field}: {c.old!r} -> {c.new!r}" for c in breaking)
        _fail(
            harness,
            "rpc.new-server-rejects",
            method,
            cap,
            None,
            f"clients pinned to {cap} can send calls the current server refuses:\n{lines}\n"
            "Keep removed methods/parameters and give new parameters defaults while "
            f"{cap} is in the support window",
            field=change.field,
        )


def check_pinned_call(harness: Harness, method: str, cap: str, kwargs: dict[str, Any]) -> bool:
    """Every fast-path property of one call of ``method`` by a client pinned at ``cap``.

    Returns False (nothing checked) when the RPC methods the call sends did not
    exist at ``cap``: no client of that era could make the call.
    """
    existing = harness.schema_at(cap)["methods"]
    if any(name not in existing for name in harness.sends(method, kwargs)):
        return False
    old = harness.call(method, cap, cap, kwargs)
    _check_sent(harness, method, cap, old)
    if old.error is not None and not (old.replies and _after_reply(old.error)):
        _raise_error(harness, method, cap, cap, old.error, "old")
    new = harness.call(method, cap, None, kwargs)
    _check_sent(harness, method, cap, new)
    if new.error is not None:
        _raise_error(harness, method, cap, None, new.error, "new")
    _check_replies(harness, method, cap, new)
    return True


def check_real_call(
    harness: Harness, method: str, cap: str, server: str | None, kwargs: dict[str, Any]
) -> None:
    """One end-to-end call over the harness's real transport completes and is readable."""
    outcome = harness.real_call(method, cap, server, kwargs)
    if outcome.error is not None and not (server is not None and _after_reply(outcome.error)):
        _raise_error(
            harness, method, cap, server, outcome.error, "new" if server is None else "old"
        )


def _after_reply(error: BaseException) -> bool:
    """Whether ``error`` was raised by the client on a reply rather than by a server.

    A server rebuilt from a snapshot checks acceptance only and answers None; a
    client that post-processes results (Neutron's do) fails on that placeholder,
    which says nothing about the old server.  Remote errors, cap errors and
    timeouts still count.
    """
    remote = isinstance(error, (ServerError, RemoteError)) or type(error).__name__.endswith(
        "_Remote"
    )
    return not (remote or isinstance(error, (RPCVersionCapError, RpcTimeout, MessagingException)))


def _check_sent(harness: Harness, method: str, cap: str, outcome: Outcome) -> None:
    manifest = harness.schema_at(cap).get("objects") or {}
    for sent in outcome.sent:
        if not compatible(sent.version, cap):
            _fail(
                harness,
                "rpc.cap-exceeded",
                method,
                cap,
                cap,
                f"client pinned to {cap} sent {sent.message.get('method')} at version "
                f"{sent.version}; add a can_send_version() branch for {cap}",
            )
        problem = too_new_objects(sent.message.get("args", {}), manifest, "/args")
        if problem is not None:
            _fail(
                harness,
                "rpc.too-new-object",
                method,
                cap,
                cap,
                f"client pinned to {cap} sent {problem}; backport it "
                f"(obj_to_primitive(target_version=...)) or use the indirection API",
                location=problem.location,
            )


def _check_replies(harness: Harness, method: str, cap: str, outcome: Outcome) -> None:
    manifest = harness.schema_at(cap).get("objects") or {}
    for reply in outcome.replies:
        problem = too_new_objects(reply, manifest, "/result")
        if problem is not None:
            _fail(
                harness,
                "rpc.unreadable-result",
                method,
                cap,
                None,
                f"the current server answered a client pinned to {cap} with {problem}; "
                "backport results to the client's version",
                location=problem.location,
            )


def _raise_error(
    harness: Harness, method: str, cap: str, server: str | None, error: BaseException, side: str
) -> None:
    server_side = isinstance(error, ServerError)
    inner = error.error if server_side else error
    kind = _kind(inner)
    detail = f"{kind}: {inner}"
    if isinstance(inner, RpcTimeout) or kind == "RpcTimeout":
        code, advice = "rpc.timeout", "the call must finish within the harness timeout"
    elif isinstance(inner, RPCVersionCapError):
        code = "rpc.cap-exceeded"
        advice = f"the client asked for a version above its cap {cap}; add can_send_version()"
    elif kind == "UnsupportedVersion":
        code = "rpc.unsupported-version"
        advice = "the server does not speak the message's version"
    elif isinstance(inner, TooNewObject) or kind in _TOO_NEW:
        code = "rpc.too-new-object" if side == "old" or server_side else "rpc.unreadable-result"
        advice = "backport objects to what the receiving node reads"
    elif isinstance(inner, OldServerRejects) or kind in _REJECTS:
        code = _REJECTED_BY[side]
        advice = (
            "the method or an argument did not exist at this version"
            if side == "old"
            else "keep old methods/arguments and give new parameters defaults"
        )
    elif server_side or isinstance(inner, RemoteError):
        code, advice = _REJECTED_BY[side], "the server raised"
    else:
        code, advice = "rpc.client-error", "the client raised before or after sending"
    _fail(harness, code, method, cap, server, f"{advice} ({detail})")


def _kind(error: BaseException) -> str:
    if isinstance(error, RemoteError):
        return error.exc_type or "RemoteError"
    return type(error).__name__.removesuffix("_Remote")


def _fail(
    harness: Harness,
    code: str,
    method: str,
    cap: str,
    server: str | None,
    message: str,
    *,
    field: str | None = None,
    location: str = "",
) -> None:
    server_version = server or harness.current["version"]
    raise CompatFailure(
        Failure(
            code=code,
            subject=f"{harness.api.name}.{method}",
            message=f"{harness.label(method, cap, server)}: {message}",
            from_version=cap,
            to_version=server_version,
            field=field,
            location=location,
            details={
                "api": harness.api.name,
                "method": method,
                "cap": cap,
                "server": server_version,
            },
        )
    )
