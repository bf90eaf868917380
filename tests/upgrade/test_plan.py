"""The upgrade table, the seeded plan and the pinning rule: no processes, no broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat_tests import cli
from compat_tests.config import load_target
from compat_tests.errors import ConfigError
from compat_tests.upgrade import check_apis, draw_plan, parse_upgrade
from compat_tests.upgrade.orchestrate import _cap

ROOT = Path(__file__).resolve().parents[2]
WHERE = "pyproject.toml: [tool.ovo-compat.targets.t]"


def _roles(**extra):
    return {
        "server_first": True,
        "roles": [
            {"name": "server", "server": True, "hosts": ["Up"], "calls": ["Down"]},
            {"name": "agent", "count": 2, "hosts": ["Down"], "calls": ["Up"]},
            {"name": "probe", "calls": ["Up"]},
        ],
        **extra,
    }


def test_same_seed_same_plan_and_servers_first() -> None:
    config = parse_upgrade(WHERE, _roles())
    plans = [draw_plan(config, seed) for seed in range(40)]
    assert draw_plan(config, 7) == draw_plan(config, 7)
    assert all(p.order[0] == "server" for p in plans)
    assert all(sorted(p.order) == ["agent-1", "agent-2", "probe", "server"] for p in plans)
    assert len({p.order for p in plans}) == 6  # every order of the three agents occurs
    assert len({p.state_seeds for p in plans}) == 40


def test_without_server_first_agents_may_go_first() -> None:
    config = parse_upgrade(WHERE, _roles(server_first=False))
    assert {draw_plan(config, seed).order[0] for seed in range(40)} == {
        "server",
        "agent-1",
        "agent-2",
        "probe",
    }


def test_plan_printout_names_seed_steps_mixed_states_and_replay() -> None:
    plan = draw_plan(parse_upgrade(WHERE, _roles()), 11)
    text = plan.render("svc 1.0", "svc 2.0", ["ovo-compat", "upgrade", "--seed", "11"])
    lines = text.splitlines()
    assert lines[0] == "ovo-compat upgrade plan (seed 11): svc 1.0 -> svc 2.0"
    assert "nodes:  server [server], agent-1 (agent), agent-2 (agent), probe" in lines[1]
    assert "servers first" in lines[2]
    assert lines[3].startswith("  step 0: start every node on svc 1.0")
    assert f"  step 1: upgrade {plan.order[0]} (svc 1.0 -> svc 2.0)" in lines[4]
    assert "new: server; old: " in lines[4]
    assert len([line for line in lines if line.startswith("  step ")]) == 5
    assert lines[-1] == "  replay: ovo-compat upgrade --seed 11"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"roles": None}, "no roles"),
        ({"colour": 1}, "unknown key(s) colour"),
        ({"pinning": "newest"}, "'pinning' = 'newest'"),
        ({"roles": [{"name": "Server", "hosts": ["A"]}]}, "name 'Server' must be lower-case"),
        ({"roles": [{"name": "a", "calls": ["A"]}, {"name": "b", "hosts": ["B"]}]}, "no role"),
        ({"roles": [{"name": "a", "hosts": ["A"], "calls": ["A"]}]}, "at least two nodes"),
        ({"roles": [{"name": "a", "hosts": ["A"], "count": 0}]}, "'count' must be a number"),
        ({"roles": [{"name": "a"}, {"name": "b", "hosts": ["B"]}]}, "hosts and calls nothing"),
        ({"not_exercised": {"Up": "why"}}, "Up in not_exercised but used by a role"),
    ],
)
def test_bad_upgrade_tables_are_one_clear_error(change, message) -> None:
    raw = {**_roles(), **change}
    if raw["roles"] is None:
        del raw["roles"]
    with pytest.raises(ConfigError) as raised:
        parse_upgrade(WHERE, raw)
    assert message in str(raised.value)
    assert "[tool.ovo-compat.targets.t].upgrade" in str(raised.value)


def test_server_first_needs_a_server_role() -> None:
    raw = {"server_first": True, "roles": [{"name": "a", "count": 2, "hosts": ["A"]}]}
    with pytest.raises(ConfigError, match="no role has server = true"):
        parse_upgrade(WHERE, raw)


def test_role_apis_must_be_described_and_every_described_api_used() -> None:
    config = parse_upgrade(WHERE, _roles(not_exercised={"Side": "casts to a topic per type"}))
    check_apis(config, ["Up", "Down", "Side"])
    with pytest.raises(ConfigError, match="role 'server' hosts Up, which the target's rpc list"):
        check_apis(config, ["Down", "Side"])
    with pytest.raises(ConfigError, match="describes Extra, which no role hosts or calls"):
        check_apis(config, ["Up", "Down", "Side", "Extra"])
    with pytest.raises(ConfigError, match="not_exercised names Side, which the target's rpc"):
        check_apis(config, ["Up", "Down"])


def test_clients_are_capped_at_the_oldest_running_host_below_their_own_version() -> None:
    versions = {"server": {"A": "1.3"}, "a1": {"A": "1.2"}, "a2": {"A": "1.3"}}
    assert _cap("oldest", "A", "server", ["a1", "a2"], versions) == "1.2"
    assert _cap("oldest", "A", "server", ["a2"], versions) is None  # same version: no cap
    assert _cap("oldest", "A", "a1", ["server", "a2"], versions) is None  # hosts newer
    assert _cap("none", "A", "server", ["a1"], versions) is None
    assert _cap("oldest", "A", "server", ["a1"], {**versions, "a1": {"A": "1.10"}}) is None


def test_neutron_roles_parse_without_neutron() -> None:
    config = load_target(ROOT / "pyproject.toml", "neutron").upgrade
    assert config.server_first and config.pinning == "none"
    assert [r.name for r in config.roles][:3] == ["server", "ovs-agent", "dhcp-agent"]
    assert sum(not r.server for r in config.roles) >= 2
    assert not config.not_exercised  # every API of the target is exercised


def test_a_target_without_upgrade_table_is_bad_input(capsys) -> None:
    argv = ["upgrade", "--config", str(ROOT / "pyproject.toml"), "--target", "sample"]
    status = cli.main([*argv, "--from", "ovo-sample-release==1.0.0"])
    err = capsys.readouterr().err
    assert status == 2
    assert "target 'sample' has no [tool.ovo-compat.targets.sample.upgrade] table" in err
    assert "Traceback" not in err


def test_an_unreachable_broker_is_bad_input_before_anything_starts(capsys) -> None:
    config = ROOT / "pyproject.toml"
    argv = ["upgrade", "--config", str(config), "--target", "neutron", "--from", "neutron==1"]
    status = cli.main([*argv, "--url", "rabbit://guest:guest@127.0.0.1:1/"])
    err = capsys.readouterr().err
    assert status == 2
    assert "is not reachable at 127.0.0.1:1" in err
    assert "Traceback" not in err


def test_declared_rolling_findings_are_excused_and_stale_ones_reported(tmp_path) -> None:
    from compat_tests.failures import Failure
    from compat_tests.report import CaseFailure
    from compat_tests.upgrade.command import _undeclared
    from compat_tests.upgrade.orchestrate import Run
    from tests.upgrade import _releases

    config = _releases.config(tmp_path)
    table = "[[tool.ovo-compat.targets.sample.exceptions]]"
    config.write_text(
        config.read_text()
        + f'\n{table}\nobject = "SampleReportAPI"\ncode = "rolling.call-rejected"\n'
        'field = "report_state"\nversions = "1.1->1.0"\nreason = "known"\n'
        f'\n{table}\nobject = "SecurityGroupAgentAPI"\ncode = "rolling.timeout"\n'
        'reason = "no longer happens"\n'
    )
    target = load_target(config, "sample")
    failure = Failure(
        "rolling.call-rejected", "SampleReportAPI", "refused", "1.1", "1.0", "report_state"
    )
    run = Run(failures=[CaseFailure("upgrade[seed=1] step 1", failure)])
    left = _undeclared(target, run, target.upgrade)
    assert [r.failure.code for r in left] == ["rolling.stale-exception"]
    assert left[0].failure.subject == "SecurityGroupAgentAPI"
    assert "matched nothing in a complete upgrade run; delete it" in left[0].failure.message
    run.stopped = "node agent-1 failed at step 1 (rolling.node-failed)"
    assert _undeclared(target, run, target.upgrade) == []  # an incomplete run proves nothing
