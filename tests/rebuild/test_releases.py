"""Old nodes as releases: declared-class manifests, recorded subclass bases, release manifests.

Modelled on Nova's device metadata: ``InstanceDeviceMetadata.devices`` is
``ListOfObjectsField("DeviceMetadata", subclasses=True)``; ``DeviceMetadata`` is itself a
registered, recorded class, and ``NetworkInterfaceMetadata`` (a subclass) gained ``vlan``
in 1.1 while the parent stayed at 1.0.
"""

from __future__ import annotations

import dataclasses

import pytest
from oslo_utils import versionutils
from oslo_versionedobjects import base, exception, fields

from compat_tests.manifests import current_tree_versions, registry_lookup, tree_versions
from compat_tests.rebuild import OldNode
from compat_tests.releases import Release, ReleaseStore
from compat_tests.schema import describe


class RlRegistry(base.VersionedObjectRegistry):
    pass


class _Base(base.VersionedObject):
    OBJ_PROJECT_NAMESPACE = "releases-tests"


@RlRegistry.register
class RlDeviceMetadata(_Base):
    VERSION = "1.0"
    fields = {"bus": fields.StringField(nullable=True)}

    @classmethod
    def obj_name(cls):
        return "RlDeviceMetadata"


@RlRegistry.register
class RlDiskMetadata(RlDeviceMetadata):
    VERSION = "1.0"
    fields = {**RlDeviceMetadata.fields, "serial": fields.StringField(nullable=True)}

    @classmethod
    def obj_name(cls):
        return "RlDiskMetadata"


@RlRegistry.register
class RlNicMetadata(RlDeviceMetadata):
    # 1.1: added vlan
    VERSION = "1.1"
    fields = {**RlDeviceMetadata.fields, "mac": fields.StringField(), "vlan": fields.IntegerField()}

    @classmethod
    def obj_name(cls):
        return "RlNicMetadata"

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop("vlan", None)


@RlRegistry.register
class RlInstanceMetadata(_Base):
    VERSION = "1.0"
    fields = {"devices": fields.ListOfObjectsField("RlDeviceMetadata", subclasses=True)}

    @classmethod
    def obj_name(cls):
        return "RlInstanceMetadata"


CURRENT = {
    cls.obj_name(): cls
    for cls in (RlDeviceMetadata, RlDiskMetadata, RlNicMetadata, RlInstanceMetadata)
}
NIC_1_0 = {
    **describe(RlNicMetadata),
    "version": "1.0",
    "fields": {k: v for k, v in describe(RlNicMetadata)["fields"].items() if k != "vlan"},
}


def _histories() -> dict:
    histories = {name: {cls.VERSION: describe(cls)} for name, cls in CURRENT.items()}
    histories["RlNicMetadata"] = {"1.0": NIC_1_0, "1.1": describe(RlNicMetadata)}
    return histories


OLD_RELEASE = Release(
    distribution="rl",
    version="1.0.0",
    objects={
        "RlDeviceMetadata": "1.0",
        "RlDiskMetadata": "1.0",
        "RlNicMetadata": "1.0",
        "RlInstanceMetadata": "1.0",
    },
)


def _instance() -> RlInstanceMetadata:
    return RlInstanceMetadata(
        devices=[RlDiskMetadata(bus="scsi", serial="s"), RlNicMetadata(bus="pci", mac="m", vlan=7)]
    )


def test_rebuilt_subclass_is_accepted_as_its_recorded_declared_base() -> None:
    # Nova false alarm: a rebuilt DiskMetadata was "not a DeviceMetadata", because the
    # stand-in base was only given for declared classes that have no snapshot.
    node = OldNode.for_release(_histories(), OLD_RELEASE, current=CURRENT)
    disk = node.cls("RlDiskMetadata")(bus="scsi", serial="s")
    holder = node.cls("RlInstanceMetadata")(devices=[disk])
    assert holder.devices == [disk]
    assert isinstance(disk, node.cls("RlDeviceMetadata"))
    assert "RlDeviceMetadata" in fields.Object._get_all_obj_names(disk)
    # Its own fields only, as recorded; the base's rebuilt class is unchanged by it.
    assert set(node.cls("RlDiskMetadata").fields) == {"bus", "serial"}
    assert set(node.cls("RlDeviceMetadata").fields) == {"bus"}
    assert node.cls("RlDiskMetadata").VERSION == "1.0"


