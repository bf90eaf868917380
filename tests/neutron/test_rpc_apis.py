"""Neutron's RPC APIs, pinned through the harness, at every cap in their support windows.

Every API in ``compat_tests.contrib.neutron.rpc.APIS`` is built (a Neutron
release that renames a class or adds a client method fails here), its recorded
snapshots match the history written from Neutron's comments, and every client
method passes the pinned-client properties against the server as it was at each
cap and against Neutron's current server code (with stub plugins, no database).
The cap just below each window fails with the reason the window starts there.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import oslo_messaging
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neutron.api.rpc.handlers import metadata_rpc
from neutron.objects.base import NeutronObject
from neutron.objects.ports import Port
from neutron.objects.qos.policy import QosPolicy

import strategies.contrib.neutron  # noqa: F401  (registers Neutron's field strategies)
from compat_tests.contrib.neutron import NeutronConfig
from compat_tests.contrib.neutron import rpc as neutron_rpc
from compat_tests.errors import SnapshotError
from compat_tests.failures import CompatFailure
from compat_tests.rpc import (
    Harness,
    RpcApi,
    argument_strategy,
    check_api,
    check_pinned_call,
    check_real_call,
    check_signatures,
    client_methods,
    describe_api,
    load_history,
    load_shapes,
)
from compat_tests.rpc.schema import object_manifest
from compat_tests.window import support_window

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "neutron" / "rpc"
APIS = {api.name: api for api in neutron_rpc.APIS}
_FEW = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (api, client method, cap) whose RPC method did not exist at the cap: never sent there
NOT_AT_CAP = {
    ("DhcpPluginApi", "get_dhcp_port", "1.6"),
    ("DhcpPluginApi", "get_dhcp_port", "1.7"),
    ("DhcpPluginApi", "get_networks", "1.6"),
}


TARGET = neutron_rpc.neutron_target()


def _window(api: RpcApi) -> list[str]:
    versions = neutron_rpc.history(api)
    current = describe_api(api)["version"]
    oldest = TARGET.oldest_supported(api.name)
    return list(support_window(api.name, versions, current, oldest).caps)


def _cases() -> Iterator:
    for api in neutron_rpc.APIS:
        for method in api.methods or _ALL_METHODS[api.name]:
            for cap in _window(api):
                yield pytest.param(api.name, method, cap, id=f"{api.name}.{method}@{cap}")


# APIs without methods=(...) exercise every public client method
_ALL_METHODS = {
    "ResourcesPushRpcApi": ("push",),
    "SecurityGroupServerRpcApi": (
        "security_group_info_for_devices",
        "security_group_rules_for_devices",
    ),
    "SecurityGroupAgentRpcApiMixin": (
        "security_groups_member_updated",
        "security_groups_rule_updated",
    ),
    "DVRServerRpcApi": (
        "get_dvr_mac_address_by_host",
        "get_dvr_mac_address_list",
        "get_ports",
        "get_ports_on_host_by_subnet",
        "get_subnet_for_dvr",
    ),
    "MetadataPluginAPI": ("get_ports",),
}


@pytest.fixture(scope="module")
def harnesses() -> Iterator[dict[str, Harness]]:
    """One harness per API over its recorded history, with Neutron's config and stub plugins."""
    with NeutronConfig(), neutron_rpc.StubPlugins():
        built = {}
        for name, api in APIS.items():
            harness = Harness(
                api, load_history(SNAPSHOTS, name), shapes=load_shapes(SNAPSHOTS, name)
            )
            harness.setUp()
            built[name] = harness
        yield built
        for harness in built.values():
            harness.cleanUp()


