"""``ovo-compat upgrade`` on the sample target: a server and two agents as processes on RabbitMQ.

Every release is a local wheel (`tests.upgrade._releases`) installed with ``--no-index``
into a release virtualenv under a private cache, so no package index is needed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from compat_tests import cli
from compat_tests.config import load_target
from compat_tests.upgrade import draw_plan
from tests.upgrade import _releases

pytestmark = pytest.mark.rabbit


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("upgrade")
    found = {version: _releases.wheel(directory, version) for version in _releases.RELEASES}
    found["config"] = _releases.config(directory)
    found["unpinned"] = _releases.config(directory / "unpinned", pinning="none")
    found["cache"] = directory / "cache"
    return found


def _upgrade(
    capsys, monkeypatch, setup, to: str, seed: int, *extra: str, config: str = "config"
) -> tuple[int, str]:
    monkeypatch.setenv("OVO_COMPAT_CACHE_DIR", str(setup["cache"]))
    argv = ["upgrade", "--config", str(setup[config]), "--target", "sample"]
    argv += ["--from", str(setup["1.0.0"]), "--to", str(setup[to]), "--no-index"]
    status = cli.main([*argv, "--seed", str(seed), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out


def _seed(setup, first: str) -> int:
    """The first seed whose plan upgrades a node of role ``first`` first (either config)."""
    config = load_target(setup["config"], "sample").upgrade
    return next(s for s in range(100) if draw_plan(config, s).order[0].startswith(first))


def _plan(out: str) -> str:
    return out[out.index("ovo-compat upgrade plan") : out.index("started 3 nodes")]


def test_a_compatible_release_upgrades_green_in_any_order(capsys, monkeypatch, setup) -> None:
    seed = _seed(setup, "agent")
    status, out = _upgrade(capsys, monkeypatch, setup, "2.0.0", seed)
    assert status == 0, out
    plan = _plan(out)
    assert f"plan (seed {seed}): ovo-sample-release 1.0.0 -> ovo-sample-release 2.0.0" in plan
    assert "nodes:  server [server], agent-1 (agent), agent-2 (agent)" in plan
    assert plan.splitlines()[-1].endswith(f"--seed {seed}")
    counts = re.search(r"upgrade: 4 of 4 states, 4 links per state, (\d+) generated calls", out)
    assert counts is not None and int(counts.group(1)) > 0, out


def test_a_seeded_bug_is_found_in_its_mixed_state_and_replayed_by_seed(
    capsys, monkeypatch, setup
) -> None:
    # 2.0.1's agents answer update_rule with the rule at its newest version: a 1.0.0 server
    # cannot read it, which only a plan upgrading an agent before the server shows
    seed = _seed(setup, "agent")
    first, out = _upgrade(capsys, monkeypatch, setup, "2.0.1", seed)
    assert first == 1, out
    plan = _plan(out)
    agent = plan.split("step 1: upgrade ")[1].split(" ")[0]
    finding = re.search(r"^F1 \[rolling\.unreadable-reply\] SecurityGroupAgentAPI .*$", out, re.M)
    assert finding is not None, out
    assert "field update_rule" in finding.group(0)
    problem = next(line for line in out.splitlines() if "problem:" in line)
    assert f"step 1 (seed {seed}): server (ovo-sample-release 1.0.0, SecurityGroupAgentAPI 1.2" in (
        problem
    )
    assert f"-> {agent} (ovo-sample-release 2.0.1, SecurityGroupAgentAPI 1.3)" in problem
    assert "IncompatibleObjectVersion: Version 1.2 of SecurityGroupRule" in problem
    report = setup["cache"].parent / "report"
    again, replayed = _upgrade(capsys, monkeypatch, setup, "2.0.1", seed, "--report", str(report))
    assert again == 1
    assert _plan(replayed) == plan
    document = json.loads((report / "findings.json").read_text())
    assert document["run"]["seed"] == seed
    assert [f["code"] for f in document["findings"]] == ["rolling.unreadable-reply"]
    findings = [line for line in out.splitlines() if line.startswith(("F1", "   cases:"))]
    assert [line for line in replayed.splitlines() if line.startswith(("F1", "   cases:"))] == (
        findings
    )


def test_the_same_bug_is_missed_when_the_server_goes_first(capsys, monkeypatch, setup) -> None:
    status, out = _upgrade(capsys, monkeypatch, setup, "2.0.1", _seed(setup, "server"))
    assert status == 0, out


def test_a_node_crashing_mid_plan_is_reported_with_its_step(capsys, monkeypatch, setup) -> None:
    # 2.0.2's agents exit when sync reaches them: the run stops there, naming node and step
    seed = _seed(setup, "agent")
    status, out = _upgrade(capsys, monkeypatch, setup, "2.0.2", seed, "--call-timeout", "2")
    assert status == 1, out
    agent = _plan(out).split("step 1: upgrade ")[1].split(" ")[0]
    assert f"F1 [rolling.node-failed] {agent}" in out
    assert f"step 1 (seed {seed}): node {agent} on ovo-sample-release 2.0.2 failed" in out
    assert "exited (code 3)" in out
    assert "upgrade: 1 of 4 states" in out
    assert f"stopped early: node {agent} failed at step 1 (rolling.node-failed)" in out


def test_an_unpinned_new_server_is_rejected_by_old_agents(capsys, monkeypatch, setup) -> None:
    # with the cap (pinning = "oldest", the other tests) the new server backports for the
    # old agents; without it, its update_rule at 1.3 reaches agents that serve 1.2
    seed = _seed(setup, "server")
    status, out = _upgrade(capsys, monkeypatch, setup, "2.0.0", seed, config="unpinned")
    assert status == 1, out
    assert "F1 [rolling.call-rejected] SecurityGroupAgentAPI field update_rule" in out
    problem = next(line for line in out.splitlines() if "problem:" in line)
    caller = "server (ovo-sample-release 2.0.0, SecurityGroupAgentAPI 1.3, cap none) -> agent-"
    assert f"step 1 (seed {seed}): {caller}" in problem
    assert "(ovo-sample-release 1.0.0, SecurityGroupAgentAPI 1.2)" in problem
    assert "UnsupportedVersion" in problem


def test_a_hung_agent_an_unbackported_object_and_a_failing_client_are_named(
    capsys, monkeypatch, setup
) -> None:
    # 2.0.3's agents never answer sync, report rules at 1.2 to a server that reads 1.1, and
    # raise in heartbeat before sending
    seed = _seed(setup, "agent")
    status, out = _upgrade(capsys, monkeypatch, setup, "2.0.3", seed, "--call-timeout", "2")
    assert status == 1, out
    agent = _plan(out).split("step 1: upgrade ")[1].split(" ")[0]
    titles = re.findall(r"^F\d+ (\[[^]]+\] \S+ field \S+):", out, re.M)
    assert titles == [
        "[rolling.client-error] SampleReportAPI field heartbeat",
        "[rolling.unreadable-object] SampleReportAPI field report_rule",
        "[rolling.timeout] SecurityGroupAgentAPI field sync",
    ], out
    problems = [line for line in out.splitlines() if "problem:" in line]
    link = (
        f"{agent} (ovo-sample-release 2.0.3, SampleReportAPI 1.1, cap 1.0) -> "
        "server (ovo-sample-release 1.0.0, SampleReportAPI 1.0)"
    )
    assert f"step 1 (seed {seed}): {link}" in problems[0]
    assert "ValueError: no heartbeat for" in problems[0]
    assert f"step 1 (seed {seed}): {link}" in problems[1]
    assert "IncompatibleObjectVersion" in problems[1]
    assert f"-> {agent} (ovo-sample-release 2.0.3, SecurityGroupAgentAPI 1.3)" in problems[2]
    assert "MessagingTimeout" in problems[2]
