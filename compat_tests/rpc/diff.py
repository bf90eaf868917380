"""Named change rules between two recorded versions of an RPC API, and the RPC snapshot check.

Rules (severity ``major`` breaks a peer that still speaks the old version):

=========================  ========  ===================================================
rule                       severity  meaning
=========================  ========  ===================================================
method-added               minor     a new method
method-removed             major     an old client's method no longer answers
param-added-optional       minor     a new parameter with a default
param-added-required       major     a new parameter old clients cannot send
param-removed              major     old clients still send it: "unexpected keyword"
param-renamed              major     one parameter removed and one added in its place
param-made-required        major     old clients may omit it
param-made-optional        minor     a default appeared
default-changed            minor     old clients omitting it get a different value
namespace-changed          major     old clients address another namespace
payload-changed            major     a dict/list payload changed shape at a key path
payload-extended           minor     a dict payload gained an optional key
=========================  ========  ===================================================

Payload rules compare the recorded shapes (`compat_tests.rpc.shapes`) of the two
versions where both exist (``payload-changed``: a key removed, a type or object
version changed, a key made required or optional); one pair of shapes may hit
them at several key paths, each a `Change` whose ``field`` is
``method(param)/key/path`` (``<reply>`` for the return value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from compat_tests.failures import Failure
from compat_tests.rules import MAJOR, MINOR, REGISTRY, Change, added, removed
from compat_tests.verdict import Domain, verdicts
from compat_tests.versions import sort_versions

__all__ = ["RPC", "Change", "check_api", "check_target", "compare"]

_rule = REGISTRY.rule


class Param(NamedTuple):
    """One parameter of a method: its name and its recorded descriptor."""

    name: str
    descriptor: dict[str, Any]


def _descriptors(old: Param | None, new: Param | None) -> tuple[Any, Any]:
    return (old.descriptor if old else None, new.descriptor if new else None)


def _names(old: Param | None, new: Param | None) -> tuple[Any, Any]:
    return (old.name if old else None, new.name if new else None)


# The API: its namespace.
@_rule("rpc", "namespace-changed", MAJOR, "namespace", "old clients address another namespace")
def _namespace_changed(old: Any, new: Any) -> bool:
    return old != new


# Methods: their recorded signature, None where absent.
_rule("rpc", "method-added", MINOR, "method", "a new method")(added)


_rule("rpc", "method-removed", MAJOR, "method", "an old client's method no longer answers")(removed)


# Parameters: `Param` pairs, None where absent; a rename pairs two names.
def _same(old: Param | None, new: Param | None) -> bool:
    return old is not None and new is not None and old.name == new.name


def _required(param: Param) -> bool:
    return bool(param.descriptor["required"])


@_rule(
    "rpc",
    "param-added-optional",
    MINOR,
    "param",
    "a new parameter with a default",
    show=_descriptors,
)
def _param_added_optional(old: Param | None, new: Param | None) -> bool:
    return old is None and new is not None and not _required(new)


@_rule(
    "rpc",
    "param-added-required",
    MAJOR,
    "param",
    "a new parameter old clients cannot send",
    show=_descriptors,
)
def _param_added_required(old: Param | None, new: Param | None) -> bool:
    return old is None and new is not None and _required(new)


@_rule(
    "rpc",
    "param-removed",
    MAJOR,
    "param",
    'old clients still send it: "unexpected keyword"',
    show=_descriptors,
)
def _param_removed(old: Param | None, new: Param | None) -> bool:
    return old is not None and new is None


@_rule(
    "rpc",
    "param-renamed",
    MAJOR,
    "param",
    "one parameter removed and one added in its place",
    show=_names,
)
def _param_renamed(old: Param | None, new: Param | None) -> bool:
    return old is not None and new is not None and old.name != new.name


@_rule("rpc", "param-made-required", MAJOR, "param", "old clients may omit it", show=_descriptors)
def _param_made_required(old: Param | None, new: Param | None) -> bool:
    return _same(old, new) and not _required(old) and _required(new)


@_rule("rpc", "param-made-optional", MINOR, "param", "a default appeared", show=_descriptors)
def _param_made_optional(old: Param | None, new: Param | None) -> bool:
    return _same(old, new) and _required(old) and not _required(new)


@_rule(
    "rpc",
    "default-changed",
    MINOR,
    "param",
    "old clients omitting it get a different value",
    show=_descriptors,
)
def _default_changed(old: Param | None, new: Param | None) -> bool:
    return (
        _same(old, new)
        and _required(old) == _required(new)
        and old.descriptor.get("default") != new.descriptor.get("default")
    )


# Payloads: the recorded shapes of one argument or reply (`compat_tests.rpc.shapes`).
def _payload_hits(old: Any, new: Any) -> list[tuple[str, str, str, Any, Any]]:
    from compat_tests.rpc import shapes

    return shapes.compare(old, new)


@_rule("rpc", "payload-changed", MAJOR, "payload", "a dict/list payload changed shape")
def _payload_changed(old: Any, new: Any) -> bool:
    return any(hit[0] == "payload-changed" for hit in _payload_hits(old, new))


@_rule("rpc", "payload-extended", MINOR, "payload", "a dict payload gained an optional key")
def _payload_extended(old: Any, new: Any) -> bool:
    return any(hit[0] == "payload-extended" for hit in _payload_hits(old, new))


def compare(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_shapes: Mapping[str, Any] | None = None,
    new_shapes: Mapping[str, Any] | None = None,
) -> list[Change]:
    """Every rule hit going from schema ``old`` to schema ``new``, in method order.

    With the payload shapes of both versions, shape changes are listed too.
    """
    changes = REGISTRY.hits(
        "rpc", "namespace", old.get("namespace"), new.get("namespace"), "<namespace>"
    )
    old_methods, new_methods = old["methods"], new["methods"]
    for name in sorted(set(old_methods) | set(new_methods)):
        if name in old_methods and name in new_methods:
            changes += _compare_params(name, old_methods[name], new_methods[name])
        else:
            before, after = old_methods.get(name), new_methods.get(name)
            changes += REGISTRY.hits(
                "rpc",
                "method",
                before and before["signature"],
                after and after["signature"],
                name,
            )
    if old_shapes and new_shapes:
        changes += compare_shapes(old_shapes, new_shapes)
    return changes


def compare_shapes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """``payload-changed`` / ``payload-extended`` between two recorded shape entries.

    Each key path where a pair of shapes differs is its own `Change` (the rule
    handlers above answer for the whole pair; the paths come from the same
    `compat_tests.rpc.shapes.compare`).
    """
    changes = []
    old_methods, new_methods = old.get("methods", {}), new.get("methods", {})
    for method in sorted(set(old_methods) & set(new_methods)):
        before, after = old_methods[method], new_methods[method]
        pairs = [(p, before["params"][p], after["params"].get(p)) for p in before["params"]]
        pairs.append(("<reply>", before.get("reply"), after.get("reply")))
        for param, was, now in pairs:
            for rule, _severity, path, a, b in _payload_hits(was, now):
                where = f"{method}({param}){'' if path == '/' else path}"
                changes.append(REGISTRY.get("rpc", rule).change(where, a, b))
    return changes


def _compare_params(method: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_params, new_params = old["params"], new["params"]
    dropped = [p for p in old_params if p not in new_params]
    new_names = [p for p in new_params if p not in old_params]
    pairs: list[tuple[str, Param | None, Param | None]] = []
    if len(dropped) == 1 and len(new_names) == 1:
        pairs.append(
            (
                dropped[0],
                Param(dropped[0], old_params[dropped[0]]),
                Param(new_names[0], new_params[new_names[0]]),
            )
        )
        dropped, new_names = [], []
    pairs += [(p, Param(p, old_params[p]), None) for p in dropped]
    pairs += [(p, None, Param(p, new_params[p])) for p in new_names]
    pairs += [
        (p, Param(p, old_params[p]), Param(p, new_params[p])) for p in old_params if p in new_params
    ]
    changes = []
    for name, before, after in pairs:
        changes += REGISTRY.hits("rpc", "param", before, after, f"{method}({name})")
    return changes


#: How RPC APIs are judged by `compat_tests.verdict.verdicts`.
RPC = Domain(
    kind="RPC API",
    version_name="target.version",
    missing="rpc.snapshot-missing",
    regressed="rpc.version-regressed",
    unbumped="rpc.unbumped",
    breaking="rpc.breaking-minor-bump",
    compare=compare,
    unbumped_advice="bump it (and record a snapshot)",
    record_current=False,
)


def check_api(
    name: str,
    history: Mapping[str, Mapping[str, Any]],
    current: Mapping[str, Any],
    *,
    oldest: str = "0.0",
    path: str | None = None,
    shapes: Mapping[str, Mapping[str, Any]] | None = None,
    current_shapes: Mapping[str, Any] | None = None,
) -> list[Failure]:
    """Verdicts for the current schema of API ``name`` against its recorded ``history``.

    With ``shapes`` (recorded payload shapes by version) and ``current_shapes`` the
    newest recorded version and the current one are compared with their payloads.

    The same verdict as objects (`compat_tests.verdict`): codes ``rpc.snapshot-missing``,
    ``rpc.version-regressed``, ``rpc.unbumped`` (signature changed, version kept),
    ``rpc.breaking-minor-bump`` (major change, same major version, between the newest
    recorded version and the current one or inside the recorded history from
    ``oldest`` on).
    """
    where = path or f"snapshots/<target>/rpc/{name}.json"
    changes = None
    if history and current_shapes is not None:
        latest = sort_versions(history)[-1]
        old_shapes = (shapes or {}).get(latest)
        changes = compare(history[latest], current, old_shapes, current_shapes)
    return verdicts(RPC, name, history, current, path=where, oldest=oldest, changes=changes)


def check_target(target: Any) -> list[Failure]:
    """What ``ovo-compat check`` reports for every RPC API of a target (`RpcSuite.preflight`)."""
    from compat_tests.rpc.suite import RpcSuite, target_fixtures

    with target_fixtures(target) as catalog:
        with RpcSuite.load(target, registry=catalog.registry) as suite:
            return suite.preflight()
