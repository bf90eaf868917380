"""describe(): field descriptors, relationships, remotable methods, oslo-compatible fingerprint."""

from __future__ import annotations

import json

import pytest
from oslo_versionedobjects import base, fields
from oslo_versionedobjects.fixture import ObjectVersionChecker

from compat_tests.schema import describe, describe_field, fingerprint
from tests.snapshots._objs.base import SnapTestRegistry
from tests.snapshots._objs.network import SnapNetwork, SnapSegment


def test_describe_records_every_part_of_the_schema() -> None:
    schema = describe(SnapNetwork)
    assert schema["version"] == "1.3"
    assert sorted(schema["fields"]) == ["extra", "id", "name", "segments", "tags"]
    assert schema["relationships"] == {"segments": [["1.0", "1.0"], ["1.3", "1.1"]]}
    assert schema["remotable"] == {
        "get_by_id": "(cls, context, network_id, fields=None)",
        "save": "(self)",
    }
    assert schema["fingerprint"].startswith("1.3-")
    json.dumps(schema)  # JSON-ready as is


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            fields.StringField(),
            {"type": "String", "class": "oslo_versionedobjects.fields.String", "nullable": False},
        ),
        (
            fields.IntegerField(nullable=True, default=3),
            {
                "type": "Integer",
                "class": "oslo_versionedobjects.fields.Integer",
                "nullable": True,
                "default": 3,
            },
        ),
        (
            fields.EnumField(["b", "a"]),
            {
                "type": "Enum",
                "class": "oslo_versionedobjects.fields.Enum",
                "valid_values": ["b", "a"],
                "nullable": False,
            },
        ),
        (
            fields.ListOfObjectsField("SnapSegment", subclasses=True),
            {
                "type": "List",
                "class": "oslo_versionedobjects.fields.List",
                "element": {
                    "type": "Object",
                    "class": "oslo_versionedobjects.fields.Object",
                    "objname": "SnapSegment",
                    "subclasses": True,
                },
                "nullable": False,
            },
        ),
        (
            fields.DictOfNullableStringsField(),
            {
                "type": "Dict",
                "class": "oslo_versionedobjects.fields.Dict",
                "element": {
                    "type": "String",
                    "class": "oslo_versionedobjects.fields.String",
                    "nullable": True,
                },
                "nullable": False,
            },
        ),
        (
            fields.SetOfStringsField(default={"y", "x"}),
            {
                "type": "Set",
                "class": "oslo_versionedobjects.fields.Set",
                "element": {"type": "String", "class": "oslo_versionedobjects.fields.String"},
                "nullable": False,
                "default": ["x", "y"],
            },
        ),
        (
            fields.MACAddressField(),
            {
                "type": "MACAddress",
                "class": "oslo_versionedobjects.fields.MACAddress",
                "pattern": fields.MACAddress.PATTERN,
                "nullable": False,
            },
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, fields.Field) else "",
)
def test_describe_field(field: fields.Field, expected: dict) -> None:
    assert describe_field(field) == expected


def test_no_default_means_no_default_key_but_none_default_is_recorded() -> None:
    assert "default" not in describe_field(fields.StringField(nullable=True))
    assert describe_field(fields.StringField(nullable=True, default=None))["default"] is None


def test_descriptor_class_is_importable_dotted_path() -> None:
    import importlib

    for descriptor in describe(SnapNetwork)["fields"].values():
        module, _, name = descriptor["class"].rpartition(".")
        assert getattr(importlib.import_module(module), name).__name__ == descriptor["type"]


def test_fingerprint_agrees_with_oslo_object_version_checker() -> None:
    expected = ObjectVersionChecker(SnapTestRegistry.obj_classes()).get_hashes()
    assert {"SnapNetwork", "SnapSegment"} <= set(expected)
    assert fingerprint(SnapNetwork) == expected["SnapNetwork"]
    assert fingerprint(SnapSegment) == expected["SnapSegment"]
    assert describe(SnapNetwork)["fingerprint"] == expected["SnapNetwork"]


def test_fingerprint_agrees_for_old_style_child_versions() -> None:
    @base.VersionedObjectRegistry.objectify
    class SnapLegacyChild(base.VersionedObject):
        VERSION = "1.4"
        fields = {"child": fields.ObjectField("SnapSegment")}
        child_versions = {"1.0": "1.0", "1.4": "1.1"}

        @base.remotable
        def refresh(self, context, deep=False):
            """Reload."""

    expected = ObjectVersionChecker({"SnapLegacyChild": [SnapLegacyChild]}).get_hashes()
    assert fingerprint(SnapLegacyChild) == expected["SnapLegacyChild"]


def test_fingerprint_changes_when_a_field_changes() -> None:
    @base.VersionedObjectRegistry.objectify
    class SnapFp(base.VersionedObject):
        fields = {"a": fields.StringField()}

    before = fingerprint(SnapFp)
    SnapFp.fields = {"a": fields.StringField(nullable=True)}
    assert fingerprint(SnapFp) != before
