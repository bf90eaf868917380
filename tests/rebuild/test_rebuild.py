from __future__ import annotations

import copy
import json
import uuid

import pytest
from oslo_versionedobjects import base, exception, fields

from compat_tests.errors import SnapshotError
from compat_tests.rebuild import OldNode, resolve_manifest
from compat_tests.schema import describe
from tests.rebuild import _objs
from tests.rebuild._history import CURRENT, histories

WIDGET_ID = str(uuid.UUID(int=7))


def _new_widget() -> _objs.RbWidget:
    return _objs.RbWidget(
        id=WIDGET_ID,
        name="w",
        size=3,
        part=_objs.RbPart(id=5, colour="green"),
        tags=["a", "b"],
    )


def _registry_table() -> dict[str, list[type]]:
    return {
        name: list(classes) for name, classes in base.VersionedObjectRegistry.obj_classes().items()
    }


def test_for_version_pins_children_by_relationship_and_others_at_newest():
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)
    assert node.manifest == {"RbPart": "1.0", "RbWidget": "1.1"}
    assert OldNode.for_version(histories(), "RbPart", "1.0").manifest == {
        "RbPart": "1.0",
        "RbWidget": "1.2",
    }


def test_rebuilt_fields_are_exactly_the_snapshot_fields():
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)
    widget = node.cls("RbWidget")
    assert widget.VERSION == "1.1"
    assert set(widget.fields) == {"id", "name", "part", "size"}
    assert set(node.cls("RbPart").fields) == {"id"}
    # Unchanged descriptors reuse (a copy of) the current Field, keeping its class.
    assert type(widget.fields["id"]) is fields.UUIDField
    assert widget.fields["id"] is not _objs.RbWidget.fields["id"]
    assert widget.OBJ_PROJECT_NAMESPACE == "rebuild-tests"
    assert not hasattr(widget, "tags")


def test_primitive_backported_by_new_code_deserializes_in_old_node():
    primitive = _new_widget().obj_to_primitive(target_version="1.1")
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)

    old = node.cls("RbWidget").obj_from_primitive(json.loads(json.dumps(primitive)))

    assert type(old) is node.cls("RbWidget")
    assert (old.id, old.name, old.size) == (WIDGET_ID, "w", 3)
    assert type(old.part) is node.cls("RbPart")
    assert old.part.id == 5
    assert "colour" not in old.part.fields


def test_old_node_ignores_a_field_its_version_did_not_have_like_real_ovo():
    # Issue 11: rebuilt classes used to refuse such keys (UnknownFieldsError) where a real
    # old node reads the object and drops them: 52 false alarms on an untuned project.
    primitive = _new_widget().obj_to_primitive(target_version="1.1")
    primitive["versioned_object.data"]["tags"] = ["a"]
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)

    old = node.cls("RbWidget").obj_from_primitive(primitive)

    assert old.name == "w" and "tags" not in old.fields
    assert not old.obj_attr_is_set("size") or old.size == 3


def test_plain_ovo_ignores_that_field_too():
    primitive = _new_widget().obj_to_primitive(target_version="1.1")
    primitive["versioned_object.data"]["bogus"] = 1
    parsed = _objs.RbWidget.obj_from_primitive(primitive)
    assert parsed.name == "w"
    assert not hasattr(parsed, "bogus")


def test_child_ignores_a_field_its_version_did_not_have():
    primitive = _new_widget().obj_to_primitive(target_version="1.1")
    primitive["versioned_object.data"]["part"]["versioned_object.data"]["colour"] = "red"
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)

    old = node.cls("RbWidget").obj_from_primitive(primitive)

    assert type(old.part) is node.cls("RbPart") and "colour" not in old.part.fields


def test_too_new_version_raises_incompatible_object_version():
    primitive = _new_widget().obj_to_primitive()
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)

    with pytest.raises(exception.IncompatibleObjectVersion) as info:
        node.cls("RbWidget").obj_from_primitive(primitive)
    assert info.value.kwargs["supported"] == "1.1"
    assert info.value.kwargs["objver"] == "1.2"


