"""Properties 3 and 4: what an old node sends is readable by the current code and comes back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compat_tests.errors import SnapshotError
from compat_tests.failures import pointer
from compat_tests.properties._compare import (
    canonical_difference,
    copied,
    dig,
    first_difference,
    normalized,
)
from compat_tests.properties.access import OVO_ACCESS_ERRORS
from compat_tests.properties.backport import check_backport, source_changed
from compat_tests.properties.primitives import Primitives, backported
from compat_tests.properties.subject import Subject

#: What reading an unset field may always raise (a target adds its own: ``access_errors``).
ACCESS_ERRORS = OVO_ACCESS_ERRORS


def check_upgrade(subject: Subject, old_obj: Any, lower: Iterable[str] = ()) -> Any:
    """An old node's object (a rebuilt class instance) read and re-sent by the current code.

    ``old_obj.obj_to_primitive()`` must deserialize with the current class
    (``upgrade.unreadable``); every field of the result must read or raise one of
    ``subject.access_errors`` (``upgrade.access``); backporting it to the old version gives
    back the same primitive (``upgrade.rebackport``; ``upgrade.crash`` if it raises).
    Then, for every version in ``lower`` (the every-pair property), the object is
    backported to it with `check_backport`, so one generated example serves all
    lower versions.

    Reading an unset field may legitimately set it (Neutron's ``obj_load_attr``
    sets nullable fields to None), so the re-backport and the lower pairs use a
    fresh deserialization of the sent primitive, whose fields nobody has read.
    Classes may also fill defaults when they are built (Neutron's ``__init__`` calls
    ``obj_set_defaults``), which the old version's classes did as well: a field the
    old node left unset may come back holding exactly its recorded default.  Fields
    whose backport is a declared transform (``subject.transformed``) are not compared.
    Returns that fresh object.
    """
    version = str(old_obj.VERSION)
    pair = (version, subject.current)
    with subject.crashes("upgrade", pair, f"reading and re-sending what {version} sent"):
        return _check(subject, old_obj, version, pair, lower)


def _check(
    subject: Subject, old_obj: Any, version: str, pair: tuple[str, str], lower: Iterable[str]
) -> Any:
    sent = old_obj.obj_to_primitive()
    new = _read(subject, sent, pair)
    _check_access(subject, new, sent, pair)
    lower = tuple(lower)
    if len(lower) < 2:  # sharing saves two serializations a lower pair and costs two
        return _unshared(subject, sent, version, pair, lower)
    fresh = _read(subject, sent, pair)
    # The re-backport and every lower pair share the fresh object's primitives; should one
    # of them change the object, the whole check runs again unshared, on a new one, so that
    # each backport sees what it would have seen alone (and backport.mutated-source says who).
    try:
        primitives = Primitives(fresh)
    except Exception:  # not serializable at its own version: each backport says so alone
        return _unshared(subject, sent, version, pair, lower)
    try:
        _check_resent(subject, fresh, sent, version, pair, lower, primitives)
    except Exception:
        if not _changed(fresh, primitives):
            raise
        return _unshared(subject, sent, version, pair, lower)
    if _changed(fresh, primitives):
        return _unshared(subject, sent, version, pair, lower)
    return fresh


def _changed(obj: Any, primitives: Primitives) -> bool:
    """True when ``obj`` no longer serializes to ``primitives.source`` (or no longer can)."""
    try:
        return source_changed(obj, primitives.source) is not None
    except Exception:
        return True


def _unshared(
    subject: Subject, sent: dict[str, Any], version: str, pair: tuple[str, str], lower: tuple
) -> Any:
    """The re-backport and lower pairs of `_check`, each computing its own primitives."""
    fresh = _read(subject, sent, pair)
    _check_resent(subject, fresh, sent, version, pair, lower, None)
    return fresh


def _check_resent(
    subject: Subject,
    fresh: Any,
    sent: dict[str, Any],
    version: str,
    pair: tuple[str, str],
    lower: tuple[str, ...],
    primitives: Primitives | None,
) -> None:
    """``fresh`` sent back to ``version`` gives ``sent`` again; then each lower pair's backport."""
    manifest = subject.manifest(version) if subject.needs_manifest() else None
    try:
        resent = backported(fresh, version, manifest, primitives)
    except Exception as exc:
        raise subject.failure(
            "upgrade.crash",
            pair,
            f"the current code cannot send back to {version} what {version} sent: "
            f"obj_to_primitive(target_version={version!r}) raised "
            f"{type(exc).__name__}: {exc}",
            details={"primitive": repr(sent)},
        ) from exc
    back = _without_filled_defaults(subject, sent, resent)
    # A declared transform of the backport (current -> version) changes the field on purpose.
    transformed = {
        f for f in subject.cls.fields if subject.transformed(f, subject.current, version)
    }
    found = canonical_difference(
        _without(subject, sent, transformed),
        _without(subject, back, transformed),
        subject.descriptors,
    )
    if found is not None:
        path = found[0]
        subject.report(
            subject.failure(
                "upgrade.rebackport",
                pair,
                f"sent {dig(normalized(sent), path)!r} but the current code sends "
                f"{dig(normalized(back), path)!r} back to {version}",
                field=str(path[1]) if len(path) > 1 else None,
                location=pointer(*path),
            )
        )
    for older in lower:
        check_backport(subject, fresh, older, primitives=primitives)


