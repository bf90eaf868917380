"""`RpcApi` descriptions of Neutron's RPC APIs, with their version histories.

Each API pairs Neutron's real client class with its real server callback
class.  The callbacks look their plugins up in ``neutron_lib.plugins.directory``;
`StubPlugins` (a target fixture) fills the directory with stub plugins that answer
with valid-shaped data, so a call completes without a database.  Client methods
whose server side reads the database directly (not through a plugin) are left out
of ``methods=`` and listed in `EXCLUDED` with the reason.

Neutron's clients build their own uncapped ``RPCClient`` through
``neutron_lib.rpc.get_client`` (no object serializer: objects travel as primitives
the caller made); they are built here on the harness's transport and pinned by
the harness (``client_attr="client"``).

Histories: only the current server exists in the installed code, so older
versions are rebuilt from the "API version history" comments of the callback
classes (`history`).  ``python -m compat_tests.contrib.neutron.rpc [DIR]`` records
every version into ``DIR`` (default ``snapshots/neutron/rpc``).

`SUPPORT` holds the oldest cap each API still serves (the target's ``support``
entries), with the reason next to each number.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import fixtures
import oslo_messaging
from hypothesis import strategies as st
from neutron.agent.dhcp.agent import DhcpPluginApi
from neutron.agent.l3.agent import L3PluginApi
from neutron.agent.metadata.agent import MetadataPluginAPI
from neutron.api.rpc.callbacks import events, resources
from neutron.api.rpc.callbacks.consumer import registry as consumer_registry
from neutron.api.rpc.callbacks.producer import registry as producer_registry
from neutron.api.rpc.handlers import dvr_rpc, metadata_rpc, resources_rpc, securitygroups_rpc
from neutron.api.rpc.handlers.dhcp_rpc import DhcpRpcCallback
from neutron.api.rpc.handlers.l3_rpc import L3RpcCallback
from neutron.db import agents_db
from neutron.objects.base import NeutronObject
from neutron_lib import constants
from neutron_lib import fixture as nl_fixture
from neutron_lib import rpc as n_rpc
from neutron_lib.agent import topics
from neutron_lib.api import attributes
from neutron_lib.api.definitions import port as port_def
from neutron_lib.api.definitions import portbindings
from neutron_lib.exceptions import agent as agent_exc
from neutron_lib.plugins import constants as plugin_constants
from neutron_lib.plugins import directory

from compat_tests.contrib.neutron.environment import context, import_all_objects
from compat_tests.errors import SnapshotError
from compat_tests.rpc import RpcApi, describe_api
from compat_tests.rpc.schema import version_key
from compat_tests.snapshots import SnapshotStore

__all__ = [
    "APIS",
    "DHCP",
    "DVR",
    "EXCLUDED",
    "L3",
    "METADATA",
    "PUSHED",
    "RESOURCES_PULL",
    "RESOURCES_PUSH",
    "SECURITY_GROUP_AGENT",
    "SECURITY_GROUP_SERVER",
    "SUPPORT",
    "StubPlugins",
    "history",
    "record",
]

# Port (a resource type) holds children from modules nothing else imports
import_all_objects()

HOST = "ovo-compat-host"
_MAC = "fa:16:3e:00:00:01"

# ---------------------------------------------------------------------------------------
# Stub plugins and the resource registries the callbacks consult
# ---------------------------------------------------------------------------------------

# resources for ResourcesPullRpcApi.pull: the argument strategy puts each generated
# object here and the stub producer hands it to the server
_PULLABLE: dict[tuple[str, str], NeutronObject] = {}
PUSHED: list[tuple[str, list[Any], str]] = []
"""What reached the agent side of the push APIs: (resource type or method, payload, event)."""


class _StubCorePlugin(agents_db.AgentDbMixin):
    """Core plugin answering every call the listed RPC callbacks make, without a database.

    Subclasses ``AgentDbMixin`` because the resource version manager refuses other
    plugins; none of its database methods is reached.
    """

    supported_extension_aliases: list[str] = []

    def __init__(self) -> None:  # AgentDbMixin.__init__ starts agent bookkeeping
        pass

    def get_agents_resource_versions(self, tracker: Any) -> None:
        """No agent reports versions: resources are pushed at the server's versions."""

    def _get_agent_by_type_and_host(self, context: Any, agent_type: str, host: str) -> Any:
        raise agent_exc.AgentNotFoundByTypeHost(agent_type=agent_type, host=host)

    def get_ports(self, context: Any, filters: Any = None, fields: Any = None, **kw: Any) -> list:
        """No port matches."""
        return []

    def get_port(self, context: Any, id: str, fields: Any = None) -> dict:
        """A DHCP port reserved for any agent."""
        return _port(id, device_id=constants.DEVICE_ID_RESERVED_DHCP_PORT)

    def create_port(self, context: Any, port: dict) -> dict:
        """Echo the port with an id, unspecified attributes left at the stub's values."""
        given = {k: v for k, v in port["port"].items() if v is not constants.ATTR_NOT_SPECIFIED}
        return {**_port("00000000-0000-0000-0000-000000000001"), **given}

    def update_port(self, context: Any, id: str, port: dict) -> dict:
        """Echo the update on top of the stored port."""
        return {**self.get_port(context, id), **port.get("port", {}), "id": id}

    def delete_ports_by_device_id(self, context: Any, device_id: str, network_id: Any) -> None:
        """Nothing to delete."""

    def get_dhcp_agents_hosting_networks(self, context: Any, network_ids: Any, **kw: Any) -> list:
        """Every network is hosted by the asking agent."""
        return [{"host": host} for host in kw.get("hosts") or [HOST]]

    def get_networks(self, context: Any, filters: Any = None, fields: Any = None, **kw: Any):
        """No network matches."""
        return []

    def get_ports_from_devices(self, context: Any, devices: Any) -> list:
        """No device is a known port."""
        return []

    def security_group_rules_for_ports(self, context: Any, ports: dict) -> list:
        """The ports, with no rules added."""
        return list(ports.values())

    def security_group_info_for_ports(self, context: Any, ports: dict) -> dict:
        """Empty security group information in the 1.3 shape."""
        return {"security_groups": {}, "sg_member_ips": {}, "devices": ports}

    def get_dvr_mac_address_list(self, context: Any) -> list:
        """One DVR MAC address."""
        return [{"host": HOST, "mac_address": _MAC}]

    def get_dvr_mac_address_by_host(self, context: Any, host: str) -> dict:
        """The DVR MAC address of ``host``."""
        return {"host": host, "mac_address": _MAC}

    def get_ports_on_host_by_subnet(self, context: Any, host: str, subnet: str) -> list:
        """No DVR-serviced port."""
        return []

    def get_subnet_for_dvr(self, context: Any, subnet: str, fixed_ips: Any = None) -> dict:
        """A minimal subnet description."""
        return {"id": subnet, "cidr": "10.0.0.0/24", "gateway_ip": "10.0.0.1", "ip_version": 4}


