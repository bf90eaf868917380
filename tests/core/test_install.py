"""Installing and running like any pytest plugin: version, pytest-xdist, one-process fallback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compat_tests import cli
from compat_tests.config import tomllib

REPO = Path(__file__).resolve().parents[2]


def test_version_option_prints_the_installed_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "compat_tests", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ovo-compat ")
    assert done.stdout.split()[1][0].isdigit()


def test_pytest_xdist_is_a_core_dependency() -> None:
    # `ovo-compat run -n 4`, which the README shows, must work after `pip install ovo-compat`.
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("pytest-xdist") for dep in project["dependencies"])


def test_run_without_pytest_xdist_falls_back_to_one_process_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[list[str]] = []
    real_find_spec = cli.importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "xdist" else real_find_spec(name, *a),
    )
    monkeypatch.setattr(pytest, "main", lambda args: seen.append(args) or 0)
    config = str(REPO / "pyproject.toml")
    status = cli.main(["run", "--config", config, "--target", "sample", "-n", "4", "-k", "Port"])
    assert status == 0
    assert "pytest-xdist is not installed, running in one process" in capsys.readouterr().out
    (args,) = seen
    assert "-n" not in args and "4" not in args and "--dist" not in args
    assert args[-2:] == ["-k", "Port"]


def test_run_with_pytest_xdist_groups_by_class(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(pytest, "main", lambda args: seen.append(args) or 0)
    config = str(REPO / "pyproject.toml")
    assert cli.main(["run", "--config", config, "--target", "sample", "-n", "2"]) == 0
    assert seen[0][-4:] == ["--dist", "loadgroup", "-n", "2"]
