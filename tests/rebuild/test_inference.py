from __future__ import annotations

import pytest
from oslo_versionedobjects import base, fields

from compat_tests.errors import SnapshotError
from compat_tests.inference import InferenceError, infer_history, populated
from compat_tests.properties._compare import normalized
from compat_tests.rebuild import OldNode
from compat_tests.schema import describe
from tests.rebuild import _objs


def test_infers_field_sets_from_real_backport_code():
    history = infer_history(_objs.RbWidget)

    assert list(history) == ["1.0", "1.1"]
    assert set(history["1.0"]["fields"]) == {"id", "name"}
    assert set(history["1.1"]["fields"]) == {"id", "name", "part", "size"}


def test_inferred_schema_takes_descriptors_from_current_class_and_is_marked():
    current = describe(_objs.RbWidget)
    schema = infer_history(_objs.RbWidget)["1.1"]

    assert schema["inferred"] is True
    assert schema["fingerprint"] is None
    assert schema["version"] == "1.1"
    assert schema["fields"] == {
        key: current["fields"][key] for key in ("id", "name", "part", "size")
    }
    assert schema["remotable"] == current["remotable"]


def test_relationships_keep_only_entries_that_existed():
    history = infer_history(_objs.RbWidget)
    assert history["1.1"]["relationships"] == {"part": [["1.1", "1.0"]]}
    assert history["1.0"]["relationships"] == {}


def test_child_class_history_is_inferred_too():
    history = infer_history(_objs.RbPart)
    assert set(history) == {"1.0"}
    assert set(history["1.0"]["fields"]) == {"id"}


def test_inferred_history_rebuilds_an_old_node_that_parses_old_primitives():
    histories = {
        "RbWidget": {**infer_history(_objs.RbWidget), "1.2": describe(_objs.RbWidget)},
        "RbPart": {**infer_history(_objs.RbPart), "1.1": describe(_objs.RbPart)},
    }
    node = OldNode.for_version(histories, "RbWidget", "1.1")
    primitive = populated(_objs.RbWidget).obj_to_primitive(target_version="1.1")

    old = node.cls("RbWidget").obj_from_primitive(primitive)

    assert old.size == 1
    assert type(old.part) is node.cls("RbPart")


def test_refused_version_is_reported_with_what_was_inferred():
    with pytest.raises(InferenceError) as info:
        infer_history(_objs.RbPicky)

    error = info.value
    assert isinstance(error, SnapshotError)
    assert list(error.skipped) == ["1.0"]
    assert "mode cannot be represented at 1.0" in error.skipped["1.0"]
    assert set(error.history) == {"1.1"}
    assert set(error.history["1.1"]["fields"]) == {"id", "mode"}
    assert "RbPicky" in str(error) and "1.0" in str(error) and "support" in str(error)


class RbLossy(base.VersionedObject):
    """Refuses a non-null ``note`` below 1.1 but accepts the default: second try succeeds."""

    VERSION = "1.1"
    fields = {"id": fields.IntegerField(), "note": fields.StringField(nullable=True)}

    def obj_make_compatible(self, primitive, target_version):
        if target_version == "1.0":
            if primitive.get("note") is not None:
                raise ValueError("note would be lost")
            primitive.pop("note", None)


RbLossy = base.VersionedObjectRegistry.objectify(RbLossy)


def test_lossy_backport_is_retried_with_defaults_and_nulls():
    assert set(infer_history(RbLossy)["1.0"]["fields"]) == {"id"}


class RbRenamed(base.VersionedObject):
    """1.0 called ``label`` what 1.1 calls ``title``: the backport renames it back."""

    VERSION = "1.1"
    fields = {"title": fields.StringField()}

    def obj_make_compatible(self, primitive, target_version):
        if target_version == "1.0":
            primitive["label"] = primitive.pop("title")


RbRenamed = base.VersionedObjectRegistry.objectify(RbRenamed)


def test_field_only_the_backport_knows_gets_a_guessed_nullable_descriptor():
    schema = infer_history(RbRenamed)["1.0"]
    assert set(schema["fields"]) == {"label"}
    assert schema["fields"]["label"]["type"] == "String"
    assert schema["fields"]["label"]["nullable"] is True


