"""The ovo-compat command: snapshot, check (text/json), run; exit statuses 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compat_tests import cli
from compat_tests.snapshots import SnapshotStore

REGISTRY = "tests.snapshots._objs.base:SnapTestRegistry"


def _config(tmp_path: Path, objects: str = "tests.snapshots._objs", extra: str = "") -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        f'[tool.ovo-compat.targets.t]\nobjects = ["{objects}"]\nregistry = "{REGISTRY}"\n'
        f'snapshots = "snaps"\n{extra}'
    )
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_snapshot_then_check_passes(tmp_path: Path, capsys) -> None:
    config = str(_config(tmp_path))
    status, out, _ = _run(capsys, "snapshot", "--config", config)
    assert status == 0
    assert "recorded SnapNetwork 1.3" in out and "recorded SnapSegment 1.1" in out
    assert SnapshotStore(tmp_path / "snaps").names() == ["SnapNetwork", "SnapSegment"]
    status, out, _ = _run(capsys, "snapshot", "--config", config, "--target", "t")
    assert status == 0 and "unchanged SnapNetwork 1.3" in out
    status, out, _ = _run(capsys, "check", "--config", config)
    assert status == 0 and "ok: every class of target 't'" in out


def test_check_without_snapshots_fails_in_text_and_json(tmp_path: Path, capsys) -> None:
    config = str(_config(tmp_path))
    status, out, _ = _run(capsys, "check", "--config", config)
    assert status == 1
    assert "[snapshot.missing] SnapNetwork" in out and "2 snapshot failure(s)" in out
    status, out, _ = _run(capsys, "check", "--config", config, "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["ok"] is False and report["target"] == "t"
    assert [(f["code"], f["subject"]) for f in report["failures"]] == [
        ("snapshot.missing", "SnapNetwork"),
        ("snapshot.missing", "SnapSegment"),
    ]


def test_changed_recorded_schema_is_refused_and_reported(tmp_path: Path, capsys) -> None:
    config = str(_config(tmp_path))
    assert _run(capsys, "snapshot", "--config", config)[0] == 0
    path = tmp_path / "snaps" / "SnapSegment.json"
    data = json.loads(path.read_text())
    data["versions"]["1.1"]["fields"]["mtu"]["nullable"] = False
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    edited = path.read_text()

    status, _, err = _run(capsys, "snapshot", "--config", config)
    assert status == 1
    assert "version 1.1 of SnapSegment is already recorded" in err
    assert '-      "nullable": false,' in err and '+      "nullable": true,' in err
    assert path.read_text() == edited

    status, out, _ = _run(capsys, "check", "--config", config)
    assert status == 1
    assert "[snapshot.unbumped] SnapSegment 1.1->1.1 field 'mtu'" in out
    assert "nullable-relaxed (major)" in out


def test_infer_history_records_older_versions(tmp_path: Path, capsys) -> None:
    config = str(_config(tmp_path, objects="tests.snapshots._infer_objs"))
    status, out, _ = _run(capsys, "snapshot", "--config", config, "--infer-history")
    assert status == 0, out
    assert "recorded SnapVolume 1.0 (inferred)" in out
    history = SnapshotStore(tmp_path / "snaps").history("SnapVolume")
    assert list(history) == ["1.0", "1.1", "1.2"]
    assert sorted(history["1.0"]["fields"]) == ["id"]
    assert sorted(history["1.1"]["fields"]) == ["id", "size"]
    assert history["1.1"]["inferred"] is True and history["1.2"]["inferred"] is False
    assert _run(capsys, "check", "--config", config)[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "--config", "{tmp}/missing.toml"], "missing.toml: configuration file not found"),
        (["check", "--config", "{config}", "--target", "nope"], "no target named 'nope'"),
        (["snapshot", "--config", "{broken}"], "objects: cannot import module 'tests.snap"),
    ],
    ids=["no-config", "no-target", "no-module"],
)
def test_bad_input_exits_2_with_a_clear_error(tmp_path: Path, capsys, argv, message) -> None:
    config = _config(tmp_path)
    broken_dir = tmp_path / "broken"
    broken_dir.mkdir()
    broken = _config(broken_dir, objects="tests.snapshots._x")
    argv = [a.format(tmp=tmp_path, config=config, broken=broken) for a in argv]
    status, _, err = _run(capsys, *argv)
    assert status == 2
    assert message in err


def test_malformed_snapshot_exits_2_naming_file_and_line(tmp_path: Path, capsys) -> None:
    config = str(_config(tmp_path))
    (tmp_path / "snaps").mkdir()
    (tmp_path / "snaps" / "SnapNetwork.json").write_text('{\n  "name": "SnapNetwork",\n  oops\n}\n')
    status, _, err = _run(capsys, "check", "--config", config)
    assert status == 2
    assert "SnapNetwork.json:3:" in err and "not valid JSON" in err


def test_usage_error_exits_2(capsys) -> None:
    assert cli.main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_run_hands_over_to_pytest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytest as pytest_module

    calls = []
    monkeypatch.setattr(pytest_module, "main", lambda args: calls.append(args) or 5)
    config = _config(tmp_path)
    assert cli.main(["run", "--config", str(config), "--", "-x", "-k", "Port"]) == 5
    assert calls == [
        [
            "--pyargs",
            "compat_tests",
            "--compat-config",
            str(config),
            "--compat-target",
            "t",
            "-x",
            "-k",
            "Port",
        ]
    ]


def test_an_older_release_recorded_after_a_newer_one_adds_its_versions(
    tmp_path: Path, capsys
) -> None:
    # Issue 9, problem 4: "VERSION 1.2 is older than the recorded 1.5 ...; versions only move
    # forward" refused recording an old release after a newer one.
    config = str(_config(tmp_path, objects="tests.snapshots._infer_objs"))
    store = SnapshotStore(tmp_path / "snaps")
    store.record("SnapVolume", "1.5", {"version": "1.5", "fields": {}, "inferred": False})
    status, out, err = _run(capsys, "snapshot", "--config", config)
    assert status == 0, err
    assert "recorded SnapVolume 1.2" in out
    assert list(store.history("SnapVolume")) == ["1.2", "1.5"]
    # The working tree being older than the store is still the check's business.
    status, out, _ = _run(capsys, "check", "--config", config)
    assert status == 1 and "snapshot.version-regressed" in out


def test_rpc_apis_are_recorded_and_checked_too(tmp_path: Path, capsys) -> None:
    # the window is the one version recorded here (a cap without a snapshot fails `check`)
    window = '[tool.ovo-compat.targets.t.support]\nSecurityGroupAgentAPI = "1.3"\n'
    config = str(_config(tmp_path, extra='rpc = ["tests.sample.rpc:SAMPLE_RPC"]\n' + window))
    status, out, err = _run(capsys, "snapshot", "--config", config)
    assert status == 0, err
    assert "recorded RPC API SecurityGroupAgentAPI" in out
    assert SnapshotStore(tmp_path / "snaps" / "rpc").names() == ["SecurityGroupAgentAPI"]
    assert _run(capsys, "check", "--config", config)[0] == 0
    (tmp_path / "snaps" / "rpc" / "SecurityGroupAgentAPI.json").unlink()
    status, out, _ = _run(capsys, "check", "--config", config)
    assert status == 1 and "[rpc.snapshot-missing] SecurityGroupAgentAPI" in out


def test_strategy_error_exits_2_like_other_bad_input(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from strategies import NoStrategyError

    def no_strategy(args: object, out: object) -> int:
        raise NoStrategyError(type(None), owner="SnapNetwork", name="weird")

    monkeypatch.setattr(cli, "_check", no_strategy)
    status, _, err = _run(capsys, "check", "--config", str(_config(tmp_path)))
    assert status == 2
    assert "ovo-compat check: error: No Hypothesis strategy for field SnapNetwork.weird" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--config", "{config}", "-x", "-k", "Port and 1.8"],
        ["run", "-x", "--config={config}", "-k", "Port and 1.8"],
        ["run", "--config", "{config}", "--", "-x", "-k", "Port and 1.8"],
    ],
)
def test_run_passes_pytest_arguments_without_a_separator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    import pytest as pytest_module

    calls = []
    monkeypatch.setattr(pytest_module, "main", lambda args: calls.append(args) or 0)
    config = _config(tmp_path)
    assert cli.main([a.format(config=config) for a in argv]) == 0
    assert calls[0][-3:] == ["-x", "-k", "Port and 1.8"]
    assert calls[0][:6] == [
        "--pyargs",
        "compat_tests",
        "--compat-config",
        str(config),
        "--compat-target",
        "t",
    ]


def test_infer_history_uses_the_targets_registered_field_strategies(tmp_path, capsys) -> None:
    # Issue 9, problem 3: inference failed with "no value found for field 'iqn' of type IQN"
    # although the target's strategies module registers a strategy for IQN.
    config = str(
        _config(
            tmp_path,
            objects="tests.snapshots._iqn.objects",
            extra='strategies = ["tests.snapshots._iqn.compat_strategies"]\n',
        )
    )
    status, out, err = _run(capsys, "snapshot", "--config", config, "--infer-history")
    assert status == 0, err
    assert "recorded SnapTargetPortal 1.0 (inferred)" in out
    history = SnapshotStore(tmp_path / "snaps").history("SnapTargetPortal")
    assert sorted(history["1.0"]["fields"]) == ["iqn"]
    assert sorted(history["1.1"]["fields"]) == ["iqn", "lun"]
