"""One class with a custom IQN field; its backport code drops ``lun`` below 1.1."""

import re

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.snapshots._objs.base import SnapTestObject, SnapTestRegistry

_IQN = re.compile(r"^iqn\.\d{4}-\d{2}\.[a-z.]+:[a-z0-9]+$")


class IQN(fields.FieldType):
    """An iSCSI qualified name such as ``iqn.2001-04.com.example:disk1``."""

    @staticmethod
    def coerce(obj, attr, value):
        if not isinstance(value, str) or not _IQN.match(value):
            raise ValueError(f"{value!r} is not an iSCSI qualified name")
        return value


class IQNField(fields.AutoTypedField):
    AUTO_TYPE = IQN()


@SnapTestRegistry.register
class SnapTargetPortal(SnapTestObject):
    # 1.1: added lun
    VERSION = "1.1"
    fields = {"iqn": IQNField(), "lun": fields.IntegerField()}

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("lun", None)
