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
=========================  ========  ===================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from compat_tests.failures import Failure
from compat_tests.rules import MAJOR, MINOR, REGISTRY, Change, added, removed
from compat_tests.verdict import Domain, verdicts

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


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every rule hit going from schema ``old`` to schema ``new``, in method order."""
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
) -> list[Failure]:
    """Verdicts for the current schema of API ``name`` against its recorded ``history``.

    The same verdict as objects (`compat_tests.verdict`): codes ``rpc.snapshot-missing``,
    ``rpc.version-regressed``, ``rpc.unbumped`` (signature changed, version kept),
    ``rpc.breaking-minor-bump`` (major change, same major version, between the newest
    recorded version and the current one or inside the recorded history from
    ``oldest`` on).
    """
    where = path or f"snapshots/<target>/rpc/{name}.json"
    return verdicts(RPC, name, history, current, path=where, oldest=oldest)


def check_target(target: Any) -> list[Failure]:
    """`check_api` for every RPC API a target names (what ``ovo-compat check`` reports)."""
    from compat_tests.rpc.api import load_apis
    from compat_tests.rpc.schema import describe_api, load_history

    failures = []
    directory = target.snapshots / "rpc"
    for api in load_apis(target):
        history = load_history(directory, api.name)
        failures.extend(
            check_api(
                api.name,
                history,
                describe_api(api),
                oldest=target.oldest_supported(api.name),
                path=str(directory / f"{api.name}.json"),
            )
        )
    return failures