class _StubL3Plugin:
    """L3 service plugin answering the calls of ``L3RpcCallback`` (no scheduler extension)."""

    supported_extension_aliases: list[str] = []

    def list_router_ids_on_host(self, context: Any, host: str) -> list:
        """No router is scheduled."""
        return []

    def get_sync_data(self, context: Any, router_ids: Any = None, active: Any = None) -> list:
        """No router to sync."""
        return []

    def get_host_ha_router_count(self, context: Any, host: str) -> int:
        """No HA router."""
        return 0

    def get_floatingips(self, context: Any, filters: Any = None, fields: Any = None) -> list:
        """No floating IP."""
        return []

    def update_floatingip_status(self, context: Any, fip_id: str, status: str) -> None:
        """Accept any status."""

    def get_ports_under_dvr_connected_subnet(self, context: Any, subnet_id: str) -> list:
        """No port."""
        return []

    def create_fip_agent_gw_port_if_not_exists(self, context: Any, network_id: str, host: str):
        """A gateway port on ``network_id``."""
        return _port("00000000-0000-0000-0000-000000000002", network_id=network_id)

    def update_routers_states(self, context: Any, states: Any, host: str) -> None:
        """Accept any state."""

    def delete_floatingip_agent_gateway_port(self, context: Any, host: str, network_id: str):
        """Nothing to delete."""


class _SecurityGroupAgent:
    """The ``sg_agent`` an agent's notification endpoint forwards to."""

    def security_groups_rule_updated(self, security_groups: list) -> None:
        """Record the notification."""
        PUSHED.append(("security_groups_rule_updated", list(security_groups), ""))

    def security_groups_member_updated(self, security_groups: list) -> None:
        """Record the notification."""
        PUSHED.append(("security_groups_member_updated", list(security_groups), ""))


