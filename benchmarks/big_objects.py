"""A generated registry of many versioned classes: the large-registry benchmark's target.

``BIG_CLASSES`` classes (default 200), each at version ``1.<BIG_VERSIONS - 1>`` (default 10
versions).  Version ``1.k`` adds one field of a rotating type; ``obj_make_compatible``
drops the fields a target version did not have, as real projects do.
"""

from __future__ import annotations

import os

from oslo_versionedobjects import base, fields

N_CLASSES = int(os.environ.get("BIG_CLASSES", "200"))
N_VERSIONS = int(os.environ.get("BIG_VERSIONS", "10"))

_FIELD_TYPES = (
    lambda: fields.IntegerField(nullable=True),
    lambda: fields.StringField(),
    lambda: fields.BooleanField(default=False),
    lambda: fields.IPAddressField(nullable=True),
    lambda: fields.DateTimeField(nullable=True),
    lambda: fields.ListOfStringsField(default=[]),
    lambda: fields.UUIDField(nullable=True),
    lambda: fields.DictOfNullableStringsField(default={}),
    lambda: fields.FloatField(nullable=True),
)


class BigObjectRegistry(base.VersionedObjectRegistry):
    """Registry of the generated classes only."""


class BigObject(base.VersionedObject, base.ComparableVersionedObject):
    """Base of the generated classes."""

    OBJ_PROJECT_NAMESPACE = "ovo_compat_bench"


def _added_in(minor: int) -> str:
    return f"f{minor}"


def _make_compatible(self, primitive, target_version):  # type: ignore[no-untyped-def]
    target_minor = int(target_version.split(".")[1])
    for minor in range(target_minor + 1, N_VERSIONS):
        primitive.pop(_added_in(minor), None)


def _make_class(index: int) -> type:
    attrs = {
        "VERSION": f"1.{N_VERSIONS - 1}",
        "fields": {
            "id": fields.UUIDField(),
            **{
                _added_in(minor): _FIELD_TYPES[(index + minor) % len(_FIELD_TYPES)]()
                for minor in range(1, N_VERSIONS)
            },
        },
        "obj_make_compatible": _make_compatible,
        "__doc__": f"Generated class {index}.",
    }
    return BigObjectRegistry.register(type(f"Big{index:03d}", (BigObject,), attrs))


BIG_CLASSES = [_make_class(i) for i in range(N_CLASSES)]
