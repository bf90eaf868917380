"""Property 1: an object survives serialization and the JSON wire at its own version."""

from __future__ import annotations

import functools
import json
from typing import Any

from oslo_serialization import jsonutils

from compat_tests.failures import pointer
from compat_tests.properties._compare import (
    canonical_difference,
    dig,
    first_difference,
    normalized,
    same,
    sorted_by_descriptor,
)
from compat_tests.properties.subject import Subject
from compat_tests.schema import describe_field


def check_roundtrip(subject: Subject, obj: Any) -> None:
    """``obj_from_primitive(obj_to_primitive(obj))`` equals ``obj`` and the primitive survives JSON.

    Codes: ``roundtrip.mismatch`` (a field's value or set-ness changed),
    ``roundtrip.wire`` (``jsonutils.dumps`` then ``json.loads`` changes the
    primitive, or the object read back from the wire differs) and
    ``roundtrip.manifest`` (sending at the current versions with a version manifest,
    as a conductor answering ``object_backport_versions`` does, fails or changes the
    primitive: OVO runs ``obj_make_compatible`` whenever a manifest is given).
    """
    version = str(obj.VERSION)
    with subject.crashes("roundtrip", (version, version), f"a round trip at {version}"):
        _check_roundtrip(subject, obj, version)


def _check_roundtrip(subject: Subject, obj: Any, version: str) -> None:
    primitive = obj.obj_to_primitive()
    back = type(obj).obj_from_primitive(primitive, context=subject.context)
    _compare_objects(subject, obj, back, version, "roundtrip.mismatch", "after a direct round trip")

    wired = json.loads(jsonutils.dumps(primitive))
    path = first_difference(normalized(primitive), normalized(wired))
    if path is not None:
        field_name = _field_at(subject, path)
        subject.report(
            subject.failure(
                "roundtrip.wire",
                (version, version),
                f"the primitive does not survive the JSON wire: {dig(primitive, path)!r} "
                f"arrives as {dig(wired, path)!r}; make the field's to_primitive return "
                "JSON types only (str, int, float, bool, None, list, dict with str keys)",
                field=field_name,
                location=pointer(*path),
                details={"primitive": repr(primitive)},
            )
        )
    from_wire = type(obj).obj_from_primitive(wired, context=subject.context)
    _compare_objects(subject, obj, from_wire, version, "roundtrip.wire", "after the JSON wire")
    _check_current_manifest(subject, obj, primitive, version)


def _check_current_manifest(subject: Subject, obj: Any, primitive: dict, version: str) -> None:
    # What a node at the current versions sends: obj_tree_get_versions of the object's class,
    # keyed by the classes its fields declare (not by the concrete children it happens to hold).
    manifest = subject.current_manifest(type(obj))
    try:
        sent = obj.obj_to_primitive(target_version=version, version_manifest=manifest)
    except Exception as exc:
        raise subject.failure(
            "roundtrip.manifest",
            (version, version),
            f"obj_to_primitive(target_version={version!r}, version_manifest=<the object's own "
            f"versions>) raised {type(exc).__name__}: {exc}; with a manifest OVO runs "
            "obj_make_compatible even at the current version, so it must accept that",
            details={"manifest": manifest},
        ) from exc
    found = canonical_difference(primitive, sent, subject.descriptors)
    if found is not None:
        path = found[0]
        subject.report(
            subject.failure(
                "roundtrip.manifest",
                (version, version),
                f"sent with a manifest of its own versions, {dig(primitive, path)!r} becomes "
                f"{dig(sent, path)!r}; at the current versions nothing may change",
                field=_field_at(subject, path),
                location=pointer(*path),
                details={"manifest": manifest},
            )
        )


def _field_at(subject: Subject, path: tuple[Any, ...]) -> str | None:
    if len(path) >= 2 and path[0] == subject.key("data"):
        return str(path[1])
    return None


def _compare_objects(
    subject: Subject, original: Any, back: Any, version: str, code: str, when: str
) -> None:
    data_key = subject.key("data")
    for name, field in original.fields.items():
        was_set = original.obj_attr_is_set(name)
        if was_set != back.obj_attr_is_set(name):
            state = "unset" if was_set else "set"
            subject.report(
                subject.failure(
                    code,
                    (version, version),
                    f"field is {state} {when} but was {'set' if was_set else 'unset'}",
                    field=name,
                    location=pointer(data_key, name),
                )
            )
            continue
        if not was_set:
            continue
        before, after = getattr(original, name), getattr(back, name)
        descriptor = _descriptor(field)
        prim_before = sorted_by_descriptor(
            descriptor, normalized(field.to_primitive(original, name, before)), subject.descriptors
        )
        prim_after = sorted_by_descriptor(
            descriptor, normalized(field.to_primitive(back, name, after)), subject.descriptors
        )
        if first_difference(prim_before, prim_after) is not None or not _same_value(before, after):
            # Primitives, never the objects: an object's repr may lazy-load or be huge.
            subject.report(
                subject.failure(
                    code,
                    (version, version),
                    f"value {prim_before!r} comes back as {prim_after!r} {when}; the field cannot "
                    "carry this value: restrict the strategy to what the field can carry "
                    "or fix the field's to_primitive/from_primitive",
                    field=name,
                    location=pointer(data_key, name),
                )
            )


@functools.lru_cache(maxsize=8192)
def _descriptor(field: Any) -> dict[str, Any]:
    return describe_field(field)


def _same_value(a: Any, b: Any) -> bool:
    # Objects are compared through their primitives above; their __eq__ may be identity.
    if hasattr(a, "obj_to_primitive") or _holds_objects(a):
        return True
    return same(a, b)


def _holds_objects(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and any(hasattr(v, "obj_to_primitive") for v in value)
