"""Registry and base class of the snapshot tests' objects, separate from OVO's global registry."""

import collections

from oslo_versionedobjects import base


class SnapTestRegistry(base.VersionedObjectRegistry):
    """Keeps its own class table, like neutron's registry, so tests never pollute OVO's."""

    _registry = None

    def __new__(cls, *args, **kwargs):
        if not SnapTestRegistry._registry:
            SnapTestRegistry._registry = object.__new__(SnapTestRegistry)
            SnapTestRegistry._registry._obj_classes = collections.defaultdict(list)
        self = object.__new__(cls)
        self._obj_classes = SnapTestRegistry._registry._obj_classes
        return self


class SnapTestObject(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "snaptest"
    OBJ_SERIAL_NAMESPACE = "snaptest_object"