def _without_filled_defaults(subject: Subject, sent: Any, back: Any) -> Any:
    """``back`` minus the fields ``sent`` left unset that hold their recorded default.

    Walks child objects too; each object's defaults come from the snapshot of its own
    name and version.
    """
    if isinstance(sent, list) and isinstance(back, list) and len(sent) == len(back):
        return [_without_filled_defaults(subject, s, b) for s, b in zip(sent, back, strict=True)]
    keys = [subject.key(part) for part in ("name", "version", "data")]
    if not (isinstance(sent, dict) and isinstance(back, dict) and all(k in back for k in keys)):
        return back
    sent_data, back_data = sent.get(keys[2]), back[keys[2]]
    if not (isinstance(sent_data, dict) and isinstance(back_data, dict)):
        return back
    descriptors = _descriptors(subject, back[keys[0]], back[keys[1]])
    data = {}
    for name, value in back_data.items():
        if name in sent_data:
            data[name] = _without_filled_defaults(subject, sent_data[name], value)
        elif not _is_default(descriptors.get(name, {}), value):
            data[name] = value
    return {**back, keys[2]: data}


def _without(subject: Subject, primitive: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """``primitive`` without the fields ``names`` (in its data and its changes)."""
    if not names:
        return primitive
    data_key, changes_key = subject.key("data"), subject.key("changes")
    result = {
        **primitive,
        data_key: {k: v for k, v in primitive[data_key].items() if k not in names},
    }
    if changes_key in primitive:
        result[changes_key] = [c for c in primitive[changes_key] if c not in names]
    return result


def _descriptors(subject: Subject, name: str, version: str) -> dict[str, Any]:
    try:
        return subject.schema(version, name).get("fields", {})
    except SnapshotError:
        return {}


def _is_default(descriptor: dict[str, Any], value: Any) -> bool:
    if "default" not in descriptor:
        return False
    return first_difference(normalized(value), normalized(descriptor["default"])) is None


def _read(subject: Subject, sent: dict[str, Any], pair: tuple[str, str]) -> Any:
    """The current class's object deserialized from (a copy of) ``sent``."""
    try:
        return subject.cls.obj_from_primitive(copied(sent), context=subject.context)
    except Exception as exc:
        raise subject.failure(
            "upgrade.unreadable",
            pair,
            f"the current code cannot read what {pair[0]} sends: {type(exc).__name__}: {exc}",
            details={"primitive": repr(sent)},
        ) from exc


def _check_access(subject: Subject, new: Any, sent: dict[str, Any], pair: tuple[str, str]) -> None:
    """Every field of ``new`` reads or raises one of ``subject.access_errors``."""
    version = pair[0]
    sent_data = sent[subject.key("data")]
    for field_name in subject.cls.fields:
        try:
            getattr(new, field_name)
        except subject.access_errors:
            continue
        except Exception as exc:
            subject.report(
                subject.failure(
                    "upgrade.access",
                    pair,
                    f"reading {field_name!r} of an object sent by {version} (which "
                    f"{'sent it' if field_name in sent_data else 'did not send it'}) "
                    f"raised {type(exc).__name__}: {exc}; the current code must tolerate "
                    "fields old nodes never send (default them or raise NotImplementedError)",
                    field=field_name,
                    location=pointer(subject.key("data"), field_name),
                )
            )