def _port(port_id: str, **overrides: Any) -> dict:
    return {
        "id": port_id,
        "network_id": "00000000-0000-0000-0000-00000000000a",
        "device_id": "",
        "device_owner": constants.DEVICE_OWNER_DHCP,
        "mac_address": _MAC,
        "fixed_ips": [],
        "admin_state_up": True,
        **overrides,
    }


def _produce(resource_type: str, resource_id: str, **kwargs: Any) -> NeutronObject | None:
    return _PULLABLE.get((resource_type, resource_id))


def _consume(context: Any, resource_type: str, resource_list: list, event_type: str) -> None:
    PUSHED.append((resource_type, resource_list, event_type))


class StubPlugins(fixtures.Fixture):
    """Stub core and L3 plugins in ``neutron_lib.plugins.directory``, plus resource callbacks.

    A target fixture (``fixtures = ["compat_tests.contrib.neutron.rpc:StubPlugins"]``).
    Registers a producer (answers ``pull``) and a consumer (receives ``push``) for
    every RPC resource type; restores the directory, the registries and the
    resource version cache on cleanup.
    """

    def _setUp(self) -> None:
        self.useFixture(nl_fixture.PluginDirectoryFixture())
        # the port attributes the server's extension manager adds (create_port validates them)
        bindings = mock.patch.dict(
            attributes.RESOURCES[port_def.COLLECTION_NAME],
            portbindings.RESOURCE_ATTRIBUTE_MAP[port_def.COLLECTION_NAME],
        )
        bindings.start()
        self.addCleanup(bindings.stop)
        directory.add_plugin(plugin_constants.CORE, _StubCorePlugin())
        directory.add_plugin(plugin_constants.L3, _StubL3Plugin())
        self.useFixture(
            fixtures.MonkeyPatch(
                "neutron.api.rpc.callbacks.version_manager._cached_version_tracker", None
            )
        )
        for resource_type in resources.LOCAL_RESOURCE_VERSIONS:
            producer_registry.provide(_produce, resource_type)
            self.addCleanup(producer_registry.unprovide, _produce, resource_type)
            consumer_registry.register(_consume, resource_type)
            self.addCleanup(consumer_registry.unsubscribe, _consume, resource_type)
        self.addCleanup(_PULLABLE.clear)
        self.addCleanup(PUSHED.clear)


# ---------------------------------------------------------------------------------------
# Clients on the harness's transport
# ---------------------------------------------------------------------------------------


def _on_transport(transport: Any, build: Callable[[], Any], hide: str | None = None) -> Any:
    """Run ``build`` with ``neutron_lib.rpc.TRANSPORT`` set to ``transport``.

    ``hide`` names an attribute deleted during the build (a singleton's cached
    instance) and restored afterwards.
    """
    with contextlib.ExitStack() as stack:
        stack.enter_context(fixtures.MonkeyPatch("neutron_lib.rpc.TRANSPORT", transport))
        if hide is not None:
            stack.enter_context(fixtures.MonkeyPatch(hide, fixtures.MonkeyPatch.delete))
        return build()


def _adapted(api_cls: type, *, add_context: bool = False) -> type:
    """A subclass of ``api_cls`` whose public methods show their real signatures.

    ``L3PluginApi`` decorates its methods with ``utils.timecost``, whose wrapper
    takes ``(*args, **kwargs)`` and hides the parameters argument strategies need.
    With ``add_context``, methods without a context parameter get one, which is
    dropped: ``DhcpPluginApi`` makes its own admin context per call while the
    harness passes one first.
    """
    namespace: dict[str, Any] = {}
    for name in dir(api_cls):
        func = getattr(api_cls, name)
        if name.startswith("_") or not inspect.isfunction(func):
            continue
        params = list(_real_signature(func, name).parameters.values())
        has_context = len(params) > 1 and params[1].name == "context"
        namespace[name] = _method(func, params, drop_context=add_context and not has_context)
    return types.new_class(
        f"{api_cls.__name__}ForHarness", (api_cls,), {}, lambda ns: ns.update(namespace)
    )


