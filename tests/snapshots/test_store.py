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
    with pytest.raises(SnapshotError, match="already recorded"):
        store.record("Port", "1.0", {**_schema("1.0", id="UUID", x="String"), "inferred": True})


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
