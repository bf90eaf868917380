"""Seeded RPC bugs of issue 13: each caught with its code, naming API, method, cap, server.

One test (or one small group) per class: a method sent at a cap where it did not
exist; unversioned dict/list payloads (arguments, and messages only old clients
send); the reply path (reply shapes, the server's own serializer); a server
default that changed meaning; a compatible object bump that must not force an RPC
snapshot change (``check`` and ``snapshot`` asked the same question, one change at
a time); declarations on the pytest path; ``RpcApi(serializer=...)`` alone and a
parameter never generated; caps of the window without a snapshot.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
from pathlib import Path

import oslo_messaging
import pytest
from hypothesis import given, settings
from oslo_versionedobjects import base as ovo_base

from compat_tests.failures import CompatFailure
from compat_tests.rpc import Harness, check_pinned_call, describe_api, load_history, load_shapes
from compat_tests.rpc.api import ungenerated_parameters
from compat_tests.rpc.properties import check_recorded_message, recorded_messages
from compat_tests.rpc.record import RecordRefused, record_api
from compat_tests.rpc.suite import RpcSuite
from tests.rpc import dict_api
from tests.rpc.test_gallery import RULE, _api, _caught, _names
from tests.sample.objects.base import SampleObject
from tests.sample.objects.security_group import SecurityGroupRule
from tests.sample.rpc import SAMPLE_RPC, SecurityGroupAgentClient, SecurityGroupAgentEndpoint

SAMPLE_SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "sample" / "rpc"


@pytest.fixture
def port_harness(tmp_path):
    built = []

    def make(described=dict_api.PORT_API):
        built.append(dict_api.harness(tmp_path, described))
        return built[-1]

    dict_api.record(tmp_path)
    yield make
    for harness in built:
        harness.cleanUp()


def _port_names(failure, method: str, cap: str, server: str) -> None:
    text = failure.render()
    for part in ("PortApi", f"method {method}", f"cap {cap}", f"server {server}"):
        assert part in text, (part, text)


# -- 1. a method sent at a cap where it did not exist ------------------------------------


class SyncWithoutPin(SecurityGroupAgentClient):
    """sync() was added in 1.1, but this client stopped preparing 1.1."""

    def sync(self, context, host):
        return self.client.prepare(version="1.0").call(context, "sync", host=host)


def test_method_sent_at_a_cap_where_it_did_not_exist(make_harness):
    harness = make_harness(_api(client=SyncWithoutPin))
    failure = _caught(check_pinned_call, harness, "sync", "1.0", {"host": "h"})
    assert failure.code == "rpc.method-not-at-cap"
    assert "sent sync claiming version 1.0" in failure.message
    _names(failure, "sync", "1.0", "1.0")


def test_a_client_that_refuses_before_sending_passes(make_harness):
    # the real client prepares 1.1: pinned at 1.0 it raises RPCVersionCapError, nothing sent
    assert check_pinned_call(make_harness(), "sync", "1.0", {"host": "h"}) is False


def test_every_method_is_a_case_at_every_cap(make_harness):
    suite = RpcSuite(target=_Target(), harnesses={SAMPLE_RPC.name: make_harness()})
    calls = {c.id for c in suite.cases() if c.kind == "call" and not c.skip}
    assert "SecurityGroupAgentAPI.sync@1.0" in calls  # run, not skipped


# -- 2. unversioned payloads --------------------------------------------------------------


class ReshapedClient(dict_api.PortClient):
    """fixed_ips became a list of subnet ids, the RPC version stayed 1.0."""

    def update_port(self, context, port_id, port):
        body = {**port["port"], "fixed_ips": [ip["subnet_id"] for ip in port["port"]["fixed_ips"]]}
        cctxt = self.client.prepare(version="1.0")
        return cctxt.call(context, "update_port", port_id=port_id, port={"port": body})


def test_payload_shape_changed_without_a_bump_is_caught_by_the_run(port_harness):
    harness = port_harness(dict_api.api(client=ReshapedClient))
    body = {"port": {"fixed_ips": [{"subnet_id": "s1"}]}}
    failure = _caught(
        check_pinned_call, harness, "update_port", "1.0", {"port_id": "p", "port": body}
    )
    assert failure.code == "rpc.payload-shape"
    assert failure.field == "update_port(port)"
    assert failure.location == "/port/fixed_ips/0"
    assert "expected record, got string" in failure.message
    _port_names(failure, "update_port", "1.0", "1.0")


class NameReadingServer(dict_api.PortServer):
    """Reads port["name"], which 1.0 clients may omit; today's client always sends it."""

    def update_port(self, context, port_id, port):
        return {"id": port_id, "name": port["port"]["name"], "fixed_ips": []}


