"""Named diff rules between two object schemas, and the snapshot check built on them.

`compare` classifies every difference between a recorded schema and the current
one with a named rule (in the spirit of ``buf breaking``), each ``minor`` (old and
new nodes still understand each other, given the usual ``obj_make_compatible``
backport) or ``major`` (some old reader or new reader rejects or misreads data).
`check` turns the differences into verdicts against the snapshot store.  The
rules and their rationale are listed in ``docs/snapshots.rst``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from oslo_versionedobjects import base as ovo_base

from compat_tests.config import DeclaredException, Target
from compat_tests.failures import Failure
from compat_tests.schema import describe
from compat_tests.snapshots import SnapshotStore
from compat_tests.versions import parse, sort_versions

__all__ = [
    "RULES",
    "Change",
    "apply_declared",
    "check",
    "check_classes",
    "compare",
    "object_failures",
]

MINOR, MAJOR = "minor", "major"

#: rule name -> (severity, why).  The ``why`` is shown next to every change.
RULES: dict[str, tuple[str, str]] = {
    "field-added": (MINOR, "old readers never see it once obj_make_compatible drops it"),
    "field-removed": (MAJOR, "old writers still send it and old readers still need it"),
    "field-type-changed": (MAJOR, "the wire form of the value changes"),
    "field-pattern-changed": (MAJOR, "values valid on one side are rejected by the other"),
    "field-params-changed": (MAJOR, "the value domain of the custom field type changes"),
    "field-subclasses-changed": (MAJOR, "which object classes the field accepts changes"),
    "nullable-tightened": (MAJOR, "old writers may send None, new readers reject it"),
    "nullable-relaxed": (MAJOR, "new writers may send None, old readers reject it"),
    "enum-choice-removed": (MAJOR, "old writers may send the removed choice"),
    "enum-choice-added": (MAJOR, "new writers may send a choice old readers reject"),
    "enum-choices-reordered": (MINOR, "same choices; only oslo's fingerprint changes"),
    "default-changed": (MINOR, "unset fields get a different value, the wire form is the same"),
    "descriptor-changed": (MAJOR, "the field descriptor changed in a way no other rule names"),
    "relationship-added": (MINOR, "a new parent version maps to a child version"),
    "relationship-changed": (MAJOR, "a released parent version now maps to another child version"),
    "child-version-raised-without-relationship": (
        MAJOR,
        "the child's VERSION is newer than any obj_relationships entry, so the parent sends "
        "child versions its own readers do not know",
    ),
    "remotable-added": (MINOR, "old callers never call it"),
    "remotable-removed": (MAJOR, "old callers still call it"),
    "remotable-signature-changed": (MAJOR, "old callers pass the old arguments"),
    "fingerprint-changed": (
        MINOR,
        "oslo's fingerprint changed while no recorded part did (e.g. the Field class or the "
        "repr of a default)",
    ),
}


@dataclass(frozen=True)
class Change:
    """One classified difference between two schemas."""

    rule: str
    severity: str
    field: str | None
    old: Any
    new: Any

    def render(self) -> str:
        """One line: rule, severity, where, and the exact old and new descriptors."""
        where = f" field {self.field!r}" if self.field else ""
        return (
            f"{self.rule} ({self.severity}){where}: {RULES[self.rule][1]}; "
            f"old={_short(self.old)} new={_short(self.new)}"
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the change."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


def compare(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    child_versions: Mapping[str, str] | None = None,
) -> list[Change]:
    """Every difference from schema ``old`` to schema ``new``, classified by rule.

    When either schema is inferred (``"inferred": true``) only field presence is
    compared, since inferred types were taken from the current class.
    ``child_versions`` (object name -> current VERSION) enables
    ``child-version-raised-without-relationship``.
    """
    inferred = bool(old.get("inferred") or new.get("inferred"))
    changes = _field_changes(old.get("fields", {}), new.get("fields", {}), inferred)
    if not inferred:
        changes += _relationship_changes(old.get("relationships", {}), new.get("relationships", {}))
        changes += _remotable_changes(old.get("remotable", {}), new.get("remotable", {}))
        if not changes and _hash(old) and _hash(new) and _hash(old) != _hash(new):
            changes.append(
                _change("fingerprint-changed", None, old["fingerprint"], new["fingerprint"])
            )
    if child_versions:
        changes += _unmapped_children(new, child_versions)
    return changes


def check(target: Target) -> list[Failure]:
    """Compare every class of ``target`` with its snapshots; one `Failure` per verdict.

    Failures covered by a declared exception of the target (``[[...exceptions]]``)
    are left out; a declared ``snapshot.*`` exception that covers nothing is itself
    reported as ``snapshot.stale-exception`` so the list never goes stale.
    """
    return apply_declared(object_failures(target), target.exceptions)


def object_failures(target: Target) -> list[Failure]:
    """Every snapshot failure of ``target``'s object classes, before declared exceptions."""
    from compat_tests.discover import Catalog

    catalog = Catalog.load(target)
    return check_classes(
        catalog.classes, SnapshotStore(target.snapshots), oldest_supported=target.oldest_supported
    )


