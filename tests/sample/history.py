"""Old definitions of the sample objects, used to record their snapshot history.

Each entry is what the class looked like at that version.  The classes built
from here are never registered: they exist only to be described by
`compat_tests.schema.describe` when (re)recording ``snapshots/sample``.  The
current version of every class is described from the live class instead.
"""

from __future__ import annotations

from typing import Any

from oslo_versionedobjects import base, fields

from tests.sample.objects import port, security_group, subnet
from tests.sample.objects.base import SampleObject


def _rule_1_0() -> dict[str, fields.Field]:
    return {
        "id": fields.UUIDField(),
        "security_group_id": fields.UUIDField(),
        "direction": fields.EnumField(valid_values=security_group.DIRECTIONS),
        "protocol": fields.StringField(nullable=True),
        "port_range_min": fields.IntegerField(nullable=True),
        "port_range_max": fields.IntegerField(nullable=True),
    }


def _group_1_0() -> dict[str, fields.Field]:
    return {
        "id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "rules": fields.ListOfObjectsField("SecurityGroupRule", default=[]),
    }


def _subnet_1_0() -> dict[str, fields.Field]:
    return {
        "id": fields.UUIDField(),
        "network_id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "cidr": fields.IPNetworkField(),
        "enable_dhcp": fields.BooleanField(default=True),
    }


def _network_1_0() -> dict[str, fields.Field]:
    return {
        "id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "admin_state_up": fields.BooleanField(default=True),
        "mtu": fields.IntegerField(nullable=True),
    }


def _port_1_0(statuses: tuple[str, ...] = port.OLD_STATUSES) -> dict[str, fields.Field]:
    return {
        "id": fields.UUIDField(),
        "network_id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "mac_address": fields.MACAddressField(),
        "admin_state_up": fields.BooleanField(default=True),
        "status": fields.EnumField(valid_values=statuses),
    }


def _with(old: dict[str, fields.Field], **added: fields.Field) -> dict[str, fields.Field]:
    return {**old, **added}


def _subnets(versions: list[tuple[str, str]]) -> dict[str, Any]:
    return {"subnets": versions}


#: name -> version -> (fields, obj_relationships) of every version before the current one.
HISTORY: dict[str, dict[str, tuple[dict[str, fields.Field], dict[str, Any]]]] = {
    "SecurityGroupRule": {
        "1.0": (_rule_1_0(), {}),
        "1.1": (_with(_rule_1_0(), remote_ip_prefix=fields.IPNetworkField(nullable=True)), {}),
    },
    "SecurityGroup": {
        "1.0": (_group_1_0(), {}),
        "1.1": (_with(_group_1_0(), stateful=fields.BooleanField(default=True)), {}),
    },
    "Subnet": {
        "1.0": (_subnet_1_0(), {}),
        "1.1": (_with(_subnet_1_0(), gateway_ip=fields.IPAddressField(nullable=True)), {}),
    },
    "Network": {
        "1.0": (_network_1_0(), {}),
        "1.1": (_with(_network_1_0(), dns_domain=fields.StringField(nullable=True)), {}),
        "1.2": (
            _with(
                _network_1_0(),
                dns_domain=fields.StringField(nullable=True),
                subnets=fields.ListOfObjectsField("Subnet", default=[]),
            ),
            _subnets([("1.2", "1.0")]),
        ),
        "1.3": (
            _with(
                _network_1_0(),
                dns_domain=fields.StringField(nullable=True),
                subnets=fields.ListOfObjectsField("Subnet", default=[]),
            ),
            _subnets([("1.2", "1.0"), ("1.3", "1.1")]),
        ),
    },
    "Port": {
        "1.0": (_port_1_0(), {}),
        "1.1": (_with(_port_1_0(), binding_host=fields.StringField(nullable=True)), {}),
        "1.2": (
            _with(
                _port_1_0(),
                binding_host=fields.StringField(nullable=True),
                dns_name=fields.StringField(nullable=True),
            ),
            {},
        ),
        "1.3": (
            _with(
                _port_1_0(port.STATUSES),
                binding_host=fields.StringField(nullable=True),
                dns_name=fields.StringField(nullable=True),
            ),
            {},
        ),
    },
}


def old_class(name: str, version: str) -> type[base.VersionedObject]:
    """An unregistered class describing object ``name`` as it was at ``version``."""
    try:
        field_map, relationships = HISTORY[name][version]
    except KeyError:
        known = {n: sorted(v) for n, v in HISTORY.items()}
        raise KeyError(f"no historical definition of {name} {version}; known: {known}") from None
    namespace = {"VERSION": version, "fields": field_map, "obj_relationships": relationships}
    return base.VersionedObjectRegistry.objectify(type(name, (SampleObject,), namespace))


def current_classes() -> dict[str, type[base.VersionedObject]]:
    """The live (newest) sample classes by name."""
    from tests.sample.objects import network  # local: keeps import order obvious

    return {
        "SecurityGroupRule": security_group.SecurityGroupRule,
        "SecurityGroup": security_group.SecurityGroup,
        "Subnet": subnet.Subnet,
        "Network": network.Network,
        "Port": port.Port,
    }


def all_versions() -> dict[str, dict[str, type[base.VersionedObject]]]:
    """Every version of every sample class: the historical ones and the current one."""
    result: dict[str, dict[str, type[base.VersionedObject]]] = {}
    for name, cls in current_classes().items():
        result[name] = {v: old_class(name, v) for v in HISTORY[name]}
        result[name][cls.VERSION] = cls
    return result


def record(directory: Any) -> list[str]:
    """Record every version of every sample class into ``directory``; return files written."""
    from compat_tests.schema import describe
    from compat_tests.snapshots import SnapshotStore

    store = SnapshotStore(directory)
    written = []
    for name, versions in all_versions().items():
        for version, cls in versions.items():
            schema = {**describe(cls), "inferred": False}
            if store.record(name, version, schema):
                written.append(f"{name} {version}")
    return written


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "snapshots/sample")
    for line in record(target):
        print("recorded", line)
