"""SnapshotStore: stable files, numeric version order, immutability, atomic writes, bad files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from compat_tests.errors import SnapshotError
from compat_tests.schema import describe
from compat_tests.snapshots import SnapshotStore
from compat_tests.versions import VersionError, parse, sort_versions
from tests.snapshots._objs.network import SnapNetwork


def _schema(version: str, **fields: str) -> dict:
    return {
        "version": version,
        "fields": {n: {"type": t, "class": f"m.{t}", "nullable": False} for n, t in fields.items()},
        "relationships": {},
        "remotable": {},
        "fingerprint": None,
        "inferred": False,
    }


def test_versions_compare_numerically() -> None:
    assert parse("1.10") == (1, 10)
    assert sort_versions(["1.10", "2.0", "1.9", "1.0"]) == ["1.0", "1.9", "1.10", "2.0"]
    with pytest.raises(VersionError, match=r"Port\.json.*'1\.x' is not a version"):
        parse("1.x", where="Port.json")


def test_record_writes_stable_sorted_file_and_reads_back(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    assert store.record("Port", "1.10", _schema("1.10", id="UUID", name="String"))
    assert store.record("Port", "1.9", _schema("1.9", id="UUID"))
    text = store.path("Port").read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert list(store.history("Port")) == ["1.9", "1.10"]
    assert store.latest("Port")["version"] == "1.10"
    assert store.names() == ["Port"]
    assert dict(store) == {"Port": store.history("Port")}
    assert "Port" in store and "Subnet" not in store


def test_describe_output_records_as_is(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    schema = {**describe(SnapNetwork), "inferred": False}
    assert store.record("SnapNetwork", "1.3", schema)
    assert store.latest("SnapNetwork") == schema


def test_identical_rerecord_is_a_noop(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    store.record("Port", "1.0", _schema("1.0", id="UUID"))
    before = store.path("Port").stat().st_mtime_ns
    assert store.record("Port", "1.0", _schema("1.0", id="UUID")) is False
    assert store.path("Port").stat().st_mtime_ns == before


def test_differing_rerecord_is_refused_with_a_diff(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    store.record("Port", "1.0", _schema("1.0", id="UUID"))
    original = store.path("Port").read_text()
    with pytest.raises(SnapshotError) as info:
        store.record("Port", "1.0", _schema("1.0", id="UUID", name="String"))
    message = str(info.value)
    assert "Port.json" in message and "already recorded" in message and "bump VERSION" in message
    assert '+    "name": {' in message
    assert store.path("Port").read_text() == original


def test_exact_schema_replaces_inferred_one_with_same_fields(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    inferred = {**_schema("1.0", id="String"), "inferred": True}
    store.record("Port", "1.0", inferred)
    exact = _schema("1.0", id="UUID")
    assert store.record("Port", "1.0", exact)
    assert store.latest("Port") == exact
    assert store.record("Port", "1.0", inferred) is False  # exact record wins over inference
    assert store.latest("Port") == exact
    # An inference never overrides an exact recording, whatever it says.
    assert (
        store.record("Port", "1.0", {**_schema("1.0", id="UUID", x="X"), "inferred": True}) is False
    )
    assert store.latest("Port") == exact


def test_exact_schema_replaces_an_inference_it_contradicts_and_says_so(tmp_path: Path) -> None:
    # Issue 9, problem 8: recording a shipped release's exact schema over a wrong inferred
    # one was refused with "bump VERSION".
    store = SnapshotStore(tmp_path)
    store.record("Port", "1.1", _schema("1.1", id="UUID", name="String"))
    store.record("Port", "1.0", {**_schema("1.0", id="UUID", name="String"), "inferred": True})
    exact = {**_schema("1.0", id="UUID"), "recorded_from": {"module": "m", "file": "m.py"}}

    result = store.merge("Port", "1.0", exact)

    assert result.outcome == "inference-wrong"
    assert "inferred Port 1.0 was wrong" in result.note
    assert "it had field(s) name that the release did not" in result.note
    assert store.history("Port")["1.0"] == exact
    assert list(store.history("Port")) == ["1.0", "1.1"]


def test_conflicting_exact_recordings_are_refused_naming_both_origins(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    first = {**_schema("1.0", id="UUID"), "recorded_from": _origin("24.2.2")}
    store.record("Port", "1.0", first)
    original = store.path("Port").read_text()
    with pytest.raises(SnapshotError) as info:
        store.merge("Port", "1.0", {**_schema("1.0", id="String"), "recorded_from": _origin("25")})
    message = str(info.value)
    assert "recorded from neutron 24.2.2 (neutron/objects/ports.py)" in message
    assert "the new one is recorded from neutron 25" in message
    assert '-      "type": "UUID"' in message and '+      "type": "String"' in message
    assert store.path("Port").read_text() == original


def test_provenance_is_added_to_an_identical_recording_and_never_replaced(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    store.record("Port", "1.0", _schema("1.0", id="UUID"))
    with_origin = {**_schema("1.0", id="UUID"), "recorded_from": _origin("24.2.2")}

    assert store.merge("Port", "1.0", with_origin).outcome == "provenance-added"
    assert store.latest("Port") == with_origin
    later = {**_schema("1.0", id="UUID"), "recorded_from": _origin("25.2.3")}
    assert store.merge("Port", "1.0", later).outcome == "unchanged"
    assert store.latest("Port")["recorded_from"]["version"] == "24.2.2"


def test_a_differing_inference_is_refused_without_bump_advice(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    store.record("Port", "1.0", {**_schema("1.0", id="UUID"), "inferred": True})
    with pytest.raises(SnapshotError) as info:
        store.record("Port", "1.0", {**_schema("1.0", id="UUID", x="S"), "inferred": True})
    assert "bump VERSION" not in str(info.value)
    assert "--release" in str(info.value)


def _origin(version: str) -> dict:
    return {
        "module": "neutron.objects.ports",
        "file": "neutron/objects/ports.py",
        "distribution": "neutron",
        "version": version,
    }


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SnapshotStore(tmp_path)
    store.record("Port", "1.0", _schema("1.0", id="UUID"))
    original = store.path("Port").read_text()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.record("Port", "1.1", _schema("1.1", id="UUID", name="String"))
    assert store.path("Port").read_text() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Port.json"]


def test_rpc_snapshots_share_the_store(tmp_path: Path) -> None:
    objects, rpc = SnapshotStore(tmp_path), SnapshotStore(tmp_path / "rpc")
    objects.record("Port", "1.0", _schema("1.0", id="UUID"))
    assert rpc.record("AgentAPI", "1.2", {"version": "1.2", "methods": {}})
    assert objects.names() == ["Port"]
    assert rpc.names() == ["AgentAPI"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"name": "Port",\n "versions": {\n  "1.0": {,}\n}}\n',
            r"Port\.json:3:\d+: not valid JSON",
        ),
        ('{"name": "Subnet", "versions": {}}', r"Port\.json.*'Subnet'.*rename the file"),
        ('{"name": "Port", "versions": {"1.x": {}}}', r"Port\.json.*'1\.x' is not of the form"),
        ('{"name": "Port", "versions": {"1.0": []}}', r"Port\.json: Port 1\.0.*JSON object"),
        (
            '{"name": "Port", "versions": {"1.0": {"version": "1.1"}}}',
            r"Port\.json: Port 1\.0.*must agree",
        ),
        ('{"name": "Port"}', r'Port\.json: .*exactly the keys "name" and "versions"'),
        ('{"name": "Port", "versions": []}', r'Port\.json: "versions" must be an object'),
    ],
    ids=["syntax", "name", "version-key", "schema-type", "version-mismatch", "keys", "versions"],
)
def test_malformed_snapshot_names_the_file(tmp_path: Path, content: str, message: str) -> None:
    store = SnapshotStore(tmp_path)
    store.path("Port").write_text(content)
    with pytest.raises(SnapshotError, match=message):
        store.history("Port")
    with pytest.raises(SnapshotError, match=message):
        store.record("Port", "2.0", _schema("2.0"))


def test_missing_snapshot_and_bad_record_arguments(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    with pytest.raises(SnapshotError, match=r"Port\.json: no snapshot recorded.*ovo-compat"):
        store.history("Port")
    with pytest.raises(KeyError):
        store["Port"]
    with pytest.raises(VersionError, match=r"'1\.a' is not a version"):
        store.record("Port", "1.a", _schema("1.a"))
    with pytest.raises(SnapshotError, match="must agree"):
        store.record("Port", "1.1", _schema("1.0"))
    with pytest.raises(SnapshotError, match="not JSON-able"):
        store.record("Port", "1.0", {"version": "1.0", "x": object()})
    assert store.names() == []