def test_messages_come_from_the_recorded_shapes_not_from_todays_client(port_harness):
    always_named = dict_api.PORT_BODY.filter(lambda body: "name" in body["port"])
    described = dict_api.api(
        server=NameReadingServer,
        arguments={**dict_api.PORT_API.arguments, "update_port": {"port": always_named}},
    )
    harness = port_harness(described)
    # today's client always sends a name: the client-driven property cannot see the bug
    ok = {"port_id": "p", "port": {"port": {"fixed_ips": [], "name": "n"}}}
    assert check_pinned_call(harness, "update_port", "1.0", ok) is True
    messages = recorded_messages(harness, "1.0")["update_port"]
    caught = []

    @settings(max_examples=50, database=None)
    @given(messages)
    def old_clients(args):
        try:
            check_recorded_message(harness, "1.0", "update_port", args)
        except CompatFailure as exc:
            caught.append(exc.failure)

    old_clients()
    assert caught, "no recorded-shape message without a name reached the server"
    failure = caught[0]
    assert failure.code == "rpc.new-server-rejects"
    assert "KeyError" in failure.message and "recorded shapes" in failure.message
    _port_names(failure, "update_port", "1.0", "current (1.0)")


# -- 3. the reply path --------------------------------------------------------------------


class NoFixedIpsServer(dict_api.PortServer):
    """LP#2071426's class: the reply's ports lost fixed_ips (and the API went to 1.1)."""

    target = oslo_messaging.Target(version="1.1")

    def get_network_info(self, context, network_id):
        return {"id": network_id, "ports": [{"id": "p1"}]}


def test_reply_missing_what_an_old_client_reads(port_harness):
    harness = port_harness(dict_api.api(server=NoFixedIpsServer))
    failure = _caught(check_pinned_call, harness, "get_network_info", "1.0", {"network_id": "n"})
    assert failure.code == "rpc.unreadable-result"
    assert failure.field == "get_network_info(<reply>)"
    assert failure.location == "/ports/0"
    assert "missing key(s) ['fixed_ips']" in failure.message
    _port_names(failure, "get_network_info", "1.0", "current (1.1)")


class FreshRuleServer(SecurityGroupAgentEndpoint):
    """Answers update_rule with a rule built at the current object version."""

    def update_rule(self, context, rule):
        return SecurityGroupRule(**RULE)


class PinnedSerializer(ovo_base.VersionedObjectSerializer):
    """The server serializer of a deployment pinned at ``cap``: backports replies."""

    OBJ_BASE_CLASS = SampleObject

    def __init__(self, cap):
        super().__init__()
        self.manifest = load_history(SAMPLE_SNAPSHOTS, SAMPLE_RPC.name)[cap]["objects"]

    def serialize_entity(self, context, entity):
        if isinstance(entity, ovo_base.VersionedObject):
            return entity.obj_to_primitive(target_version=self.manifest[entity.obj_name()])
        return super().serialize_entity(context, entity)


class UnpinnedSerializer(PinnedSerializer):
    """cinder LP#1609304: the server's serializer forgets the pin."""

    def serialize_entity(self, context, entity):
        return ovo_base.VersionedObjectSerializer.serialize_entity(self, context, entity)


@pytest.mark.parametrize("serializer", [PinnedSerializer, UnpinnedSerializer])
def test_the_server_serializer_is_the_projects(make_harness, serializer):
    described = _api(endpoint=FreshRuleServer, server_serializer=serializer)
    harness = make_harness(described)
    rule = SecurityGroupRule(**RULE).obj_to_primitive(target_version="1.1")
    kwargs = {"rule": SecurityGroupRule.obj_from_primitive(rule)}
    if serializer is PinnedSerializer:
        assert check_pinned_call(harness, "update_rule", "1.2", kwargs) is True
        return
    failure = _caught(check_pinned_call, harness, "update_rule", "1.2", kwargs)
    assert failure.code == "rpc.unreadable-result"
    assert "SecurityGroupRule 1.2" in failure.message
    _names(failure, "update_rule", "1.2", "current (1.3)")


# -- 4. a server default that changed meaning ---------------------------------------------


class EgressOffByDefault(SecurityGroupAgentEndpoint):
    target = oslo_messaging.Target(version="1.4")

    def get_rule_ids(self, context, security_group_id, include_egress=False):
        return []


def test_default_changed_for_clients_that_omit_it(make_harness):
    harness = make_harness(_api(endpoint=EgressOffByDefault))
    failure = _caught(check_pinned_call, harness, "get_rule_ids", "1.1", {"security_group_id": "s"})
    assert failure.code == "rpc.default-changed"
    assert failure.field == "get_rule_ids(include_egress)"
    assert "True" in failure.message and "False" in failure.message
    _names(failure, "get_rule_ids", "1.1", "current (1.4)")


# -- 5. check and snapshot: one comparison, one change at a time -------------------------


