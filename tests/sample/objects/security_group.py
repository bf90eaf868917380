"""Security groups and their rules (rules reach old nodes only through a version manifest)."""

from __future__ import annotations

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.sample.objects.base import SampleObject, SampleObjectRegistry, drop_newer

DIRECTIONS = ("ingress", "egress")


@SampleObjectRegistry.register
class SecurityGroupRule(SampleObject):
    """One rule of a security group.

    1.0 initial; 1.1 added remote_ip_prefix; 1.2 added description.
    """

    VERSION = "1.2"

    fields = {
        "id": fields.UUIDField(),
        "security_group_id": fields.UUIDField(),
        "direction": fields.EnumField(valid_values=DIRECTIONS),
        "protocol": fields.StringField(nullable=True),
        "port_range_min": fields.IntegerField(nullable=True),
        "port_range_max": fields.IntegerField(nullable=True),
        "remote_ip_prefix": fields.IPNetworkField(nullable=True),
        "description": fields.StringField(nullable=True),
    }

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        """Drop the fields older rule versions did not have."""
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        drop_newer(primitive, target, {"remote_ip_prefix": (1, 1), "description": (1, 2)})


@SampleObjectRegistry.register
class SecurityGroup(SampleObject):
    """A named set of rules.

    1.0 initial; 1.1 added stateful; 1.2 added description.  Defines no
    obj_relationships: old nodes get their rule version from a version manifest.
    """

    VERSION = "1.2"

    fields = {
        "id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "rules": fields.ListOfObjectsField("SecurityGroupRule", default=[]),
        "stateful": fields.BooleanField(default=True),
        "description": fields.StringField(nullable=True),
    }

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        """Drop the fields older group versions did not have."""
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        drop_newer(primitive, target, {"stateful": (1, 1), "description": (1, 2)})
