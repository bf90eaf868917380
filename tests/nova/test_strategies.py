"""Every field of every registered Nova object can be generated and survives the wire.

These tests fail when a Nova release adds a field type that ``strategies.contrib.nova``
(or the built-in strategies) cannot generate, or whose generated values do not pass
``coerce`` and the primitive/JSON round trip.
"""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from nova.network import model as network_model
from nova.objects import fields as nova_fields
from nova.objects.base import NovaObjectRegistry
from oslo_serialization import jsonutils
from oslo_versionedobjects import fields
from oslo_versionedobjects.base import VersionedObject

import strategies
import strategies.contrib.nova
from compat_tests.contrib.nova import NovaConfig, NovaDatabase, context, register_objects
from tests._target_fields import (
    check_field_class,
    check_scalar_fields,
    class_id,
    classes_defined_in,
    registered_classes,
)

register_objects()

_CLASSES = registered_classes(NovaObjectRegistry)


@pytest.fixture(scope="module")
def ctx():
    with NovaConfig(), NovaDatabase():
        yield context()


def _primitive(obj: VersionedObject) -> object:
    # Compared through their primitives with Set members sorted: objects' __eq__ is identity.
    from compat_tests.properties._compare import normalized, sets_sorted

    def descriptors(name: str, version: str) -> dict | None:
        from compat_tests.schema import describe_field

        cls = NovaObjectRegistry.obj_classes().get(name, [None])[0]
        return {n: describe_field(f) for n, f in cls.fields.items()} if cls else None

    wired = jsonutils.loads(jsonutils.dumps(obj.obj_to_primitive()))
    return normalized(sets_sorted(wired, descriptors))


def test_the_nova_registry_is_populated():
    names = {cls.obj_name() for cls in _CLASSES}
    assert len(names) >= 100
    assert {"Instance", "ComputeNode", "RequestSpec", "Migration", "PciDevice"} <= names


@pytest.mark.parametrize("cls", _CLASSES, ids=class_id)
def test_every_scalar_field_value_survives_coerce_and_the_wire(cls):
    check_scalar_fields(cls)


@pytest.mark.parametrize("cls", _CLASSES, ids=class_id)
def test_every_object_survives_the_wire_at_its_own_version(cls, ctx):
    @given(strategies.objects(cls, context=ctx))
    def check(obj):
        primitive = jsonutils.loads(jsonutils.dumps(obj.obj_to_primitive()))
        back = cls.obj_from_primitive(primitive, ctx)
        assert _primitive(back) == _primitive(obj)
        assert back._context is ctx

    check()


def _nova_field_types() -> list[type]:
    """Every FieldType class nova.objects.fields defines (enums and patterns included)."""
    return classes_defined_in(
        [nova_fields],
        lambda cls: issubclass(cls, fields.FieldType) and not inspect.isabstract(cls),
    )


def _nova_field_classes() -> list[type]:
    """Every ready-made ``*Field`` class of nova.objects.fields, used by an object or not."""
    return classes_defined_in(
        [nova_fields],
        lambda cls: (
            issubclass(cls, fields.AutoTypedField) and getattr(cls, "AUTO_TYPE", None) is not None
        ),
    )


@pytest.mark.parametrize("field_class", _nova_field_classes(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("nullable", [False, True])
def test_every_nova_field_class_has_a_strategy(field_class, nullable):
    check_field_class(field_class, nullable, owner="nova")


def test_the_custom_types_get_the_values_nova_builds():
    @given(
        strategies.field_values(nova_fields.NetworkModelField()),
        strategies.field_values(nova_fields.SCSIAddressField()),
    )
    def check(info, address):
        assert isinstance(info, network_model.NetworkInfo)
        assert all(isinstance(vif, network_model.VIF) for vif in info)
        assert len(address.split(":")) == 4

    check()


def test_field_types_are_all_known_to_this_test():
    # A new FieldType in Nova shows up here: check it is covered, then list it.
    assert len(_nova_field_types()) >= 60
