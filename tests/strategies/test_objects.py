"""objects()/primitives(): required and optional fields, versions, children, depth, cycles."""

from __future__ import annotations

import gc
import json
import weakref

import pytest
from hypothesis import find, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample
from oslo_versionedobjects import base, fields

from strategies import ObjectResolutionError, field_values, objects, primitives
from tests.strategies._objs import (
    _StratTestDrawing,
    _StratTestGhost,
    _StratTestHolder,
    _StratTestIsolated,
    _StratTestLeaf,
    _StratTestLoop,
    _StratTestNode,
)


def _depth(node: _StratTestNode) -> int:
    """How many ``next`` links are set below ``node``."""
    depth = 0
    while node.obj_attr_is_set("next") and node.next is not None:
        node, depth = node.next, depth + 1
    return depth


@given(objects(_StratTestLeaf))
def test_required_fields_are_always_set(leaf: _StratTestLeaf) -> None:
    assert leaf.obj_attr_is_set("id")
    assert isinstance(leaf.id, int)
    assert leaf.VERSION == "1.1"


def test_optional_fields_are_sometimes_unset_none_or_set() -> None:
    leaves = objects(_StratTestLeaf)
    find(leaves, lambda o: not o.obj_attr_is_set("name"))
    find(leaves, lambda o: o.obj_attr_is_set("name") and o.name is None)
    find(leaves, lambda o: o.obj_attr_is_set("name") and o.name is not None)
    find(leaves, lambda o: o.obj_attr_is_set("tag") and o.tag == "plain")  # the default
    find(leaves, lambda o: o.obj_attr_is_set("tag") and o.tag != "plain")


def test_field_values_draw_none_only_for_nullable_fields() -> None:
    find(field_values(fields.StringField(nullable=True)), lambda v: v is None)
    with pytest.raises(NoSuchExample):
        find(field_values(fields.StringField()), lambda v: v is None)


@given(objects(_StratTestNode, fields=["id", "leaf"]))
def test_only_the_requested_fields_are_set(node: _StratTestNode) -> None:
    assert set(node.obj_get_changes()) <= {"id", "leaf"}
    assert node.obj_attr_is_set("id")


@given(objects(_StratTestNode, version="1.0"))
def test_children_follow_obj_relationships_at_old_version(node: _StratTestNode) -> None:
    assert node.VERSION == "1.0"
    if node.obj_attr_is_set("leaf") and node.leaf is not None:
        assert node.leaf.VERSION == "1.0"
    if node.obj_attr_is_set("leaves"):
        assert all(leaf.VERSION == "1.0" for leaf in node.leaves)


@given(objects(_StratTestNode))
def test_children_at_current_version_follow_latest_relationship(node: _StratTestNode) -> None:
    assert node.VERSION == "1.2"
    if node.obj_attr_is_set("leaf") and node.leaf is not None:
        assert node.leaf.VERSION == "1.1"


def test_child_objects_are_generated() -> None:
    nodes = objects(_StratTestNode)
    find(nodes, lambda o: o.obj_attr_is_set("leaf") and o.leaf is not None)
    find(nodes, lambda o: o.obj_attr_is_set("leaves") and len(o.leaves) >= 2)


@pytest.mark.parametrize("max_depth", [0, 1, 2])
def test_recursion_stops_at_max_depth(max_depth: int) -> None:
    nodes = objects(_StratTestNode, max_depth=max_depth)
    find(nodes, lambda o: _depth(o) == max_depth)

    @given(nodes)
    def check(node: _StratTestNode) -> None:
        assert _depth(node) <= max_depth

    check()


@given(objects(_StratTestNode, max_depth=0))
def test_past_max_depth_object_lists_are_empty(node: _StratTestNode) -> None:
    if node.obj_attr_is_set("leaves"):
        assert node.leaves == []


@given(objects(_StratTestLoop, max_depth=1))
def test_required_cycle_is_cut_after_max_depth(loop: _StratTestLoop) -> None:
    # one level of children sets the required self-reference; past it, it would never end
    assert loop.me.obj_attr_is_set("id")
    assert not loop.me.obj_attr_is_set("me")


@given(objects(_StratTestHolder, max_depth=0))
def test_required_child_past_max_depth_has_required_fields_only(holder: _StratTestHolder) -> None:
    assert holder.leaf.obj_attr_is_set("id")
    assert holder.leaf.obj_what_changed() == {"id"}


@given(objects(_StratTestIsolated))
def test_children_resolve_through_the_owner_class(obj: _StratTestIsolated) -> None:
    assert type(obj.ghost) is _StratTestGhost
    assert obj.ghost.size >= 0


def test_subclasses_field_draws_every_registered_subclass() -> None:
    drawings = objects(_StratTestDrawing)
    for kind in ("_StratTestSquare", "_StratTestCircle"):
        find(drawings, lambda d, kind=kind: any(s.obj_name() == kind for s in d.shapes))


def test_child_not_in_the_global_registry_is_reported_for_field_values() -> None:
    with pytest.raises(ObjectResolutionError, match="_StratTestGhost"):
        field_values(fields.ObjectField("_StratTestGhost"), owner="X", name="ghost")


@given(primitives(_StratTestNode, version="1.0"))
def test_primitives_round_trip_through_json(primitive: dict) -> None:
    wire = json.loads(json.dumps(primitive))
    assert wire["versioned_object.version"] == "1.0"
    back = base.VersionedObject.obj_from_primitive(wire)
    assert back.VERSION == "1.0"
    assert back.obj_to_primitive()["versioned_object.data"] == wire["versioned_object.data"]


def test_strategies_are_built_once() -> None:
    assert objects(_StratTestNode, version="1.0") is objects(_StratTestNode, version="1.0")
    field = fields.IntegerField()
    assert field_values(field) is field_values(field)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"version": "1.3"}, "is version 1.2"),
        ({"version": "2.0"}, "is version 1.2"),
        ({"version": "one"}, "not a 'MAJOR.MINOR'"),
        ({"fields": ["nope"]}, "nope not in _StratTestNode.fields"),
        ({"fields": "id"}, "iterable of names"),
        ({"max_depth": -1}, "must be >= 0"),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        objects(_StratTestNode, **kwargs)


def test_non_object_class_is_rejected() -> None:
    with pytest.raises(InvalidArgument, match="VersionedObject subclass"):
        objects(dict)


def test_draws_compose_with_other_strategies() -> None:
    pairs = st.tuples(objects(_StratTestLeaf), objects(_StratTestLeaf))
    find(pairs, lambda p: p[0].id != p[1].id)


def test_classes_are_freed_with_their_strategies() -> None:
    class _StratTestTransient(base.VersionedObject):  # deliberately not registered
        VERSION = "1.0"
        fields = {"id": fields.IntegerField()}

    # Built but not drawn from: Hypothesis's own run machinery may retain drawn examples.
    objects(_StratTestTransient, max_depth=1)
    ref = weakref.ref(_StratTestTransient)
    del _StratTestTransient
    gc.collect()
    assert ref() is None
