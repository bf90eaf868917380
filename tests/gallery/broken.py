"""Deliberately broken variants of the sample target, one per bug class the suite must catch.

Each variant subclasses the current sample class and keeps its name, so it takes the
class's place once registered (see `tests.gallery.harness.Substitute`).
"""

from __future__ import annotations

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from tests.sample.objects import network, port, security_group, subnet
from tests.sample.objects.base import SampleObject, drop_newer


def _variant(cls: type) -> type:
    """Give the broken class its sample class's name (OVO names objects by class name)."""
    cls.variant = cls.__name__
    cls.__name__ = cls.__qualname__ = cls.__mro__[1].__name__
    return cls


def _target(version: str) -> tuple[int, int]:
    return versionutils.convert_version_to_tuple(version)


@_variant
class ForgetsToDropNewField(port.Port):
    """Backport forgets to drop dns_name (added in 1.2)."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        SampleObject.obj_make_compatible(self, primitive, target_version)
        added = {"binding_host": (1, 1), "propagate_uplink_status": (1, 4)}
        drop_newer(primitive, _target(target_version), added)
        if _target(target_version) < (1, 3) and primitive.get("status") == "DEGRADED":
            primitive["status"] = "DOWN"


@_variant
class DropsWrongField(port.Port):
    """Backport to < 1.2 drops binding_host (which 1.1 has) instead of dns_name."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        SampleObject.obj_make_compatible(self, primitive, target_version)
        added = {"binding_host": (1, 2), "propagate_uplink_status": (1, 4)}
        drop_newer(primitive, _target(target_version), added)
        if _target(target_version) < (1, 3) and primitive.get("status") == "DEGRADED":
            primitive["status"] = "DOWN"


@_variant
class CrashesOnUnsetField(port.Port):
    """Backport reads binding_host from the primitive without checking it was set."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        if _target(target_version) < (1, 2) and primitive["binding_host"] is None:
            primitive["binding_host"] = ""
        super().obj_make_compatible(primitive, target_version)


@_variant
class MutatesSource(port.Port):
    """Backport rewrites the status on the object itself instead of on the primitive."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        if _target(target_version) < (1, 3) and self.obj_attr_is_set("status"):
            if self.status == "DEGRADED":
                self.status = "DOWN"
                primitive["status"] = "DOWN"
        super().obj_make_compatible(primitive, target_version)


@_variant
class TransformsWrongly(port.Port):
    """Backport maps DEGRADED to a status no old version knows."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if _target(target_version) < (1, 3) and primitive.get("status") == "DOWN":
            primitive["status"] = "Degraded" if self.status == "DEGRADED" else "DOWN"


@_variant
class RequiresFieldOldNodesNeverSend(port.Port):
    """The current code assumes binding_host always arrives; old nodes never send it."""

    def obj_load_attr(self, attrname: str) -> None:
        if attrname != "binding_host":
            return super().obj_load_attr(attrname)
        self.binding_host = self._binding["host"]


@_variant
class ChildRelationshipMissing(network.Network):
    """obj_relationships lost the ("1.3", "1.1") entry: 1.3 nodes get Subnet 1.0."""

    obj_relationships = {"subnets": [("1.2", "1.0"), ("1.4", "1.2")]}


@_variant
class ChildListNotBackported(network.Network):
    """obj_make_compatible never calls super(): the subnets list stays at the newest version."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        drop_newer(primitive, _target(target_version), {"dns_domain": (1, 1), "subnets": (1, 2)})


@_variant
class FieldAddedWithoutBump(subnet.Subnet):
    """A description field appeared in Subnet 1.2 after 1.2 was released."""

    fields = {**subnet.Subnet.fields, "description": fields.StringField(nullable=True)}


@_variant
class EnumChoiceAddedWithoutBump(subnet.Subnet):
    """ipv6_ra_mode gained a choice without a version bump."""

    fields = {
        **subnet.Subnet.fields,
        "ipv6_ra_mode": fields.EnumField(
            valid_values=(*subnet.RA_MODES, "unmanaged"), nullable=True
        ),
    }


@_variant
class NullableMadeRequired(port.Port):
    """Port.name became non-nullable without a version bump."""

    fields = {**port.Port.fields, "name": fields.StringField()}


@_variant
class TypeChangedMinorBump(port.Port):
    """Port 1.5 turned the MAC address into a plain string (a major change) with a minor bump."""

    VERSION = "1.5"
    fields = {**port.Port.fields, "mac_address": fields.StringField()}


class _SetOnTheWire(fields.Set):
    """A set field whose primitive is a Python set, which JSON turns into a list."""

    def to_primitive(self, obj: object, attr: str, value: set) -> set:
        return {self._element_type.to_primitive(obj, attr, x) for x in value}


class _SetOnTheWireField(fields.AutoTypedField):
    AUTO_TYPE = _SetOnTheWire(fields.String())


@_variant
class ValueLostOnTheWire(security_group.SecurityGroupRule):
    """SecurityGroupRule grew a tags field whose primitive does not survive JSON."""

    fields = {**security_group.SecurityGroupRule.fields, "tags": _SetOnTheWireField(nullable=True)}


@_variant
class CrashesWhenSentWithAManifest(port.Port):
    """The branch for the current version names a class that does not exist.

    OVO runs obj_make_compatible whenever a version manifest is given, even at the
    current version (Neutron's QosPolicy 1.10 has exactly this bug).
    """

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if _target(target_version) >= (1, 4):
            primitive["binding_rules"] = [port.PortBindingRule.obj_name()]


class _MarksRebuiltObjects(port.Port):
    """A Port whose backport below 1.3 edits the primitive (`edit`) only when the object was
    rebuilt from a primitive, as the conductor's copy answering object_backport_versions is.
    """

    @classmethod
    def _obj_from_primitive(cls, context, objver, primitive):  # type: ignore[no-untyped-def]
        obj = super()._obj_from_primitive(context, objver, primitive)
        obj._rebuilt = True
        return obj

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if getattr(self, "_rebuilt", False) and _target(target_version) < (1, 3):
            self.edit(primitive)

    def edit(self, primitive: dict) -> None:
        """What the conductor's backport does wrong."""


_MarksRebuiltObjects.__name__ = _MarksRebuiltObjects.__qualname__ = "Port"


@_variant
class ConductorBackportsDifferently(_MarksRebuiltObjects):
    """The conductor's backport rewrites mac_address, which a direct backport keeps."""

    def edit(self, primitive: dict) -> None:
        primitive["mac_address"] = "00:00:00:00:00:00"


@_variant
class ConductorSendsTooNewStatus(_MarksRebuiltObjects):
    """The conductor's backport leaves a status (DEGRADED, added in 1.3) old nodes reject."""

    def edit(self, primitive: dict) -> None:
        primitive["status"] = "DEGRADED"


@_variant
class CrashesLate(port.Port):
    """Backports to older versions crash once ``limit`` of them have run: input so rare that
    the profile's examples miss it and only more examples meet it.
    """

    calls = 0
    limit: int | None = None

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        if target_version != self.VERSION:
            type(self).calls += 1
            if type(self).limit is not None and type(self).calls > type(self).limit:
                raise RuntimeError("crashed late")
        super().obj_make_compatible(primitive, target_version)