def test_manifest_is_keyed_by_the_declared_class_like_obj_tree_get_versions() -> None:
    # What real nodes send: the declared RlDeviceMetadata, never the concrete children.
    lookup = registry_lookup(RlInstanceMetadata)
    assert tree_versions(RlInstanceMetadata, lookup) == {
        "RlDeviceMetadata": "1.0",
        "RlInstanceMetadata": "1.0",
    }
    assert current_tree_versions(type(_instance())) == {
        "RlDeviceMetadata": "1.0",
        "RlInstanceMetadata": "1.0",
    }
    node = OldNode.for_release(_histories(), OLD_RELEASE, current=CURRENT)
    assert node.tree_versions("RlInstanceMetadata") == {
        "RlDeviceMetadata": "1.0",
        "RlInstanceMetadata": "1.0",
    }


def test_a_manifest_keyed_by_the_concrete_class_is_not_what_ovo_looks_up() -> None:
    # Seeded bug class: keyed by the concrete child, OVO finds no entry for the declared
    # class and sends the child unchanged at 1.1; keyed by the declared class (what a real
    # node sends) the child is relabelled 1.0 and loses vlan: Nova's data loss.
    concrete = {"RlInstanceMetadata": "1.0", "RlNicMetadata": "1.0"}
    sent = _instance().obj_to_primitive(target_version="1.0", version_manifest=concrete)
    nic = sent["versioned_object.data"]["devices"][1]
    assert nic["versioned_object.version"] == "1.1"

    declared = current_tree_versions(type(_instance()))
    sent = _instance().obj_to_primitive(target_version="1.0", version_manifest=declared)
    nic = sent["versioned_object.data"]["devices"][1]
    assert nic["versioned_object.version"] == "1.0"
    assert "vlan" not in nic["versioned_object.data"]


def test_an_old_release_cannot_read_a_too_new_child() -> None:
    node = OldNode.for_release(_histories(), OLD_RELEASE, current=CURRENT)
    primitive = _instance().obj_to_primitive()  # the child at 1.1
    with pytest.raises(exception.IncompatibleObjectVersion, match="RlNicMetadata"):
        node.cls("RlInstanceMetadata").obj_from_primitive(primitive)


def test_nodes_are_built_per_recorded_release_else_marked_inferred() -> None:
    histories = _histories()
    node = OldNode.for_version(
        histories, "RlNicMetadata", "1.0", current=CURRENT, releases=[OLD_RELEASE]
    )
    assert node.release is OLD_RELEASE
    assert node.manifest == dict(OLD_RELEASE.objects)
    implied = OldNode.for_version(histories, "RlNicMetadata", "1.0", current=CURRENT)
    assert implied.release.inferred is True
    assert implied.release.objects == implied.manifest


def test_release_files_are_immutable(tmp_path) -> None:
    store = ReleaseStore(tmp_path)
    assert store.merge(OLD_RELEASE) == "recorded"
    assert store.merge(OLD_RELEASE) == "unchanged"
    assert store.releases() == [OLD_RELEASE]
    changed = Release("rl", "1.0.0", {**OLD_RELEASE.objects, "RlNicMetadata": "1.1"})
    with pytest.raises(Exception, match="already recorded with other versions"):
        store.merge(changed)


