"""Properties 2, 4 and 5: backporting to an older version gives what that version can read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compat_tests.failures import pointer
from compat_tests.properties._compare import (
    copied,
    dig,
    first_difference,
    map_object_data,
    normalized,
    sorted_by_descriptor,
)
from compat_tests.properties.primitives import Primitives, backported
from compat_tests.properties.subject import Subject, child_version, culprit_field
from compat_tests.versions import parse

_OBJECT_TYPES = ("Object", "List")


def check_backport(
    subject: Subject,
    obj: Any,
    version: str,
    *,
    manifest: Mapping[str, str] | None = None,
    primitives: Primitives | None = None,
) -> dict[str, Any]:
    """Backport ``obj`` with the current code to ``version`` and check the result.

    Checks, each with its code: the backport does not raise (``backport.crash``),
    does not change ``obj`` (``backport.mutated-source``), declares ``version``
    (``backport.version``), holds only fields ``version`` had
    (``backport.unknown-field``), keeps the value of every field whose type did
    not change (``backport.lost-value``; declared transforms only need to be
    valid, and may filter child objects), sends children at the versions the
    relationships require or at most the manifest's (``backport.child-version``),
    and is readable by the old node (``backport.invalid``).  Returns the
    backported primitive.

    Classes whose object fields have no ``obj_relationships`` entry are backported
    with the old node's manifest, as their services do.

    ``primitives``: ``obj``'s primitives, shared by a caller that checks many pairs on
    the same example; that caller then checks for ``backport.mutated-source`` itself,
    once after all of them (`source_changed`).
    """
    if manifest is None and subject.needs_manifest():
        manifest = subject.manifest(version)
    pair = (str(obj.VERSION), version)
    with subject.crashes("backport", pair, f"backporting to {version}"):
        return _backport(subject, obj, version, manifest, primitives)


def _backport(
    subject: Subject,
    obj: Any,
    version: str,
    manifest: Mapping[str, str] | None,
    primitives: Primitives | None,
) -> dict[str, Any]:
    source_version = str(obj.VERSION)
    pair = (source_version, version)
    before = normalized(obj.obj_to_primitive()) if primitives is None else primitives.source
    try:
        primitive = backported(obj, version, manifest, primitives)
    except Exception as exc:
        route = "with a version manifest" if manifest else "with obj_relationships"
        raise subject.failure(
            "backport.crash",
            (source_version, version),
            f"obj_to_primitive(target_version={version!r}) {route} raised "
            f"{type(exc).__name__}: {exc}; obj_make_compatible must handle every "
            "field being unset and every object field needs a relationship or manifest",
            field=culprit_field(exc, obj.fields) or _unset_field(obj),
            details={"unset": sorted(f for f in obj.fields if not obj.obj_attr_is_set(f))},
        ) from exc
    if primitives is None:
        path = source_changed(obj, before)
        if path is not None:
            after = normalized(obj.obj_to_primitive())
            subject.report(
                subject.failure(
                    "backport.mutated-source",
                    (source_version, version),
                    f"backporting changed the source object: {dig(before, path)!r} became "
                    f"{dig(after, path)!r}; obj_make_compatible must edit the primitive, "
                    "never self",
                    field=str(path[1]) if len(path) > 1 else None,
                    location=pointer(*path),
                )
            )
    _check_primitive(subject, subject.name, normalized(primitive), before, pair, manifest, ())
    # Any field left that the old version lacks was reported and declared above: the
    # declaration says the old node copes, so it is not reported a second time as unreadable.
    _check_readable(subject, _known_fields_only(subject, primitive), pair)
    return primitive


def check_manifest_backport(
    subject: Subject, obj: Any, version: str, *, primitives: Primitives | None = None
) -> dict[str, Any]:
    """Backport driven by the manifest an old node at ``version`` sends; same checks and codes."""
    return check_backport(
        subject, obj, version, manifest=subject.manifest(version), primitives=primitives
    )


def source_changed(obj: Any, before: Any) -> tuple[Any, ...] | None:
    """Where ``obj``'s primitive differs from ``before`` (its normalized primitive), if anywhere."""
    return first_difference(before, normalized(obj.obj_to_primitive()))


