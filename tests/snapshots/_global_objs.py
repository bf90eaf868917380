"""A class registered in OVO's global registry (the no-'registry' configuration)."""

from oslo_versionedobjects import base, fields


@base.VersionedObjectRegistry.register
class SnapGlobalThing(base.VersionedObject):
    VERSION = "1.0"
    fields = {"id": fields.IntegerField()}