def test_older_compatible_version_is_accepted():
    primitive = _new_widget().obj_to_primitive(target_version="1.0")
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)
    old = node.cls("RbWidget").obj_from_primitive(primitive)
    assert old.VERSION == "1.0"
    assert not old.obj_attr_is_set("size")


def test_unknown_object_name_is_unsupported_in_node():
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)
    with pytest.raises(exception.UnsupportedObjectError):
        node.cls("RbWidget").obj_class_from_name("RbNotInNode", "1.0")


def test_wrong_namespace_is_refused():
    primitive = _new_widget().obj_to_primitive(target_version="1.1")
    primitive["versioned_object.namespace"] = "someone-else"
    node = OldNode.for_version(histories(), "RbWidget", "1.1", current=CURRENT)
    with pytest.raises(exception.UnsupportedObjectError):
        node.cls("RbWidget").obj_from_primitive(primitive)


def test_rebuilding_never_touches_the_registry():
    before = _registry_table()
    node = OldNode.for_version(histories(), "RbWidget", "1.1")
    OldNode({"RbWidget": "1.0", "RbPart": "1.1"}, histories())
    assert _registry_table() == before
    assert all(node.cls("RbWidget") not in classes for classes in before.values())
    assert _objs.RbWidget.obj_class_from_name("RbWidget", "1.1") is _objs.RbWidget


def test_without_current_mapping_registered_class_supplies_namespace_and_mixins():
    node = OldNode.for_version(histories(), "RbWidget", "1.1")
    assert node.cls("RbWidget").OBJ_PROJECT_NAMESPACE == "rebuild-tests"
    assert issubclass(node.cls("RbPart"), base.VersionedObjectDictCompat)
    assert not issubclass(node.cls("RbWidget"), base.VersionedObjectDictCompat)


def test_direct_constructor_uses_given_manifest():
    node = OldNode({"RbWidget": "1.2", "RbPart": "1.0"}, histories(), current=CURRENT)
    assert node.manifest == {"RbPart": "1.0", "RbWidget": "1.2"}
    primitive = _new_widget().obj_to_primitive()
    # The 1.2 widget carries a RbPart 1.1, which this node (RbPart 1.0) cannot parse.
    with pytest.raises(exception.IncompatibleObjectVersion, match="RbPart"):
        node.cls("RbWidget").obj_from_primitive(primitive)


def test_rebuilt_class_backports_generically_by_snapshot():
    node = OldNode.for_version(histories(), "RbWidget", "1.2", current=CURRENT)
    widget_cls = node.cls("RbWidget")
    widget = widget_cls.obj_from_primitive(_new_widget().obj_to_primitive())

    primitive = widget.obj_to_primitive(target_version="1.1")

    data = primitive["versioned_object.data"]
    assert set(data) == {"id", "name", "part", "size"}
    assert data["part"]["versioned_object.version"] == "1.0"
    assert set(data["part"]["versioned_object.data"]) == {"id"}
    assert set(widget.obj_to_primitive(target_version="1.0")["versioned_object.data"]) == {
        "id",
        "name",
    }


def test_version_not_recorded_is_a_clear_error():
    with pytest.raises(SnapshotError, match=r"RbWidget 1\.7 is not recorded.*1\.0"):
        OldNode.for_version(histories(), "RbWidget", "1.7")


def test_name_not_recorded_is_a_clear_error():
    with pytest.raises(SnapshotError, match=r"RbGizmo.*ovo-compat snapshot"):
        OldNode.for_version(histories(), "RbGizmo", "1.0")


def test_child_without_snapshot_is_a_clear_error():
    history = histories()
    del history["RbPart"]
    with pytest.raises(SnapshotError, match=r"RbWidget 1\.1 field 'part' holds RbPart"):
        OldNode.for_version(history, "RbWidget", "1.1")


def test_relationship_to_unrecorded_child_version_is_a_clear_error():
    history = histories()
    history["RbWidget"]["1.1"]["relationships"] = {"part": [["1.1", "1.5"]]}
    with pytest.raises(SnapshotError, match=r"RbPart 1\.5 \(required by RbWidget 1\.1\)"):
        OldNode.for_version(history, "RbWidget", "1.1")


