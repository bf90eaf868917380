"""A class whose backport code drops the fields added in 1.1 and 1.2 (for --infer-history)."""

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.snapshots._objs.base import SnapTestObject, SnapTestRegistry


@SnapTestRegistry.register
class SnapVolume(SnapTestObject):
    # 1.1: added size; 1.2: added tags
    VERSION = "1.2"
    fields = {
        "id": fields.IntegerField(),
        "size": fields.IntegerField(),
        "tags": fields.ListOfStringsField(),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        version = versionutils.convert_version_to_tuple(target_version)
        if version < (1, 2):
            primitive.pop("tags", None)
        if version < (1, 1):
            primitive.pop("size", None)
