"""Every field of every registered Neutron object can be generated and survives the wire.

These tests fail when a Neutron or neutron-lib release adds a field type that
``strategies.contrib.neutron`` (or the built-in strategies) cannot generate, or
whose generated values do not pass ``coerce`` and the primitive/JSON round trip.
"""

from __future__ import annotations

import netaddr
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis.errors import NoSuchExample
from neutron.objects.base import NeutronObjectRegistry
from neutron_lib.db import constants as lib_db_constants
from neutron_lib.objects import common_types
from neutron_lib.objects.logapi import event_types
from oslo_serialization import jsonutils
from oslo_versionedobjects import fields
from oslo_versionedobjects.base import VersionedObject

import strategies
import strategies.contrib.neutron
from compat_tests.contrib.neutron import context, import_all_objects
from tests._target_fields import (
    check_field_class,
    check_scalar_fields,
    class_id,
    classes_defined_in,
    registered_classes,
    wire,
)

import_all_objects()

_CLASSES = registered_classes(NeutronObjectRegistry)
_FIND = settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck))


def _same(left: object, right: object) -> bool:
    """Field-by-field equality of object graphs.

    Not ``==``: ComparableVersionedObject compares primitives, whose change lists and
    ``Set`` fields come out in arbitrary order.
    """
    if isinstance(left, VersionedObject) or isinstance(right, VersionedObject):
        return (
            type(left) is type(right)
            and _set_fields(left) == _set_fields(right)
            and all(_same(getattr(left, n), getattr(right, n)) for n in _set_fields(left))
        )
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same, left, right))
    return left == right


def _set_fields(obj: VersionedObject) -> set[str]:
    return {name for name in obj.fields if obj.obj_attr_is_set(name)}


def test_the_neutron_registry_is_populated():
    names = {cls.obj_name() for cls in _CLASSES}
    assert len(names) >= 100
    assert {"Port", "Network", "QosPolicy", "SecurityGroup", "Subnet"} <= names


@pytest.mark.parametrize("cls", _CLASSES, ids=class_id)
def test_every_scalar_field_value_survives_coerce_and_the_wire(cls):
    check_scalar_fields(cls)


@pytest.mark.parametrize("cls", _CLASSES, ids=class_id)
def test_every_object_survives_the_wire_at_its_own_version(cls):
    ctx = context()

    @given(strategies.objects(cls))
    def check(obj):
        primitive = jsonutils.loads(jsonutils.dumps(obj.obj_to_primitive()))
        back = cls.obj_from_primitive(primitive, ctx)
        assert _same(back, obj), f"{obj!r} came back as {back!r}"

    check()


def _custom_field_classes() -> list[type]:
    """Every ready-made ``*Field`` class neutron-lib defines, used by Neutron or not."""
    return classes_defined_in(
        [common_types, event_types], lambda cls: issubclass(cls, fields.AutoTypedField)
    )


@pytest.mark.parametrize("field_class", _custom_field_classes(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("nullable", [False, True])
def test_every_neutron_lib_field_class_has_a_strategy(field_class, nullable):
    check_field_class(field_class, nullable, owner="neutron_lib")


def test_the_field_class_enumeration_sees_the_custom_types():
    names = {cls.__name__ for cls in _custom_field_classes()}
    assert {"PortRangesField", "MACAddressField", "DscpMarkField", "SecurityEventField"} <= names


def _draw(field_class: type, condition, **kwargs):
    return find(strategies.field_values(field_class(**kwargs)), condition, settings=_FIND)


def test_port_ranges_come_as_int_numeric_string_and_span():
    assert isinstance(_draw(common_types.PortRangesField, lambda v: isinstance(v, int)), int)
    assert _draw(common_types.PortRangesField, lambda v: isinstance(v, str) and v.isdigit())
    span = _draw(common_types.PortRangesField, lambda v: isinstance(v, str) and ":" in v)
    low, high = map(int, span.split(":"))
    assert 1 <= low <= high <= 65535


def test_mac_addresses_keep_the_dialect_they_were_written_in():
    upper = _draw(common_types.MACAddressField, lambda v: "-" in str(v))
    _, back = wire(common_types.MACAddressField(), None, "mac", upper)
    assert str(back) == str(upper)
    assert isinstance(back, netaddr.EUI)


def test_ip_networks_cover_both_families_and_host_bits():
    assert _draw(common_types.IPNetworkField, lambda v: v.version == 6).version == 6
    with_host_bits = _draw(common_types.IPNetworkField, lambda v: v.ip != v.network)
    _, back = wire(common_types.IPNetworkField(), None, "cidr", with_host_bits)
    assert str(back) == str(with_host_bits)


def test_domain_names_fit_the_column_and_may_be_fully_qualified():
    fqdn = _draw(common_types.DomainNameField, lambda v: v.endswith(".") and v.count(".") > 1)
    assert len(fqdn) <= lib_db_constants.FQDN_FIELD_SIZE
    assert _draw(common_types.DomainNameField, lambda v: v == "") == ""


def test_range_bounds_are_reached_and_respected():
    assert _draw(common_types.PortRangeWith0Field, lambda v: v == 0) == 0
    assert _draw(common_types.VlanIdRangeField, lambda v: v == 4094) == 4094
    with pytest.raises(NoSuchExample):
        _draw(common_types.PortRangeField, lambda v: v == 0)


def test_dict_of_misc_values_nests_lists_and_dicts():
    nested = _draw(
        common_types.DictOfMiscValuesField,
        lambda v: any(isinstance(x, (list, dict)) for x in v.values()),
    )
    coerced, back = wire(common_types.DictOfMiscValuesField(), None, "configurations", nested)
    assert back == coerced


def test_nullable_neutron_fields_sometimes_draw_none():
    assert _draw(common_types.DscpMarkField, lambda v: v is None, nullable=True) is None


class _NewNeutronType(fields.FieldType):
    """Stands for a field type a future neutron-lib release might add."""


def test_a_field_type_nobody_registered_is_reported_by_name():
    field = fields.Field(_NewNeutronType())
    with pytest.raises(strategies.NoStrategyError, match=r"Port\.future_field.*_NewNeutronType"):
        find(
            strategies.field_values(field, owner="Port", name="future_field"),
            lambda _: True,
            settings=_FIND,
        )
