"""Small versioned object classes for the strategy tests (unique ``_StratTest`` names).

All OVO registries share one global class table, so every name here is prefixed to
avoid clashing with other test modules.
"""

from __future__ import annotations

from oslo_utils import versionutils
from oslo_versionedobjects import base, exception, fields

register = base.VersionedObjectRegistry.register


@register
class _StratTestLeaf(base.VersionedObject):
    VERSION = "1.1"
    fields = {
        "id": fields.IntegerField(),
        "name": fields.StringField(nullable=True),
        "tag": fields.StringField(default="plain"),
    }


@register
class _StratTestNode(base.VersionedObject):
    VERSION = "1.2"
    fields = {
        "id": fields.IntegerField(),
        "leaf": fields.ObjectField("_StratTestLeaf", nullable=True),
        "leaves": fields.ListOfObjectsField("_StratTestLeaf", default=[]),
        "next": fields.ObjectField("_StratTestNode", nullable=True),
    }
    obj_relationships = {
        "leaf": [("1.0", "1.0"), ("1.2", "1.1")],
        "leaves": [("1.0", "1.0"), ("1.2", "1.1")],
    }


@register
class _StratTestHolder(base.VersionedObject):
    VERSION = "1.0"
    fields = {"leaf": fields.ObjectField("_StratTestLeaf")}


@register
class _StratTestLoop(base.VersionedObject):
    """A required, non-nullable reference to itself: no finite instance sets every level."""

    VERSION = "1.0"
    fields = {"id": fields.IntegerField(), "me": fields.ObjectField("_StratTestLoop")}


class _StratTestGhost(base.VersionedObject):
    """Never registered globally: only _StratTestIsolated's own lookup knows it."""

    VERSION = "1.3"
    fields = {"size": fields.NonNegativeIntegerField()}


@register
class _StratTestIsolated(base.VersionedObject):
    """Resolves children through its own lookup, like classes rebuilt from snapshots."""

    VERSION = "1.0"
    fields = {"ghost": fields.ObjectField("_StratTestGhost")}

    @classmethod
    def obj_class_from_name(cls, objname: str, objver: str) -> type:
        if objname == "_StratTestGhost" and versionutils.is_compatible(
            objver, _StratTestGhost.VERSION
        ):
            return _StratTestGhost
        raise exception.IncompatibleObjectVersion(
            objname=objname, objver=objver, supported=_StratTestGhost.VERSION
        )


class _StratTestShape(base.VersionedObject):
    """An abstract base that is never registered, like neutron's QosRule."""

    VERSION = "1.0"
    fields = {"id": fields.IntegerField()}


@register
class _StratTestSquare(_StratTestShape):
    fields = {"id": fields.IntegerField(), "side": fields.NonNegativeIntegerField()}


@register
class _StratTestCircle(_StratTestShape):
    fields = {"id": fields.IntegerField(), "radius": fields.NonNegativeFloatField()}


@register
class _StratTestDrawing(base.VersionedObject):
    VERSION = "1.0"
    fields = {"shapes": fields.ListOfObjectsField("_StratTestShape", subclasses=True)}