@pytest.mark.parametrize("name", list(APIS))
def test_api_builds_and_every_client_method_is_covered(name, harnesses):
    api = APIS[name]
    harness = harnesses[name]
    client = api.client(harness.capture_transport(), None)
    found = set(client_methods(RpcApi(name, api.topic, api.client, api.endpoints), client))
    exercised = set(client_methods(api, client))
    excluded = set(neutron_rpc.EXCLUDED.get(name, {}))
    # a client method Neutron adds must be exercised or excluded with a reason
    assert found == exercised | excluded
    assert exercised == set(api.methods or _ALL_METHODS[name])
    for method in exercised:
        assert isinstance(argument_strategy(api, client, method), st.SearchStrategy)
    assert describe_api(api)["version"] == list(neutron_rpc.history(api))[-1]


@pytest.mark.parametrize("name", list(APIS))
def test_recorded_snapshots_are_the_history(name, harnesses):
    api = APIS[name]
    recorded = load_history(SNAPSHOTS, name)
    assert recorded == neutron_rpc.history(api)
    oldest = TARGET.oldest_supported(name)
    assert check_api(name, recorded, describe_api(api), oldest=oldest) == []


@pytest.mark.parametrize(
    ("name", "cap"),
    [pytest.param(n, c, id=f"{n}@{c}") for n, api in APIS.items() for c in _window(api)],
)
def test_current_server_takes_every_call_of_the_window(name, cap, harnesses):
    check_signatures(harnesses[name], cap)


@pytest.mark.parametrize(("name", "method", "cap"), list(_cases()))
def test_pinned_client_passes(name, method, cap, harnesses):
    harness = harnesses[name]
    api = APIS[name]
    client = api.client(harness.capture_transport(), None)
    arguments = argument_strategy(api, client, method)
    checked = []

    @_FEW
    @given(st.data())
    def pinned(data):
        checked.append(check_pinned_call(harness, method, cap, data.draw(arguments)))

    pinned()
    assert set(checked) == {(name, method, cap) not in NOT_AT_CAP}


@pytest.mark.parametrize("name", list(APIS))
def test_real_transport_call_completes(name, harnesses):
    api = APIS[name]
    harness = harnesses[name]
    client = api.client(harness.capture_transport(), None)
    method = (api.methods or _ALL_METHODS[name])[0]
    cap = _window(api)[-1]

    @settings(max_examples=1, deadline=None, database=None)
    @given(st.data())
    def real(data):
        kwargs = data.draw(argument_strategy(api, client, method))
        for server in (cap, None):
            check_real_call(harness, method, cap, server, kwargs)

    real()


def test_pull_returns_the_object_the_server_holds(harnesses):
    harness = harnesses["ResourcesPullRpcApi"]
    api = APIS["ResourcesPullRpcApi"]
    client = api.client(harness.capture_transport(), None)

    @_FEW
    @given(argument_strategy(api, client, "pull"))
    def pull(kwargs):
        outcome = harness.call("pull", "1.1", None, kwargs)
        assert outcome.error is None
        assert outcome.result.obj_name() == kwargs["resource_type"]
        assert str(outcome.result.id) == kwargs["resource_id"]

    pull()


def test_push_reaches_the_agent_side(harnesses):
    harness = harnesses["ResourcesPushRpcApi"]
    api = APIS["ResourcesPushRpcApi"]
    client = api.client(harness.capture_transport(), None)

    @_FEW
    @given(argument_strategy(api, client, "push"))
    def push(kwargs):
        neutron_rpc.PUSHED.clear()
        outcome = harness.call("push", "1.1", None, kwargs)
        assert outcome.error is None
        (resource_type, pushed, event_type) = neutron_rpc.PUSHED[-1]
        assert resource_type == kwargs["resource_list"][0].obj_name()
        assert [obj.id for obj in pushed] == [obj.id for obj in kwargs["resource_list"]]
        assert event_type == kwargs["event_type"]

    push()