def _real_signature(func: Callable, name: str) -> inspect.Signature:
    """The signature of the function a decorator chain ends in (found by name if unwrapped)."""
    seen: set[int] = set()
    while id(func) not in seen:
        seen.add(id(func))
        signature = inspect.signature(func, follow_wrapped=False)
        if any(
            p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in signature.parameters.values()
        ):
            return signature
        inner = getattr(func, "__wrapped__", None)
        if inner is None:
            cells = [c.cell_contents for c in getattr(func, "__closure__", None) or ()]
            found = [c for c in cells if inspect.isfunction(c) and c.__name__ == name]
            inner = found[0] if found else func
        func = inner
    return inspect.signature(func)


def _method(func: Callable, params: list[inspect.Parameter], *, drop_context: bool) -> Callable:
    if drop_context:

        def method(self: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
            return func(self, *args, **kwargs)

        ctx = inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = [params[0], ctx, *params[1:]]
    else:

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return func(self, *args, **kwargs)

    method.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    method.__name__ = method.__qualname__ = func.__name__
    method.__doc__ = func.__doc__
    return method


_DhcpClient = _adapted(DhcpPluginApi, add_context=True)
_L3Client = _adapted(L3PluginApi)
_PULL_SINGLETON = "neutron.api.rpc.handlers.resources_rpc.ResourcesPullRpcApi._instance"


class _SecurityGroupNotifier(securitygroups_rpc.SecurityGroupAgentRpcApiMixin):
    """The server's notifier to agents: the mixin over a client on the agent topic."""

    def __init__(self) -> None:
        self.topic = topics.AGENT
        self.client = n_rpc.get_client(oslo_messaging.Target(topic=self.topic, version="1.0"))


class _SecurityGroupAgentEndpoint(securitygroups_rpc.SecurityGroupAgentRpcCallbackMixin):
    """An agent's endpoint for the notifications (agents mix the callbacks into theirs)."""

    target = oslo_messaging.Target(version="1.1")

    def __init__(self) -> None:
        self.sg_agent = _SecurityGroupAgent()


# ---------------------------------------------------------------------------------------
# Argument strategies
# ---------------------------------------------------------------------------------------

_uuids = st.uuids().map(str)
_hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
_RESOURCE_CLASSES = tuple(
    resources.get_resource_cls(t) for t in sorted(resources.LOCAL_RESOURCE_VERSIONS)
)


def _objects(cls: type) -> st.SearchStrategy:
    from strategies import objects

    return objects(cls, max_depth=1)


def _pullable() -> st.SearchStrategy[NeutronObject]:
    """A generated resource with an id, put where the stub producer finds it."""

    def seed(obj: NeutronObject) -> NeutronObject:
        _PULLABLE[(obj.obj_name(), str(obj.id))] = obj
        return obj

    with_id = [cls for cls in _RESOURCE_CLASSES if "id" in cls.fields]
    return (
        st.sampled_from(with_id)
        .flatmap(lambda cls: _objects(cls).filter(lambda o: o.obj_attr_is_set("id")))
        .map(seed)
    )


# one shared draw per example: resource_type and resource_id name the same object
_PULLED = st.shared(st.deferred(_pullable), key="ovo-compat-neutron-pull")
_push_lists = st.sampled_from(_RESOURCE_CLASSES).flatmap(
    lambda cls: st.lists(_objects(cls), min_size=1, max_size=2)
)
_filters = st.dictionaries(
    st.sampled_from(["id", "network_id", "device_id", "device_owner"]),
    st.lists(_uuids, max_size=2),
    max_size=2,
)
_fields = st.none() | st.lists(st.sampled_from(["id", "name", "subnets", "mtu"]), max_size=3)
_port_body = st.fixed_dictionaries(
    {
        "network_id": _uuids,
        "project_id": st.uuids().map(lambda u: u.hex),
        "device_id": _uuids.map(lambda u: f"dhcp{u}"),
        "fixed_ips": st.lists(st.fixed_dictionaries({"subnet_id": _uuids}), max_size=2),
    },
    optional={"mac_address": st.just(_MAC), "name": st.text(max_size=10)},
).map(lambda port: {"port": port})
_ha_states = st.dictionaries(_uuids, st.sampled_from(["active", "standby"]), max_size=2)
_security_groups = st.lists(_uuids, max_size=3)

# ---------------------------------------------------------------------------------------
# The APIs
# ---------------------------------------------------------------------------------------

_COMMON: dict[str, Any] = {
    # obj_base only names the classes of the object manifest; nothing is serialized with it
    "obj_base": NeutronObject,
    "serializer": n_rpc.RequestContextSerializer,
    "context": context,
}

RESOURCES_PULL = RpcApi(
    name="ResourcesPullRpcApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: _on_transport(
        transport, resources_rpc.ResourcesPullRpcApi, hide=_PULL_SINGLETON
    ),
    endpoints=lambda: [resources_rpc.ResourcesPullRpcCallback()],
    methods=("pull",),
    arguments={
        "pull": {
            "resource_type": _PULLED.map(lambda obj: obj.obj_name()),
            "resource_id": _PULLED.map(lambda obj: str(obj.id)),
        }
    },
    **_COMMON,
)
"""Agents pull versioned objects from the server."""

