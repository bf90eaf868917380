"""Stub plugins and resource callbacks: Neutron's RPC servers answer without a database.

The callbacks look their plugins up in ``neutron_lib.plugins.directory``;
`StubPlugins` (a target fixture) fills the directory with stub plugins that answer
with valid-shaped data and registers a producer and a consumer for every RPC
resource type.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator, Mapping
from typing import Any
from unittest import mock

import fixtures
from neutron.api.rpc.callbacks import resources
from neutron.api.rpc.callbacks.consumer import registry as consumer_registry
from neutron.api.rpc.callbacks.producer import registry as producer_registry
from neutron.db import agents_db
from neutron.objects.base import NeutronObject
from neutron_lib import constants
from neutron_lib import fixture as nl_fixture
from neutron_lib.api import attributes
from neutron_lib.api.definitions import port as port_def
from neutron_lib.api.definitions import portbindings
from neutron_lib.exceptions import agent as agent_exc
from neutron_lib.plugins import constants as plugin_constants
from neutron_lib.plugins import directory

from compat_tests.contrib.neutron.environment import import_all_objects

__all__ = [
    "HOST",
    "MAC",
    "PULLABLE",
    "PUSHED",
    "SecurityGroupAgent",
    "StubPlugins",
    "push_topics",
    "pushing_to",
]

HOST = "ovo-compat-host"
MAC = _MAC = "fa:16:3e:00:00:01"


# resources for ResourcesPullRpcApi.pull: the argument strategy puts each generated
# object here and the stub producer hands it to the server
_PULLABLE: dict[tuple[str, str], NeutronObject] = {}
PULLABLE = _PULLABLE
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
        """Every device is a compute port in one security group (payloads get their full shape)."""
        return [
            _port(
                device,
                device_owner="compute:nova",
                fixed_ips=[{"subnet_id": _SUBNET, "ip_address": "10.0.0.5"}],
                security_groups=[_SG],
            )
            for device in devices or ()
        ]

    def security_group_rules_for_ports(self, context: Any, ports: dict) -> list:
        """The ports, each with the rule of its security group."""
        return [{**port, "security_group_rules": [_RULE]} for port in ports.values()]

    def security_group_info_for_ports(self, context: Any, ports: dict) -> dict:
        """Security group information in the 1.3 shape (rules per group, member IPs per family)."""
        if not ports:
            return {"security_groups": {}, "sg_member_ips": {}, "devices": ports}
        return {
            "security_groups": {_SG: [_RULE]},
            "sg_member_ips": {_SG: {"IPv4": [("10.0.0.5", _MAC)], "IPv6": []}},
            "devices": ports,
        }

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


class SecurityGroupAgent:
    """The ``sg_agent`` an agent's notification endpoint forwards to."""

    def security_groups_rule_updated(self, security_groups: list) -> None:
        """Record the notification."""
        PUSHED.append(("security_groups_rule_updated", list(security_groups), ""))

    def security_groups_member_updated(self, security_groups: list) -> None:
        """Record the notification."""
        PUSHED.append(("security_groups_member_updated", list(security_groups), ""))


_SG = "00000000-0000-0000-0000-0000000000a1"
_SUBNET = "00000000-0000-0000-0000-0000000000b1"
_RULE = {
    "direction": "ingress",
    "ethertype": "IPv4",
    "protocol": "tcp",
    "port_range_min": 22,
    "port_range_max": 22,
    "security_group_id": _SG,
    "remote_group_id": None,
}


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
    found = _PULLABLE.get((resource_type, resource_id))
    return found if found is not None else _stocked(resource_type, resource_id)


def _stocked(resource_type: str, resource_id: str) -> NeutronObject | None:
    """The resource a server in another process holds for a pulled id (``ovo-compat upgrade``).

    The agent that generated the pull lives in another process, so its generated object is
    not in `PULLABLE` here: the server then holds one of its own classes, drawn from the id
    (the same object for the same id), as a real server holds the row the agent asks for.
    """
    from compat_tests.rpc.record import _each_example
    from strategies import objects

    cls = resources.get_resource_cls(resource_type)
    if cls is None or "id" not in cls.fields:
        return None
    drawn: list[NeutronObject] = []
    seed = zlib.crc32(f"{resource_type}/{resource_id}".encode())
    _each_example(objects(cls, max_depth=1), 1, drawn.append, seed=seed)
    if not drawn:
        return None
    obj = drawn[0]
    obj.id = resource_id
    _PULLABLE[(resource_type, resource_id)] = obj
    return obj


def _consume(context: Any, resource_type: str, resource_list: list, event_type: str) -> None:
    PUSHED.append((resource_type, resource_list, event_type))


def push_topics() -> list[str]:
    """The topics an agent consumes pushes on: one per resource type, at its own version."""
    from neutron.api.rpc.handlers import resources_rpc

    return [
        resources_rpc.resource_type_versioned_topic(resource_type)
        for resource_type in sorted(resources.LOCAL_RESOURCE_VERSIONS)
    ]


@contextlib.contextmanager
def pushing_to(info: Mapping[str, Any]) -> Iterator[None]:
    """The server's resource versions while it pushes to one agent: its own and the agent's.

    A real server learns the versions each agent consumes from the agents' state reports
    (``version_manager``); here the agent's node info (``objects``: its class versions) says
    them, so ``push()`` sends at the server's version and at the agent's.
    """

    def versions(resource_type: str) -> set[str]:
        found = {resources.get_resource_cls(resource_type).VERSION}
        theirs = info.get("objects", {}).get(resource_type)
        return found | ({theirs} if theirs else set())

    with fixtures.MonkeyPatch(
        "neutron.api.rpc.callbacks.version_manager.get_resource_versions", versions
    ):
        yield


class StubPlugins(fixtures.Fixture):
    """Stub core and L3 plugins in ``neutron_lib.plugins.directory``, plus resource callbacks.

    A target fixture (``fixtures = ["compat_tests.contrib.neutron.rpc:StubPlugins"]``).
    Registers a producer (answers ``pull``) and a consumer (receives ``push``) for
    every RPC resource type; restores the directory, the registries and the
    resource version cache on cleanup.
    """

    def _setUp(self) -> None:
        # Port (a resource type) holds children from modules nothing else imports
        import_all_objects()
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
