"""Declared exceptions apply to RPC findings on the pytest path, with xdist too (issue 13 #5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rpc.test_generic import _config
from tests.suite.test_plugin import BASE  # [--pyargs compat_tests, then the common options]

_CAP_EXCEEDED = """
[[tool.ovo-compat.targets.sample.exceptions]]
object = "SecurityGroupAgentAPI"
code = "rpc.cap-exceeded"
reason = "{reason}"
"""


def _run(pytester: pytest.Pytester, rpc: str, extra: str, *args: str) -> pytest.RunResult:
    config = _config(pytester, rpc, extra)
    return pytester.runpytest_subprocess(
        "--pyargs", "compat_tests.test_rpc", *BASE[2:], "--compat-config", str(config), "-q", *args
    )


@pytest.fixture
def rpc_pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    repo = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("PYTHONPATH", str(repo))
    return pytester


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_declared_rpc_finding_passes_the_run(rpc_pytester, workers) -> None:
    extra = _CAP_EXCEEDED.format(reason="old agents ignore the version")
    result = _run(rpc_pytester, "tests.rpc.broken_apis:NO_CAN_SEND_VERSION", extra, *workers)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert "declared exceptions that never fired" not in result.stdout.str()


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_stale_rpc_declaration_fails_the_run(rpc_pytester, workers) -> None:
    extra = _CAP_EXCEEDED.format(reason="fixed long ago")
    result = _run(rpc_pytester, "tests.sample.rpc:SAMPLE_RPC", extra, *workers)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "declared exceptions that never fired" in out
    assert "SecurityGroupAgentAPI *->* code=rpc.cap-exceeded" in out
