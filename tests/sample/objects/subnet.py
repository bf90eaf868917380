"""Subnets of a network."""

from __future__ import annotations

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.sample.objects.base import SampleObject, SampleObjectRegistry, drop_newer

RA_MODES = ("slaac", "dhcpv6-stateful", "dhcpv6-stateless")


@SampleObjectRegistry.register
class Subnet(SampleObject):
    """An IP range on a network.

    1.0 initial; 1.1 added gateway_ip; 1.2 added ipv6_ra_mode.
    """

    VERSION = "1.2"

    fields = {
        "id": fields.UUIDField(),
        "network_id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "cidr": fields.IPNetworkField(),
        "enable_dhcp": fields.BooleanField(default=True),
        "gateway_ip": fields.IPAddressField(nullable=True),
        "ipv6_ra_mode": fields.EnumField(valid_values=RA_MODES, nullable=True),
    }

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        """Drop the fields older subnet versions did not have."""
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        drop_newer(primitive, target, {"gateway_ip": (1, 1), "ipv6_ra_mode": (1, 2)})
