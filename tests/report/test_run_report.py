"""``ovo-compat run`` end to end on a seeded bug: short output, one finding, the report folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from tests.report import browser
from tests.report.test_formats import validate_junit
from tests.suite.conftest import write_config

BASE = ["--pyargs", "compat_tests", "-p", "no:cacheprovider", "--hypothesis-profile", "ci"]


def _seeded(pytester: pytest.Pytester, rpc: bool = False) -> Path:
    extra = 'fixtures = ["tests.report.seeded:mutates_source"]'
    if rpc:
        extra += '\nrpc = ["tests.sample.rpc:SAMPLE_RPC"]'
    return write_config(pytester, extra=extra, objects="tests.gallery.broken")


def _run(pytester: pytest.Pytester, *args: str, rpc: bool = False) -> pytest.RunResult:
    config = _seeded(pytester, rpc)
    return pytester.runpytest_subprocess(*BASE, "--compat-config", str(config), *args)


def _assert_one_finding(out: str) -> None:
    assert "F1 [backport.mutated-source] Port field status: 7 failing cases" in out
    assert "F2" not in out
    assert "object:    Port(" in out and re.search(r"# Port 1\.\d; unset: ", out)
    assert (
        "your code: " in out and "broken.py:" in out and "MutatesSource.obj_make_compatible" in out
    )
    # No ovo-compat, Hypothesis or pytest frames: the report is the finding.
    for frame in ("compat_tests/cases.py", "compat_tests/properties", "Traceback", "hypothesis/"):
        assert frame not in out, frame
    # The short summary carries code, subject, pair and field.
    summary = [line for line in out.splitlines() if line.startswith("FAILED ")]
    assert len(summary) == 7
    for line in summary:  # pytest trims the message to the terminal width, never the word
        assert re.match(r"FAILED \(backport.mutated-source Port 1\.\d->1\.\d status\) \S+::", line)


def test_failing_run_with_one_root_cause_is_short(compat_pytester: pytest.Pytester) -> None:
    # Progress lines depend on the machine's speed (one per 10 s); test_progress covers them.
    result = _run(compat_pytester, "--compat-progress", "0")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    lines = result.outlines
    assert len(lines) < 60, "\n".join(lines)
    out = result.stdout.str()
    _assert_one_finding(out)
    # The findings section comes first, then the details of the first case only.
    assert out.index("ovo-compat findings") < out.index("= FAILURES =")
    assert out.count("\n  problem:   ") == 1
    assert out.count("(as Port[") == 6
    assert "ovo-compat: target sample (" in out and "profile ci, seed derandomized" in out


def test_one_finding_over_xdist_workers(compat_pytester: pytest.Pytester) -> None:
    result = _run(
        compat_pytester, "-p", "xdist", "-n", "2", "--dist", "loadgroup", "--compat-progress", "0"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert len(result.outlines) < 60, result.stdout.str()
    _assert_one_finding(result.stdout.str())


def test_verbose_shows_every_case_and_the_hypothesis_text(
    compat_pytester: pytest.Pytester,
) -> None:
    result = _run(compat_pytester, "-v", "-k", "Port and backport")
    out = result.stdout.str()
    assert out.count("  problem:   ") >= 2  # every case in full
    assert "Hypothesis:" in out
    assert "Falsifying example" in out or "Failing test case" in out
    assert "compat_tests/cases.py" not in out


def test_report_folder(compat_pytester: pytest.Pytester, tmp_path: Path) -> None:
    folder = tmp_path / "report"
    result = _run(
        compat_pytester,
        "--compat-report",
        str(folder),
        "--junitxml",
        str(folder / "junit.xml"),
        rpc=True,
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert f"ovo-compat report: {folder}" in result.stdout.str()

    document = validate_junit((folder / "junit.xml").read_text())
    cases = list(document.iter("testcase"))
    assert len(cases) >= 60  # one per generated case
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == 7
    for case in failures:
        failure = case.find("failure")
        assert re.match(
            r"\[backport.mutated-source\] Port 1\.\d->1\.\d field status: ", failure.get("message")
        )
        assert "ovo-compat finding" in failure.text and "object:    Port(" in failure.text
        assert "compat_tests/cases.py" not in failure.text

    findings = json.loads((folder / "findings.json").read_text())
    assert (findings["schema"], findings["version"], findings["ok"]) == (
        "ovo-compat/findings",
        1,
        False,
    )
    assert findings["run"]["profile"] == "ci" and findings["target"] == "sample"
    [finding] = findings["findings"]
    assert (finding["id"], finding["code"], finding["subject"], finding["field"]) == (
        "F1",
        "backport.mutated-source",
        "Port",
        "status",
    )
    assert len(finding["cases"]) == 7
    assert finding["counterexample"]["call"].startswith("Port(")

    matrix = json.loads((folder / "matrix.json").read_text())
    assert (matrix["schema"], matrix["version"]) == ("ovo-compat/matrix", 1)
    port = matrix["objects"]["Port"]
    assert port["current"] == "1.4"
    failed = [c for c in port["cells"] if c["status"] == "failed"]
    assert len(failed) == 7 and {c["finding"] for c in failed} == {"F1"}
    assert {c["status"] for c in port["cells"]} <= {"passed", "failed", "declared"}
    assert matrix["totals"]["failed"] == 7
    rpc = matrix["rpc"]["SecurityGroupAgentAPI"]["cells"]
    assert {c["server"] for c in rpc} == {"old", "current"}
    assert {c["status"] for c in rpc} <= {"passed", "absent"} and len(rpc) >= 8

    page = folder / "matrix.html"
    text = page.read_text()
    assert not re.search(r"(src|href)=\"(https?:)?//", text)  # self-contained
    dom, console = browser.render(page)
    assert console == []
    tree = etree.HTML(dom)
    cells = tree.xpath("//td[contains(@class, 'failed')]")
    assert len(cells) == 7
    for cell in cells:
        [link] = cell.xpath("a/@href")
        assert link == "#F1"
        assert tree.xpath(f"//*[@id='{link[1:]}']"), link
    assert tree.xpath("//h3[@id='class-Port']")
    assert tree.xpath("//h3[@id='rpc-SecurityGroupAgentAPI']")
    assert tree.xpath("//th[text()='1.4 (current)']")
    assert len(tree.xpath("//td[contains(@class, 'passed')]")) > 40


def test_browser_check_catches_console_errors(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('seeded'); nope();</script>")
    dom, console = browser.render(page)
    assert "<p>x</p>" in dom
    assert len(console) == 2 and "seeded" in console[0] and "nope" in console[1]


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "2"]], ids=["serial", "xdist"])
def test_progress_names_the_class_and_the_examples_checked(
    compat_pytester: pytest.Pytester, workers: list[str]
) -> None:
    config = write_config(compat_pytester)
    result = compat_pytester.runpytest_subprocess(
        *BASE, *workers, "--compat-config", str(config), "-k", "Subnet", "--compat-progress", "0.01"
    )
    assert result.ret == pytest.ExitCode.OK
    output = result.stdout.str() + result.stderr.str()
    found = re.findall(r"(\[gw\d\] )?ovo-compat: Subnet: (\d+) examples checked", output)
    assert found, output
    if workers:  # each worker writes its own to its stderr, which xdist shows
        assert all(worker for worker, _ in found)
    for each in {worker for worker, _ in found}:
        counts = [int(n) for worker, n in found if worker == each]
        assert counts == sorted(counts)
    assert max(int(n) for _, n in found) > 10