@pytest.mark.parametrize(
    ("name", "method", "cap"),
    [
        ("ResourcesPullRpcApi", "pull", "1.0"),
        ("ResourcesPushRpcApi", "push", "1.0"),
        ("SecurityGroupServerRpcApi", "security_group_info_for_devices", "1.2"),
    ],
)
def test_cap_below_the_window_is_exceeded(name, method, cap, harnesses):
    """Neutron's clients prepare a fixed version, so caps below it raise RPCVersionCapError."""
    harness = harnesses[name]
    api = APIS[name]
    client = api.client(harness.capture_transport(), None)
    codes = []

    @_FEW
    @given(argument_strategy(api, client, method))
    def pinned(kwargs):
        try:
            check_pinned_call(harness, method, cap, kwargs)
        except CompatFailure as failure:
            codes.append(failure.failure.code)
        else:
            codes.append(None)

    pinned()
    assert set(codes) == {"rpc.cap-exceeded"}


@pytest.mark.parametrize(
    ("name", "cap", "removed"),
    [
        ("DhcpPluginApi", "1.5", "get_active_networks"),
        ("L3PluginApi", "1.12", "process_prefix_update"),
    ],
)
def test_cap_below_the_window_calls_removed_methods(name, cap, removed, harnesses):
    """Below the window, old clients may call methods the current server no longer has."""
    with pytest.raises(CompatFailure) as caught:
        check_signatures(harnesses[name], cap)
    assert caught.value.failure.code == "rpc.new-server-rejects"
    assert removed in caught.value.failure.message


def test_object_manifest_reads_neutrons_own_registry():
    manifest = object_manifest(NeutronObject)
    assert manifest["Port"] == Port.VERSION
    assert manifest["QosPolicy"] == QosPolicy.VERSION


def test_history_names_the_table_to_update_when_neutron_bumps_an_api():
    class NewerMetadata(metadata_rpc.MetadataRpcCallback):
        target = oslo_messaging.Target(version="1.1")

    api = dataclasses.replace(neutron_rpc.METADATA, endpoints=lambda: [NewerMetadata()])
    with pytest.raises(SnapshotError, match=r"MetadataPluginAPI.*1\.1.*_HISTORY ends at 1\.0"):
        neutron_rpc.history(api)


def test_one_support_window_the_targets():
    assert not hasattr(neutron_rpc, "SUPPORT")
    for name in APIS:
        assert name in TARGET.support, f"{name} has no [support] entry in pyproject.toml"


def test_importing_the_adapter_has_no_side_effect():
    # the adapter used to run import_all_objects() at import; StubPlugins does it now
    code = (
        "from unittest import mock; import compat_tests.contrib.neutron.environment as e; "
        "calls = []; e.import_all_objects = lambda *a: calls.append(a); "
        "import compat_tests.contrib.neutron.rpc; print(bool(calls))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("name", list(APIS))
def test_payload_shapes_are_recorded_for_every_cap_of_the_window(name):
    shapes = load_shapes(SNAPSHOTS, name)
    for cap in _window(APIS[name]):
        assert cap in shapes, f"{name} {cap}: no payload shapes recorded"
        entry = shapes[cap]
        assert entry["provenance"]["source"]
        history = load_history(SNAPSHOTS, name)[cap]
        for method, described in entry["methods"].items():
            assert method in history["methods"]
            for arg, shape in described["params"].items():
                assert shape, f"{name} {cap} {method}({arg}): shape never seen"
            if "reply" in described:
                assert described["reply"], f"{name} {cap} {method}: reply never seen"


def test_dict_and_list_payloads_have_full_shapes():
    # the security-group payload of LP#1903531 and the DHCP port body of LP#2071426
    sg = load_shapes(SNAPSHOTS, "SecurityGroupServerRpcApi")["1.3"]["methods"]
    info = sg["security_group_info_for_devices"]["reply"]
    assert info["required"] == ["devices", "security_groups", "sg_member_ips"]
    member_ips = info["properties"]["sg_member_ips"]["additionalProperties"]
    assert set(member_ips["properties"]) == {"IPv4", "IPv6"}
    dhcp = load_shapes(SNAPSHOTS, "DhcpPluginApi")["1.10"]["methods"]
    body = dhcp["create_dhcp_port"]["params"]["port"]["properties"]["port"]
    assert "fixed_ips" in body["required"]
    assert body["properties"]["fixed_ips"]["items"]["required"] == ["subnet_id"]