def test_a_release_file_gains_rpc_apis_described_later_but_never_changes(tmp_path) -> None:
    store = ReleaseStore(tmp_path)
    store.merge(dataclasses.replace(OLD_RELEASE, rpc={"RlAgentApi": "1.2"}))
    later = dataclasses.replace(OLD_RELEASE, rpc={"RlAgentApi": "1.2", "RlComputeApi": "6.5"})
    assert store.merge(later) == "extended"
    assert store.releases() == [later]
    assert store.merge(later) == "unchanged"
    moved = dataclasses.replace(later, rpc={"RlAgentApi": "1.3", "RlComputeApi": "6.5"})
    with pytest.raises(Exception, match="already recorded with other versions") as caught:
        store.merge(dataclasses.replace(moved, rpc={**moved.rpc, "RlOtherApi": "1.0"}))
    assert "RlAgentApi" in str(caught.value)


def test_the_suite_builds_old_nodes_from_the_recorded_releases(tmp_path) -> None:
    import shutil

    from compat_tests.cases import ObjectSuite
    from compat_tests.snapshots import SnapshotStore
    from tests.gallery.harness import sample

    target, classes = sample()
    for path in target.snapshots.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    release = Release(
        distribution="sample",
        version="1.0.0",
        objects={
            "Network": "1.2",
            "Port": "1.1",
            "SecurityGroup": "1.0",
            "SecurityGroupRule": "1.0",
            "Subnet": "1.0",
        },
    )
    ReleaseStore(tmp_path).merge(release)
    suite = ObjectSuite(target, classes, SnapshotStore(tmp_path))

    assert suite.subject("Port").node("1.1").release == release
    assert suite.subject("Port").node("1.1").manifest == dict(release.objects)
    # No recorded release shipped Port 1.2: the node history implies, marked inferred.
    assert suite.subject("Port").node("1.2").release.inferred is True


def _rl_suite(tmp_path, releases):
    from compat_tests.cases import ObjectSuite
    from compat_tests.config import Target
    from compat_tests.snapshots import SnapshotStore

    store = SnapshotStore(tmp_path)
    for name, history in _histories().items():
        for version, schema in history.items():
            store.record(name, version, schema)
    for release in releases:
        ReleaseStore(tmp_path).merge(release)
    target = Target(
        name="rl", config_path=tmp_path / "pyproject.toml", objects=("x",), snapshots=tmp_path
    )
    return ObjectSuite(target, CURRENT, store)


def test_a_subclass_bumped_under_an_unbumped_parent_is_paired_with_the_release(tmp_path) -> None:
    # Issue 11, item 4: RlInstanceMetadata stays 1.0 while RlNicMetadata, a subclass its
    # devices field accepts, went 1.0 -> 1.1; no (class, version) pair exercised it.
    from hypothesis import HealthCheck, settings

    from compat_tests.failures import CompatFailure
    from compat_tests.graph import check_release_graph

    suite = _rl_suite(tmp_path, [OLD_RELEASE])
    ids = [c.id for c in suite.class_cases("RlInstanceMetadata")]
    assert "RlInstanceMetadata[1.0]-release" in ids
    assert "RlDiskMetadata[1.0]-release" not in [c.id for c in suite.class_cases("RlDiskMetadata")]

    subject = suite.subject("RlInstanceMetadata")
    with pytest.raises(CompatFailure) as info:
        check_release_graph(subject, _instance(), subject.releases())
    failure = info.value.failure
    # With its manifest the subclass is relabelled and read; without one it is refused.
    assert failure.code == "release.needs-backport"
    assert "rl 1.0.0 ships RlInstanceMetadata 1.0" in failure.message
    assert "RlNicMetadata" in failure.message
    assert "needs an indirection backport" in failure.message

    case = next(c for c in suite.class_cases("RlInstanceMetadata") if c.prop == "release")
    quick = settings(max_examples=60, database=None, suppress_health_check=list(HealthCheck))
    with pytest.raises(CompatFailure) as info:
        suite.run(case, quick)
    assert info.value.failure.code == "release.needs-backport"