def apply_declared(
    failures: list[Failure], declared: tuple[DeclaredException, ...]
) -> list[Failure]:
    """``failures`` minus those a declaration covers, plus one per unused snapshot declaration."""
    used: set[int] = set()
    remaining = []
    for failure in failures:
        hits = [
            i
            for i, d in enumerate(declared)
            if d.matches(
                failure.subject,
                failure.code,
                failure.from_version,
                failure.to_version,
                failure.field,
            )
        ]
        used.update(hits)
        if not hits:
            remaining.append(failure)
    for i, d in enumerate(declared):
        if i not in used and d.code.startswith("snapshot"):
            remaining.append(
                Failure(
                    code="snapshot.stale-exception",
                    subject=d.object,
                    message=(
                        f"{d.where}: declared exception ({d.code}, {d.versions}) no longer "
                        f"matches any snapshot failure; delete it. Reason given: {d.reason}"
                    ),
                    field=d.field,
                )
            )
    return remaining


def check_classes(
    classes: Mapping[str, type[ovo_base.VersionedObject]],
    store: SnapshotStore,
    *,
    oldest_supported: Callable[[str], str] | None = None,
) -> list[Failure]:
    """The snapshot check for ``classes`` (object name -> current class) against ``store``.

    Codes: ``snapshot.missing`` (nothing or not the current version recorded),
    ``snapshot.version-regressed``, ``snapshot.unbumped`` (structure changed, same
    version), ``snapshot.breaking-minor-bump`` (a major rule hit with only a minor
    bump, between the newest recorded version and the current class or between two
    consecutive recorded versions; only pairs whose versions are both at or above
    ``oldest_supported(name)`` count) and
    ``snapshot.child-unmapped`` (a child's version outran ``obj_relationships``).
    """
    child_versions = {name: cls.VERSION for name, cls in classes.items()}
    failures: list[Failure] = []
    for name, cls in sorted(classes.items()):
        oldest = oldest_supported(name) if oldest_supported else "0.0"
        failures += _verdicts(name, describe(cls), store, child_versions, oldest)
    return failures


