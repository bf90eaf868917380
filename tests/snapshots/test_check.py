"""check_classes/check: verdicts of the current classes against the snapshot store."""

from __future__ import annotations

from pathlib import Path

from oslo_versionedobjects import fields

from compat_tests.diff import check, check_classes
from compat_tests.schema import describe
from compat_tests.snapshots import SnapshotStore
from tests.snapshots._make import make_class

V1_FIELDS = {"id": fields.IntegerField(), "name": fields.StringField(nullable=True)}


def _port(version: str, **changes):
    field_map = {**V1_FIELDS, **{k: v for k, v in changes.items() if v is not None}}
    for key in [k for k, v in changes.items() if v is None]:
        field_map.pop(key)
    return make_class("SnapCheckPort", version, field_map)


def _record(store: SnapshotStore, cls) -> None:
    store.record(cls.obj_name(), cls.VERSION, {**describe(cls), "inferred": False})


def _codes(failures) -> list[str]:
    return [f.code for f in failures]


def test_class_without_snapshot_is_missing(tmp_path: Path) -> None:
    (failure,) = check_classes({"SnapCheckPort": _port("1.0")}, SnapshotStore(tmp_path))
    assert failure.code == "snapshot.missing"
    assert "SnapCheckPort.json" in failure.message and "ovo-compat snapshot" in failure.message


def test_recorded_and_unchanged_passes(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    assert check_classes({"SnapCheckPort": _port("1.0")}, store) == []


def test_change_without_bump_is_unbumped_with_rules_and_descriptors(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    changed = _port("1.0", name=fields.StringField())
    (failure,) = check_classes({"SnapCheckPort": changed}, store)
    assert failure.code == "snapshot.unbumped"
    assert (failure.from_version, failure.to_version, failure.field) == ("1.0", "1.0", "name")
    assert failure.details["rules"] == ["nullable-tightened"]
    (change,) = failure.details["changes"]
    assert change["old"] == describe(_port("1.0"))["fields"]["name"]
    assert change["new"] == describe(changed)["fields"]["name"]
    assert "nullable-tightened (major) field 'name'" in failure.message


def test_minor_bump_with_compatible_change_only_needs_recording(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    bumped = _port("1.1", extra=fields.StringField())
    (failure,) = check_classes({"SnapCheckPort": bumped}, store)
    assert failure.code == "snapshot.missing"
    assert failure.pair == "1.0->1.1"
    _record(store, bumped)
    assert check_classes({"SnapCheckPort": bumped}, store) == []


def test_breaking_change_with_minor_bump_fails(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    failures = check_classes({"SnapCheckPort": _port("1.1", name=None)}, store)
    assert _codes(failures) == ["snapshot.breaking-minor-bump", "snapshot.missing"]
    assert failures[0].details["rules"] == ["field-removed"]
    assert failures[0].field == "name"
    assert "bump the major version" in failures[0].message


def test_breaking_change_with_major_bump_only_needs_recording(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    assert _codes(check_classes({"SnapCheckPort": _port("2.0", name=None)}, store)) == [
        "snapshot.missing"
    ]


def test_version_lower_than_recorded_regressed(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    _record(store, _port("1.10", extra=fields.StringField()))
    (failure,) = check_classes({"SnapCheckPort": _port("1.9")}, store)
    assert failure.code == "snapshot.version-regressed"
    assert failure.pair == "1.10->1.9"


def test_child_version_outrunning_relationships_is_reported(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    parent = make_class(
        "SnapCheckNet",
        "1.0",
        {"port": fields.ObjectField("SnapCheckPort")},
        {"port": [("1.0", "1.0")]},
    )
    _record(store, parent)
    _record(store, _port("1.0"))
    _record(store, _port("1.1", extra=fields.StringField()))
    failures = check_classes(
        {"SnapCheckNet": parent, "SnapCheckPort": _port("1.1", extra=fields.StringField())},
        store,
    )
    (failure,) = failures
    assert failure.code == "snapshot.child-unmapped"
    assert failure.subject == "SnapCheckNet" and failure.field == "port"
    assert "'1.1'" in failure.message


def test_check_target_end_to_end(make_target, tmp_path: Path) -> None:
    target = make_target()
    failures = check(target)
    assert sorted((f.code, f.subject) for f in failures) == [
        ("snapshot.missing", "SnapNetwork"),
        ("snapshot.missing", "SnapSegment"),
    ]
    assert target.snapshots == tmp_path / "snaps"


def test_recorded_breaking_minor_bump_stays_visible(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    _record(store, _port("1.1", name=None))
    (failure,) = check_classes({"SnapCheckPort": _port("1.1", name=None)}, store)
    assert failure.code == "snapshot.breaking-minor-bump"
    assert failure.pair == "1.0->1.1"
    assert "recorded history" in failure.message
    assert (
        check_classes(
            {"SnapCheckPort": _port("1.1", name=None)}, store, oldest_supported=lambda name: "1.1"
        )
        == []
    )


def test_declared_exception_excuses_and_stale_one_fails(make_target, tmp_path: Path) -> None:
    from compat_tests.config import DeclaredException
    from compat_tests.diff import apply_declared

    store = SnapshotStore(tmp_path)
    _record(store, _port("1.0"))
    _record(store, _port("1.1", name=None))
    failures = check_classes({"SnapCheckPort": _port("1.1", name=None)}, store)
    declared = DeclaredException(
        object="SnapCheckPort",
        code="snapshot.breaking-minor-bump",
        versions="1.0->1.1",
        reason="obj_make_compatible fills name with None",
        where="pyproject.toml: exceptions[0]",
    )
    assert apply_declared(failures, (declared,)) == []
    (stale,) = apply_declared([], (declared,))
    assert stale.code == "snapshot.stale-exception"
    assert "exceptions[0]" in stale.message and "delete it" in stale.message
