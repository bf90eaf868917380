"""Built-in strategies for oslo's scalar field types, keyed by the exact FieldType class.

Every strategy yields values that the type's ``coerce`` accepts and that survive
``to_primitive`` -> JSON -> ``from_primitive``.  Where the wire format is narrower than
Python, the strategy is narrowed to match, never the other way round:

* text has no lone surrogates (oslo.messaging encodes JSON as UTF-8);
* floats are finite: ``Float.to_primitive`` returns the float itself and JSON has no
  NaN/Infinity (``json.dumps`` writes non-standard tokens other peers reject), and
  ``NaN != NaN`` would make every equality property fail;
* datetimes have no microseconds (``isotime`` drops them), years >= 1000 (``%Y`` is not
  zero-padded below that) and tzinfo UTC (``isotime`` only writes ``Z`` correctly).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

import netaddr
from hypothesis import strategies as st
from oslo_versionedobjects import fields

ScalarFactory = Callable[[fields.FieldType], st.SearchStrategy]

# Every code point UTF-8 can encode: all but the surrogates (category Cs).  Spelt so, not
# as ``characters(codec="utf-8")`` (Hypothesis's default text alphabet): the same
# characters and the same examples, but the codec form first walks all 1.1 million code
# points through the codec (seconds per process wherever Hypothesis's storage directory
# is new: each CI run, each pytest-xdist worker, each benchmark).
_WIRE_CHARACTERS = st.characters(exclude_categories=("Cs",))
_WIRE_TEXT = st.text(_WIRE_CHARACTERS)
_DATETIMES = st.datetimes(
    min_value=datetime.datetime(1000, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59, 59)
).map(lambda d: d.replace(microsecond=0, fold=0))
_PREDICATE_OPS = ("<", "<=", ">", ">=", "==", "!=")
_HEX = "0123456789abcdef"


def wire_text() -> st.SearchStrategy:
    """Text that survives UTF-8 JSON (no lone surrogates); also used for dict keys."""
    return _WIRE_TEXT


def wire_characters() -> st.SearchStrategy:
    """The characters of `wire_text`: pass as ``st.text(wire_characters(), ...)``."""
    return _WIRE_CHARACTERS


def _text(_ftype: fields.FieldType) -> st.SearchStrategy:
    return _WIRE_TEXT


def _version_predicate(_ftype: fields.FieldType) -> st.SearchStrategy:
    version = st.lists(st.integers(0, 999).map(str), min_size=1, max_size=4).map(".".join)
    space = st.sampled_from(["", " "])
    clause = st.builds(
        lambda s1, op, s2, v, s3: f"{s1}{op}{s2}{v}{s3}",
        space,
        st.sampled_from(_PREDICATE_OPS),
        space,
        version,
        space,
    )
    return st.lists(clause, min_size=1, max_size=3).map(",".join)


def _enum(ftype: fields.FieldType) -> st.SearchStrategy:
    values = ftype.valid_values  # type: ignore[attr-defined]
    if isinstance(values, (set, frozenset)):
        # set order changes with hash randomisation; derandomized runs must not
        values = sorted(values, key=repr)
    return st.sampled_from(list(values))


def _pattern(ftype: fields.FieldType) -> st.SearchStrategy | None:
    pattern = getattr(ftype, "PATTERN", None)
    if not pattern:
        return None
    return st.from_regex(pattern, fullmatch=True)


def _uuid_spelling(value: uuid.UUID, upper: bool, dashes: bool) -> str:
    text = str(value) if dashes else value.hex
    return text.upper() if upper else text


def _uuid(_ftype: fields.FieldType) -> st.SearchStrategy:
    # Mostly canonical uuids (what callers store), sometimes the other spellings UUID's
    # PATTERN accepts (upper case, no dashes).  Built directly: from_regex is ~10x slower.
    canonical = st.uuids().map(str)
    other = st.builds(_uuid_spelling, st.uuids(), st.booleans(), st.booleans())
    return st.one_of(canonical, other)


def _mac(_ftype: fields.FieldType) -> st.SearchStrategy:
    return st.binary(min_size=6, max_size=6).map(lambda b: ":".join(f"{x:02x}" for x in b))


def _pci(_ftype: fields.FieldType) -> st.SearchStrategy:
    return st.builds(
        lambda domain, bus, hi, lo, func: f"{domain:04x}:{bus:02x}:{hi}{lo}.{func}",
        st.integers(0, 0xFFFF),
        st.integers(0, 0xFF),
        st.sampled_from("01"),
        st.sampled_from(_HEX),
        st.integers(0, 7),
    )


def _ip_address(versions: tuple[int, ...]) -> ScalarFactory:
    addresses = st.one_of([st.ip_addresses(v=v) for v in versions])  # type: ignore[arg-type]

    def factory(_ftype: fields.FieldType) -> st.SearchStrategy:
        return addresses.map(lambda a: netaddr.IPAddress(str(a)))

    return factory


def _ip_network(versions: tuple[int, ...]) -> ScalarFactory:
    def one(version: int) -> st.SearchStrategy:
        bits = 32 if version == 4 else 128
        return st.builds(
            lambda addr, prefix: netaddr.IPNetwork(f"{addr}/{prefix}", version=version),
            st.ip_addresses(v=version),  # type: ignore[arg-type]
            st.integers(0, bits),
        )

    networks = st.one_of([one(v) for v in versions])

    def factory(_ftype: fields.FieldType) -> st.SearchStrategy:
        return networks

    return factory


def _datetime(ftype: fields.FieldType) -> st.SearchStrategy:
    if getattr(ftype, "tzinfo_aware", True):
        return _DATETIMES.map(lambda d: d.replace(tzinfo=datetime.timezone.utc))
    return _DATETIMES


SCALARS: dict[type, Callable[[fields.FieldType], st.SearchStrategy | None]] = {
    fields.String: _text,
    fields.SensitiveString: _text,
    fields.VersionPredicate: _version_predicate,
    fields.Enum: _enum,
    fields.StringPattern: _pattern,
    fields.UUID: _uuid,
    fields.MACAddress: _mac,
    fields.PCIAddress: _pci,
    fields.Integer: lambda _t: st.integers(),
    fields.NonNegativeInteger: lambda _t: st.integers(min_value=0),
    fields.Float: lambda _t: st.floats(allow_nan=False, allow_infinity=False),
    fields.NonNegativeFloat: lambda _t: st.floats(
        min_value=0.0, allow_nan=False, allow_infinity=False
    ),
    fields.Boolean: lambda _t: st.booleans(),
    fields.FlexibleBoolean: lambda _t: st.booleans(),
    fields.DateTime: _datetime,
    fields.IPAddress: _ip_address((4, 6)),
    fields.IPV4Address: _ip_address((4,)),
    fields.IPV6Address: _ip_address((6,)),
    fields.IPV4AndV6Address: _ip_address((4, 6)),
    fields.IPNetwork: _ip_network((4, 6)),
    fields.IPV4Network: _ip_network((4,)),
    fields.IPV6Network: _ip_network((6,)),
}
"""Built-in strategy factories for oslo's scalar types; ``None`` means "cannot generate"."""