def _verdicts(
    name: str,
    current: dict[str, Any],
    store: SnapshotStore,
    child_versions: Mapping[str, str],
    oldest: str,
) -> list[Failure]:
    path = store.path(name)
    version = current["version"]
    if name not in store:
        return [
            Failure(
                code="snapshot.missing",
                subject=name,
                message=f"no snapshot at {path}; run `ovo-compat snapshot` and commit the file",
                to_version=version,
                details={"snapshot": str(path)},
            )
        ]
    history = store.history(name)
    recorded = sort_versions(history)[-1]
    if parse(version) < parse(recorded):
        return [
            Failure(
                code="snapshot.version-regressed",
                subject=name,
                message=(
                    f"VERSION is {version} but {path} already records {recorded}; versions only "
                    "move forward, set VERSION to at least the recorded one"
                ),
                from_version=recorded,
                to_version=version,
                details={"snapshot": str(path)},
            )
        ]
    failures = _history_verdicts(name, history, path, oldest)
    changes = compare(history[recorded], current, child_versions=child_versions)
    unmapped = [c for c in changes if c.rule == "child-version-raised-without-relationship"]
    changes = [c for c in changes if c not in unmapped]
    failures += [_unmapped_failure(name, version, c, path) for c in unmapped]
    if version == recorded:
        if changes:
            failures.append(
                _failure(
                    "snapshot.unbumped",
                    name,
                    recorded,
                    version,
                    changes,
                    path,
                    f"changed since {recorded} was recorded but VERSION is still {version}; "
                    "bump the minor version (major if a change is major), add the "
                    "obj_make_compatible backport, then run `ovo-compat snapshot`",
                )
            )
        return failures
    major = [c for c in changes if c.severity == MAJOR]
    in_window = parse(recorded) >= parse(oldest)
    if major and in_window and parse(version)[0] == parse(recorded)[0]:
        failures.append(
            _failure(
                "snapshot.breaking-minor-bump",
                name,
                recorded,
                version,
                changes,
                path,
                f"breaking change(s) {', '.join(sorted({c.rule for c in major}))} from {recorded} "
                f"with only a minor bump to {version}; bump the major version or undo the change",
            )
        )
    failures.append(
        Failure(
            code="snapshot.missing",
            subject=name,
            message=(
                f"VERSION {version} is not recorded in {path} (newest: {recorded}); "
                "run `ovo-compat snapshot` and commit the file"
            ),
            from_version=recorded,
            to_version=version,
            details={"snapshot": str(path), "changes": [c.as_dict() for c in changes]},
        )
    )
    return failures


def _history_verdicts(
    name: str, history: Mapping[str, dict[str, Any]], path: Any, oldest: str
) -> list[Failure]:
    # A breaking change recorded under a minor bump stays visible after recording.
    versions = [v for v in sort_versions(history) if parse(v) >= parse(oldest)]
    failures = []
    for older, newer in itertools.pairwise(versions):
        if parse(older)[0] != parse(newer)[0]:
            continue
        changes = compare(history[older], history[newer])
        major = sorted({c.rule for c in changes if c.severity == MAJOR})
        if major:
            failures.append(
                _failure(
                    "snapshot.breaking-minor-bump",
                    name,
                    older,
                    newer,
                    changes,
                    path,
                    f"recorded history: breaking change(s) {', '.join(major)} from {older} to "
                    f"{newer}, a minor bump; declare it in [[...exceptions]] with the reason "
                    "if obj_make_compatible handles it, or raise the support window past it",
                )
            )
    return failures


def _failure(
    code: str,
    name: str,
    recorded: str,
    version: str,
    changes: list[Change],
    path: Any,
    summary: str,
) -> Failure:
    fields = {c.field for c in changes}
    lines = "\n".join(f"  - {c.render()}" for c in changes)
    return Failure(
        code=code,
        subject=name,
        message=f"{summary}\n{lines}",
        from_version=recorded,
        to_version=version,
        field=next(iter(fields)) if len(fields) == 1 else None,
        details={
            "snapshot": str(path),
            "rules": sorted({c.rule for c in changes}),
            "changes": [c.as_dict() for c in changes],
        },
    )


def _unmapped_failure(name: str, version: str, change: Change, path: Any) -> Failure:
    return Failure(
        code="snapshot.child-unmapped",
        subject=name,
        message=(
            f"{change.render()}. Bump {name} past {version}, add (NEW_VERSION, "
            f"{change.new['child_version']!r}) to obj_relationships[{change.field!r}] and "
            "backport the child in obj_make_compatible, then run `ovo-compat snapshot`"
        ),
        to_version=version,
        field=change.field,
        details={
            "snapshot": str(path),
            "rules": [change.rule],
            "changes": [change.as_dict()],
        },
    )


def _change(rule: str, field: str | None, old: Any, new: Any) -> Change:
    return Change(rule=rule, severity=RULES[rule][0], field=field, old=old, new=new)


def _field_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], presence_only: bool
) -> list[Change]:
    changes = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            changes.append(_change("field-added", name, None, new[name]))
        elif name not in new:
            changes.append(_change("field-removed", name, old[name], None))
        elif not presence_only and old[name] != new[name]:
            changes += _descriptor_changes(name, old[name], new[name])
    return changes


