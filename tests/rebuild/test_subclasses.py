"""Old nodes for ``Object(X, subclasses=True)`` fields whose X is an abstract, unrecorded class.

Like neutron's ``QosPolicy.rules`` (``ListOfObjectsField('QosRule', subclasses=True)``):
``RbRule`` is never registered nor recorded; its registered subclasses are.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from oslo_versionedobjects import base, fields

import strategies
from compat_tests.errors import SnapshotError
from compat_tests.rebuild import OldNode
from compat_tests.schema import describe


class RbSubRegistry(base.VersionedObjectRegistry):
    pass


class RbRule(base.VersionedObject):
    """Abstract: never registered, so never recorded."""

    OBJ_PROJECT_NAMESPACE = "rebuild-tests"
    fields = {"id": fields.IntegerField()}


@RbSubRegistry.register
class RbLimitRule(RbRule):
    VERSION = "1.1"
    fields = {**RbRule.fields, "limit": fields.IntegerField()}


@RbSubRegistry.register
class RbMarkRule(RbRule):
    VERSION = "1.0"
    fields = {**RbRule.fields, "mark": fields.StringField()}


@RbSubRegistry.register
class RbPolicy(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "rebuild-tests"
    VERSION = "1.0"
    fields = {"id": fields.IntegerField(), "rules": fields.ListOfObjectsField("RbRule", True)}


CURRENT = {cls.obj_name(): cls for cls in (RbLimitRule, RbMarkRule, RbPolicy)}
SETTINGS = settings(
    max_examples=30, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


def _histories(*names: str) -> dict:
    return {name: {CURRENT[name].VERSION: describe(CURRENT[name])} for name in names}


@pytest.fixture(scope="module")
def node() -> OldNode:
    histories = _histories("RbLimitRule", "RbMarkRule", "RbPolicy")
    return OldNode.for_version(histories, "RbPolicy", "1.0", current=CURRENT)


def test_node_holds_the_recorded_subclasses_but_not_the_abstract_base(node: OldNode) -> None:
    assert node.manifest == {"RbLimitRule": "1.1", "RbMarkRule": "1.0", "RbPolicy": "1.0"}
    with pytest.raises(SnapshotError):
        node.cls("RbRule")


def test_rebuilt_subclasses_are_accepted_by_the_subclasses_field(node: OldNode) -> None:
    rule = node.cls("RbLimitRule")(id=1, limit=5)
    policy = node.cls("RbPolicy")(id=2, rules=[rule, node.cls("RbMarkRule")(id=3, mark="x")])
    assert policy.rules[0] is rule
    assert not node.cls("RbLimitRule").fields.keys() - {"id", "limit"}


def test_current_primitive_reads_into_the_node_classes(node: OldNode) -> None:
    current = RbPolicy(id=2, rules=[RbMarkRule(id=3, mark="x"), RbLimitRule(id=4, limit=9)])
    old = node.cls("RbPolicy").obj_from_primitive(current.obj_to_primitive())
    assert [type(r) for r in old.rules] == [node.cls("RbMarkRule"), node.cls("RbLimitRule")]
    assert old.obj_to_primitive() == current.obj_to_primitive()


def test_strategies_draw_the_node_subclasses(node: OldNode) -> None:
    policies = strategies.objects(node.cls("RbPolicy"))
    mark = node.cls("RbMarkRule")
    found = find(policies, lambda p: any(type(r) is mark for r in p.rules), settings=SETTINGS)
    assert type(found.rules[0]) is mark

    @SETTINGS
    @given(policies)
    def only_node_classes(policy: base.VersionedObject) -> None:
        assert {type(r) for r in policy.rules} <= {mark, node.cls("RbLimitRule")}

    only_node_classes()


def test_no_recorded_descendant_is_a_clear_error() -> None:
    with pytest.raises(SnapshotError, match="neither RbRule nor any class descending from it"):
        OldNode.for_version(_histories("RbPolicy"), "RbPolicy", "1.0", current=CURRENT)


def test_subclasses_false_field_still_needs_its_own_snapshot() -> None:
    histories = _histories("RbLimitRule", "RbPolicy")
    histories["RbPolicy"]["1.0"]["fields"]["rules"]["element"]["subclasses"] = False
    with pytest.raises(SnapshotError, match="no snapshot of RbRule is recorded"):
        OldNode.for_version(histories, "RbPolicy", "1.0", current=CURRENT)
