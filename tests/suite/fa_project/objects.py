"""Objects seeding each false-alarm class the properties once had.

Names are prefixed ``Fa`` so they cannot clash in OVO's process-global registry.
"""

from __future__ import annotations

import itertools
from typing import Any

from oslo_utils import versionutils
from oslo_versionedobjects import base, fields

from tests.suite.fa_project import exception

CONTEXT = object()
_flip = itertools.count()
repr_calls: list[str] = []


class FaRegistry(base.VersionedObjectRegistry):
    pass


class FaObject(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "false-alarm-tests"


class ShuffledSet(fields.Set):
    """A Set whose primitive lists the members in a different order on every call."""

    def to_primitive(self, obj: Any, attr: str, value: Any) -> Any:
        members = sorted(super().to_primitive(obj, attr, value))
        return members if next(_flip) % 2 else members[::-1]


class ShuffledSetField(fields.AutoTypedField):
    AUTO_TYPE = ShuffledSet(fields.Integer())


class OffByOne(fields.Integer):
    """Loses the value: reads back one more than it sent (a real roundtrip bug)."""

    def from_primitive(self, obj: Any, attr: str, value: Any) -> Any:
        return value + 1


class OffByOneField(fields.AutoTypedField):
    AUTO_TYPE = OffByOne()


class ReadsSibling(fields.String):
    """Serializes by reading a sibling field, which lazy-loads when it is unset."""

    def to_primitive(self, obj: Any, attr: str, value: Any) -> Any:
        return f"{value}/{obj.sibling}"


class ReadsSiblingField(fields.AutoTypedField):
    AUTO_TYPE = ReadsSibling()


@FaRegistry.register
class FaLazy(FaObject):
    """1.0: id; 1.1: + extra.  Lazy loads raise the project's own ObjectActionError."""

    VERSION = "1.1"
    fields = {"id": fields.IntegerField(), "extra": fields.StringField(nullable=True)}

    def obj_load_attr(self, attrname: str) -> None:
        raise exception.ObjectActionError(f"cannot load {attrname}: no database")

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("extra", None)


@FaRegistry.register
class FaNeedsContext(FaObject):
    """Cannot be read without a request context (Nova's ComputeNode needs its DB context)."""

    VERSION = "1.1"
    fields = {"id": fields.IntegerField(), "host": fields.StringField(nullable=True)}

    @classmethod
    def _obj_from_primitive(cls, context: Any, objver: str, primitive: dict) -> Any:
        if context is None:
            raise AttributeError("'NoneType' object has no attribute '_enginefacade_context'")
        return super()._obj_from_primitive(context, objver, primitive)

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("host", None)


@FaRegistry.register
class FaCell(FaObject):
    """A child holding a Set (Nova's NUMACell ``cpuset``)."""

    VERSION = "1.0"
    fields = {"id": fields.IntegerField(), "cpus": ShuffledSetField()}


@FaRegistry.register
class FaTopology(FaObject):
    """Sets inside children inside a list (Nova's InstanceNUMATopology ``cells``)."""

    VERSION = "1.0"
    fields = {"cells": fields.ListOfObjectsField("FaCell")}


@FaRegistry.register
class FaLazyRepr(FaObject):
    """Its ``__repr__`` lazy-loads (Nova's PciDevice): calling it is a bug of the caller."""

    VERSION = "1.0"
    fields = {"id": fields.IntegerField(), "count": OffByOneField(), "parent": fields.StringField()}

    def obj_load_attr(self, attrname: str) -> None:
        raise exception.ObjectActionError(f"cannot load {attrname}")

    def __repr__(self) -> str:
        repr_calls.append(type(self).__name__)
        return f"FaLazyRepr(parent={self.parent})"


@FaRegistry.register
class FaHolder(FaObject):
    """Holds a lazily-represented child whose value does not survive the round trip."""

    VERSION = "1.0"
    fields = {"child": fields.ObjectField("FaLazyRepr")}


@FaRegistry.register
class FaCrashy(FaObject):
    """Serializing ``label`` reads ``sibling``, whose lazy load raises the project's error."""

    VERSION = "1.0"
    fields = {"label": ReadsSiblingField(), "sibling": fields.StringField()}

    def obj_load_attr(self, attrname: str) -> None:
        raise exception.NotFound(f"no row for {attrname}")


@FaRegistry.register
class FaLeaky(FaObject):
    """1.0: id, a, b; 1.1: + new.  Its 1.0 backport leaks ``new`` and loses ``b``."""

    VERSION = "1.1"
    fields = {
        "id": fields.IntegerField(),
        "b": fields.StringField(nullable=True),
        "new": fields.StringField(nullable=True),
    }

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("b", None)  # the bug: drops the wrong field


CLASSES = {
    name: cls
    for name, cls in globals().items()
    if isinstance(cls, type) and issubclass(cls, FaObject) and cls is not FaObject
}
