"""``ovo-compat run``: a declared exception the examples missed is rechecked before it is stale."""

from __future__ import annotations

import pytest

from tests.suite.conftest import write_config

BASE = ["--pyargs", "compat_tests", "-p", "no:cacheprovider", "--hypothesis-profile", "ci"]


def _run(pytester: pytest.Pytester, codes: list[str], *args: str) -> pytest.RunResult:
    extra = 'fixtures = ["tests.report.seeded:crashes_late"]\n'
    for code in codes:
        extra += f"""
[[tool.ovo-compat.targets.sample.exceptions]]
object = "Port"
code = "{code}"
reason = "needs input the examples rarely draw"
"""
    config = write_config(pytester, extra=extra, objects="tests.gallery.broken")
    chosen = "Port and (backport or indirection)"
    return pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-k", chosen, "--compat-progress", "0", *args
    )


@pytest.mark.parametrize("xdist", [[], ["-p", "xdist", "-n", "2", "--dist", "loadgroup"]])
def test_a_declaration_only_more_examples_meet_is_not_stale(
    compat_pytester: pytest.Pytester, xdist: list[str]
) -> None:
    # The late crash, as the backport and the indirection cases meet it.
    result = _run(compat_pytester, ["backport.crash", "indirection"], *xdist)
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.OK, out
    assert "rechecked Port with 10x the examples" in out and ": 2 met" in out
    assert "never fired" not in out


def test_findings_only_the_recheck_meets_fail_the_run(compat_pytester: pytest.Pytester) -> None:
    result = _run(compat_pytester, ["backport.version"])  # stale: no backport sends that
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    assert "the recheck's extra examples met" in out
    assert "backport.crash" in out and "crashed late" in out
    assert "never fired" in out  # and the stale declaration is still reported