RESOURCES_PUSH = RpcApi(
    name="ResourcesPushRpcApi",
    # casts fan out on one topic per resource type and version: the real-transport
    # call reaches no listener on this topic (the fast path dispatches every cast)
    topic="neutron-vo",
    client=lambda transport, cap: _on_transport(transport, resources_rpc.ResourcesPushRpcApi),
    endpoints=lambda: [resources_rpc.ResourcesPushRpcCallback()],
    arguments={"push": {"resource_list": _push_lists, "event_type": st.sampled_from(events.VALID)}},
    **_COMMON,
)
"""The server pushes versioned objects to agents."""

DHCP = RpcApi(
    name="DhcpPluginApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: _on_transport(
        transport, lambda: _DhcpClient(topics.PLUGIN, HOST)
    ),
    # get_ports is answered by MetadataRpcCallback: every RPC namespace is None in Neutron
    endpoints=lambda: [DhcpRpcCallback(), metadata_rpc.MetadataRpcCallback()],
    methods=(
        "create_dhcp_port",
        "get_active_networks_info",
        "get_dhcp_port",
        "get_networks",
        "get_ports",
        "release_dhcp_port",
        "update_dhcp_port",
    ),
    arguments={
        "create_dhcp_port": {"port": _port_body},
        "get_dhcp_port": {"port_id": _uuids},
        "get_networks": {"filters": st.none() | _filters, "fields": _fields},
        "get_ports": {"port_filters": _filters},
        "release_dhcp_port": {"network_id": _uuids, "device_id": _uuids},
        "update_dhcp_port": {"port_id": _uuids, "port": _port_body},
    },
    **_COMMON,
)
"""The DHCP agent's calls to the server."""

L3 = RpcApi(
    name="L3PluginApi",
    topic=topics.L3PLUGIN,
    client=lambda transport, cap: _on_transport(
        transport, lambda: _L3Client(topics.L3PLUGIN, HOST)
    ),
    endpoints=lambda: [L3RpcCallback()],
    methods=(
        "delete_agent_gateway_port",
        "get_agent_gateway_port",
        "get_host_ha_router_count",
        "get_networks",
        "get_ports_by_subnet",
        "get_router_ids",
        "get_routers",
        "get_service_plugin_list",
        "update_all_ha_network_port_statuses",
        "update_ha_routers_states",
    ),
    arguments={
        "get_routers": {"router_ids": st.none() | st.lists(_uuids, max_size=2)},
        "get_ports_by_subnet": {"subnet_id": _uuids},
        "get_agent_gateway_port": {"fip_net": _uuids},
        "delete_agent_gateway_port": {"fip_net": _uuids},
        "update_ha_routers_states": {"states": _ha_states},
        "get_networks": {"filters": st.none() | _filters, "fields": _fields},
    },
    **_COMMON,
)
"""The L3 agent's calls to the server."""

SECURITY_GROUP_SERVER = RpcApi(
    name="SecurityGroupServerRpcApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: _on_transport(
        transport, lambda: securitygroups_rpc.SecurityGroupServerRpcApi(topics.PLUGIN)
    ),
    endpoints=lambda: [securitygroups_rpc.SecurityGroupServerRpcCallback()],
    arguments={
        "security_group_rules_for_devices": {"devices": st.lists(_uuids, max_size=3)},
        "security_group_info_for_devices": {"devices": st.lists(_uuids, max_size=3)},
    },
    **_COMMON,
)
"""Agents ask the server for the security groups of their devices."""

SECURITY_GROUP_AGENT = RpcApi(
    name="SecurityGroupAgentRpcApiMixin",
    topic=topics.get_topic_name(topics.AGENT, topics.SECURITY_GROUP, topics.UPDATE),
    client=lambda transport, cap: _on_transport(transport, _SecurityGroupNotifier),
    endpoints=lambda: [_SecurityGroupAgentEndpoint()],
    arguments={
        "security_groups_rule_updated": {"security_groups": _security_groups},
        "security_groups_member_updated": {"security_groups": _security_groups},
    },
    **_COMMON,
)
"""The server notifies agents of security group changes."""

