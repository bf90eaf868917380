"""Ports: a status enum that grew a choice, and fields added over time."""

from __future__ import annotations

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.sample.objects.base import SampleObject, SampleObjectRegistry, drop_newer

OLD_STATUSES = ("ACTIVE", "DOWN", "BUILD", "ERROR")
STATUSES = (*OLD_STATUSES, "DEGRADED")


@SampleObjectRegistry.register
class Port(SampleObject):
    """A port on a network.

    1.0 initial; 1.1 added binding_host; 1.2 added dns_name; 1.3 status gained
    DEGRADED (sent as DOWN to older nodes); 1.4 added propagate_uplink_status.
    """

    VERSION = "1.4"

    fields = {
        "id": fields.UUIDField(),
        "network_id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "mac_address": fields.MACAddressField(),
        "admin_state_up": fields.BooleanField(default=True),
        "status": fields.EnumField(valid_values=STATUSES),
        "binding_host": fields.StringField(nullable=True),
        "dns_name": fields.StringField(nullable=True),
        "propagate_uplink_status": fields.BooleanField(default=False),
    }

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        """Drop newer fields; older nodes know no DEGRADED status, so they see DOWN."""
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        drop_newer(
            primitive,
            target,
            {"binding_host": (1, 1), "dns_name": (1, 2), "propagate_uplink_status": (1, 4)},
        )
        if target < (1, 3) and primitive.get("status") == "DEGRADED":
            primitive["status"] = "DOWN"
