"""The pytest plugin end to end, run in subprocesses with pytester."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.suite.conftest import write_config

BASE = [
    "--pyargs",
    "compat_tests",
    "-p",
    "no:cacheprovider",
    "--hypothesis-profile",
    "ci",
    "-W",
    "ignore",
]


def test_plugin_is_inert_without_a_target(compat_pytester: pytest.Pytester) -> None:
    result = compat_pytester.runpytest_subprocess(*BASE, "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "test_object" not in result.stdout.str()


def test_sample_target_passes_with_readable_ids(compat_pytester: pytest.Pytester) -> None:
    config = write_config(compat_pytester)
    result = compat_pytester.runpytest_subprocess(*BASE, "--compat-config", str(config), "-v")
    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.OK
    out = result.stdout.str()
    assert outcomes["passed"] >= 67
    assert out.count("::test_object[") == 66
    for case_id in (
        "Port[1.4->1.2]-backport",
        "Network[1.3->1.4]-upgrade",
        "Subnet[1.2]-roundtrip",
    ):
        assert f"test_object[{case_id}] PASSED" in out


def test_versions_below_the_support_window_are_skipped_visibly(
    compat_pytester: pytest.Pytester,
) -> None:
    config = write_config(compat_pytester, support="1.2")
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-rs", "-k", "Subnet or Port"
    )
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.OK
    assert "Port 1.1 is below the support window (oldest supported 1.2" in out
    assert "version(s) below the support window skipped" in out
    assert "Subnet[1.2->1.0]-backport" in out


_STALE = """
[[tool.ovo-compat.targets.sample.exceptions]]
object = "Subnet"
code = "backport.crash"
reason = "was fixed long ago"
"""


def _config_with_stale_declaration(pytester: pytest.Pytester) -> Path:
    config = write_config(pytester, extra="")
    config.write_text(config.read_text() + _STALE)
    return config


def test_declared_exception_that_never_fires_fails_the_run(
    compat_pytester: pytest.Pytester,
) -> None:
    config = _config_with_stale_declaration(compat_pytester)
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-k", "Subnet"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "declared exceptions that never fired" in out
    assert "Subnet *->* code=backport.crash" in out
    assert "was fixed long ago" in out


def test_run_with_zero_version_pairs_fails(compat_pytester: pytest.Pytester) -> None:
    config = write_config(compat_pytester, support="1.9")
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-k", "exercises"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "exercises zero version pairs" in result.stdout.str()


def test_failure_shows_counterexample_code_location_and_reproduction(
    compat_pytester: pytest.Pytester,
) -> None:
    config = write_config(
        compat_pytester,
        extra='fixtures = ["tests.gallery.harness:forgets_to_drop_new_field"]',
        objects="tests.gallery.broken",
    )
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-k", "Port and backport"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "FAILED" in out and "test_object[Port[1.4->1.1]-backport]" in out
    assert "Failing test case" in out or "Falsifying example" in out
    assert "'dns_name'" in out  # the shrunk object holds the field the backport forgot
    assert "code:      backport.unknown-field" in out
    assert "field:     dns_name" in out
    assert "location:  /versioned_object.data/dns_name" in out
    assert "reproduce: pytest" in out and "--compat-target sample" in out


def test_bad_config_is_a_usage_error(compat_pytester: pytest.Pytester) -> None:
    config = compat_pytester.path / "bad.toml"
    config.write_text("[tool.ovo-compat.targets.x]\nobjects = 3\n")
    result = compat_pytester.runpytest_subprocess(*BASE, "--compat-config", str(config))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "'objects' must be a list of strings" in result.stderr.str()


_SUMMARY = re.compile(
    r"ovo-compat: (\d+) classes, (\d+) \(class, version pair\) cases, (\d+) examples checked"
    r"(?:; RPC: (\d+) APIs, (\d+) methods, (\d+) \(method, cap\) cases, (\d+) examples)?"
)


def _summary(out: str) -> tuple[int, ...]:
    found = _SUMMARY.search(out)
    assert found is not None, out
    return tuple(int(g) for g in found.groups() if g is not None)


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "2"]], ids=["serial", "xdist"])
def test_summary_counts_what_ran_over_all_workers(
    compat_pytester: pytest.Pytester, workers: list[str]
) -> None:
    config = write_config(compat_pytester, extra='rpc = ["tests.sample.rpc:SAMPLE_RPC"]')
    result = compat_pytester.runpytest_subprocess(
        *BASE,
        *workers,
        "--compat-config",
        str(config),
        "-k",
        "Subnet or call",  # test_rpc[call-Api.method@cap]
    )
    assert result.ret == pytest.ExitCode.OK
    classes, pairs, examples, apis, methods, rpc_cases, rpc_examples = _summary(result.stdout.str())
    # Subnet 1.2 has two older supported versions, four pair properties each.
    assert (classes, pairs, apis) == (1, 8, 1)
    assert examples >= pairs + 1  # every case but the snapshot one draws examples
    assert methods >= 1 and rpc_cases >= methods and rpc_examples >= rpc_cases


def test_field_without_strategy_is_a_clear_failure_without_traceback(
    compat_pytester: pytest.Pytester,
) -> None:
    compat_pytester.makepyfile(
        nostrat_objs="""
from oslo_versionedobjects import base, fields

class Weird(fields.FieldType):
    pass

@base.VersionedObjectRegistry.register
class NoStratThing(base.VersionedObject):
    VERSION = "1.0"
    fields = {"weird": fields.Field(Weird())}
"""
    )
    config = write_config(compat_pytester, objects="nostrat_objs")
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-k", "NoStratThing and roundtrip"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "NoStrategyError: No Hypothesis strategy for field NoStratThing.weird" in out
    assert "strategies.register_field_strategy(nostrat_objs.Weird" in out
    assert "Traceback" not in out and "raise " not in out


def test_stale_declaration_is_reported_without_failing_a_randomized_run(
    compat_pytester: pytest.Pytester,
) -> None:
    config = _config_with_stale_declaration(compat_pytester)
    dev = list(BASE)
    dev[dev.index("ci")] = "dev"
    result = compat_pytester.runpytest_subprocess(
        *dev, "--compat-config", str(config), "-k", "Subnet"
    )
    assert result.ret == pytest.ExitCode.OK
    out = result.stdout.str()
    assert "declared exceptions that never fired" in out
    assert "this Hypothesis profile is randomized" in out


def test_loading_the_plugin_imports_neither_ovo_nor_oslo_messaging() -> None:
    # Every pytest run where ovo-compat is installed loads the plugin.
    import subprocess
    import sys

    code = "import sys, compat_tests.plugin; print(sorted(m for m in ('oslo_messaging', "
    code += "'oslo_versionedobjects', 'strategies') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
