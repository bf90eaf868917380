"""`RpcApi` descriptions of Neutron's RPC APIs: each pairs a real client class with its real server.

Client methods whose server side reads the database directly (not through a
plugin) are left out of ``methods=`` and listed in `EXCLUDED` with the reason.
The support window of each API is the target's (``[tool.ovo-compat.targets.neutron.support]``
in pyproject.toml, with the reason next to each number); nothing here repeats it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from neutron.agent.metadata.agent import MetadataPluginAPI
from neutron.api.rpc.callbacks import events
from neutron.api.rpc.handlers import dvr_rpc, metadata_rpc, resources_rpc, securitygroups_rpc
from neutron.api.rpc.handlers.dhcp_rpc import DhcpRpcCallback
from neutron.api.rpc.handlers.l3_rpc import L3RpcCallback
from neutron.objects.base import NeutronObject
from neutron_lib import rpc as n_rpc
from neutron_lib.agent import topics

from compat_tests.contrib.neutron.environment import context
from compat_tests.contrib.neutron.rpc import clients
from compat_tests.contrib.neutron.rpc import strategies as args
from compat_tests.contrib.neutron.rpc.stubs import HOST, push_topics, pushing_to
from compat_tests.rpc import RpcApi

__all__ = [
    "APIS",
    "DHCP",
    "DVR",
    "EXCLUDED",
    "L3",
    "METADATA",
    "RESOURCES_PULL",
    "RESOURCES_PUSH",
    "SECURITY_GROUP_AGENT",
    "SECURITY_GROUP_SERVER",
]

_COMMON: dict[str, Any] = {
    # obj_base only names the classes of the object manifest; nothing is serialized with it
    "obj_base": NeutronObject,
    "serializer": n_rpc.RequestContextSerializer,
    "context": context,
}

RESOURCES_PULL = RpcApi(
    name="ResourcesPullRpcApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: clients.on_transport(
        transport, resources_rpc.ResourcesPullRpcApi, hide=clients.PULL_SINGLETON
    ),
    endpoints=lambda: [resources_rpc.ResourcesPullRpcCallback()],
    methods=("pull",),
    arguments={
        "pull": {
            "resource_type": args.pulled.map(lambda obj: obj.obj_name()),
            "resource_id": args.pulled.map(lambda obj: str(obj.id)),
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
    client=lambda transport, cap: clients.on_transport(
        transport, resources_rpc.ResourcesPushRpcApi
    ),
    endpoints=lambda: [resources_rpc.ResourcesPushRpcCallback()],
    arguments={
        "push": {"resource_list": args.push_lists, "event_type": st.sampled_from(events.VALID)}
    },
    # agents consume on one topic per resource type and version; the server pushes at the
    # versions its agents reported (ovo-compat upgrade: the agent node's class versions)
    topics=push_topics,
    peer=pushing_to,
    **_COMMON,
)
"""The server pushes versioned objects to agents."""

DHCP = RpcApi(
    name="DhcpPluginApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: clients.on_transport(
        transport, lambda: clients.DhcpClient(topics.PLUGIN, HOST)
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
        "create_dhcp_port": {"port": args.port_body},
        "get_dhcp_port": {"port_id": args.uuids},
        "get_networks": {"filters": st.none() | args.filters, "fields": args.fields},
        "get_ports": {"port_filters": args.filters},
        "release_dhcp_port": {"network_id": args.uuids, "device_id": args.uuids},
        "update_dhcp_port": {"port_id": args.uuids, "port": args.port_body},
    },
    **_COMMON,
)
"""The DHCP agent's calls to the server."""

L3 = RpcApi(
    name="L3PluginApi",
    topic=topics.L3PLUGIN,
    client=lambda transport, cap: clients.on_transport(
        transport, lambda: clients.L3Client(topics.L3PLUGIN, HOST)
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
        "get_routers": {"router_ids": st.none() | st.lists(args.uuids, max_size=2)},
        "get_ports_by_subnet": {"subnet_id": args.uuids},
        "get_agent_gateway_port": {"fip_net": args.uuids},
        "delete_agent_gateway_port": {"fip_net": args.uuids},
        "update_ha_routers_states": {"states": args.ha_states},
        "get_networks": {"filters": st.none() | args.filters, "fields": args.fields},
    },
    **_COMMON,
)
"""The L3 agent's calls to the server."""

SECURITY_GROUP_SERVER = RpcApi(
    name="SecurityGroupServerRpcApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: clients.on_transport(
        transport, lambda: securitygroups_rpc.SecurityGroupServerRpcApi(topics.PLUGIN)
    ),
    endpoints=lambda: [securitygroups_rpc.SecurityGroupServerRpcCallback()],
    arguments={
        "security_group_rules_for_devices": {"devices": st.lists(args.uuids, max_size=3)},
        "security_group_info_for_devices": {"devices": st.lists(args.uuids, max_size=3)},
    },
    **_COMMON,
)
"""Agents ask the server for the security groups of their devices."""

SECURITY_GROUP_AGENT = RpcApi(
    name="SecurityGroupAgentRpcApiMixin",
    topic=topics.get_topic_name(topics.AGENT, topics.SECURITY_GROUP, topics.UPDATE),
    client=lambda transport, cap: clients.on_transport(transport, clients.SecurityGroupNotifier),
    endpoints=lambda: [clients.SecurityGroupAgentEndpoint()],
    arguments={
        "security_groups_rule_updated": {"security_groups": args.security_groups},
        "security_groups_member_updated": {"security_groups": args.security_groups},
    },
    **_COMMON,
)
"""The server notifies agents of security group changes."""

DVR = RpcApi(
    name="DVRServerRpcApi",
    topic=topics.PLUGIN,
    client=lambda transport, cap: clients.on_transport(
        transport, lambda: dvr_rpc.DVRServerRpcApi(topics.PLUGIN)
    ),
    # get_ports is answered by MetadataRpcCallback (see DVRServerRpcApi.get_ports)
    endpoints=lambda: [dvr_rpc.DVRServerRpcCallback(), metadata_rpc.MetadataRpcCallback()],
    arguments={
        "get_dvr_mac_address_by_host": {"host": args.hosts},
        "get_ports_on_host_by_subnet": {"host": args.hosts, "subnet": args.uuids},
        "get_subnet_for_dvr": {
            "subnet": args.uuids,
            "fixed_ips": st.lists(
                st.fixed_dictionaries({"subnet_id": args.uuids, "ip_address": st.just("10.0.0.5")}),
                max_size=2,
            ),
        },
        "get_ports": {"filters": args.filters},
    },
    **_COMMON,
)
"""The DVR agent's calls to the server."""

METADATA = RpcApi(
    name="MetadataPluginAPI",
    topic=topics.PLUGIN,
    client=lambda transport, cap: clients.on_transport(
        transport, lambda: MetadataPluginAPI(topics.PLUGIN)
    ),
    endpoints=lambda: [metadata_rpc.MetadataRpcCallback()],
    arguments={"get_ports": {"port_filters": args.filters}},
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