def test_a_manifest_keyed_by_the_declared_class_that_drops_held_fields_is_data_loss(
    tmp_path,
) -> None:
    from compat_tests.failures import CompatFailure
    from compat_tests.graph import check_release_graph

    holds_vlan = Release("rl", "1.1.0", {**OLD_RELEASE.objects, "RlNicMetadata": "1.1"})
    suite = _rl_suite(tmp_path, [holds_vlan])
    subject = suite.subject("RlInstanceMetadata")
    node = OldNode.for_release(suite.histories, holds_vlan, current=CURRENT)

    with pytest.raises(CompatFailure) as info:
        check_release_graph(subject, _instance(), [(holds_vlan, node)])
    failure = info.value.failure
    assert failure.code == "release.lost-value" and failure.field == "vlan"
    assert "rl 1.1.0 holds RlNicMetadata at 1.1, which has vlan" in failure.message
    assert "relabels the child as 1.0" in failure.message


class _RefusingNode:
    """A release's node that refuses every primitive, with or without a manifest."""

    class Refuses:
        @classmethod
        def obj_from_primitive(cls, primitive, context=None):
            raise exception.IncompatibleObjectVersion(
                objname="RlNicMetadata", objver="1.1", supported="1.0"
            )

    def cls(self, name):
        return self.Refuses

    def tree_versions(self, name):
        return {"RlDeviceMetadata": "1.0", "RlInstanceMetadata": "1.0"}


def test_a_node_that_refuses_even_the_manifest_backport_is_unreadable(tmp_path) -> None:
    # release.needs-backport is only for what an indirection backport repairs; when the
    # primitive sent with the release's own manifest is refused too, nothing repairs it.
    from compat_tests.failures import CompatFailure
    from compat_tests.graph import check_release_graph

    subject = _rl_suite(tmp_path, [OLD_RELEASE]).subject("RlInstanceMetadata")
    with pytest.raises(CompatFailure) as info:
        check_release_graph(subject, _instance(), [(OLD_RELEASE, _RefusingNode())])
    failure = info.value.failure
    assert failure.code == "release.unreadable"
    assert "rl 1.0.0 ships RlInstanceMetadata 1.0" in failure.message
    assert "with its manifest {'RlDeviceMetadata': '1.0', 'RlInstanceMetadata': '1.0'}" in (
        failure.message
    )
    assert "Version 1.1 of RlNicMetadata is not supported" in failure.message


def test_a_release_below_the_support_window_gets_no_release_case(tmp_path) -> None:
    # Nova: nova 31.3.1 ships ImageMeta 1.8 like the current code but ImageMetaProps 1.39,
    # below the window (1.42, nova 33.0.2): no node of it may join the upgrade.
    from compat_tests.graph import graph_releases

    histories = _histories()
    assert graph_releases("RlInstanceMetadata", CURRENT, histories, [OLD_RELEASE]) == [OLD_RELEASE]
    window = {"RlNicMetadata": "1.1"}
    assert (
        graph_releases(
            "RlInstanceMetadata",
            CURRENT,
            histories,
            [OLD_RELEASE],
            lambda name: window.get(name, "1.0"),
        )
        == []
    )


def test_project_code_raising_while_sending_to_a_release_is_a_release_crash(
    tmp_path, monkeypatch
) -> None:
    # Nova: ImageMetaProps.obj_make_compatible refuses (ObjectActionError) enum values the
    # release's version lacks; that must be a coded finding, not an escaped exception.
    from compat_tests.failures import CompatFailure
    from compat_tests.graph import check_release_graph

    suite = _rl_suite(tmp_path, [OLD_RELEASE])
    subject = suite.subject("RlInstanceMetadata")
    obj = _instance()

    def refuse(*args, **kwargs):
        raise exception.ObjectActionError(action="obj_make_compatible", reason="vlan too new")

    monkeypatch.setattr(obj, "obj_to_primitive", refuse)
    with pytest.raises(CompatFailure) as info:
        check_release_graph(subject, obj, subject.releases())
    failure = info.value.failure
    assert failure.code == "release.crash"
    assert failure.subject == "RlInstanceMetadata"
    assert "sending to rl 1.0.0 raised" in failure.message
    assert "ObjectActionError" in failure.message and "vlan too new" in failure.message