def _descriptor_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    found = [_change(rule, name, old, new) for rule in _type_rules(old, new)]
    if old.get("nullable") is True and new.get("nullable") is False:
        found.append(_change("nullable-tightened", name, old, new))
    if old.get("nullable") is False and new.get("nullable") is True:
        found.append(_change("nullable-relaxed", name, old, new))
    if old.get("default", _ABSENT) != new.get("default", _ABSENT):
        found.append(_change("default-changed", name, old, new))
    if not found:
        found.append(_change("descriptor-changed", name, old, new))
    return found


def _type_rules(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    # Rules hit by two type descriptors, recursing into element types.
    if old.get("class") != new.get("class") or old.get("objname") != new.get("objname"):
        return ["field-type-changed"]
    rules = []
    old_values, new_values = old.get("valid_values"), new.get("valid_values")
    if old_values != new_values:
        old_set = {repr(v) for v in old_values or []}
        new_set = {repr(v) for v in new_values or []}
        if old_set - new_set:
            rules.append("enum-choice-removed")
        if new_set - old_set:
            rules.append("enum-choice-added")
        if old_set == new_set:
            rules.append("enum-choices-reordered")
    if old.get("pattern") != new.get("pattern"):
        rules.append("field-pattern-changed")
    if old.get("params") != new.get("params"):
        rules.append("field-params-changed")
    if old.get("subclasses") != new.get("subclasses"):
        rules.append("field-subclasses-changed")
    old_element, new_element = old.get("element"), new.get("element")
    if old_element != new_element:
        if old_element is None or new_element is None:
            return ["field-type-changed"]
        rules += _type_rules(old_element, new_element)
        if bool(old_element.get("nullable")) and not new_element.get("nullable"):
            rules.append("nullable-tightened")
        if not old_element.get("nullable") and bool(new_element.get("nullable")):
            rules.append("nullable-relaxed")
    return rules


def _relationship_changes(
    old: Mapping[str, list[list[str]]], new: Mapping[str, list[list[str]]]
) -> list[Change]:
    changes = []
    for name in sorted(set(old) | set(new)):
        old_map = {parent: child for parent, child in old.get(name, [])}
        new_map = {parent: child for parent, child in new.get(name, [])}
        if old_map == new_map:
            continue
        if any(new_map.get(parent) != child for parent, child in old_map.items()):
            rule = "relationship-changed"
        else:
            rule = "relationship-added"
        changes.append(_change(rule, name, old.get(name), new.get(name)))
    return changes


def _remotable_changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    changes = []
    for method in sorted(set(old) | set(new)):
        if method not in old:
            changes.append(_change("remotable-added", None, None, {method: new[method]}))
        elif method not in new:
            changes.append(_change("remotable-removed", None, {method: old[method]}, None))
        elif old[method] != new[method]:
            changes.append(
                _change(
                    "remotable-signature-changed",
                    None,
                    {method: old[method]},
                    {method: new[method]},
                )
            )
    return changes


def _unmapped_children(
    schema: Mapping[str, Any], child_versions: Mapping[str, str]
) -> list[Change]:
    changes = []
    version = parse(schema["version"])
    for name, pairs in sorted(schema.get("relationships", {}).items()):
        objname = _objname(schema.get("fields", {}).get(name, {}))
        if objname not in child_versions or not pairs:
            continue
        applicable = [child for parent, child in pairs if parse(parent) <= version]
        mapped = sort_versions(applicable)[-1] if applicable else None
        current = child_versions[objname]
        if mapped is None or parse(current) > parse(mapped):
            changes.append(
                _change(
                    "child-version-raised-without-relationship",
                    name,
                    {"relationships": pairs},
                    {"child": objname, "child_version": current},
                )
            )
    return changes


def _objname(descriptor: Mapping[str, Any]) -> str | None:
    while descriptor:
        if "objname" in descriptor:
            return descriptor["objname"]
        descriptor = descriptor.get("element") or {}
    return None


def _hash(schema: Mapping[str, Any]) -> str | None:
    fingerprint = schema.get("fingerprint")
    return fingerprint.partition("-")[2] if isinstance(fingerprint, str) else None


def _short(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


_ABSENT = object()
