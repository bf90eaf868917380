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
    # a full run says what it excused, and nothing below the window or deselected
    assert "; not checked: 1 declared exception(s) excused failures\n" in out
    # A progress line (a slow machine) makes pytest repeat the node id it interrupted.
    assert len(set(re.findall(r"::test_object\[(.+)\] PASSED", out))) == 66
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
    # One line per class (pytest folds the skips of a class), and one summary line.
    assert "SKIPPED [2]" in out
    assert "Port: versions below the support window not checked (oldest supported 1.2" in out
    assert "below the support window (not checked): " in out
    assert "Port 1.0, 1.1" in out and "Subnet 1.0, 1.1" in out
    assert re.search(r"; not checked: \d+ version\(s\) below the support window", out)
    assert "test(s) deselected" in out  # -k made it a partial run


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
    # The shrunk object, as a constructor call, holds the field the backport forgot.
    assert "object:    Port(" in out and "dns_name=None" in out
    assert "[backport.unknown-field] Port 1.4->1.1 field dns_name" in out
    assert "sent (at /versioned_object.data/dns_name):" in out
    assert "reproduce: pytest" in out and "--compat-target sample" in out


def test_bad_config_stops_the_run_once_with_exit_status_2(
    compat_pytester: pytest.Pytester,
) -> None:
    config = compat_pytester.path / "bad.toml"
    config.write_text("[tool.ovo-compat.targets.x]\nobjects = 3\n")
    result = compat_pytester.runpytest_subprocess(*BASE, "--compat-config", str(config))
    assert result.ret == 2  # the same as `ovo-compat check`
    err = result.stderr.str()
    assert err.count("'objects' must be a list of strings") == 1
    assert "Traceback" not in err and "examples checked" not in result.stdout.str()


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
    result = compat_pytester.runpytest_subprocess(*BASE, "--compat-config", str(config))
    assert result.ret == 2  # stopped before collection, like `ovo-compat check`
    err = result.stderr.str()
    assert err.count("no Hypothesis strategy for field type Weird") == 1
    assert "needed by 1 field(s): NoStratThing.weird" in err
    assert "strategies.register_field_strategy(nostrat_objs.Weird" in err
    out = result.stdout.str()
    assert "Traceback" not in err + out and "examples checked" not in out


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


_UNRELATED = """
from hypothesis import given, settings, strategies as st
from hypothesis.errors import InvalidArgument
import pytest
import sys


def test_hypothesis_defaults():
    current = settings.default
    assert current.max_examples == 100  # ovo-compat's ci profile has 25
    for name in ("thorough", "bench"):
        with pytest.raises(InvalidArgument):
            settings.get_profile(name)  # ovo-compat registered nothing
    assert "compat_tests.profiles" not in sys.modules


@given(st.integers())
def test_runs(x):
    assert isinstance(x, int)
"""


def test_unconfigured_project_keeps_hypothesis_defaults_even_under_ci(
    compat_pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("OVO_COMPAT_PROFILE", raising=False)
    compat_pytester.makepyfile(test_unrelated=_UNRELATED)
    result = compat_pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "ovo-compat: target" not in result.stdout.str()


def test_header_names_target_config_and_profile(compat_pytester: pytest.Pytester) -> None:
    config = write_config(compat_pytester)
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "--collect-only", "-k", "Subnet"
    )
    result.stdout.fnmatch_lines(
        [f"ovo-compat: target sample ({config}), profile ci, seed derandomized*"]
    )


def test_loading_the_plugin_imports_no_hypothesis_profile_module() -> None:
    import subprocess
    import sys

    code = "import sys, compat_tests.plugin; print('compat_tests.profiles' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_bad_input_met_while_running_stops_the_run_once(
    compat_pytester: pytest.Pytester,
) -> None:
    # A registered strategy that draws values its field rejects: found only by drawing.
    compat_pytester.makepyfile(
        badstrat_objs="""
from hypothesis import strategies as st
from oslo_versionedobjects import base, fields

import strategies


class Even(fields.FieldType):
    @staticmethod
    def coerce(obj, attr, value):
        if value % 2:
            raise ValueError("odd")
        return value


strategies.register_field_strategy(Even, st.just(3))


@base.VersionedObjectRegistry.register
class BadStratThing(base.VersionedObject):
    VERSION = "1.0"
    fields = {"even": fields.Field(Even())}


@base.VersionedObjectRegistry.register
class BadStratOther(base.VersionedObject):
    VERSION = "1.0"
    fields = {"even": fields.Field(Even())}
"""
    )
    config = write_config(compat_pytester, objects="badstrat_objs")
    result = compat_pytester.runpytest_subprocess(
        *BASE, "--compat-config", str(config), "-k", "BadStrat and roundtrip"
    )
    assert result.ret == 2
    out = result.stdout.str()
    assert out.count("ovo-compat: bad input:") == 1, out
    assert "which the field rejects" in out
    assert "examples checked" not in out