def test_changed_descriptor_is_rebuilt_from_the_snapshot():
    history = histories()
    old_colour = copy.deepcopy(history["RbPart"]["1.1"]["fields"]["colour"])
    old_colour["valid_values"] = ["red"]
    history["RbPart"]["1.1"]["fields"]["colour"] = old_colour
    node = OldNode.for_version(history, "RbPart", "1.1", current=CURRENT)
    part = node.cls("RbPart")

    assert part(id=1, colour="red").colour == "red"
    with pytest.raises(ValueError):
        part(id=1, colour="green")


def test_unimportable_field_class_is_a_clear_error():
    history = histories()
    history["RbWidget"]["1.0"]["fields"]["name"]["class"] = "nowhere.at_all.Thing"
    with pytest.raises(SnapshotError, match=r"RbWidget 1\.0 field 'name'.*nowhere\.at_all\.Thing"):
        OldNode.for_version(history, "RbWidget", "1.0", current=CURRENT)


def test_unknown_name_in_node_is_a_clear_error():
    node = OldNode.for_version(histories(), "RbPart", "1.0", current=CURRENT)
    with pytest.raises(SnapshotError, match="RbNope"):
        node.cls("RbNope")


class RbLoner(base.VersionedObject):
    """Defined but kept out of OVO's registry, as projects with their own class table do."""

    OBJ_PROJECT_NAMESPACE = "loner"
    VERSION = "1.3"
    fields = {"id": fields.IntegerField()}


RbLoner = base.VersionedObjectRegistry.objectify(RbLoner)


def test_current_class_outside_ovo_registry_is_found_by_name():
    node = OldNode.for_version({"RbLoner": {"1.3": describe(RbLoner)}}, "RbLoner", "1.3")
    loner = node.cls("RbLoner")
    assert loner.OBJ_PROJECT_NAMESPACE == "loner"
    assert loner.fields["id"] is not RbLoner.fields["id"]
    assert loner.obj_from_primitive(RbLoner(id=4).obj_to_primitive()).id == 4


def _holder_history(part_version: str) -> dict:
    schema = describe(_objs.RbWidget)
    schema["fields"] = {"part": schema["fields"]["part"]}
    schema["relationships"] = {"part": [["1.0", part_version]]}
    schema["version"] = "1.0"
    return {"1.0": schema}


def test_two_parents_needing_different_child_minors_get_the_newest():
    history = histories()
    history["RbHolder"] = _holder_history("1.1")
    history["RbWidget"]["1.1"]["fields"]["holder"] = {
        **history["RbWidget"]["1.1"]["fields"]["part"],
        "objname": "RbHolder",
    }
    history["RbWidget"]["1.1"]["relationships"]["holder"] = [["1.0", "1.0"]]

    manifest = resolve_manifest(history, "RbWidget", "1.1")

    assert manifest == {"RbHolder": "1.0", "RbPart": "1.1", "RbWidget": "1.1"}


def test_two_parents_needing_different_child_majors_is_a_clear_error():
    history = histories()
    history["RbPart"]["2.0"] = dict(history["RbPart"]["1.1"], version="2.0")
    history["RbHolder"] = _holder_history("2.0")
    history["RbWidget"]["1.1"]["fields"]["holder"] = {
        **history["RbWidget"]["1.1"]["fields"]["part"],
        "objname": "RbHolder",
    }
    history["RbWidget"]["1.1"]["relationships"]["holder"] = [["1.0", "1.0"]]

    with pytest.raises(SnapshotError, match="two major versions"):
        resolve_manifest(history, "RbWidget", "1.1")


def test_recorded_name_the_project_no_longer_defines_keeps_project_namespace():
    history = histories()
    history["RbRetired"] = {"1.0": dict(history["RbPart"]["1.0"])}
    node = OldNode.for_version(history, "RbRetired", "1.0", current=CURRENT)
    assert node.cls("RbRetired").OBJ_PROJECT_NAMESPACE == "rebuild-tests"
    assert node.cls("RbRetired").obj_name() == "RbRetired"
