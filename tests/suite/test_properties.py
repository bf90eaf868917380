"""The properties as plain functions, on hand-built objects of the sample target."""

from __future__ import annotations

import dataclasses

import pytest
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields as ovo_fields

from compat_tests.cases import Case, ObjectSuite
from compat_tests.config import DeclaredException
from compat_tests.failures import CompatFailure
from compat_tests.properties import (
    check_backport,
    check_indirection,
    check_manifest_backport,
    check_roundtrip,
    check_upgrade,
)
from tests.gallery import broken
from tests.gallery.harness import SETTINGS, Substitute, sample
from tests.sample.objects.network import Network
from tests.sample.objects.port import Port
from tests.sample.objects.subnet import Subnet

UUID = "6d3b6b1e-0000-4000-8000-000000000000"


@pytest.fixture
def suite() -> ObjectSuite:
    target, classes = sample()
    from compat_tests.snapshots import SnapshotStore

    return ObjectSuite(target, classes, SnapshotStore(target.snapshots))


def _port(cls: type = Port, **extra: object) -> Port:
    values = {
        "id": UUID,
        "network_id": UUID,
        "mac_address": "aa:bb:cc:dd:ee:ff",
        "status": "DEGRADED",
        **extra,
    }
    return cls(**values)


def _network() -> Network:
    subnet = Subnet(id=UUID, network_id=UUID, cidr="10.0.0.0/24", gateway_ip="10.0.0.1")
    return Network(id=UUID, name="n", dns_domain="example.org.", subnets=[subnet])


def test_current_sample_objects_pass_every_property(suite: ObjectSuite) -> None:
    port, network = _port(dns_name="a", binding_host=None), _network()
    for obj, versions in ((port, ["1.3", "1.2", "1.1", "1.0"]), (network, ["1.3", "1.2", "1.0"])):
        subject = suite.subject(obj.obj_name())
        check_roundtrip(subject, obj)
        for version in versions:
            sent = check_backport(subject, obj, version)
            assert sent["versioned_object.version"] == version
            check_manifest_backport(subject, obj, version)
            check_indirection(subject, obj, version)


def test_backport_transforms_degraded_to_down_for_old_nodes(suite: ObjectSuite) -> None:
    sent = check_backport(suite.subject("Port"), _port(), "1.2")
    assert sent["versioned_object.data"]["status"] == "DOWN"


def test_backport_children_follow_relationships(suite: ObjectSuite) -> None:
    sent = check_backport(suite.subject("Network"), _network(), "1.3")
    (child,) = sent["versioned_object.data"]["subnets"]
    assert child["versioned_object.version"] == "1.1"


def test_unknown_field_is_reported_with_location(suite: ObjectSuite) -> None:
    subject = dataclasses.replace(suite.subject("Port"), cls=broken.ForgetsToDropNewField)
    with Substitute(broken.ForgetsToDropNewField), pytest.raises(CompatFailure) as caught:
        check_backport(subject, _port(broken.ForgetsToDropNewField, dns_name="x"), "1.1")
    failure = caught.value.failure
    assert (failure.code, failure.field, failure.pair) == (
        "backport.unknown-field",
        "dns_name",
        "1.4->1.1",
    )
    assert failure.location == "/versioned_object.data/dns_name"


def test_mutated_source_is_reported(suite: ObjectSuite) -> None:
    subject = dataclasses.replace(suite.subject("Port"), cls=broken.MutatesSource)
    obj = _port(broken.MutatesSource)
    with Substitute(broken.MutatesSource), pytest.raises(CompatFailure) as caught:
        check_backport(subject, obj, "1.2")
    assert caught.value.failure.code == "backport.mutated-source"
    assert caught.value.failure.field == "status"


def test_wire_loss_is_reported(suite: ObjectSuite) -> None:
    variant = broken.ValueLostOnTheWire
    subject = dataclasses.replace(suite.subject("SecurityGroupRule"), cls=variant)
    with Substitute(variant):  # registering makes the new field a property
        obj = variant(id=UUID, security_group_id=UUID, direction="ingress", tags={"a"})
        with pytest.raises(CompatFailure) as caught:
            check_roundtrip(subject, obj)
    assert caught.value.failure.code == "roundtrip.wire"
    assert caught.value.failure.location == "/versioned_object.data/tags"


