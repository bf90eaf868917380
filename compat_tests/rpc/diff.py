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
payload-changed            major     a dict/list argument or reply changed shape at a key
                                     path (key removed, type or object version changed,
                                     key made required or optional)
payload-extended           minor     a dict argument or reply gained an optional key
=========================  ========  ===================================================

Payload rules compare the recorded shapes (`compat_tests.rpc.shapes`) of the two
versions where both exist; ``field`` is ``method(param)/key/path`` (``<reply>`` for
the return value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compat_tests.failures import Failure
from compat_tests.rpc.schema import version_key

__all__ = ["Change", "check_api", "check_target", "compare"]


@dataclass(frozen=True)
class Change:
    """One named difference between two schemas; ``field`` is ``method`` or ``method(param)``."""

    rule: str
    severity: str
    field: str
    old: Any = None
    new: Any = None


def compare(
    old: dict[str, Any],
    new: dict[str, Any],
    old_shapes: dict[str, Any] | None = None,
    new_shapes: dict[str, Any] | None = None,
) -> list[Change]:
    """Every rule hit going from schema ``old`` to schema ``new``, in method order.

    With the payload shapes of both versions, shape changes are listed too.
    """
    changes: list[Change] = []
    if old.get("namespace") != new.get("namespace"):
        changes.append(
            Change(
                "namespace-changed",
                "major",
                "<namespace>",
                old.get("namespace"),
                new.get("namespace"),
            )
        )
    old_methods, new_methods = old["methods"], new["methods"]
    for name in sorted(set(old_methods) | set(new_methods)):
        if name not in new_methods:
            changes.append(Change("method-removed", "major", name, old_methods[name]["signature"]))
        elif name not in old_methods:
            changes.append(
                Change("method-added", "minor", name, None, new_methods[name]["signature"])
            )
        else:
            changes.extend(_compare_params(name, old_methods[name], new_methods[name]))
    if old_shapes and new_shapes:
        changes.extend(compare_shapes(old_shapes, new_shapes))
    return changes


def compare_shapes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """``payload-changed`` / ``payload-extended`` between two recorded shape entries."""
    from compat_tests.rpc import shapes

    changes = []
    old_methods, new_methods = old.get("methods", {}), new.get("methods", {})
    for method in sorted(set(old_methods) & set(new_methods)):
        before, after = old_methods[method], new_methods[method]
        pairs = [(p, before["params"][p], after["params"].get(p)) for p in before["params"]]
        pairs.append(("<reply>", before.get("reply"), after.get("reply")))
        for param, was, now in pairs:
            for rule, severity, path, a, b in shapes.compare(was, now):
                where = f"{method}({param}){'' if path == '/' else path}"
                changes.append(Change(rule, severity, where, a, b))
    return changes


def check_api(
    name: str,
    history: dict[str, dict[str, Any]],
    current: dict[str, Any],
    *,
    shapes: dict[str, dict[str, Any]] | None = None,
    current_shapes: dict[str, Any] | None = None,
) -> list[Failure]:
    """Verdicts for the current schema of API ``name`` against its recorded ``history``.

    Codes: ``rpc.snapshot-missing``, ``rpc.version-regressed``, ``rpc.unbumped``
    (signature changed, version kept), ``rpc.breaking-minor-bump`` (major change,
    same major version).
    """
    version = current["version"]
    if not history:
        return [
            Failure(
                "rpc.snapshot-missing",
                name,
                f"RPC API {name} has no recorded snapshot; run `ovo-compat snapshot` and "
                "commit snapshots/<target>/rpc/" + f"{name}.json",
                to_version=version,
            )
        ]
    latest = max(history, key=version_key)
    if version_key(version) < version_key(latest):
        return [
            Failure(
                "rpc.version-regressed",
                name,
                f"RPC API {name} is at {version} but {latest} is already recorded; "
                "versions only go up",
                from_version=latest,
                to_version=version,
            )
        ]
    old_shapes = (shapes or {}).get(latest)
    if version == latest:
        changes = compare(history[latest], current, old_shapes, current_shapes)
        if changes:
            return [
                _verdict(
                    "rpc.unbumped",
                    name,
                    latest,
                    version,
                    changes,
                    f"server signature or payload shapes changed without raising the "
                    f"target version {version}; bump it (and record a snapshot)",
                )
            ]
        return []
    changes = compare(history[latest], current, old_shapes, current_shapes)
    major = [c for c in changes if c.severity == "major"]
    if major and version_key(version)[0] == version_key(latest)[0]:
        return [
            _verdict(
                "rpc.breaking-minor-bump",
                name,
                latest,
                version,
                major,
                "breaking change with only a minor version bump; old clients in "
                "the window break. Keep the old signature until the next major",
            )
        ]
    return []


def check_target(target: Any) -> list[Failure]:
    """What ``ovo-compat check`` reports for every RPC API of a target (see `check_suite`)."""
    from compat_tests.rpc.suite import RpcSuite, target_fixtures

    with target_fixtures(target) as catalog:
        with RpcSuite.load(target, registry=catalog.registry) as suite:
            return suite.preflight()


def _compare_params(method: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    old_params, new_params = old["params"], new["params"]
    removed = [p for p in old_params if p not in new_params]
    added = [p for p in new_params if p not in old_params]
    changes = []
    if len(removed) == 1 and len(added) == 1:
        changes.append(
            Change("param-renamed", "major", f"{method}({removed[0]})", removed[0], added[0])
        )
        removed, added = [], []
    for param in removed:
        changes.append(
            Change("param-removed", "major", f"{method}({param})", old_params[param], None)
        )
    for param in added:
        required = new_params[param]["required"]
        rule, severity = (
            ("param-added-required", "major") if required else ("param-added-optional", "minor")
        )
        changes.append(Change(rule, severity, f"{method}({param})", None, new_params[param]))
    for param in old_params:
        if param not in new_params:
            continue
        before, after = old_params[param], new_params[param]
        where = f"{method}({param})"
        if not before["required"] and after["required"]:
            changes.append(Change("param-made-required", "major", where, before, after))
        elif before["required"] and not after["required"]:
            changes.append(Change("param-made-optional", "minor", where, before, after))
        elif before.get("default") != after.get("default"):
            changes.append(Change("default-changed", "minor", where, before, after))
    return changes


def _verdict(
    code: str, name: str, old: str, new: str, changes: list[Change], advice: str
) -> Failure:
    lines = [f"  {c.rule} ({c.severity}) {c.field}: {c.old!r} -> {c.new!r}" for c in changes]
    return Failure(
        code,
        name,
        f"RPC API {name} {old}->{new}: {advice}:\n" + "\n".join(lines),
        from_version=old,
        to_version=new,
        field=changes[0].field,
        details={"changes": [c.__dict__ for c in changes]},
    )