DVR = RpcApi(
    name="DVRServerRpcApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: _on_transport(
        transport, lambda: dvr_rpc.DVRServerRpcApi(topics.PLUGIN)
    ),
    # get_ports is answered by MetadataRpcCallback (see DVRServerRpcApi.get_ports)
    endpoints=lambda: [dvr_rpc.DVRServerRpcCallback(), metadata_rpc.MetadataRpcCallback()],
    arguments={
        "get_dvr_mac_address_by_host": {"host": _hosts},
        "get_ports_on_host_by_subnet": {"host": _hosts, "subnet": _uuids},
        "get_subnet_for_dvr": {
            "subnet": _uuids,
            "fixed_ips": st.lists(
                st.fixed_dictionaries({"subnet_id": _uuids, "ip_address": st.just("10.0.0.5")}),
                max_size=2,
            ),
        },
        "get_ports": {"filters": _filters},
    },
    **_COMMON,
)
"""The DVR agent's calls to the server."""

METADATA = RpcApi(
    name="MetadataPluginAPI",
    topic=topics.PLUGIN,
    client=lambda transport, cap: _on_transport(
        transport, lambda: MetadataPluginAPI(topics.PLUGIN)
    ),
    endpoints=lambda: [metadata_rpc.MetadataRpcCallback()],
    arguments={"get_ports": {"port_filters": _filters}},
    **_COMMON,
)
"""The metadata agent's calls to the server."""

APIS: tuple[RpcApi, ...] = (
    RESOURCES_PULL,
    RESOURCES_PUSH,
    DHCP,
    L3,
    SECURITY_GROUP_SERVER,
    SECURITY_GROUP_AGENT,
    DVR,
    METADATA,
)
"""Every API described here (the target's ``rpc`` list names each one)."""

EXCLUDED: Mapping[str, Mapping[str, str]] = {
    "ResourcesPullRpcApi": {
        "bulk_pull": "ResourcesPullRpcCallback.bulk_pull calls <Resource>.get_objects (database)",
    },
    "DhcpPluginApi": {
        "get_network_info": "DhcpRpcCallback.get_network_info calls Network.get_object (database)",
        "dhcp_ready_on_ports": "provisioning_blocks.provisioning_complete writes the database",
    },
    "L3PluginApi": {
        "update_floatingip_statuses": "L3RpcCallback opens a database writer transaction",
    },
}
"""Client methods left out of ``methods=``, with the reason (their server needs a database)."""

SUPPORT: Mapping[str, str] = {
    # pull() prepares at the client's own 1.1 target, so 1.0 servers are out
    "ResourcesPullRpcApi": "1.1",
    # push() always prepares 1.1 (resource_list)
    "ResourcesPushRpcApi": "1.1",
    # 1.2-1.6 removed methods with minor bumps, on purpose (DhcpRpcCallback's history)
    "DhcpPluginApi": "1.6",
    # 1.13 removed process_prefix_update and get_external_network_id
    "L3PluginApi": "1.13",
    # security_group_info_for_devices always prepares 1.3
    "SecurityGroupServerRpcApi": "1.3",
    "SecurityGroupAgentRpcApiMixin": "1.1",
    "DVRServerRpcApi": "1.0",
    "MetadataPluginAPI": "1.0",
}
"""Oldest cap still served, per API (the target's ``support`` entries)."""


# ---------------------------------------------------------------------------------------
# Version histories, from the callbacks' "API version history" comments
# ---------------------------------------------------------------------------------------

# the removed methods took keyword arguments only, like the callbacks' other methods
_KWARGS = {"params": {"**kwargs": {"required": False}}, "signature": "(context, **kwargs)"}


@dataclass(frozen=True)
class _Span:
    """Server method ``method`` existed from ``since`` up to (not including) ``until``."""

    method: str
    since: str
    until: str | None = None
    desc: Mapping[str, Any] | None = None  # None: as the current server has it