def test_upgrade_reads_old_objects_and_checks_lower_pairs(suite: ObjectSuite) -> None:
    subject = suite.subject("Network")
    node = subject.node("1.3")
    old_subnet = node.cls("Subnet")(id=UUID, network_id=UUID, cidr="10.0.0.0/24")
    old = node.cls("Network")(id=UUID, dns_domain="d.", subnets=[old_subnet])
    new = check_upgrade(subject, old, ["1.0", "1.1", "1.2"])
    assert new.subnets[0].cidr == old_subnet.cidr


class _RenamesItselfBelow12(Port):
    """Backports below 1.2 rewrite the object's own mac_address, not the primitive's."""

    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        if target_version in ("1.0", "1.1"):
            self.mac_address = "00:00:00:00:00:01"


_RenamesItselfBelow12.__name__ = _RenamesItselfBelow12.__qualname__ = "Port"


def test_upgrade_lower_pairs_still_catch_a_backport_that_mutates_its_source(
    suite: ObjectSuite,
) -> None:
    # The lower pairs share the fresh object's primitives; one that changes the object
    # makes the check run again unshared, so the backport that did it is named.
    subject = dataclasses.replace(suite.subject("Port"), cls=_RenamesItselfBelow12)
    node = subject.node("1.3")
    old = node.cls("Port")(id=UUID, network_id=UUID, mac_address="aa:bb:cc:dd:ee:ff")
    with Substitute(_RenamesItselfBelow12), pytest.raises(CompatFailure) as caught:
        check_upgrade(subject, old, ["1.0", "1.1", "1.2"])
    failure = caught.value.failure
    assert (failure.code, failure.field) == ("backport.mutated-source", "mac_address")
    assert failure.pair == "1.3->1.0"  # the first lower pair, as checked alone


def test_declared_transform_relaxes_the_value_check(suite: ObjectSuite) -> None:
    class BlanksName(Port):
        def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
            super().obj_make_compatible(primitive, target_version)
            if "name" in primitive:
                primitive["name"] = ""

    BlanksName.__name__ = "Port"
    subject = dataclasses.replace(suite.subject("Port"), cls=BlanksName)
    with Substitute(BlanksName):
        with pytest.raises(CompatFailure) as caught:
            check_backport(subject, _port(BlanksName, name="web"), "1.1")
        assert (caught.value.failure.code, caught.value.failure.field) == (
            "backport.lost-value",
            "name",
        )
        declared = DeclaredException(object="Port", field="name", reason="names are blanked")
        target = dataclasses.replace(suite.target, transforms=(declared,))
        relaxed = ObjectSuite(target, suite.classes, suite.store).subject("Port")
        check_backport(
            dataclasses.replace(relaxed, cls=BlanksName), _port(BlanksName, name="web"), "1.1"
        )


def test_cases_cover_every_supported_pair_with_readable_ids(suite: ObjectSuite) -> None:
    ids = {case.id for case in suite.cases()}
    assert "Port[1.4->1.0]-backport" in ids
    assert "Port[1.0->1.4]-upgrade" in ids
    assert "Network[1.4]-snapshot" in ids
    upgrade = next(c for c in suite.cases() if c.id == "Port[1.2->1.4]-upgrade")
    assert upgrade.lower == ("1.0", "1.1")


def test_support_window_skips_with_reason(suite: ObjectSuite) -> None:
    target = dataclasses.replace(suite.target, support={"default": "1.0", "Port": "1.3"})
    cases = ObjectSuite(target, suite.classes, suite.store).cases()
    skipped = {c.id: c.skip for c in cases if c.skip}
    assert set(skipped) == {
        "Port[1.4->1.2]-backport",
        "Port[1.4->1.1]-backport",
        "Port[1.4->1.0]-backport",
    }
    assert "below the support window (oldest supported 1.3" in skipped["Port[1.4->1.0]-backport"]


def test_declared_exception_fires_or_goes_stale(suite: ObjectSuite) -> None:
    fires = DeclaredException(
        object="Port", code="backport.unknown-field", versions="*->1.1", reason="r"
    )
    stale = DeclaredException(object="Port", code="backport.crash", reason="fixed")
    target = dataclasses.replace(suite.target, exceptions=(*suite.target.exceptions, fires, stale))
    run = ObjectSuite(target, {**suite.classes, "Port": broken.ForgetsToDropNewField}, suite.store)
    with Substitute(broken.ForgetsToDropNewField):
        run.run(Case("Port", "backport", "1.4", "1.1"), SETTINGS)
    assert fires in run.fired
    assert run.stale_exceptions() == [stale]


