"""``ovo-compat check --format junit|github`` and the JUnit/GitHub renderers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from compat_tests import cli
from compat_tests.failures import Failure
from compat_tests.report import github, junit

REPO = Path(__file__).resolve().parents[2]
XSD = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("junit-10.xsd"))))


def validate_junit(text: str) -> etree._Element:
    """Parse ``text`` and validate it against the JUnit schema pytest's tests use."""
    document = etree.fromstring(text.encode())
    XSD.assertValid(document)
    return document


def _tampered_config(tmp_path: Path) -> Path:
    """The sample target with Port 1.4's snapshot missing a field: ``snapshot.unbumped``."""
    snapshots = tmp_path / "snapshots"
    shutil.copytree(REPO / "snapshots" / "sample", snapshots)
    port = json.loads((snapshots / "Port.json").read_text())
    del port["versions"]["1.4"]["fields"]["propagate_uplink_status"]
    (snapshots / "Port.json").write_text(json.dumps(port, indent=2, sort_keys=True) + "\n")
    config = tmp_path / "compat.toml"
    config.write_text(
        "[tool.ovo-compat.targets.sample]\n"
        'objects = ["tests.sample.objects"]\n'
        f'snapshots = "{snapshots}"\n'
        "[[tool.ovo-compat.targets.sample.exceptions]]\n"
        'object = "Port"\ncode = "snapshot.breaking-minor-bump"\nversions = "1.2->1.3"\n'
        'field = "status"\nreason = "DEGRADED is sent as DOWN"\n'
    )
    return config


def _check(config: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(["check", "--config", str(config), "--format", fmt])
    return status, capsys.readouterr().out


def test_check_junit_has_one_case_per_class_and_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(_tampered_config(tmp_path), "junit", capsys)
    assert status == cli.FAILED
    document = validate_junit(out)
    cases = {c.get("name"): c for c in document.iter("testcase")}
    assert set(cases) == {"Network", "Port", "SecurityGroup", "SecurityGroupRule", "Subnet"}
    [failure] = cases["Port"].findall("failure")
    assert failure.get("message").startswith("[snapshot.unbumped] Port 1.4->1.4")
    assert "propagate_uplink_status" in failure.text
    assert "class: tests/sample/objects/port.py:" in failure.text
    assert cases["Subnet"].find("failure") is None
    assert document.find("testsuite").get("failures") == "1"


def test_check_github_annotates_the_class_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(_tampered_config(tmp_path), "github", capsys)
    assert status == cli.FAILED
    [line] = out.splitlines()
    assert line.startswith("::error file=tests/sample/objects/port.py,line=")
    assert ",title=snapshot.unbumped%3A Port 1.4->1.4" in line
    assert "::[snapshot.unbumped] Port 1.4->1.4" in line
    assert "\n" not in line.rstrip("\n") and "%0A" in line  # the message's lines stay one command


def test_check_formats_pass_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    config = REPO / "pyproject.toml"
    status, out = (
        cli.main(["check", "--config", str(config), "--target", "sample", "--format", "github"]),
        capsys.readouterr().out,
    )
    assert (status, out) == (cli.OK, "")
    status = cli.main(["check", "--config", str(config), "--target", "sample", "--format", "junit"])
    document = validate_junit(capsys.readouterr().out)
    assert status == cli.OK
    names = {c.get("name") for c in document.iter("testcase")}
    assert {"Port", "SecurityGroupAgentAPI"} <= names
    assert not list(document.iter("failure"))


def test_github_escapes_properties_and_message() -> None:
    failure = Failure("rpc.timeout", "Api.m", "a, b: 100%\nnext", "1.2", "1.3", field="x")
    line = github.annotation(failure, "src/a,b.py:7")
    assert line == (
        "::error file=src/a%2Cb.py,line=7,title=rpc.timeout%3A Api.m 1.2->1.3 field x"
        "::[rpc.timeout] Api.m 1.2->1.3 field 'x': a, b: 100%25%0Anext"
    )


def test_junit_puts_method_failures_on_their_api() -> None:
    failure = Failure("rpc.unbumped", "Api.method", "changed", "1.0", "1.0")
    document = validate_junit(junit.check_document("t", ["Api"], [failure]))
    [case] = document.iter("testcase")
    assert case.get("name") == "Api" and case.find("failure") is not None


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--format", "nope"]) == cli.BAD_INPUT
    err = capsys.readouterr().err
    assert "invalid choice: 'nope'" in err and "github" in err


def test_run_report_writes_junit_and_the_report_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = []
    monkeypatch.setattr(pytest, "main", lambda args: calls.append(args) or 0)
    config = REPO / "pyproject.toml"
    folder = tmp_path / "out"
    argv = ["run", "--config", str(config), "--target", "sample", "--report", str(folder), "-x"]
    assert cli.main(argv) == 0
    (args,) = calls
    assert args[-5:] == [
        "--junitxml",
        str(folder / "junit.xml"),
        "--compat-report",
        str(folder),
        "-x",
    ]
