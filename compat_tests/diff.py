"""Named diff rules between two object schemas, and the snapshot check built on them.

`compare` walks two schemas into (old, new) pairs (fields, relationships,
remotable methods, children) and asks the rule registry (`compat_tests.rules`)
which rules each pair hits, in the spirit of ``buf breaking``: each rule ``minor``
(old and new nodes still understand each other, given the usual
``obj_make_compatible`` backport) or ``major`` (some old reader or new reader
rejects or misreads data).  `check` turns the differences into verdicts
(`compat_tests.verdict`) against the snapshot store.  The rules and their rationale
are listed in ``docs/snapshots.rst``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from oslo_versionedobjects import base as ovo_base

from compat_tests import declarations
from compat_tests.config import DeclaredException, Target
from compat_tests.descriptors import objname as descriptor_objname
from compat_tests.failures import Failure
from compat_tests.relationships import child_version
from compat_tests.rules import MAJOR, MINOR, REGISTRY, Change, Rule, added, removed
from compat_tests.schema import describe
from compat_tests.snapshots import SnapshotStore
from compat_tests.verdict import Domain, verdicts
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

_ABSENT = object()
_rule = REGISTRY.rule


# Field presence: ``old`` or ``new`` is None where the field is absent.
_rule(
    "object",
    "field-added",
    MINOR,
    "presence",
    "old readers never see it once obj_make_compatible drops it",
)(added)


_rule(
    "object",
    "field-removed",
    MAJOR,
    "presence",
    "old writers still send it and old readers still need it",
)(removed)


# Field descriptors (both present, different).
def _kind(descriptor: Mapping[str, Any]) -> tuple[Any, Any]:
    return descriptor.get("class"), descriptor.get("objname")


def _levels(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[Any, Any]]:
    """The pairs of type descriptors compared: the field's, then its element types'.

    A level's element types are compared only when its own types match and its
    elements differ.
    """
    while True:
        yield old, new
        old_element, new_element = old.get("element"), new.get("element")
        if _kind(old) != _kind(new) or old_element == new_element:
            return
        if old_element is None or new_element is None:
            return
        old, new = old_element, new_element


def _same_kind_levels(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[Any, Any]]:
    return ((o, n) for o, n in _levels(old, new) if _kind(o) == _kind(n))


@_rule("object", "field-type-changed", MAJOR, "descriptor", "the wire form of the value changes")
def _type_changed(old: Any, new: Any) -> bool:
    for o, n in _levels(old, new):
        if _kind(o) != _kind(n):
            return True
        o_element, n_element = o.get("element"), n.get("element")
        if o_element != n_element and (o_element is None or n_element is None):
            return True
    return False


def _choices(descriptor: Mapping[str, Any]) -> set[str]:
    return {repr(v) for v in descriptor.get("valid_values") or []}


def _choices_differ(old: Any, new: Any) -> Iterator[tuple[set[str], set[str]]]:
    for o, n in _same_kind_levels(old, new):
        if o.get("valid_values") != n.get("valid_values"):
            yield _choices(o), _choices(n)


@_rule(
    "object",
    "field-pattern-changed",
    MAJOR,
    "descriptor",
    "values valid on one side are rejected by the other",
)
def _pattern_changed(old: Any, new: Any) -> bool:
    return any(o.get("pattern") != n.get("pattern") for o, n in _same_kind_levels(old, new))


@_rule(
    "object",
    "field-params-changed",
    MAJOR,
    "descriptor",
    "the value domain of the custom field type changes",
)
def _params_changed(old: Any, new: Any) -> bool:
    return any(o.get("params") != n.get("params") for o, n in _same_kind_levels(old, new))


@_rule(
    "object",
    "field-subclasses-changed",
    MAJOR,
    "descriptor",
    "which object classes the field accepts changes",
)
def _subclasses_changed(old: Any, new: Any) -> bool:
    return any(o.get("subclasses") != n.get("subclasses") for o, n in _same_kind_levels(old, new))


def _nullable_levels(old: Any, new: Any) -> Iterator[tuple[Any, Any]]:
    # The field's own flag is compared strictly; element flags default to not nullable.
    for depth, (o, n) in enumerate(_levels(old, new)):
        if depth == 0:
            yield o.get("nullable"), n.get("nullable")
        else:
            yield bool(o.get("nullable")), bool(n.get("nullable"))


@_rule(
    "object",
    "nullable-tightened",
    MAJOR,
    "descriptor",
    "old writers may send None, new readers reject it",
)
def _nullable_tightened(old: Any, new: Any) -> bool:
    return any(o is True and n is False for o, n in _nullable_levels(old, new))


@_rule(
    "object",
    "nullable-relaxed",
    MAJOR,
    "descriptor",
    "new writers may send None, old readers reject it",
)
def _nullable_relaxed(old: Any, new: Any) -> bool:
    return any(o is False and n is True for o, n in _nullable_levels(old, new))


@_rule(
    "object", "enum-choice-removed", MAJOR, "descriptor", "old writers may send the removed choice"
)
def _choice_removed(old: Any, new: Any) -> bool:
    return any(o - n for o, n in _choices_differ(old, new))


@_rule(
    "object",
    "enum-choice-added",
    MAJOR,
    "descriptor",
    "new writers may send a choice old readers reject",
)
def _choice_added(old: Any, new: Any) -> bool:
    return any(n - o for o, n in _choices_differ(old, new))


@_rule(
    "object",
    "enum-choices-reordered",
    MINOR,
    "descriptor",
    "same choices; only oslo's fingerprint changes",
)
def _choices_reordered(old: Any, new: Any) -> bool:
    return any(o == n for o, n in _choices_differ(old, new))


@_rule(
    "object",
    "default-changed",
    MINOR,
    "descriptor",
    "unset fields get a different value, the wire form is the same",
)
def _default_changed(old: Any, new: Any) -> bool:
    return old.get("default", _ABSENT) != new.get("default", _ABSENT)


@_rule(
    "object",
    "descriptor-changed",
    MAJOR,
    "descriptor",
    "the field descriptor changed in a way no other rule names",
    fallback=True,
)
def _descriptor_changed(old: Any, new: Any) -> bool:
    return old != new


# obj_relationships entries: (parent, child) version lists, None when absent.
def _mapping(pairs: Any) -> dict[str, str]:
    return {parent: child for parent, child in pairs or []}


@_rule(
    "object",
    "relationship-added",
    MINOR,
    "relationship",
    "a new parent version maps to a child version",
    fallback=True,
)
def _relationship_added(old: Any, new: Any) -> bool:
    return _mapping(old) != _mapping(new)


@_rule(
    "object",
    "relationship-changed",
    MAJOR,
    "relationship",
    "a released parent version now maps to another child version",
)
def _relationship_changed(old: Any, new: Any) -> bool:
    new_map = _mapping(new)
    return any(new_map.get(parent) != child for parent, child in _mapping(old).items())


# The child a relationship maps the parent's current version to, and the child's VERSION.
@_rule(
    "object",
    "child-version-raised-without-relationship",
    MAJOR,
    "child",
    "the child's VERSION is newer than any obj_relationships entry, so the parent sends "
    "child versions its own readers do not know",
)
def _child_unmapped(mapped: Any, current: Any) -> bool:
    return mapped is None or parse(current) > parse(mapped)


# Remotable methods: {method: signature}, None when absent.
_rule("object", "remotable-added", MINOR, "remotable", "old callers never call it")(added)


_rule("object", "remotable-removed", MAJOR, "remotable", "old callers still call it")(removed)


@_rule(
    "object",
    "remotable-signature-changed",
    MAJOR,
    "remotable",
    "old callers pass the old arguments",
)
def _remotable_signature_changed(old: Any, new: Any) -> bool:
    return old is not None and new is not None and old != new


# Fingerprints, compared when no recorded part differs.
def _hash(fingerprint: Any) -> str | None:
    return fingerprint.partition("-")[2] if isinstance(fingerprint, str) else None


@_rule(
    "object",
    "fingerprint-changed",
    MINOR,
    "fingerprint",
    "oslo's fingerprint changed while no recorded part did (e.g. the Field class or the "
    "repr of a default)",
)
def _fingerprint_changed(old: Any, new: Any) -> bool:
    return bool(_hash(old) and _hash(new) and _hash(old) != _hash(new))


#: rule ID -> `Rule` for objects (one registry: `compat_tests.rules.REGISTRY`).
RULES: dict[str, Rule] = REGISTRY.of("object")


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
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    changes = []
    for name in sorted(set(old_fields) | set(new_fields)):
        before, after = old_fields.get(name), new_fields.get(name)
        if before is None or after is None:
            changes += hits("presence", before, after, name)
        elif not inferred and before != after:
            changes += hits("descriptor", before, after, name)
    if not inferred:
        old_rel, new_rel = old.get("relationships", {}), new.get("relationships", {})
        for name in sorted(set(old_rel) | set(new_rel)):
            changes += hits("relationship", old_rel.get(name), new_rel.get(name), name)
        old_rem, new_rem = old.get("remotable", {}), new.get("remotable", {})
        for method in sorted(set(old_rem) | set(new_rem)):
            before, after = _one(method, old_rem.get(method)), _one(method, new_rem.get(method))
            changes += hits("remotable", before, after, None)
        if not changes:
            changes += hits("fingerprint", old.get("fingerprint"), new.get("fingerprint"), None)
    if child_versions:
        changes += _unmapped_children(new, child_versions)
    return changes


def hits(scope: str, old: Any, new: Any, field: str | None) -> list[Change]:
    """The object rules of ``scope`` hit by one (old, new) pair."""
    return REGISTRY.hits("object", scope, old, new, field)


def _one(method: str, signature: Any) -> dict[str, Any] | None:
    return None if signature is None else {method: signature}


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
    """``failures`` minus those a declaration covers, plus one per stale snapshot declaration.

    The `compat_tests.declarations.check_path` rule, as ``ovo-compat check`` applies it.
    """
    return declarations.check_path(failures, declared)


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
        current = describe(cls)
        history = store.history(name) if name in store else {}
        changes = None
        if history:
            newest = history[sort_versions(history)[-1]]
            changes = compare(newest, current, child_versions=child_versions)
        failures += verdicts(
            OBJECTS,
            name,
            history,
            current,
            path=str(store.path(name)),
            oldest=oldest,
            changes=changes,
        )
    return failures


def _unmapped_failure(name: str, version: str, change: Change, path: str) -> Failure | None:
    if change.rule != "child-version-raised-without-relationship":
        return None
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
            "snapshot": path,
            "rules": [change.rule],
            "changes": [change.as_dict()],
        },
    )


#: How object classes are judged by `compat_tests.verdict.verdicts`.
OBJECTS = Domain(
    kind="",
    version_name="VERSION",
    missing="snapshot.missing",
    regressed="snapshot.version-regressed",
    unbumped="snapshot.unbumped",
    breaking="snapshot.breaking-minor-bump",
    compare=compare,
    unbumped_advice=(
        "bump the minor version (major if a change is major), add the "
        "obj_make_compatible backport, then run `ovo-compat snapshot`"
    ),
    own=_unmapped_failure,
)


def _unmapped_children(
    schema: Mapping[str, Any], child_versions: Mapping[str, str]
) -> list[Change]:
    changes = []
    for name, pairs in sorted(schema.get("relationships", {}).items()):
        objname = descriptor_objname(schema.get("fields", {}).get(name, {}))
        if objname not in child_versions or not pairs:
            continue
        mapped = child_version(pairs, schema["version"])
        current = child_versions[objname]
        rule = REGISTRY.get("object", "child-version-raised-without-relationship")
        if rule.handler(mapped, current):
            changes.append(
                rule.change(
                    name, {"relationships": pairs}, {"child": objname, "child_version": current}
                )
            )
    return changes
