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


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every rule hit going from schema ``old`` to schema ``new``, in method order."""
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
    return changes


def check_api(
    name: str, history: dict[str, dict[str, Any]], current: dict[str, Any]
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
    if version == latest:
        changes = compare(history[latest], current)
        if changes:
            return [
                _verdict(
                    "rpc.unbumped",
                    name,
                    latest,
                    version,
                    changes,
                    f"server signature changed without raising the target version "
                    f"{version}; bump it (and record a snapshot)",
                )
            ]
        return []
    changes = compare(history[latest], current)
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
    """`check_api` for every RPC API a target names (what ``ovo-compat check`` reports)."""
    from compat_tests.rpc.api import load_apis
    from compat_tests.rpc.schema import describe_api, load_history

    failures = []
    for api in load_apis(target):
        history = load_history(target.snapshots / "rpc", api.name)
        failures.extend(check_api(api.name, history, describe_api(api)))
    return failures


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
