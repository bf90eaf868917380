"""Property 1: an object survives serialization and the JSON wire at its own version."""

from __future__ import annotations

import json
from typing import Any

from oslo_serialization import jsonutils

from compat_tests.failures import pointer
from compat_tests.properties._compare import (
    dig,
    first_difference,
    normalized,
    same,
    set_members_sorted,
)
from compat_tests.properties.subject import Subject


def check_roundtrip(subject: Subject, obj: Any) -> None:
    """``obj_from_primitive(obj_to_primitive(obj))`` equals ``obj`` and the primitive survives JSON.

    Codes: ``roundtrip.mismatch`` (a field's value or set-ness changed) and
    ``roundtrip.wire`` (``jsonutils.dumps`` then ``json.loads`` changes the
    primitive, or the object read back from the wire differs).
    """
    version = str(obj.VERSION)
    primitive = obj.obj_to_primitive()
    back = type(obj).obj_from_primitive(primitive, context=subject.context)
    _compare_objects(subject, obj, back, version, "roundtrip.mismatch", "after a direct round trip")

    wired = json.loads(jsonutils.dumps(primitive))
    path = first_difference(normalized(primitive), normalized(wired))
    if path is not None:
        field_name = _field_at(subject, path)
        raise subject.failure(
            "roundtrip.wire",
            (version, version),
            f"the primitive does not survive the JSON wire: {dig(primitive, path)!r} "
            f"arrives as {dig(wired, path)!r}; make the field's to_primitive return "
            "JSON types only (str, int, float, bool, None, list, dict with str keys)",
            field=field_name,
            location=pointer(*path),
            details={"primitive": repr(primitive)},
        )
    from_wire = type(obj).obj_from_primitive(wired, context=subject.context)
    _compare_objects(subject, obj, from_wire, version, "roundtrip.wire", "after the JSON wire")


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
            raise subject.failure(
                code,
                (version, version),
                f"field is {state} {when} but was {'set' if was_set else 'unset'}",
                field=name,
                location=pointer(data_key, name),
            )
        if not was_set:
            continue
        before, after = getattr(original, name), getattr(back, name)
        prim_before = set_members_sorted(
            field, normalized(field.to_primitive(original, name, before))
        )
        prim_after = set_members_sorted(field, normalized(field.to_primitive(back, name, after)))
        if first_difference(prim_before, prim_after) is not None or not _same_value(before, after):
            raise subject.failure(
                code,
                (version, version),
                f"value {before!r} comes back as {after!r} {when}; the field cannot "
                "carry this value: restrict the strategy to what the field can carry "
                "or fix the field's to_primitive/from_primitive",
                field=name,
                location=pointer(data_key, name),
            )


def _same_value(a: Any, b: Any) -> bool:
    # Objects are compared through their primitives above; their __eq__ may be identity.
    if hasattr(a, "obj_to_primitive") or _holds_objects(a):
        return True
    return same(a, b)


def _holds_objects(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and any(hasattr(v, "obj_to_primitive") for v in value)