def test_target_context_is_used_to_read_primitives(suite: ObjectSuite) -> None:
    context = object()
    with_context = ObjectSuite(suite.target, suite.classes, suite.store, context=context)
    subject = with_context.subject("Subnet")
    old = subject.node("1.1").cls("Subnet")(id=UUID, network_id=UUID, cidr="10.0.0.0/24")
    assert check_upgrade(subject, old).obj_context is context


def test_upgrade_rebackport_ignores_fields_that_reading_defaulted(suite: ObjectSuite) -> None:
    class LoadsNullableAsNone(Port):
        # Like Neutron's NeutronObject.obj_load_attr: reading an unset nullable field sets it.
        def obj_load_attr(self, attrname: str) -> None:
            if self.fields[attrname].nullable:
                setattr(self, attrname, None)
                return
            super().obj_load_attr(attrname)

    LoadsNullableAsNone.__name__ = "Port"
    subject = dataclasses.replace(suite.subject("Port"), cls=LoadsNullableAsNone)
    old = subject.node("1.1").cls("Port")(
        id=UUID, network_id=UUID, mac_address="aa:bb:cc:dd:ee:ff", status="DOWN"
    )
    with Substitute(LoadsNullableAsNone):
        new = check_upgrade(subject, old, ["1.0"])
        assert not new.obj_attr_is_set("name")
        probe = LoadsNullableAsNone.obj_from_primitive(old.obj_to_primitive())
        assert probe.name is None and "name" in probe.obj_what_changed()


def test_upgrade_rebackport_still_catches_a_changed_value(suite: ObjectSuite) -> None:
    class RenamesOnRead(Port):
        @classmethod
        def obj_from_primitive(cls, primitive: dict, context: object = None) -> Port:
            obj = super().obj_from_primitive(primitive, context)
            obj.name = "renamed"
            return obj

    RenamesOnRead.__name__ = "Port"
    subject = dataclasses.replace(suite.subject("Port"), cls=RenamesOnRead)
    old = subject.node("1.1").cls("Port")(
        id=UUID, network_id=UUID, mac_address="aa:bb:cc:dd:ee:ff", status="DOWN", name="a"
    )
    with Substitute(RenamesOnRead), pytest.raises(CompatFailure) as caught:
        check_upgrade(subject, old)
    failure = caught.value.failure
    assert (failure.code, failure.field, failure.pair) == ("upgrade.rebackport", "name", "1.1->1.4")


def test_snapshot_case_ignores_recorded_pairs_below_the_support_window(suite: ObjectSuite) -> None:
    # Port's recorded 1.2->1.3 is a breaking minor bump, declared in the sample target.
    undeclared = dataclasses.replace(suite.target, exceptions=())
    case = Case("Port", "snapshot", "1.4", "1.4")
    with pytest.raises(CompatFailure) as caught:
        ObjectSuite(undeclared, suite.classes, suite.store).run(case)
    assert (caught.value.failure.code, caught.value.failure.pair) == (
        "snapshot.breaking-minor-bump",
        "1.2->1.3",
    )
    windowed = dataclasses.replace(undeclared, support={"default": "1.0", "Port": "1.3"})
    ObjectSuite(windowed, suite.classes, suite.store).run(case)


class RtSetHolder(ovo_base.VersionedObject):
    VERSION = "1.0"
    fields = {"ids": ovo_fields.SetOfIntegersField()}

    @classmethod
    def obj_class_from_name(cls, objname: str, objver: str) -> type:
        return cls  # kept out of OVO's process-global registry


def test_roundtrip_ignores_the_order_of_set_members(suite: ObjectSuite) -> None:
    holder = ovo_base.VersionedObjectRegistry.objectify(RtSetHolder)
    members: set[int] = set()
    for member in (2, 3, 10):  # CPython rebuilds this set in another iteration order
        members.add(member)
    obj = holder(ids=members)
    back = holder.obj_from_primitive(obj.obj_to_primitive())
    assert list(back.obj_to_primitive()["versioned_object.data"]["ids"]) != list(
        obj.obj_to_primitive()["versioned_object.data"]["ids"]
    )
    subject = dataclasses.replace(suite.subject("Port"), name="RtSetHolder", cls=holder)
    check_roundtrip(subject, obj)


