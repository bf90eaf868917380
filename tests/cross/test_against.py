"""``ovo-compat run --against``: the sample target against old releases built as local wheels.

Each release runs in its own virtualenv and process on RabbitMQ (marker ``rabbit``); the
seeded bugs are in the release's real code or in the current code, and each test checks
the failure code and that the message names the object or method, field and versions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compat_tests import cli
from tests.cross import _releases

pytestmark = pytest.mark.rabbit


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    return _releases.write_config(tmp_path_factory.mktemp("cross-config"))


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OVO_COMPAT_CACHE_DIR", str(tmp_path_factory.mktemp("cross-cache")))
        yield


@pytest.fixture(scope="module")
def faithful(tmp_path_factory) -> Path:
    return _releases.release_wheel(tmp_path_factory.mktemp("faithful"))


@pytest.fixture(scope="module")
def divergent(tmp_path_factory) -> Path:
    """A release whose real code differs from its snapshots (two seeded differences)."""
    return _releases.release_wheel(
        tmp_path_factory.mktemp("divergent"),
        sync_param="hostname",
        drop_fields={"Network": "dns_domain"},
    )


def _codes(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for record in result.failures:
        found.setdefault(record.failure.code, []).append(record.failure.render())
    return found


def test_a_faithful_release_passes_with_every_check_counted(
    config, faithful, capsys, tmp_path
) -> None:
    status = cli.main(
        [
            "run",
            "--config",
            str(config),
            "--target",
            "sample",
            "--against",
            str(faithful),
            "--against-target",
            "release",
            "--no-index",
            "--examples",
            "3",
            "--report",
            str(tmp_path / "report"),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    line = out.strip().splitlines()[-1]
    assert line.startswith("cross against ")
    assert "5 classes (15 objects sent, " in line
    assert " 0 model gaps; 0 failures" in line
    assert "calls to its servers" in line and "0 calls to its servers" not in line
    document = json.loads((tmp_path / "report" / "cross-findings.json").read_text())
    assert document["ok"] is True and document["findings"] == []
    assert document["run"]["against"] == str(faithful)
    assert document["run"]["counts"]["sent"] == 15


def test_current_code_that_leaves_a_child_too_new(config, faithful, monkeypatch) -> None:
    from tests.sample.objects.network import Network

    def no_child_backport(self, primitive, target_version):  # seeded: super() forgotten
        primitive.pop("dns_domain", None) if target_version < "1.1" else None

    monkeypatch.setattr(Network, "obj_make_compatible", no_child_backport)
    result = _releases.run(config, faithful, examples=15)
    codes = _codes(result)
    assert "cross.old-cannot-read" in codes, codes
    message = codes["cross.old-cannot-read"][0]
    assert "Network 1.4->1.2" in message
    assert "Subnet" in message and "1.0" in message


def test_old_server_rejecting_what_the_pinned_client_sends(config, divergent) -> None:
    result = _releases.run(config, divergent, examples=2)
    codes = _codes(result)
    assert "cross.old-server-rejects" in codes, codes
    message = codes["cross.old-server-rejects"][0]
    assert "SecurityGroupAgentAPI 1.1->1.1 field 'sync'" in message
    assert "TypeError" in message


def test_model_gaps_name_the_class_field_method_and_version(config, divergent) -> None:
    result = _releases.run(config, divergent, examples=10)
    gaps = [r.failure.render() for r in result.gaps]
    assert any("Network 1.2" in g and "dns_domain" in g for g in gaps), gaps
    assert any("SecurityGroupAgentAPI 1.1" in g and "sync" in g for g in gaps), gaps
    ignored = _codes(result)["cross.old-ignores-field"]
    assert any("Network 1.4->1.2 field 'dns_domain'" in m for m in ignored), ignored


def test_hung_old_node_is_a_clear_failure(config, tmp_path) -> None:
    wheel = _releases.release_wheel(tmp_path, custom=_releases.HANG_AT_IMPORT)
    result = _releases.run(config, wheel, ready_timeout=20)
    [record] = result.failures
    message = record.failure.render()
    assert record.failure.code == "cross.node-failed"
    assert "no answer to the ready handshake within 20 s" in message
    assert "seeded: this release hangs" in message


def test_crashed_old_node_is_a_clear_failure(config, tmp_path) -> None:
    wheel = _releases.release_wheel(tmp_path, custom=_releases.CRASH_ON_READ)
    result = _releases.run(config, wheel, examples=1)
    [record] = [r for r in result.failures if r.failure.code == "cross.node-failed"]
    message = record.failure.render()
    assert "exited (code 7) during operation 'read'" in message
    assert "seeded: this release crashes reading a Network" in message
    assert "the object checks" in message


def test_current_server_rejecting_and_answering_the_real_old_client(
    config, faithful, monkeypatch
) -> None:
    from tests.sample.objects.security_group import SecurityGroupRule
    from tests.sample.rpc import SecurityGroupAgentEndpoint

    def sync(self, context, host, full):  # seeded: a new required parameter
        return len(host)

    def update_rule(self, context, rule):  # seeded: answers at its own version
        kept = {k: getattr(rule, k) for k in rule.fields if rule.obj_attr_is_set(k)}
        return SecurityGroupRule(**kept)

    monkeypatch.setattr(SecurityGroupAgentEndpoint, "sync", sync)
    monkeypatch.setattr(SecurityGroupAgentEndpoint, "update_rule", update_rule)
    codes = _codes(_releases.run(config, faithful, examples=2))
    [rejected] = codes["cross.new-server-rejects"]
    assert "SecurityGroupAgentAPI 1.1->1.3 field 'sync'" in rejected
    assert "missing 1 required positional argument: 'full'" in rejected
    [unreadable] = codes["cross.reply-unreadable"]
    assert "SecurityGroupAgentAPI 1.1->1.3 field 'update_rule'" in unreadable
    assert "SecurityGroupRule" in unreadable and "1.2" in unreadable


def test_rpc_descriptions_the_release_cannot_load_are_named(config, tmp_path) -> None:
    broken = "import ovo_sample_release.no_such_module\n"
    wheel = _releases.release_wheel(tmp_path, rpc=broken)
    result = _releases.run(config, wheel, examples=1)
    assert [r.failure.code for r in result.failures if r.failure.code != "cross.model-gap"] == []
    assert any(
        "ovo_sample_release.rpc:RELEASE_RPC: its description does not load" in note
        and "no_such_module" in note
        for note in result.notes
    ), result.notes
    assert result.counts["sent"] == 5


def test_the_old_node_serves_every_topic_its_release_lists(config, tmp_path, monkeypatch) -> None:
    """Regression: the old node served each API on its ``topic`` alone, and every message
    was routed there, so a call to a topic the release does not consume was answered."""
    from tests.sample.rpc import TOPIC, SecurityGroupAgentClient

    wheel = _releases.release_wheel(tmp_path, topics='lambda: [TOPIC, TOPIC + "-alt"]')

    def sync(self, context, host: str) -> int:  # the release's second topic: answered
        return self.client.prepare(topic=f"{TOPIC}-alt", version="1.1").call(
            context, "sync", host=host
        )

    def get_rule_ids(self, context, security_group_id: str, include_egress: bool = True):
        # seeded: a topic the release does not consume
        cctxt = self.client.prepare(topic=f"{TOPIC}-gone", version="1.0")
        return cctxt.call(context, "get_rule_ids", security_group_id=security_group_id)

    monkeypatch.setattr(SecurityGroupAgentClient, "sync", sync)
    monkeypatch.setattr(SecurityGroupAgentClient, "get_rule_ids", get_rule_ids)
    result = _releases.run(config, wheel, examples=2)
    codes = _codes(result)
    [rejected] = codes.pop("cross.old-server-rejects")
    assert "SecurityGroupAgentAPI 1.1->1.1 field 'get_rule_ids'" in rejected
    assert f"no server of the release consumes topic '{TOPIC}-gone'" in rejected
    assert codes == {}  # sync on the second topic and update_rule on the first are answered
    assert result.counts["rpc-calls"] == 6
    # The unanswered call reached no server: nothing to compare with the rebuilt one.
    assert not [g for g in result.gaps if "get_rule_ids" in g.failure.render()]


def test_topics_that_raise_in_the_release_serve_the_topic_with_a_note(config, tmp_path) -> None:
    # Nova's description reads RPC_TOPIC_ALT, which older Nova releases lack.
    wheel = _releases.release_wheel(tmp_path, topics="lambda: [TOPIC, RPC_TOPIC_ALT]")
    result = _releases.run(config, wheel, examples=2)
    assert [r.failure.code for r in result.failures if r.failure.code != "cross.model-gap"] == []
    assert result.counts["rpc-calls"] == 6  # answered on the API's topic
    assert any(
        note.startswith("RPC API SecurityGroupAgentAPI: its topics() raised in the release")
        and "NameError" in note
        and "RPC_TOPIC_ALT" in note
        and "serves it on its topic 'ovo-compat-sample-sg-agent' only" in note
        for note in result.notes
    ), result.notes


def _current_topics(monkeypatch, topics) -> list[str]:
    """The current description serving on ``topics``; the hosts its ``sync`` endpoint got."""
    import dataclasses

    from tests.sample import rpc

    monkeypatch.setattr(rpc, "SAMPLE_RPC", dataclasses.replace(rpc.SAMPLE_RPC, topics=topics))
    synced: list[str] = []
    real = rpc.SecurityGroupAgentEndpoint.sync

    def sync(self, context, host: str) -> int:
        synced.append(host)
        return real(self, context, host)

    monkeypatch.setattr(rpc.SecurityGroupAgentEndpoint, "sync", sync)
    return synced


def test_the_release_client_reaches_every_topic_the_current_code_lists(
    config, tmp_path, monkeypatch
) -> None:
    from tests.sample.rpc import TOPIC

    synced = _current_topics(monkeypatch, lambda: [TOPIC, f"{TOPIC}-alt"])
    wheel = _releases.release_wheel(tmp_path, sync_topic='TOPIC + "-alt"')
    result = _releases.run(config, wheel, examples=2)
    assert _codes(result) == {}
    assert result.counts["rpc-old-client"] == 6
    assert len(synced) == 2  # the release's sync on the second topic was answered
    assert "rpc-dropped" not in result.counts


def test_a_release_client_call_to_a_topic_the_current_code_does_not_list_is_reported(
    config, tmp_path, monkeypatch
) -> None:
    """Regression: the current node served each API on its ``topic`` alone and every message
    of the release's client was routed there, so a call to a topic the current code does
    not consume was answered (on a broker it reaches nobody and times out)."""
    from tests.sample.rpc import TOPIC

    synced = _current_topics(monkeypatch, lambda: [TOPIC, f"{TOPIC}-alt"])
    wheel = _releases.release_wheel(tmp_path, sync_topic='TOPIC + "-gone"')
    result = _releases.run(config, wheel, examples=2)
    codes = _codes(result)
    [rejected] = codes.pop("cross.new-server-rejects")
    assert "SecurityGroupAgentAPI 1.1->1.3 field 'sync'" in rejected
    assert "the release's real SecurityGroupAgentAPI client (at 1.1) calling sync" in rejected
    assert f"no server of the current code consumes topic '{TOPIC}-gone'" in rejected
    assert codes == {}  # get_rule_ids and update_rule on the API's topic are answered
    assert result.counts["rpc-old-client"] == 6
    assert synced == []  # no current server saw the call
