"""Each diff rule, hit by a real OVO class changed in exactly that one way."""

from __future__ import annotations

import pytest
from oslo_versionedobjects import fields

from compat_tests.diff import RULES, compare
from compat_tests.schema import describe
from tests.snapshots._make import make_class


class _Pattern(fields.StringPattern):
    def __init__(self, pattern: str) -> None:
        self.PATTERN = pattern
        super().__init__()


class _PortRange(fields.Integer):
    """A range-constrained integer keeping its bounds as state (like neutron-lib's PortRange)."""

    def __init__(self, start: int = 1, end: int = 65535) -> None:
        super().__init__()
        self._start, self._end = start, end


BASE_FIELDS = {
    "id": fields.Field(_Pattern("^[0-9a-f]+$")),
    "name": fields.StringField(nullable=True),
    "status": fields.EnumField(["up", "down"]),
    "tags": fields.DictOfStringsField(default={}),
    "mtu": fields.IntegerField(default=1500),
    "child": fields.ObjectField("SnapChild"),
    "port": fields.Field(_PortRange()),
}


def _save(self):
    """Persist."""


def _save_with_flag(self, force=False):
    """Persist, maybe by force."""


def _refresh(self):
    """Reload."""


def _rules(old_cls, new_cls, child_versions=None) -> list[str]:
    changes = compare(describe(old_cls), describe(new_cls), child_versions=child_versions)
    return [c.rule for c in changes]


def _variant(**changes):
    field_map = dict(BASE_FIELDS)
    for key, value in changes.items():
        if value is None:
            field_map.pop(key)
        else:
            field_map[key] = value
    return field_map


def _cls(field_map=None, relationships=None, methods=None, version="1.0"):
    return make_class(
        "SnapDiffPort",
        version,
        BASE_FIELDS if field_map is None else field_map,
        {"child": [("1.0", "1.0")]} if relationships is None else relationships,
        {"save": _save} if methods is None else methods,
    )


FIELD_CASES = {
    "field-added": _variant(extra=fields.StringField()),
    "field-removed": _variant(name=None),
    "field-type-changed": _variant(name=fields.IntegerField(nullable=True)),
    "field-pattern-changed": _variant(id=fields.Field(_Pattern("^x$"))),
    "field-params-changed": _variant(port=fields.Field(_PortRange(start=0))),
    "field-subclasses-changed": _variant(child=fields.ObjectField("SnapChild", subclasses=True)),
    "nullable-tightened": _variant(name=fields.StringField()),
    "nullable-relaxed": _variant(tags=fields.DictOfStringsField(default={}, nullable=True)),
    "enum-choice-removed": _variant(status=fields.EnumField(["up"])),
    "enum-choice-added": _variant(status=fields.EnumField(["up", "down", "error"])),
    "enum-choices-reordered": _variant(status=fields.EnumField(["down", "up"])),
    "default-changed": _variant(mtu=fields.IntegerField(default=9000)),
}


@pytest.mark.parametrize("rule", sorted(FIELD_CASES))
def test_field_rule(rule: str) -> None:
    assert _rules(_cls(), _cls(FIELD_CASES[rule])) == [rule]


def test_object_name_change_is_a_type_change() -> None:
    renamed = _cls(_variant(child=fields.ObjectField("SnapOther")))
    assert _rules(_cls(), renamed) == ["field-type-changed"]


def test_element_type_and_element_nullability_changes() -> None:
    ints = _cls(_variant(tags=fields.DictOfIntegersField(default={})))
    assert _rules(_cls(), ints) == ["field-type-changed"]
    nullable_values = _cls(_variant(tags=fields.DictOfNullableStringsField(default={})))
    assert _rules(_cls(), nullable_values) == ["nullable-relaxed"]
    assert _rules(nullable_values, _cls()) == ["nullable-tightened"]


def test_change_carries_field_and_exact_descriptors() -> None:
    (change,) = compare(describe(_cls()), describe(_cls(FIELD_CASES["enum-choice-added"])))
    assert change.field == "status"
    assert change.severity == "major"
    assert change.old == describe(_cls())["fields"]["status"]
    assert change.new["valid_values"] == ["up", "down", "error"]
    assert "enum-choice-added (major) field 'status'" in change.render()


@pytest.mark.parametrize(
    ("relationships", "rule"),
    [
        ({"child": [("1.0", "1.0"), ("1.1", "1.1")]}, "relationship-added"),
        ({"child": [("1.0", "1.1")]}, "relationship-changed"),
        ({}, "relationship-changed"),
    ],
)
def test_relationship_rules(relationships, rule) -> None:
    assert _rules(_cls(), _cls(relationships=relationships)) == [rule]


def test_child_version_raised_without_relationship() -> None:
    parent = _cls()
    assert _rules(parent, parent, child_versions={"SnapChild": "1.0"}) == []
    assert _rules(parent, parent, child_versions={"SnapChild": "1.1"}) == [
        "child-version-raised-without-relationship"
    ]
    mapped = _cls(relationships={"child": [("1.0", "1.0"), ("1.0", "1.1")]})
    assert _rules(mapped, mapped, child_versions={"SnapChild": "1.1"}) == []


@pytest.mark.parametrize(
    ("methods", "rule"),
    [
        ({"save": _save, "refresh": _refresh}, "remotable-added"),
        ({}, "remotable-removed"),
        ({"save": _save_with_flag}, "remotable-signature-changed"),
    ],
)
def test_remotable_rules(methods, rule) -> None:
    assert _rules(_cls(), _cls(methods=methods)) == [rule]


def test_fingerprint_only_change() -> None:
    plain = _variant(status=fields.Field(fields.Enum(["up", "down"])))
    assert describe(_cls(plain))["fields"] == describe(_cls())["fields"]
    assert _rules(_cls(), _cls(plain)) == ["fingerprint-changed"]


def test_unknown_descriptor_difference_is_never_silent() -> None:
    old = describe(_cls())
    new = describe(_cls())
    new["fields"]["mtu"] = {**new["fields"]["mtu"], "unit": "bytes"}
    assert [c.rule for c in compare(old, new)] == ["descriptor-changed"]


def test_inferred_old_schema_compares_field_presence_only() -> None:
    old = {**describe(_cls()), "inferred": True, "fingerprint": None}
    old["fields"]["mtu"] = {"type": "String", "class": "x.String", "nullable": True}
    assert compare(old, describe(_cls())) == []
    assert [c.rule for c in compare(old, describe(_cls(FIELD_CASES["field-added"])))] == [
        "field-added"
    ]


def test_identical_schemas_have_no_changes() -> None:
    assert compare(describe(_cls()), describe(_cls())) == []


def test_every_rule_is_tested_here() -> None:
    tested = set(FIELD_CASES) | {
        "relationship-added",
        "relationship-changed",
        "child-version-raised-without-relationship",
        "remotable-added",
        "remotable-removed",
        "remotable-signature-changed",
        "fingerprint-changed",
        "descriptor-changed",
    }
    assert tested == set(RULES)
