"""The pinned-client properties, as plain functions raising `CompatFailure`.

For a client method, a cap X and generated arguments:

* `check_pinned_call`: where the RPC method did not exist at X the client refuses
  before sending (``rpc.method-not-at-cap`` when a message reaches the wire); the
  client pinned to X sends nothing above X (``rpc.cap-exceeded``); the server as it
  was at X accepts every message (``rpc.old-server-rejects``,
  ``rpc.unsupported-version``), can read every object in it (``rpc.too-new-object``)
  and every argument has the shape recorded at X (``rpc.payload-shape``); the
  current server accepts the same messages (``rpc.new-server-rejects``,
  ``rpc.timeout``), applies the defaults of X's era to what the client omits
  (``rpc.default-changed``), and its reply is readable by the X-era client: objects
  and the reply shape recorded at X (``rpc.unreadable-result``).
* `check_recorded_message`: a message generated from the shapes recorded at X
  (what X-era clients sent) is taken by the current server (``rpc.new-server-rejects``).
* `check_real_call`: one call end to end over a real transport completes
  (same codes, plus ``rpc.timeout`` for a server that never answers).
* `check_signatures`: the current server accepts every message the X snapshot
  allows, without generating any (``rpc.new-server-rejects``).

Every failure has ``subject`` = the API, ``field`` = the method (or
``method(param)``), ``from_version`` = the cap and ``to_version`` = the server's
version, so declarations match RPC findings as they match object findings.
"""

from __future__ import annotations

from typing import Any

from oslo_messaging import MessagingException, RemoteError, RPCVersionCapError

from compat_tests.failures import CompatFailure, Failure
from compat_tests.rpc import shapes
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
from compat_tests.versions import parse as version_key

