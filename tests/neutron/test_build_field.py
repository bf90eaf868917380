"""neutron-lib's field types rebuilt from their descriptors serialize like the originals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neutron_lib.objects import common_types

import strategies
import strategies.contrib.neutron
from compat_tests.rebuild import build_field
from compat_tests.schema import describe_field
from tests.rebuild.test_properties import assert_serializes_like_the_original

FIELDS = {
    "neutron-port-range-0": common_types.PortRangeWith0Field(),
    "neutron-vlan": common_types.VlanIdRangeField(),
    "neutron-ip-version": common_types.IPVersionEnumField(),
    "neutron-dscp": common_types.DscpMarkField(),
    "neutron-ip-protocol": common_types.IpProtocolEnumField(),
}


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_descriptor_round_trips_through_build_field(name):
    descriptor = describe_field(FIELDS[name])
    assert describe_field(build_field(descriptor)) == descriptor


@pytest.mark.parametrize("name", sorted(FIELDS))
@given(data=st.data())
def test_rebuilt_field_serializes_values_like_the_original(name, data):
    original = FIELDS[name]
    assert_serializes_like_the_original(
        original, name, data.draw(strategies.field_values(original))
    )


def test_old_range_params_are_enforced():
    descriptor = describe_field(common_types.PortRangeField())
    descriptor["params"] = {"start": 10, "end": 20}
    field = build_field(descriptor)
    assert field.coerce(None, "port", 15) == 15
    with pytest.raises(ValueError):
        field.coerce(None, "port", 21)
