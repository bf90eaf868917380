"""The generic module ``compat_tests.test_rpc`` as users run it (``--pyargs compat_tests``)."""

from __future__ import annotations

from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "sample"


def _config(
    pytester: pytest.Pytester, rpc: str, extra: str = "", snapshots: Path = SNAPSHOTS
) -> Path:
    return pytester.makefile(
        ".toml",
        ovo=f"""
[tool.ovo-compat.targets.sample]
objects = ["tests.sample.objects"]
registry = "tests.sample.objects.base:SampleObjectRegistry"
snapshots = "{snapshots}"
rpc = ["{rpc}"]
{extra}
""",
    )


def _run(pytester: pytest.Pytester, rpc: str, extra: str = "") -> pytest.RunResult:
    config = _config(pytester, rpc, extra)
    return pytester.runpytest(
        "--pyargs",
        "compat_tests.test_rpc",
        "--compat-config",
        str(config),
        "--compat-target",
        "sample",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rs",
    )


def test_sample_api_passes(pytester):
    result = _run(pytester, "tests.sample.rpc:SAMPLE_RPC")
    # snapshot + history + 4 x (shapes, signatures) + 3 methods x 4 caps + 11 recorded-shape
    # message cases (2 RPC methods at 1.0, 3 at 1.1-1.3): nothing skipped; sync runs at 1.0
    # too, where the client must refuse it (tests/rpc/test_gallery_fidelity.py)
    result.assert_outcomes(passed=33, skipped=0)


def test_missing_can_send_version_fails_the_run(pytester):
    result = _run(pytester, "tests.rpc.broken_apis:NO_CAN_SEND_VERSION")
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 2  # get_rule_ids at caps 1.0 and 1.1
    result.stdout.fnmatch_lines(
        [
            "*rpc.cap-exceeded*SecurityGroupAgentAPI method get_rule_ids cap 1.0 server 1.0*",
        ]
    )


def test_rpc_entry_that_is_not_an_api_is_a_usage_error(pytester):
    result = _run(pytester, "tests.rpc.broken_apis:NOT_AN_API")
    assert result.ret == pytest.ExitCode.INTERRUPTED  # collection error: nothing runs
    result.stdout.fnmatch_lines(["*rpc entry 'tests.rpc.broken_apis:NOT_AN_API' is a object*"])