class RbPlain(base.VersionedObject):
    VERSION = "2.0"
    fields = {"id": fields.IntegerField()}


RbPlain = base.VersionedObjectRegistry.objectify(RbPlain)


def test_first_version_of_a_major_has_nothing_to_infer():
    assert infer_history(RbPlain) == {}


def test_populated_sets_every_field_with_a_valid_value():
    kinds = {
        "uuid": fields.UUIDField(),
        "mac": fields.MACAddressField(),
        "ip6": fields.IPV6AddressField(),
        "net": fields.IPV4NetworkField(),
        "when": fields.DateTimeField(),
        "flag": fields.BooleanField(),
        "ratio": fields.NonNegativeFloatField(),
        "tags": fields.SetOfStringsField(),
        "map": fields.DictOfIntegersField(),
        "choice": fields.ListOfEnumField(valid_values=["p", "q"]),
    }
    cls = base.VersionedObjectRegistry.objectify(
        type("RbKinds", (base.VersionedObject,), {"fields": kinds})
    )

    instance = populated(cls)

    assert all(instance.obj_attr_is_set(name) for name in kinds)
    assert all(getattr(instance, name) is not None for name in kinds)
    assert instance.choice == ["p"]
    primitive = instance.obj_to_primitive()
    parsed = cls._obj_from_primitive(None, cls.VERSION, primitive)
    # ``changes`` lists a set (obj_what_changed) in its iteration order, which depends on
    # the hash seed and on the order the fields were set: compared as the set it is.
    assert normalized(parsed.obj_to_primitive()) == normalized(primitive)


def test_populated_with_defaults_uses_defaults_and_nulls():
    instance = populated(_objs.RbWidget, defaults=True)
    assert instance.size is None
    assert instance.part is None
    assert instance.tags == []
    assert instance.name == "x"


class _Nothing(fields.FieldType):
    def coerce(self, obj, attr, value):
        raise ValueError("never")


class RbImpossible(base.VersionedObject):
    VERSION = "1.1"
    fields = {"id": fields.IntegerField(), "odd": fields.Field(_Nothing())}


RbImpossible = base.VersionedObjectRegistry.objectify(RbImpossible)


def test_field_without_any_valid_value_is_reported_by_name():
    with pytest.raises(InferenceError, match=r"RbImpossible.*1\.0.*field 'odd' of type _Nothing"):
        infer_history(RbImpossible)


class RbOrphan(base.VersionedObject):
    VERSION = "1.1"
    fields = {"child": fields.ObjectField("RbNoSuchChild")}


RbOrphan = base.VersionedObjectRegistry.objectify(RbOrphan)


def test_unresolvable_child_object_is_reported_by_name():
    with pytest.raises(InferenceError, match="child object 'RbNoSuchChild'"):
        infer_history(RbOrphan)


class RbNoRules(base.VersionedObject):
    """Has a child but no obj_relationships: backports need a version manifest."""

    VERSION = "1.1"
    fields = {"part": fields.ObjectField("RbPart"), "extra": fields.IntegerField()}

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if target_version == "1.0":
            primitive.pop("extra")


RbNoRules = base.VersionedObjectRegistry.objectify(RbNoRules)


def test_class_without_relationships_is_backported_with_a_manifest():
    assert set(infer_history(RbNoRules)["1.0"]["fields"]) == {"part"}


def test_inference_takes_values_of_custom_types_from_the_strategy_registry(monkeypatch):
    from hypothesis import strategies as st

    from strategies import _registry, temporary_field_strategy
    from tests.snapshots._iqn.objects import IQN, SnapTargetPortal

    # Not registered (another test may have imported the vendor's strategies module).
    monkeypatch.delitem(_registry._USER, IQN, raising=False)
    with pytest.raises(InferenceError) as info:
        infer_history(SnapTargetPortal)
    assert "field 'iqn' of type IQN" in str(info.value)
    assert "register_field_strategy(tests.snapshots._iqn.objects.IQN" in str(info.value)

    with temporary_field_strategy(IQN, st.just("iqn.2001-04.com.example:disk1")):
        history = infer_history(SnapTargetPortal)
    assert sorted(history["1.0"]["fields"]) == ["iqn"]
