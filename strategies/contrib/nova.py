"""Strategies for the custom field types of Nova (``nova.objects.fields``).

Importing this module registers, through the public
:func:`strategies.register_field_strategy`, a strategy for every field type Nova
defines that the built-in strategies cannot generate:

* the device-bus addresses (``USBAddress``, ``SCSIAddress``, ``IDEAddress``,
  ``XenAddress``, any ``AddressBase``): strings drawn from the type's own ``PATTERN``;
* ``NetworkVIFModel``: a ``nova.network.model.VIF`` built the way Nova's network API
  builds one (id, MAC, network with subnets and fixed IPs, vnic type, details);
* ``NetworkModel``: a ``NetworkInfo`` list of such VIFs.

Nova's enums (``*Field`` wrappers of ``BaseNovaEnum``), ``ResourceClass``, ``PCIAddress``
and the other ``StringPattern`` types and its compound types (``DictOfSetOfIntegers``,
``ListOfListsOfStrings``, ...) are covered by the built-in strategies, which read their
valid values, patterns and element types.  ``tests/nova`` fails when a Nova release adds
a field type that nothing covers.

Name it in a target: ``strategies = ["strategies.contrib.nova"]``.
"""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st
from nova.network import model as network_model
from nova.objects import fields as nova_fields
from oslo_versionedobjects import fields

from strategies import register_field_strategy

__all__ = ["address", "network_info", "vif"]

_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_UUID = st.uuids().map(str)
_MAC = st.binary(min_size=6, max_size=6).map(lambda b: ":".join(f"{x:02x}" for x in b))
_VNIC_TYPES = sorted((*network_model.VNIC_TYPES_SRIOV, network_model.VNIC_TYPE_NORMAL))
_VIF_TYPES = ["ovs", "bridge", "hw_veb", "vhostuser", "tap", "other"]


def _field_type(field: fields.Field | fields.FieldType) -> fields.FieldType:
    return getattr(field, "_type", field)


def address(field: fields.Field) -> st.SearchStrategy[str]:
    """A device-bus address string matching the type's ``PATTERN`` (what ``coerce`` checks)."""
    pattern = _field_type(field).PATTERN
    # coerce uses re.match on the whole pattern: a full match is always accepted.
    return st.from_regex(rf"(?:{pattern})", fullmatch=True).filter(lambda s: len(s) <= 40)


def _subnet() -> st.SearchStrategy[network_model.Subnet]:
    def build(net: ipaddress.IPv4Network, hosts: list[int]) -> network_model.Subnet:
        ips = [
            network_model.FixedIP(address=str(net.network_address + h), type="fixed")
            for h in sorted(set(hosts))
        ]
        gateway = network_model.IP(address=str(net.network_address + 1), type="gateway")
        return network_model.Subnet(cidr=str(net), ips=ips, gateway=gateway)

    prefix = st.integers(min_value=0, max_value=2**24 - 1).map(
        lambda n: ipaddress.IPv4Network((n << 8, 24))
    )
    return st.builds(build, prefix, st.lists(st.integers(2, 254), max_size=2))


def _network() -> st.SearchStrategy[network_model.Network]:
    return st.builds(
        network_model.Network,
        id=_UUID,
        bridge=st.none() | _NAME,
        label=_NAME,
        subnets=st.lists(_subnet(), max_size=2),
    )


def _vif() -> st.SearchStrategy[network_model.VIF]:
    return st.builds(
        network_model.VIF,
        id=_UUID,
        address=_MAC,
        network=st.none() | _network(),
        type=st.sampled_from(_VIF_TYPES),
        details=st.dictionaries(_NAME, st.booleans() | _NAME, max_size=3),
        devname=st.none() | _NAME,
        ovs_interfaceid=st.none() | _UUID,
        active=st.booleans(),
        vnic_type=st.sampled_from(_VNIC_TYPES),
        profile=st.none() | st.dictionaries(_NAME, _NAME, max_size=2),
        preserve_on_delete=st.booleans(),
        delegate_create=st.booleans(),
    )


def vif(field: fields.Field) -> st.SearchStrategy[network_model.VIF]:
    """A ``nova.network.model.VIF`` (``NetworkVIFModel``), JSON-serialisable as Nova sends it."""
    return _vif()


def network_info(field: fields.Field) -> st.SearchStrategy[network_model.NetworkInfo]:
    """A ``NetworkInfo`` (``NetworkModel``): a list of VIFs with distinct ids."""
    return st.lists(_vif(), max_size=3, unique_by=lambda v: v["id"]).map(network_model.NetworkInfo)


register_field_strategy(nova_fields.AddressBase, address)
register_field_strategy(nova_fields.NetworkVIFModel, vif)
register_field_strategy(nova_fields.NetworkModel, network_info)
