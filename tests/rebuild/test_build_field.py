from __future__ import annotations

import datetime

import pytest
from oslo_versionedobjects import fields

from compat_tests.errors import SnapshotError
from compat_tests.rebuild import build_field
from compat_tests.schema import describe_field


class _Colour(fields.Enum):
    def __init__(self) -> None:
        super().__init__(valid_values=("red", "green"))


FIELDS = {
    "string": fields.StringField(),
    "nullable-int-default": fields.IntegerField(nullable=True, default=3),
    "enum": fields.EnumField(valid_values=["a", "b"], default="a"),
    "enum-subclass-no-args": fields.Field(_Colour()),
    "uuid": fields.UUIDField(),
    "datetime-naive": fields.DateTimeField(tzinfo_aware=False),
    "ipv6-network": fields.IPV6NetworkField(),
    "dict-nullable-strings": fields.DictOfNullableStringsField(),
    "list-of-lists": fields.ListOfListsOfStringsField(),
    "set-default": fields.SetOfIntegersField(default={3, 1}),
    "object": fields.ObjectField("Thing", subclasses=True, nullable=True),
    "list-of-objects": fields.ListOfObjectsField("Thing", default=[]),
    "list-of-enum": fields.ListOfEnumField(valid_values=["x", "y"]),
}


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_descriptor_round_trips_through_build_field(name):
    descriptor = describe_field(FIELDS[name])
    assert describe_field(build_field(descriptor)) == descriptor


def test_object_fields_keep_their_ovo_field_class():
    assert type(build_field(describe_field(FIELDS["object"]))) is fields.ObjectField
    rebuilt = build_field(describe_field(FIELDS["list-of-objects"]))
    assert type(rebuilt) is fields.ListOfObjectsField
    assert rebuilt.default == []


def test_set_default_comes_back_as_a_set():
    assert build_field(describe_field(FIELDS["set-default"])).default == {1, 3}


def test_old_enum_choices_are_enforced():
    descriptor = describe_field(FIELDS["enum-subclass-no-args"])
    descriptor["valid_values"] = ["red"]
    field = build_field(descriptor)
    assert isinstance(field._type, _Colour)
    assert field.coerce(None, "colour", "red") == "red"
    with pytest.raises(ValueError):
        field.coerce(None, "colour", "green")


def test_naive_datetime_stays_naive():
    field = build_field(describe_field(FIELDS["datetime-naive"]))
    value = field.coerce(None, "at", datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
    assert value.tzinfo is None


def test_descriptor_without_class_is_a_clear_error():
    descriptor = describe_field(fields.StringField())
    del descriptor["class"]
    with pytest.raises(SnapshotError, match=r"Port 1.0 field 'name'.*\"class\""):
        build_field(descriptor, where="Port 1.0 field 'name'")


def test_class_that_is_not_a_field_type_is_a_clear_error():
    descriptor = describe_field(fields.StringField())
    descriptor["class"] = "collections.OrderedDict"
    with pytest.raises(SnapshotError, match=r"collections\.OrderedDict is not an oslo"):
        build_field(descriptor)
