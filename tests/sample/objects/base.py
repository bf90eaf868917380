"""Registry and common base class of the sample target's objects."""

from __future__ import annotations

from oslo_versionedobjects import base


class SampleObjectRegistry(base.VersionedObjectRegistry):
    """Registry of the sample target; remembers which classes it registered."""

    registered: dict[str, list[type]] = {}

    def registration_hook(self, cls: type, index: int) -> None:
        """Record ``cls`` so discovery can tell the sample's classes from others."""
        versions = SampleObjectRegistry.registered.setdefault(cls.obj_name(), [])
        if cls not in versions:
            versions.append(cls)


class SampleObject(base.VersionedObject, base.ComparableVersionedObject):
    """Base of every sample object: one namespace, compared field by field."""

    OBJ_PROJECT_NAMESPACE = "ovo_compat_sample"


def drop_newer(primitive: dict, target: tuple[int, int], added: dict[str, tuple[int, int]]) -> None:
    """Remove from ``primitive`` each field whose version of introduction is above ``target``."""
    for name, since in added.items():
        if target < since:
            primitive.pop(name, None)
