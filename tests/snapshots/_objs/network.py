"""Two related classes with remotable methods and a relationship table."""

from oslo_versionedobjects import base, fields

from tests.snapshots._objs.base import SnapTestObject, SnapTestRegistry


@SnapTestRegistry.register
class SnapSegment(SnapTestObject):
    VERSION = "1.1"
    fields = {
        "id": fields.UUIDField(),
        "network_type": fields.EnumField(["vlan", "vxlan", "flat"]),
        "mtu": fields.IntegerField(nullable=True, default=1500),
    }


@SnapTestRegistry.register
class SnapNetwork(SnapTestObject):
    VERSION = "1.3"
    fields = {
        "id": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "tags": fields.ListOfStringsField(default=[]),
        "segments": fields.ListOfObjectsField("SnapSegment", default=[]),
        "extra": fields.DictOfNullableStringsField(default={}),
    }
    obj_relationships = {"segments": [("1.0", "1.0"), ("1.3", "1.1")]}

    @base.remotable
    def save(self):
        """Persist the network."""

    @classmethod
    @base.remotable
    def get_by_id(cls, context, network_id, fields=None):
        """Load one network."""