def _copy(tmp_path: Path) -> Path:
    directory = tmp_path / "rpc"
    shutil.copytree(SAMPLE_SNAPSHOTS, directory)
    return directory


def _edit(path: Path, version: str, edit) -> None:
    data = json.loads(path.read_text())
    edit(data["versions"][version])
    path.write_text(json.dumps(data))


def _older_network(directory: Path) -> None:
    # recorded when Network was 1.3; Network 1.4 since (compatible, never sent by this API)
    _edit(
        directory / "SecurityGroupAgentAPI.json",
        "1.3",
        lambda v: v["objects"].update(Network="1.3"),
    )


def _older_rule_sent(directory: Path) -> None:
    # recorded when update_rule at 1.3 sent SecurityGroupRule 1.1; the client now sends 1.2
    def edit(version):
        version["methods"]["update_rule"]["params"]["rule"] = {
            "objects": {"SecurityGroupRule": "1.1"}
        }

    _edit(directory / "shapes" / "SecurityGroupAgentAPI.json", "1.3", edit)


class RenamedParam(SecurityGroupAgentEndpoint):
    def get_rule_ids(self, context, sg_id, include_egress=True):
        return []


def _verdicts(directory: Path, described) -> tuple[list[str], str]:
    with Harness(
        described,
        load_history(directory, described.name),
        shapes=load_shapes(directory, described.name),
    ) as harness:
        suite = RpcSuite(target=_Target(), harnesses={described.name: harness})
        check = [f.code for f in suite.snapshot_failures(described.name)]
        suite.harnesses = {}
    try:
        snapshot = "recorded" if record_api(directory, described) else "unchanged"
    except RecordRefused as exc:
        snapshot = "refused: " + str(exc)
    return check, snapshot


@pytest.mark.parametrize(
    ("change", "check", "snapshot"),
    [
        ("nothing", [], "unchanged"),
        ("compatible object bump the API does not send", [], "unchanged"),
        ("object version sent at the same RPC version", ["rpc.unbumped"], "refused"),
        ("parameter renamed", ["rpc.unbumped"], "refused"),
    ],
)
def test_check_and_snapshot_agree(tmp_path, change, check, snapshot):
    directory = _copy(tmp_path)
    described = SAMPLE_RPC
    if change.startswith("compatible"):
        _older_network(directory)
    elif change.startswith("object version"):
        _older_rule_sent(directory)
    elif change.startswith("parameter"):
        described = _api(endpoint=RenamedParam)
    got_check, got_snapshot = _verdicts(directory, described)
    assert got_check == check
    assert got_snapshot.startswith(snapshot)
    if check:
        assert "rpc.unbumped" in got_snapshot  # the refusal is check's verdict, word for word


def test_payload_change_without_bump_is_refused_by_check_and_snapshot(tmp_path):
    dict_api.record(tmp_path)

    class Dropped(dict_api.PortServer):
        def get_network_info(self, context, network_id):
            return {"id": network_id, "ports": [{"id": "p1"}]}

    check, snapshot = _verdicts(tmp_path, dict_api.api(server=Dropped))
    assert check == ["rpc.unbumped"]
    assert snapshot.startswith("refused")
    assert "payload-changed (major) get_network_info(<reply>)/ports/[]/fixed_ips" in snapshot


# -- 6. declarations on the pytest path ---------------------------------------------------


def test_declared_rpc_exception_is_honoured_by_run(pytester):
    from tests.rpc.test_generic import _run

    declared = """
[[tool.ovo-compat.targets.sample.exceptions]]
object = "SecurityGroupAgentAPI"
code = "rpc.cap-exceeded"
field = "get_rule_ids"
reason = "seeded: this client always prepares 1.2"
"""
    # without the declaration get_rule_ids fails at caps 1.0 and 1.1 (test_generic.py)
    result = _run(pytester, "tests.rpc.broken_apis:NO_CAN_SEND_VERSION", declared)
    result.assert_outcomes(passed=33)


# -- 7. RpcApi(serializer=...) alone, a parameter never generated -------------------------


class SampleSerializer(ovo_base.VersionedObjectSerializer):
    OBJ_BASE_CLASS = SampleObject


def test_serializer_alone_names_the_objects(tmp_path):
    described = dataclasses.replace(SAMPLE_RPC, obj_base=None, serializer=SampleSerializer)
    assert describe_api(described)["objects"]["SecurityGroupRule"] == "1.2"
    assert record_api(tmp_path, described) is True
    recorded = load_history(tmp_path, described.name)["1.3"]["objects"]
    assert recorded == {"SecurityGroupRule": "1.2"}  # what update_rule sends and reads at 1.3
    with Harness(described, load_history(tmp_path, described.name)) as harness:
        assert check_pinned_call(harness, "update_rule", "1.3", {"rule": SecurityGroupRule(**RULE)})


