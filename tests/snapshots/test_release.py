"""``ovo-compat snapshot --release``: old releases of the sample target, built locally as wheels.

No package index: each release is a wheel generated from the sample's recorded history
(`tests.snapshots._wheels`), installed with ``--no-index`` into a cached release virtualenv.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compat_tests import cli
from compat_tests.releases import ReleaseStore
from compat_tests.snapshots import SnapshotStore
from tests.snapshots._wheels import PACKAGE, sample_release_wheel

ROOT = Path(__file__).resolve().parents[2]
OLD = {"Network": "1.2", "Subnet": "1.0", "Port": "1.1", "SecurityGroup": "1.0"}
NEWER = {"Network": "1.3", "Subnet": "1.1", "Port": "1.3", "SecurityGroup": "1.1"}
for manifest, rule in ((OLD, "1.0"), (NEWER, "1.1")):
    manifest["SecurityGroupRule"] = rule


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    histories = SnapshotStore(ROOT / "snapshots" / "sample")
    directory = tmp_path_factory.mktemp("wheels")
    return {
        "1.0.0": sample_release_wheel(directory, "1.0.0", OLD, histories),
        "2.0.0": sample_release_wheel(directory, "2.0.0", NEWER, histories),
    }


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ovo-compat-cache")


def _store_with_gaps(tmp_path: Path) -> Path:
    """The sample's history without Port 1.1, and with a wrong inferred Port 1.3."""
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    for path in (ROOT / "snapshots" / "sample").glob("*.json"):
        shutil.copy(path, snaps / path.name)
    port = json.loads((snaps / "Port.json").read_text())
    del port["versions"]["1.1"]
    wrong = port["versions"]["1.3"]
    del wrong["fields"]["dns_name"]
    wrong.update(inferred=True, fingerprint=None)
    (snaps / "Port.json").write_text(json.dumps(port, indent=2, sort_keys=True) + "\n")
    config = tmp_path / "pyproject.toml"
    config.write_text(
        f'[tool.ovo-compat.targets.sample]\nobjects = ["{PACKAGE}.objects"]\n'
        f'registry = "{PACKAGE}.objects:Registry"\nsnapshots = "snaps"\n'
    )
    return config


def _release(capsys, config: Path, wheel: Path) -> tuple[int, str, str]:
    status = cli.main(["snapshot", "--config", str(config), "--release", str(wheel), "--no-index"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_releases_recorded_newer_first_then_older_fill_the_history(
    tmp_path: Path, capsys, monkeypatch, wheels, cache
) -> None:
    monkeypatch.setenv("OVO_COMPAT_CACHE_DIR", str(cache))
    config = _store_with_gaps(tmp_path)
    store = SnapshotStore(tmp_path / "snaps")
    recorded = {n: dict(store.history(n)) for n in store.names()}

    status, out, err = _release(capsys, config, wheels["2.0.0"])
    assert status == 0, err
    assert f"creating release virtualenv {cache}/venvs/" in out
    assert "replaced wrong inferred Port 1.3" in out
    assert "the inferred Port 1.3 was wrong: it lacked field(s) dns_name" in out
    assert "recorded release ovo-sample-release 2.0.0" in out

    status, out, err = _release(capsys, config, wheels["1.0.0"])
    assert status == 0, err
    assert "recorded Port 1.1" in out  # older than the newest recorded 1.4: added
    assert list(store.history("Port")) == ["1.0", "1.1", "1.2", "1.3", "1.4"]
    source = store.history("Port")["1.1"]["recorded_from"]
    assert source == {
        "module": f"{PACKAGE}.objects",
        "file": f"{PACKAGE}/objects.py",
        "distribution": PACKAGE,
        "version": "1.0.0",
    }
    # Versions recorded before were not rewritten; they only gained their provenance.
    for name, history in recorded.items():
        for version, schema in history.items():
            if (name, version) != ("Port", "1.3"):
                kept = dict(store.history(name)[version])
                kept.pop("recorded_from", None)
                assert kept == {k: v for k, v in schema.items() if k != "recorded_from"}

    releases = {r.version: r for r in ReleaseStore(tmp_path / "snaps").releases()}
    assert sorted(releases) == ["1.0.0", "2.0.0"]
    assert dict(releases["1.0.0"].objects) == OLD and dict(releases["2.0.0"].objects) == NEWER
    assert releases["1.0.0"].distributions["ovo-sample-release"] == "1.0.0"
    assert releases["1.0.0"].inferred is False

    status, out, _ = _release(capsys, config, wheels["1.0.0"])  # again: cached, no change
    assert status == 0
    assert "release virtualenv (cached)" in out and "unchanged release" in out
    assert "recorded Port" not in out
