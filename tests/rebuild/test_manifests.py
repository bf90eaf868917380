"""Manifests: ``compat_tests.manifests.tree_versions`` against OVO's ``obj_tree_get_versions``.

Where OVO's helper applies (the current code's classes in OVO's global registry) both
give the same manifest, which is what a real node sends.  The suite still computes its
own, for the reasons these tests show: an old node is a release whose classes OVO's
global registry does not hold, and an abstract declared base makes OVO raise.
"""

from __future__ import annotations

import pytest
from oslo_versionedobjects import base, exception, fields

from compat_tests.manifests import current_tree_versions
from compat_tests.rebuild import OldNode
from compat_tests.schema import describe


class MfRegistry(base.VersionedObjectRegistry):
    pass


class _Base(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "manifests-tests"


@MfRegistry.register
class MfLeaf(_Base):
    VERSION = "1.2"
    fields = {"x": fields.IntegerField()}


@MfRegistry.register
class MfChild(_Base):
    # 1.1: added note
    VERSION = "1.1"
    fields = {"leaf": fields.ObjectField("MfLeaf"), "note": fields.StringField(nullable=True)}


@MfRegistry.register
class MfItem(_Base):
    VERSION = "1.3"
    fields = {"leaf": fields.ObjectField("MfLeaf", nullable=True)}


@MfRegistry.register
class MfParent(_Base):
    VERSION = "2.4"
    fields = {
        "child": fields.ObjectField("MfChild"),
        "items": fields.ListOfObjectsField("MfItem"),
        # OVO's helper follows ObjectField and ListOfObjectsField only: neither a dict nor
        # a set of objects is in the manifest a real node sends.
        "by_name": fields.Field(fields.Dict(fields.Object("MfLeaf"))),
        "tags": fields.SetOfStringsField(),
    }


@MfRegistry.register
class MfHolder(_Base):
    VERSION = "1.0"
    # An abstract declared base (no class registered under the name, like Neutron's QosRule).
    fields = {"rules": fields.ListOfObjectsField("MfAbstractRule", subclasses=True)}


def test_the_current_manifest_is_what_obj_tree_get_versions_sends() -> None:
    expected = {"MfChild": "1.1", "MfItem": "1.3", "MfLeaf": "1.2", "MfParent": "2.4"}
    assert base.obj_tree_get_versions("MfParent") == expected
    assert current_tree_versions(MfParent) == expected


def test_an_old_node_sends_its_release_versions_which_ovo_global_registry_cannot_give() -> None:
    child_1_0 = {
        **describe(MfChild),
        "version": "1.0",
        "fields": {k: v for k, v in describe(MfChild)["fields"].items() if k != "note"},
    }
    histories = {cls.obj_name(): {cls.VERSION: describe(cls)} for cls in (MfLeaf, MfItem, MfParent)}
    histories["MfChild"] = {"1.0": child_1_0, "1.1": describe(MfChild)}
    current = {cls.obj_name(): cls for cls in (MfLeaf, MfChild, MfItem, MfParent)}
    node = OldNode(
        {"MfChild": "1.0", "MfItem": "1.3", "MfLeaf": "1.2", "MfParent": "2.4"},
        histories,
        current=current,
    )
    # The old node's own classes are never registered: OVO's helper, run in this process,
    # can only answer with the current code's versions.
    assert node.tree_versions("MfParent")["MfChild"] == "1.0"
    assert base.obj_tree_get_versions("MfParent")["MfChild"] == "1.1"


def test_an_abstract_declared_base_is_left_out_where_ovo_raises() -> None:
    assert current_tree_versions(MfHolder) == {"MfHolder": "1.0"}
    table = base.VersionedObjectRegistry.obj_classes()
    try:
        with pytest.raises(exception.UnregisteredSubobject, match="MfAbstractRule"):
            base.obj_tree_get_versions("MfHolder")
        # OVO's lookup leaves an empty entry for the name in its class table (a
        # defaultdict), after which its own obj_class_from_name fails with IndexError:
        # the suite's lookup still says "no such class".
        assert table.get("MfAbstractRule") == []
        assert current_tree_versions(MfHolder) == {"MfHolder": "1.0"}
    finally:
        if table.get("MfAbstractRule") == []:
            del table["MfAbstractRule"]
