"""Strategies for the custom field types of Neutron and neutron-lib.

Importing this module registers, through the public
:func:`strategies.register_field_strategy`, a strategy for every field type
that ``neutron_lib.objects`` defines on top of oslo.versionedobjects.  Types
that only parametrise an oslo type (the ``*EnumField`` classes, Neutron's
``RuleTypeField``, ``ListOfIPNetworksField``, ``SetOfUUIDsField``) need no
entry here: the built-in Enum/List/Set strategies read their element types and
valid values.  ``tests/neutron`` fails when a Neutron release adds a field type
this module does not cover.

Values are chosen the way Neutron itself builds them, so that they pass the
type's ``coerce`` and survive ``to_primitive``/``from_primitive`` and a JSON
wire: MAC addresses and CIDRs are ``AuthenticEUI``/``AuthenticIPNetwork`` built
from a string (as the API layer does), port ranges are ints, numeric strings or
``"min:max"`` strings, and so on.

Name it in a target: ``strategies = ["strategies.contrib.neutron"]``.
"""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st
from neutron_lib import constants as lib_constants
from neutron_lib.db import constants as lib_db_constants
from neutron_lib.objects import common_types
from neutron_lib.objects.logapi import event_types
from neutron_lib.utils import net as net_utils
from oslo_versionedobjects import fields

from strategies import register_field_strategy
from strategies._scalars import wire_characters

__all__ = [
    "dict_of_misc_values",
    "domain_name",
    "integer_enum",
    "ip_network",
    "mac_address",
    "port_ranges",
    "range_constrained_integer",
    "security_event",
    "uuid_string",
]

# Dialects a MAC address reaches Neutron in; AuthenticEUI keeps the one given,
# so each must survive the round trip as written.
_MAC_FORMATS = (
    lambda b: ":".join(f"{x:02x}" for x in b),
    lambda b: ":".join(f"{x:02X}" for x in b),
    lambda b: "-".join(f"{x:02X}" for x in b),
)

_DNS_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)

# JSON-safe scalars only: NaN breaks equality and infinity is not JSON.
_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(wire_characters(), max_size=20)
)


def _field_type(field: fields.Field | fields.FieldType) -> fields.FieldType:
    """Return the FieldType behind *field* (a Field, or already a FieldType)."""
    return getattr(field, "_type", field)


def range_constrained_integer(field: fields.Field) -> st.SearchStrategy[int]:
    """Integers within the bounds of a ``RangeConstrainedInteger``.

    Covers ``PortRange`` (1 or 0 .. 65535), ``VlanIdRange`` (1 .. 4094) and
    ``IPNetworkPrefixLen`` (0 .. 128); the bounds are read from the instance
    (neutron-lib keeps them in ``_start``/``_end`` and offers no public accessor).
    """
    field_type = _field_type(field)
    return st.integers(min_value=field_type._start, max_value=field_type._end)


def integer_enum(field: fields.Field) -> st.SearchStrategy[int]:
    """One of the valid values of an ``IntegerEnum`` (``DscpMark``, ``IPVersionEnum``)."""
    return st.sampled_from(list(_field_type(field)._valid_values))


def security_event(field: fields.Field) -> st.SearchStrategy[str]:
    """One of the log events a ``SecurityEvent`` field accepts (ACCEPT, DROP, ALL)."""
    return st.sampled_from(list(_field_type(field)._valid_values))


def port_ranges(field: fields.Field) -> st.SearchStrategy[int | str]:
    """A ``PortRanges`` value: a port as int or numeric string, or ``"min:max"``."""
    port = st.integers(lib_constants.PORT_RANGE_MIN, lib_constants.PORT_RANGE_MAX)
    span = st.tuples(port, port).map(lambda pair: "{}:{}".format(*sorted(pair)))
    return st.one_of(port, port.map(str), span)


def domain_name(field: fields.Field) -> st.SearchStrategy[str]:
    """A DNS name (relative or fully qualified) no longer than Neutron's FQDN column, or ``""``."""
    name = st.tuples(
        st.lists(_DNS_LABEL, min_size=1, max_size=4).map(".".join),
        st.sampled_from(["", "."]),
    ).map("".join)
    return st.just("") | name.filter(lambda s: len(s) <= lib_db_constants.FQDN_FIELD_SIZE)


def mac_address(field: fields.Field) -> st.SearchStrategy[net_utils.AuthenticEUI]:
    """A 48-bit MAC address as ``AuthenticEUI`` in one of the textual dialects users send."""
    return st.builds(
        lambda raw, fmt: net_utils.AuthenticEUI(fmt(raw)),
        st.binary(min_size=6, max_size=6),
        st.sampled_from(_MAC_FORMATS),
    )


def ip_network(field: fields.Field) -> st.SearchStrategy[net_utils.AuthenticIPNetwork]:
    """An IPv4 or IPv6 CIDR as ``AuthenticIPNetwork``, host bits sometimes set (as users send)."""

    def _cidr(version: int) -> st.SearchStrategy[str]:
        bits = 32 if version == 4 else lib_constants.IPv6_BITS
        return st.builds(
            lambda address, prefixlen, masked: str(
                ipaddress.ip_network(f"{address}/{prefixlen}", strict=False)
                if masked
                else ipaddress.ip_interface(f"{address}/{prefixlen}")
            ),
            st.ip_addresses(v=version),
            st.integers(min_value=0, max_value=bits),
            st.booleans(),
        )

    return (_cidr(4) | _cidr(6)).map(net_utils.AuthenticIPNetwork)


def dict_of_misc_values(field: fields.Field) -> st.SearchStrategy[dict]:
    """A JSON object of nested lists/dicts of scalars (agent configurations, QoS parameters)."""
    values = st.recursive(
        _JSON_SCALARS,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(wire_characters(), max_size=8), children, max_size=3)
        ),
        max_leaves=8,
    )
    return st.dictionaries(st.text(wire_characters(), max_size=12), values, max_size=4)


def uuid_string(field: fields.Field) -> st.SearchStrategy[str]:
    """A UUID in canonical string form, which neutron-lib's ``UUID.coerce`` returns."""
    return st.uuids().map(str)


register_field_strategy(common_types.RangeConstrainedInteger, range_constrained_integer)
register_field_strategy(common_types.IntegerEnum, integer_enum)
register_field_strategy(common_types.PortRanges, port_ranges)
register_field_strategy(common_types.DomainName, domain_name)
register_field_strategy(common_types.MACAddress, mac_address)
register_field_strategy(common_types.IPNetwork, ip_network)
register_field_strategy(common_types.DictOfMiscValues, dict_of_misc_values)
register_field_strategy(common_types.UUID, uuid_string)
register_field_strategy(event_types.SecurityEvent, security_event)
