"""The seeded-bug gallery: every broken variant makes the suite fail with a precise message."""

from __future__ import annotations

import shutil

import pytest

from compat_tests.failures import Failure
from compat_tests.schema import describe
from compat_tests.snapshots import SnapshotStore
from tests.gallery import broken
from tests.gallery.harness import failures, sample


def _one(found: list[Failure], code: str, field: str, pair: str | None = None) -> Failure:
    matching = [
        f
        for f in found
        if f.code == code and (pair is None or f.pair == pair) and field in f.render()
    ]
    assert matching, f"no {code} failure naming {field!r} {pair or ''}; got:\n" + "\n".join(
        f.render() for f in found
    )
    return matching[0]


def _names_everything(failure: Failure, name: str, field: str) -> None:
    text = failure.render()
    assert name in text
    assert field in text
    assert failure.pair in text
    assert "->" in failure.pair


def test_unbroken_sample_passes_with_zero_failures() -> None:
    _, classes = sample()
    assert failures(names=classes) == []


@pytest.mark.parametrize(
    ("variant", "prop", "code", "field", "pair"),
    [
        (
            broken.ForgetsToDropNewField,
            "backport",
            "backport.unknown-field",
            "dns_name",
            "1.4->1.1",
        ),
        (broken.CrashesOnUnsetField, "backport", "backport.crash", "binding_host", "1.4->1.1"),
        (broken.MutatesSource, "backport", "backport.mutated-source", "status", "1.4->1.2"),
        (broken.TransformsWrongly, "backport", "backport.invalid", "status", "1.4->1.2"),
        (
            broken.RequiresFieldOldNodesNeverSend,
            "upgrade",
            "upgrade.access",
            "binding_host",
            "1.0->1.4",
        ),
        (
            broken.ChildRelationshipMissing,
            "backport",
            "backport.child-version",
            "subnets",
            "1.4->1.3",
        ),
        (
            broken.ChildListNotBackported,
            "manifest",
            "backport.child-version",
            "subnets",
            "1.4->1.3",
        ),
    ],
    ids=lambda v: v.variant if isinstance(v, type) else None,
)
def test_behaviour_bug_is_caught(
    variant: type, prop: str, code: str, field: str, pair: str
) -> None:
    found = failures(variant, props={prop})
    failure = _one(found, code, field, pair)
    _names_everything(failure, variant.obj_name(), field)


def test_drops_wrong_field_is_caught() -> None:
    found = failures(broken.DropsWrongField, props={"backport"})
    at_1_1 = [f for f in found if f.pair == "1.4->1.1"]
    assert at_1_1, [f.render() for f in found]
    # 1.1 gets dns_name (which it lacks) and loses binding_host (which it has): either is reported.
    assert {(f.code, f.field) for f in at_1_1} <= {
        ("backport.unknown-field", "dns_name"),
        ("backport.lost-value", "binding_host"),
    }
    _names_everything(at_1_1[0], "Port", at_1_1[0].field)


@pytest.mark.parametrize(
    ("variant", "field"),
    [
        (broken.FieldAddedWithoutBump, "description"),
        (broken.EnumChoiceAddedWithoutBump, "ipv6_ra_mode"),
        (broken.NullableMadeRequired, "name"),
    ],
    ids=lambda v: v.variant if isinstance(v, type) else None,
)
def test_unbumped_schema_change_is_caught(variant: type, field: str) -> None:
    failure = _one(failures(variant, props={"snapshot"}), "snapshot.unbumped", field)
    assert variant.obj_name() in failure.render()


def test_type_change_with_minor_bump_is_caught(tmp_path) -> None:
    target, _ = sample()
    shutil.copytree(target.snapshots, tmp_path / "sample")
    store = SnapshotStore(tmp_path / "sample")
    variant = broken.TypeChangedMinorBump
    store.record("Port", "1.5", {**describe(variant), "inferred": False})
    found = failures(variant, histories=store, props={"snapshot"})
    failure = _one(found, "snapshot.breaking-minor-bump", "mac_address", "1.4->1.5")
    _names_everything(failure, "Port", "mac_address")


def test_value_lost_on_the_wire_is_caught() -> None:
    failure = _one(
        failures(broken.ValueLostOnTheWire, props={"roundtrip"}), "roundtrip.wire", "tags"
    )
    assert failure.location.startswith("/versioned_object.data/tags")
    assert "SecurityGroupRule" in failure.render()


def test_crash_when_sent_with_a_manifest_at_the_current_version_is_caught() -> None:
    found = failures(broken.CrashesWhenSentWithAManifest, props={"roundtrip"})
    failure = _one(found, "roundtrip.manifest", "PortBindingRule", "1.4->1.4")
    text = failure.render()
    assert "Port" in text and "version_manifest" in text


def test_conductor_backport_differing_from_a_direct_one_is_caught() -> None:
    # The old node reads what object_backport_versions answers; here it differs from the
    # direct backport, so the shortcut taken when both primitives are equal must not apply.
    found = failures(broken.ConductorBackportsDifferently, props={"indirection"})
    failure = _one(found, "indirection.mismatch", "mac_address", "1.4->1.2")
    _names_everything(failure, "Port", "mac_address")
    assert {f.code for f in found} == {"indirection.mismatch"}
    assert {f.pair for f in found} == {"1.4->1.2", "1.4->1.1", "1.4->1.0"}


def test_conductor_backport_an_old_node_cannot_read_is_caught() -> None:
    found = failures(broken.ConductorSendsTooNewStatus, props={"indirection"})
    failure = _one(found, "indirection.unreadable", "DEGRADED", "1.4->1.2")
    assert "Port" in failure.render() and "object_backport_versions" in failure.render()
    assert {f.code for f in found} == {"indirection.unreadable"}