def test_upgrade_reports_a_crashing_rebackport(suite: ObjectSuite) -> None:
    class CrashesOnResend(Port):
        def obj_to_primitive(
            self, target_version: str | None = None, version_manifest: dict | None = None
        ) -> dict:
            if target_version is not None:
                raise TypeError("'NoneType' object is not iterable")
            return super().obj_to_primitive(target_version, version_manifest)

    CrashesOnResend.__name__ = "Port"
    subject = dataclasses.replace(suite.subject("Port"), cls=CrashesOnResend)
    old = subject.node("1.1").cls("Port")(
        id=UUID, network_id=UUID, mac_address="aa:bb:cc:dd:ee:ff", status="DOWN"
    )
    with Substitute(CrashesOnResend), pytest.raises(CompatFailure) as caught:
        check_upgrade(subject, old)
    assert (caught.value.failure.code, caught.value.failure.pair) == ("upgrade.crash", "1.1->1.4")
    assert "TypeError" in caught.value.failure.message


class _FiltersSubnets(Network):
    # Like neutron's QosPolicy dropping rule types an old version lacks.
    def obj_to_primitive(
        self, target_version: str | None = None, version_manifest: dict | None = None
    ) -> dict:
        primitive = super().obj_to_primitive(target_version, version_manifest)
        if target_version is not None and "subnets" in primitive["versioned_object.data"]:
            primitive["versioned_object.data"]["subnets"] = []
        return primitive


_FiltersSubnets.__name__ = "Network"
_SUBNETS_FILTER = DeclaredException(object="Network", field="subnets", reason="filtered")


def _with_transforms(suite: ObjectSuite, *transforms: DeclaredException) -> ObjectSuite:
    target = dataclasses.replace(suite.target, transforms=transforms)
    return ObjectSuite(target, {**suite.classes, "Network": _FiltersSubnets}, suite.store)


def test_declared_transform_may_filter_child_objects(suite: ObjectSuite) -> None:
    network = _network()
    with Substitute(_FiltersSubnets):
        network = _FiltersSubnets(**{f: getattr(network, f) for f in network.obj_what_changed()})
        strict = _with_transforms(suite).subject("Network")
        with pytest.raises(CompatFailure) as caught:
            check_backport(strict, network, "1.3")
        assert (caught.value.failure.code, caught.value.failure.field) == (
            "backport.lost-value",
            "subnets",
        )
        relaxed = _with_transforms(suite, _SUBNETS_FILTER).subject("Network")
        sent = check_backport(relaxed, network, "1.3")
    assert sent["versioned_object.data"]["subnets"] == []


def test_declared_transform_is_not_compared_on_rebackport(suite: ObjectSuite) -> None:
    node = suite.subject("Network").node("1.3")
    old_subnet = node.cls("Subnet")(id=UUID, network_id=UUID, cidr="10.0.0.0/24")
    old = node.cls("Network")(id=UUID, dns_domain="d.", subnets=[old_subnet])
    with Substitute(_FiltersSubnets):
        with pytest.raises(CompatFailure) as caught:
            check_upgrade(_with_transforms(suite).subject("Network"), old)
        assert (caught.value.failure.code, caught.value.failure.field) == (
            "upgrade.rebackport",
            "subnets",
        )
        check_upgrade(_with_transforms(suite, _SUBNETS_FILTER).subject("Network"), old)


class _PinsSubnetsLow(Network):
    # Like neutron's SecurityGroup: children sent older than the manifest allows.
    def obj_make_compatible(self, primitive: dict, target_version: str) -> None:
        super().obj_make_compatible(primitive, target_version)
        for child in primitive.get("subnets", []):
            if child["versioned_object.version"] != "1.0":
                Subnet().obj_make_compatible(child["versioned_object.data"], "1.0")
                child["versioned_object.version"] = "1.0"


_PinsSubnetsLow.__name__ = "Network"


def test_manifest_accepts_children_older_than_it_allows(suite: ObjectSuite) -> None:
    subject = dataclasses.replace(suite.subject("Network"), cls=_PinsSubnetsLow)
    subnet = Subnet(id=UUID, network_id=UUID, cidr="10.0.0.0/24", gateway_ip="10.0.0.1")
    with Substitute(_PinsSubnetsLow):
        network = _PinsSubnetsLow(id=UUID, subnets=[subnet])
        sent = check_manifest_backport(subject, network, "1.3")
        (child,) = sent["versioned_object.data"]["subnets"]
        assert child["versioned_object.version"] == "1.0"
        with pytest.raises(CompatFailure) as caught:  # relationships prescribe Subnet 1.1
            check_backport(subject, network, "1.3")
    assert caught.value.failure.code == "backport.child-version"