# per API: every server version, and the methods that did not exist in all of them
_HISTORY: dict[str, tuple[list[str], list[_Span]]] = {
    "ResourcesPullRpcApi": (["1.0", "1.1"], [_Span("bulk_pull", "1.1")]),
    "ResourcesPushRpcApi": (
        ["1.0", "1.1"],
        [
            _Span(
                "push",
                "1.0",
                "1.1",
                {
                    "params": {"resource": {"required": True}, "event_type": {"required": True}},
                    "signature": "(context, resource, event_type)",
                },
            ),
            _Span("push", "1.1"),
        ],
    ),
    "DhcpPluginApi": (
        [f"1.{minor}" for minor in range(11)],
        [
            _Span("get_active_networks", "1.0", "1.6", _KWARGS),
            _Span("release_port_fixed_ip", "1.0", "1.3", _KWARGS),
            _Span("update_lease_expiration", "1.0", "1.4", _KWARGS),
            _Span("get_dhcp_port", "1.0", "1.2", _KWARGS),
            _Span("get_dhcp_port", "1.8"),
            _Span("get_active_networks_info", "1.1"),
            _Span("create_dhcp_port", "1.1"),
            _Span("update_dhcp_port", "1.1"),
            _Span("dhcp_ready_on_ports", "1.5"),
            _Span("get_networks", "1.7"),
        ],
    ),
    "L3PluginApi": (
        [f"1.{minor}" for minor in range(14)],
        [
            # L3PluginApi's docstring: "1.13 Removed get_external_network_id"
            _Span("get_external_network_id", "1.0", "1.13", _KWARGS),
            _Span("update_floatingip_statuses", "1.1"),
            _Span("get_ports_by_subnet", "1.2"),
            _Span("get_agent_gateway_port", "1.2"),
            _Span("get_service_plugin_list", "1.3"),
            # "later removed, since it was unused. The RPC version was not changed"
            _Span("update_router_state", "1.4", "1.5", _KWARGS),
            _Span("update_ha_routers_states", "1.5"),
            _Span("process_prefix_update", "1.6", "1.13", _KWARGS),
            _Span("delete_agent_gateway_port", "1.7"),
            _Span("get_router_ids", "1.9"),
            _Span("update_all_ha_network_port_statuses", "1.10"),
            _Span("get_host_ha_router_count", "1.11"),
            _Span("get_networks", "1.12"),
        ],
    ),
    "SecurityGroupServerRpcApi": (
        ["1.1", "1.2", "1.3"],
        [_Span("security_group_info_for_devices", "1.2")],
    ),
    "SecurityGroupAgentRpcApiMixin": (["1.1"], []),
    "DVRServerRpcApi": (["1.0", "1.1"], []),
    "MetadataPluginAPI": (["1.0"], []),
}


def history(api: RpcApi) -> dict[str, dict[str, Any]]:
    """Every version of ``api``'s server schema, oldest first, ending with the current one.

    An older version has the current server's methods minus those added later,
    plus the removed ones (signatures in ``_HISTORY``); namespace and object
    manifest are the current server's (older object versions are not recorded in
    Neutron's comments).
    """
    current = describe_api(api)
    versions, spans = _HISTORY[api.name]
    if versions[-1] != current["version"]:
        raise SnapshotError(
            f"{__file__}: RPC API {api.name}: Neutron's server is at {current['version']} "
            f"but _HISTORY ends at {versions[-1]}; add the new version (and its method "
            "changes) to _HISTORY, then run `python -m compat_tests.contrib.neutron.rpc`"
        )
    result = {}
    for version in versions:
        key = version_key(version)
        methods = {}
        for name, desc in current["methods"].items():
            mine = [span for span in spans if span.method == name]
            if not mine or any(_alive(span, key) for span in mine):
                methods[name] = desc
        for span in spans:
            if span.desc is not None and _alive(span, key):
                methods[span.method] = copy.deepcopy(dict(span.desc))
        result[version] = {**current, "version": version, "methods": methods}
    result[current["version"]] = current
    return result


def _alive(span: _Span, key: tuple[int, int]) -> bool:
    return version_key(span.since) <= key and (span.until is None or key < version_key(span.until))


def record(directory: Path) -> list[str]:
    """Record every version of every API under ``directory``; names of the APIs written to."""
    store = SnapshotStore(Path(directory))
    changed = []
    for api in APIS:
        written = [store.record(api.name, v, schema) for v, schema in history(api).items()]
        if any(written):
            changed.append(api.name)
    return changed


if __name__ == "__main__":
    for _name in record(Path(sys.argv[1] if len(sys.argv) > 1 else "snapshots/neutron/rpc")):
        print(f"recorded {_name}")