__all__ = [
    "check_pinned_call",
    "check_real_call",
    "check_recorded_message",
    "check_signatures",
    "recorded_messages",
]

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

    Returns True (called), or False when the client refused before sending
    (``api.refuses``) because the RPC method it needs did not exist at ``cap``; a
    message that reaches the wire for a method the ``cap`` server lacks is
    ``rpc.method-not-at-cap``.
    """
    existing = harness.schema_at(cap)["methods"]
    old = harness.call(method, cap, cap, kwargs)
    for sent in old.sent:
        name = sent.message.get("method")
        if name not in existing:
            _fail(
                harness,
                "rpc.method-not-at-cap",
                method,
                cap,
                cap,
                f"client pinned to {cap} sent {name} claiming version {sent.version}, but "
                f"servers at {cap} have no method {name}; refuse before sending "
                f"(prepare(version=<the version that added {name}>) raises "
                "RPCVersionCapError) or fall back to a method that exists at the cap",
            )
    if not old.sent and isinstance(old.error, harness.api.refuses):
        needs = [n for n in harness.sends(method, kwargs) if n not in existing]
        if needs:
            return False
    _check_sent(harness, method, cap, old)
    if old.error is not None and not (old.replies and _after_reply(old.error)):
        _raise_error(harness, method, cap, cap, old.error, "old")
    new = harness.call(method, cap, None, kwargs)
    _check_sent(harness, method, cap, new)
    if new.error is not None:
        _raise_error(harness, method, cap, None, new.error, "new")
    _check_defaults(harness, method, cap, new)
    _check_replies(harness, method, cap, new)
    return True


# errors that say the server does not understand a message's structure; a value error
# (an id that does not exist, an invalid address) says nothing about shapes
_STRUCTURAL = {"KeyError", "TypeError", "AttributeError", "NoSuchMethod", "UnsupportedVersion"}


def recorded_messages(harness: Harness, cap: str) -> dict[str, Any]:
    """Per RPC method, a strategy for the arguments clients pinned at ``cap`` sent (its shapes)."""
    from hypothesis import strategies as st

    recorded = (harness.shapes_at(cap) or {}).get("methods", {})
    methods = harness.schema_at(cap)["methods"]
    return {
        name: st.fixed_dictionaries(
            {
                arg: shapes.strategy(shape, _object_strategy(harness))
                for arg, shape in entry["params"].items()
                if methods[name]["params"].get(arg, {}).get("required", True)
            },
            optional={
                arg: shapes.strategy(shape, _object_strategy(harness))
                for arg, shape in entry["params"].items()
                if not methods[name]["params"].get(arg, {}).get("required", True)
            },
        )
        for name, entry in sorted(recorded.items())
        if name in methods
    }


def check_recorded_message(harness: Harness, cap: str, method: str, args: dict[str, Any]) -> None:
    """The current server takes a message of the shape recorded at ``cap`` (not today's client)."""
    entry = (harness.shapes_at(cap) or {}).get("methods", {}).get(method, {})
    outcome = harness.deliver(entry.get("sent_at", cap), method, args)
    if outcome.error is None:
        return
    inner = outcome.error.error if isinstance(outcome.error, ServerError) else outcome.error
    kind = _kind(inner)
    if kind not in _STRUCTURAL and not isinstance(inner, (OldServerRejects, RpcTimeout)):
        return
    code = "rpc.timeout" if isinstance(inner, RpcTimeout) else "rpc.new-server-rejects"
    _fail(
        harness,
        code,
        method,
        cap,
        None,
        f"a {method} message of the shape clients pinned at {cap} sent (recorded shapes, "
        f"not today's client) fails on the current server: {kind}: {inner}; keep reading "
        f"what {cap}-era clients send (optional keys may be absent)",
        field=method,
    )


def _object_strategy(harness: Harness) -> Any:
    from hypothesis import strategies as st

    def build(name: str, version: str) -> Any:
        from oslo_versionedobjects import base as ovo_base

        registry = harness.registry or ovo_base.VersionedObjectRegistry
        classes = registry.obj_classes().get(name)
        if not classes:
            return st.nothing()
        from strategies import objects

        cls = max(classes, key=lambda c: version_key(c.VERSION))
        return objects(cls, max_depth=1).map(
            lambda obj: obj.obj_to_primitive(target_version=version)
        )

    return build


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
    recorded = (harness.shapes_at(cap) or {}).get("methods", {})
    for sent in outcome.sent:
        name = sent.message.get("method")
        params = recorded.get(name, {}).get("params", {})
        for arg, value in sent.message.get("args", {}).items():
            problem = shapes.conforms(value, params.get(arg))
            if problem is not None:
                _fail(
                    harness,
                    "rpc.payload-shape",
                    method,
                    cap,
                    cap,
                    f"client pinned to {cap} sent {name}({arg}) that servers at {cap} do not "
                    f"read: {problem} (shape recorded at {cap}); keep the old shape for caps "
                    "below the version that changed it, or bump the RPC version",
                    field=f"{name}({arg})",
                    location=problem.split(":")[0],
                )
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


def _check_defaults(harness: Harness, method: str, cap: str, outcome: Outcome) -> None:
    """A parameter the pinned client omits keeps the default servers of its era applied."""
    current = harness.current["methods"]
    for sent in outcome.sent:
        name = sent.message.get("method")
        args = sent.message.get("args", {})
        for param, desc in current.get(name, {}).get("params", {}).items():
            if param in args or param.startswith("**") or "default" not in desc:
                continue
            era = _era_default(harness, name, param, cap)
            if era is not _MISSING and era != desc["default"]:
                _fail(
                    harness,
                    "rpc.default-changed",
                    method,
                    cap,
                    None,
                    f"client pinned to {cap} omits {name}({param}); servers of its era "
                    f"took {era!r}, the current server takes {desc['default']!r}, so old "
                    "clients silently get another behaviour; keep the old default or make "
                    "the client send the value",
                    field=f"{name}({param})",
                )


_MISSING = object()


def _era_default(harness: Harness, method: str, param: str, cap: str) -> Any:
    """The default of ``method(param)`` at ``cap``, else where the parameter first appeared."""
    versions = sorted(harness.history, key=version_key)
    later = [v for v in versions if version_key(v) >= version_key(cap)]
    for version in later:
        desc = harness.history[version]["methods"].get(method, {}).get("params", {}).get(param)
        if desc is not None:
            return desc.get("default", _MISSING)
    return _MISSING


def _check_replies(harness: Harness, method: str, cap: str, outcome: Outcome) -> None:
    manifest = harness.schema_at(cap).get("objects") or {}
    recorded = (harness.shapes_at(cap) or {}).get("methods", {})
    for sent, reply in zip(outcome.sent, outcome.replies, strict=False):
        if not sent.wait_for_reply:
            continue
        name = sent.message.get("method")
        problem = shapes.conforms(reply, recorded.get(name, {}).get("reply"))
        if problem is not None:
            _fail(
                harness,
                "rpc.unreadable-result",
                method,
                cap,
                None,
                f"the current server answered {name} to a client pinned to {cap} with a "
                f"reply that client does not read: {problem} (reply shape recorded at "
                f"{cap}); keep the old reply shape for clients below the version that "
                "changed it",
                field=f"{name}(<reply>)",
                location=problem.split(":")[0],
            )
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
            subject=harness.api.name,
            message=f"{harness.label(method, cap, server)}: {message}",
            from_version=cap,
            to_version=server_version,
            field=field or method,
            location=location,
            details={
                "api": harness.api.name,
                "method": method,
                "cap": cap,
                "server": server_version,
            },
        )
    )
