"""Networks, carrying their subnets as a list of child objects."""

from __future__ import annotations

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.sample.objects.base import SampleObject, SampleObjectRegistry, drop_newer


@SampleObjectRegistry.register
class Network(SampleObject):
    """A layer-2 network.

    1.0 initial; 1.1 added dns_domain; 1.2 added subnets (Subnet 1.0);
    1.3 Subnet 1.1; 1.4 Subnet 1.2.
    """

    VERSION = "1.4"

    fields = {
        "id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "admin_state_up": fields.BooleanField(default=True),
        "mtu": fields.IntegerField(nullable=True),
        "dns_domain": fields.StringField(nullable=True),
        "subnets": fields.ListOfObjectsField("Subnet", default=[]),
    }

    obj_relationships = {
        "subnets": [("1.2", "1.0"), ("1.3", "1.1"), ("1.4", "1.2")],
    }

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        """Drop the fields older network versions did not have (a manifest keeps subnets)."""
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        drop_newer(primitive, target, {"dns_domain": (1, 1), "subnets": (1, 2)})
