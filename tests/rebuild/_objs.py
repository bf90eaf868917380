"""Object classes with a real backport history, for the rebuild and inference tests.

Names are prefixed ``Rb`` so they cannot clash with other tests' classes in the
process-global OVO registry.

History of ``RbWidget``:

- 1.0: id, name
- 1.1: + size (nullable Integer), child ``RbPart`` 1.0
- 1.2: + tags (list of strings); child ``RbPart`` raised to 1.1 (which added ``colour``)
"""

from __future__ import annotations

from typing import Any

from oslo_utils import versionutils
from oslo_versionedobjects import base, fields


class RbRegistry(base.VersionedObjectRegistry):
    pass


class RbObject(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "rebuild-tests"


@RbRegistry.register
class RbPart(RbObject, base.VersionedObjectDictCompat):
    # 1.0: id; 1.1: + colour
    VERSION = "1.1"
    fields = {
        "id": fields.IntegerField(),
        "colour": fields.EnumField(valid_values=["red", "green"], default="red"),
    }

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("colour", None)


@RbRegistry.register
class RbWidget(RbObject):
    VERSION = "1.2"
    fields = {
        "id": fields.UUIDField(),
        "name": fields.StringField(),
        "size": fields.IntegerField(nullable=True),
        "part": fields.ObjectField("RbPart", nullable=True),
        "tags": fields.ListOfStringsField(default=[]),
    }
    obj_relationships = {"part": [("1.1", "1.0"), ("1.2", "1.1")]}

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 2):
            primitive.pop("tags", None)
        if target < (1, 1):
            primitive.pop("size", None)


@RbRegistry.register
class RbPicky(RbObject):
    """Refuses to backport a set ``mode`` below 1.1: a lossy backport."""

    VERSION = "1.2"
    fields = {
        "id": fields.IntegerField(),
        "mode": fields.StringField(),
        "note": fields.StringField(nullable=True),
    }

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 2):
            primitive.pop("note", None)
        if target < (1, 1):
            raise ValueError(f"mode cannot be represented at {target_version}")