class ForcefulClient(SecurityGroupAgentClient):
    def sync(self, context, host, force=False):
        return self.client.prepare(version="1.1").call(context, "sync", host=host)


def test_parameter_never_generated_is_reported_once_with_the_fix(make_harness):
    described = _api(client=ForcefulClient)
    client = ForcefulClient(make_harness(described).capture_transport())
    [(where, line)] = ungenerated_parameters(described, client)
    assert where == "sync(force)"
    assert "ForcefulClient.sync parameter 'force'" in line
    assert "RpcApi(arguments={'sync': {'force': <strategy>}})" in line
    suite = RpcSuite(target=_Target(), harnesses={described.name: make_harness(described)})
    [failure] = suite.ungenerated(described.name)
    assert failure.code == "rpc.ungenerated-parameter"
    assert (failure.subject, failure.field) == ("SecurityGroupAgentAPI", "sync(force)")


def test_a_recorded_version_without_shapes_is_shape_unknown(make_harness):
    # versions recorded before shapes existed keep their schema; they are never passed silently
    harness = Harness(SAMPLE_RPC, load_history(SAMPLE_SNAPSHOTS, SAMPLE_RPC.name), shapes={})
    with harness:
        suite = RpcSuite(target=_Target(), harnesses={SAMPLE_RPC.name: harness})
        failures = [
            f
            for cap in suite.caps(SAMPLE_RPC.name)
            for f in suite.shape_failures(SAMPLE_RPC.name, cap)
        ]
        suite.harnesses = {}
    assert [(f.code, f.from_version) for f in failures] == [
        ("rpc.shape-unknown", v) for v in ("1.0", "1.1", "1.2", "1.3")
    ]
    assert "no payload shapes recorded" in failures[0].message
    assert "ovo-compat snapshot --config pyproject.toml --target sample" in failures[0].message


# -- issue 9: caps of the window without a snapshot ---------------------------------------


@dataclasses.dataclass
class _Target:
    name: str = "sample"
    config_path: str = "pyproject.toml"
    snapshots: Path = SAMPLE_SNAPSHOTS.parent
    exceptions: tuple = ()
    oldest: str = "1.0"

    def oldest_supported(self, name):
        return self.oldest


def test_caps_of_the_window_without_snapshot_fail_the_run(make_harness):
    history = load_history(SAMPLE_SNAPSHOTS, SAMPLE_RPC.name)
    harness = Harness(SAMPLE_RPC, {"1.3": history["1.3"]})
    with harness:
        suite = RpcSuite(target=_Target(), harnesses={SAMPLE_RPC.name: harness})
        [failure] = suite.history_failures(SAMPLE_RPC.name)
        suite.harnesses = {}
    assert failure.code == "rpc.history-missing"
    assert failure.subject == "SecurityGroupAgentAPI"
    assert "caps 1.0, 1.1, 1.2 are inside the support window (1.0..1.3)" in failure.message
    assert "ovo-compat snapshot --config pyproject.toml --target sample" in failure.message


def test_infer_history_says_it_records_the_current_rpc_version_only(tmp_path):
    from compat_tests.config import load_target
    from compat_tests.rpc.record import snapshot_target

    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.ovo-compat.targets.t]\nobjects = ["tests.sample.objects"]\n'
        'snapshots = "snaps"\nrpc = ["tests.sample.rpc:SAMPLE_RPC"]\n'
    )
    out = io.StringIO()
    assert snapshot_target(load_target(config, "t"), out, infer_history=True) == []
    assert (
        "RPC API SecurityGroupAgentAPI recorded its current version 1.3 only; caps 1.0, 1.1, "
        "1.2 of its support window have no snapshot" in out.getvalue()
    )


def test_run_fails_for_caps_nobody_recorded(pytester, tmp_path):
    # issue 9: only the current version recorded (what `ovo-compat snapshot` alone gives)
    snaps = tmp_path / "snaps"
    record_api(snaps / "rpc", SAMPLE_RPC)
    from tests.rpc.test_generic import _config

    config = _config(pytester, "tests.sample.rpc:SAMPLE_RPC", snapshots=snaps)
    shutil.copytree(SAMPLE_SNAPSHOTS.parent, snaps, dirs_exist_ok=True, ignore=_rpc_dir)
    result = pytester.runpytest(
        "--pyargs", "compat_tests.test_rpc", "--compat-config", str(config),
        "--compat-target", "sample", "-p", "no:cacheprovider", "-q",
    )  # fmt: skip
    result.assert_outcomes(passed=result.parseoutcomes()["passed"], failed=1)
    result.stdout.fnmatch_lines(
        ["*rpc.history-missing*SecurityGroupAgentAPI: caps 1.0, 1.1, 1.2 are inside the support*"]
    )


def _rpc_dir(directory, names):
    return ["rpc"] if Path(directory).name == "sample" else []