def _unset_field(obj: Any) -> str | None:
    unset = [f for f in obj.fields if not obj.obj_attr_is_set(f)]
    return unset[0] if len(unset) == 1 else None


def _report(
    subject: Subject,
    code: str,
    pair: tuple[str, str],
    field: str | None,
    path: tuple[Any, ...],
    message: str,
    object_name: str,
) -> None:
    """Report a finding about ``object_name`` (the subject or a child) at ``path``."""
    where = "" if object_name == subject.name else f" (in child {object_name})"
    subject.report(
        subject.failure(
            code, pair, message + where, field=field, location=pointer(*path) if path else ""
        )
    )


def _check_primitive(
    subject: Subject,
    name: str,
    primitive: dict[str, Any],
    source: dict[str, Any],
    pair: tuple[str, str],
    manifest: Mapping[str, str] | None,
    path: tuple[Any, ...],
) -> None:
    version_key, data_key = subject.key("version"), subject.key("data")
    version = primitive.get(version_key)
    source_version = source.get(version_key, pair[0])
    expected = pair[1] if not path else None
    if expected is not None and version != expected:
        _report(
            subject,
            "backport.version",
            pair,
            None,
            (*path, version_key),
            f"primitive declares version {version!r} instead of {expected!r}",
            name,
        )
    schema = subject.schema(version, name)
    source_schema = subject.schema(source_version, name)
    data, source_data = primitive.get(data_key, {}), source.get(data_key, {})
    known = schema["fields"]
    for field_name in data:
        if field_name not in known:
            _report(
                subject,
                "backport.unknown-field",
                pair,
                field_name,
                (*path, data_key, field_name),
                f"field {field_name!r} is sent to version {version} of {name}, which does "
                "not have it; a real old node reads the object and ignores that key (as "
                "OVO's obj_from_primitive does), but the backport must drop it: drop it in "
                "obj_make_compatible when target_version < the version that added it",
                name,
            )
    for field_name, descriptor in known.items():
        here = (*path, data_key, field_name)
        if field_name not in source_data:
            continue
        if field_name not in data:
            if not _is_object(descriptor) or child_version(schema, field_name, version, manifest):
                _lost_value(
                    subject,
                    pair,
                    field_name,
                    here,
                    f"field {field_name!r} was set ({source_data[field_name]!r}) but is "
                    "missing "
                    f"from the backport to {version}, which has the field",
                    name,
                )
            continue
        if _is_object(descriptor):
            _check_children(
                subject, name, schema, field_name, data, source_data, pair, manifest, here
            )
            continue
        unchanged = source_schema["fields"].get(field_name) == descriptor
        if unchanged and not subject.transformed(field_name, pair[0], pair[1]):
            if (
                first_difference(
                    sorted_by_descriptor(descriptor, source_data[field_name], subject.descriptors),
                    sorted_by_descriptor(descriptor, data[field_name], subject.descriptors),
                )
                is not None
            ):
                _lost_value(
                    subject,
                    pair,
                    field_name,
                    here,
                    f"value {source_data[field_name]!r} became {data[field_name]!r} "
                    "although the "
                    f"field's type is the same in {source_version} and {version}; declare a "
                    "transform in the target's configuration if this is deliberate",
                    name,
                )


def _lost_value(
    subject: Subject,
    pair: tuple[str, str],
    field: str,
    path: tuple[Any, ...],
    message: str,
    object_name: str,
) -> None:
    """Report ``backport.lost-value``: the backport dropped or changed what ``field`` held."""
    _report(subject, "backport.lost-value", pair, field, path, message, object_name)


def _is_object(descriptor: dict[str, Any]) -> bool:
    return bool(descriptor.get("objname") or descriptor.get("element", {}).get("objname"))


def _check_children(
    subject: Subject,
    name: str,
    schema: dict[str, Any],
    field_name: str,
    data: dict[str, Any],
    source_data: dict[str, Any],
    pair: tuple[str, str],
    manifest: Mapping[str, str] | None,
    here: tuple[Any, ...],
) -> None:
    version_key = subject.key("version")
    version = schema["version"]
    required = child_version(schema, field_name, version, manifest)
    value, source_value = data[field_name], source_data[field_name]
    if value is None:
        return
    if required == "":
        _report(
            subject,
            "backport.child-version",
            pair,
            field_name,
            here,
            f"child field {field_name!r} is sent to version {version}, which predates it",
            name,
        )
        return
    many = isinstance(value, list)
    children = value if many else [value]
    sources = source_value if many else [source_value]
    if len(children) != len(sources) and _transformed(subject, name, field_name, pair):
        return  # a declared filter (e.g. child types the old version lacks); still readable
    if len(children) != len(sources):
        _lost_value(
            subject,
            pair,
            field_name,
            here,
            f"{len(sources)} child object(s) were set but {len(children)} are sent to {version}",
            name,
        )
        return
    for index, (child, child_source) in enumerate(zip(children, sources, strict=True)):
        at = (*here, index) if many else here
        child_name = child.get(subject.key("name"), "?")
        got, had = child.get(version_key), child_source.get(version_key)
        if required:
            want = required if parse(had) >= parse(required) else had
            if got != want and not _older_allowed(got, want, manifest):
                _report(
                    subject,
                    "backport.child-version",
                    pair,
                    field_name,
                    (*at, version_key),
                    f"child {child_name} is sent at {got} but {name} {version} requires "
                    f"{want}; {'fix the version manifest' if manifest else 'add or fix the'} "
                    f"{'' if manifest else 'obj_relationships entry for ' + repr(field_name)}",
                    name,
                )
        _check_primitive(subject, child_name, child, child_source, pair, manifest, at)


def _older_allowed(got: Any, want: str, manifest: Mapping[str, str] | None) -> bool:
    # A manifest caps what the old node can read; an older minor of the child is readable
    # too (neutron's SecurityGroup pins its rules lower than the manifest would).
    # Relationships prescribe the exact child version, so they stay strict.
    if manifest is None or not isinstance(got, str):
        return False
    return parse(got)[0] == parse(want)[0] and parse(got) < parse(want)


def _transformed(subject: Subject, name: str, field_name: str, pair: tuple[str, str]) -> bool:
    return name == subject.name and subject.transformed(field_name, pair[0], pair[1])


def _known_fields_only(subject: Subject, primitive: Any) -> Any:
    """``primitive`` without the fields its objects' recorded versions do not have."""

    def rewrite(known: Mapping[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
        if known is None:  # a version nobody recorded: kept as it is
            return data
        return {k: _known_fields_only(subject, v) for k, v in data.items() if k in known}

    return map_object_data(primitive, rewrite, subject.descriptors)


def _check_readable(subject: Subject, primitive: dict[str, Any], pair: tuple[str, str]) -> None:
    old_cls = subject.node(pair[1]).cls(subject.name)
    try:
        old_cls.obj_from_primitive(copied(primitive), context=subject.context)
        return
    except Exception as exc:
        error = exc
    data = primitive.get(subject.key("data"), {})
    culprit = None
    probe = old_cls()
    for field_name, value in data.items():
        field = old_cls.fields.get(field_name)
        if field is None:
            continue
        try:
            setattr(probe, field_name, field.from_primitive(probe, field_name, copied(value)))
        except Exception:
            culprit = field_name
            break
    finding = subject.failure(
        "backport.invalid",
        pair,
        f"an old node at {pair[1]} cannot read the backport: {type(error).__name__}: "
        f"{error}"
        + (f" (value {data[culprit]!r})" if culprit else "")
        + "; obj_make_compatible must turn the value into one the old version accepts",
        field=culprit,
        location=pointer(subject.key("data"), culprit) if culprit else "",
    )
    finding.__cause__ = error
    subject.report(finding)
