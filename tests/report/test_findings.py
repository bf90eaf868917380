"""Each seeded-bug gallery failure renders as one finding with a constructor-style example."""

from __future__ import annotations

import re

import pytest

from compat_tests.cases import ObjectSuite
from compat_tests.failures import CompatFailure
from compat_tests.report import CaseFailure, case_block, from_exception, group, render_findings
from compat_tests.rpc import check_pinned_call
from compat_tests.snapshots import SnapshotStore
from tests.gallery import broken
from tests.gallery.harness import SETTINGS, Substitute, sample
from tests.rpc import test_gallery as rpc_gallery
from tests.sample.objects.security_group import SecurityGroupRule


def _records(variant: type, props: set[str]) -> list[CaseFailure]:
    target, classes = sample()
    suite = ObjectSuite(
        target, {**classes, variant.obj_name(): variant}, SnapshotStore(target.snapshots)
    )
    found = []
    with Substitute(variant):
        for case in suite.cases():
            if case.skip or case.name != variant.obj_name() or case.prop not in props:
                continue
            try:
                suite.run(case, SETTINGS)
            except CompatFailure as exc:
                found.append(CaseFailure(case.id, exc.failure, from_exception(exc)))
    return found


GALLERY = [
    (broken.ForgetsToDropNewField, {"backport", "manifest"}, "backport.unknown-field", "dns_name"),
    (broken.CrashesOnUnsetField, {"backport"}, "backport.crash", None),
    (broken.MutatesSource, {"backport"}, "backport.mutated-source", "status"),
    (broken.TransformsWrongly, {"backport"}, "backport.invalid", None),
    (broken.RequiresFieldOldNodesNeverSend, {"upgrade"}, "upgrade.access", "binding_host"),
    (broken.ChildRelationshipMissing, {"backport"}, "backport.child-version", "subnets"),
    (broken.ChildListNotBackported, {"manifest"}, "backport.child-version", "subnets"),
    (broken.DropsWrongField, {"backport"}, None, None),
    (broken.ValueLostOnTheWire, {"roundtrip"}, "roundtrip.wire", "tags"),
    (broken.CrashesWhenSentWithAManifest, {"roundtrip"}, "roundtrip.manifest", None),
]


@pytest.mark.parametrize(
    ("variant", "props", "code", "field"), GALLERY, ids=[v[0].variant for v in GALLERY]
)
def test_gallery_failure_is_one_finding_with_a_constructor_call(
    variant: type, props: set[str], code: str | None, field: str | None
) -> None:
    records = _records(variant, props)
    assert records, f"{variant.variant} was not caught"
    findings = group(records)
    keys = [(f.code, f.field) for f in findings]
    assert len(keys) == len(set(keys))  # one finding per (code, subject, field)
    if code is not None:
        [finding] = [f for f in findings if f.code == code]
        if field is not None:
            assert finding.field == field or field in finding.first.failure.message
    name = variant.obj_name()
    for finding in findings:
        example = finding.first.counterexample
        assert example.call is not None and example.call.startswith(f"{name}("), example
        assert example.version is not None
        # Never the object's repr(): OVO's repr reads as "Port(id=...,name=<?>)".
        assert "<?>" not in example.call
        assert finding.first.counterexample.user_code, finding.first
        assert finding.subject == name
    # A finding lists every pair it hits, and the report names them.
    text = render_findings(findings)
    for record in records:
        assert record.case in text


def _block(variant: type, props: set[str], case: str) -> str:
    [record] = [r for r in _records(variant, props) if r.case == case]
    return case_block(record, finding_id="F1")


def _object_fields(line: str, name: str, version: str) -> tuple[list[str], list[str]]:
    """(fields set in the constructor call, fields listed unset) of an ``object:`` line."""
    found = re.fullmatch(rf"  object:    {name}\((.*)\)  # {name} {version}; unset: (.*)", line)
    assert found, line
    called = re.findall(r"(?:^|, )(\w+)=", found[1])
    unset = [] if found[2] == "none" else found[2].split(", ")
    return called, unset


def test_forgotten_field_finding_text_is_pinned() -> None:
    text = _block(broken.ForgetsToDropNewField, {"backport"}, "Port[1.4->1.1]-backport")
    lines = text.splitlines()
    assert lines[:2] == [
        "ovo-compat finding F1: [backport.unknown-field] Port 1.4->1.1 field dns_name "
        "(Port[1.4->1.1]-backport)",
        "  problem:   field 'dns_name' is sent to version 1.1 of Port, which does not have it; "
        "a real old node reads the object and ignores that key (as OVO's obj_from_primitive "
        "does), but the backport must drop it: drop it in obj_make_compatible when "
        "target_version < the version that added it",
    ]
    # Which optional fields the shrunk example keeps depends on Hypothesis; the rest is fixed.
    called, unset = _object_fields(lines[2], "Port", "1.4")
    assert "dns_name=None" in lines[2]
    assert {"id", "network_id", "mac_address", "status", "dns_name"} <= set(called)
    assert sorted(called + unset) == sorted(broken.ForgetsToDropNewField.fields)
    assert re.fullmatch(
        r'  sent \(at /versioned_object.data/dns_name\): \{"versioned_object.name": "Port", '
        r'"versioned_object.version": "1.1", "versioned_object.data": \{"dns_name": null, '
        r'"...": "\d more"\}, "...": "2 more"\}',
        lines[3],
    )
    assert lines[4:] == [
        "  your code: tests/gallery/broken.py:31 in ForgetsToDropNewField.obj_make_compatible",
    ]


def test_crash_finding_points_at_the_line_that_raised() -> None:
    text = _block(broken.CrashesOnUnsetField, {"backport"}, "Port[1.4->1.1]-backport")
    lines = text.splitlines()
    assert (
        lines[0] == "ovo-compat finding F1: [backport.crash] Port 1.4->1.1 field binding_host "
        "(Port[1.4->1.1]-backport)"
    )
    called, unset = _object_fields(lines[2], "Port", "1.4")
    assert "binding_host" in unset and "binding_host" not in called  # read without a check
    assert lines[3:5] == [
        "  raised:    KeyError: 'binding_host'",
        "  your code: tests/gallery/broken.py:56 in CrashesOnUnsetField.obj_make_compatible",
    ]
    # The other distinct findings the case met are listed after it, never dropped.
    assert all(line.startswith("  other_findings: ") for line in lines[5:])


def test_wire_finding_points_at_the_field_type() -> None:
    text = _block(broken.ValueLostOnTheWire, {"roundtrip"}, "SecurityGroupRule[1.2]-roundtrip")
    assert "  your code: tests/gallery/broken.py:145 in _SetOnTheWire.to_primitive" in text
    assert '"tags": "set()"' in text
    assert "tags=CoercedSet()" in text


def test_rpc_finding_names_the_client_call_and_method(make_harness) -> None:
    harness = make_harness(rpc_gallery._api(client=rpc_gallery.NoBackport))
    with pytest.raises(CompatFailure) as info:
        check_pinned_call(
            harness, "update_rule", "1.2", {"rule": SecurityGroupRule(**rpc_gallery.RULE)}
        )
    record = CaseFailure(
        "SecurityGroupAgentAPI.update_rule@1.2", info.value.failure, from_exception(info.value)
    )
    lines = case_block(record).splitlines()
    assert lines[0] == (
        "ovo-compat finding: [rpc.too-new-object] SecurityGroupAgentAPI 1.2->1.2 field update_rule "
        "(SecurityGroupAgentAPI.update_rule@1.2)"
    )
    assert lines[2] == (
        "  call:      NoBackport.update_rule(context, rule=SecurityGroupRule("
        "id='3b7a1b4e-8f0e-4c55-9d5e-5a4a7a2f6e11', "
        "security_group_id='3b7a1b4e-8f0e-4c55-9d5e-5a4a7a2f6e12', direction='ingress', "
        "description='seeded'))  # client pinned at 1.2"
    )
    assert lines[3].startswith(
        '  sent (at /args/rule): {"args": {"rule": {"versioned_object.name": '
    )
    assert '"versioned_object.version": "1.2"' in lines[3]
    assert lines[4] == "  your code: tests/rpc/test_gallery.py:106 in NoBackport.update_rule"


RPC_GALLERY = [
    # (client, endpoint, method, cap, kwargs, code, user code)
    (
        rpc_gallery.NoCanSendVersion,
        None,
        "get_rule_ids",
        "1.1",
        "rpc.cap-exceeded",
        "NoCanSendVersion.get_rule_ids",
    ),
    (
        None,
        rpc_gallery.RequiredParamServer,
        "get_rule_ids",
        "1.2",
        "rpc.new-server-rejects",
        "SecurityGroupAgentClient.get_rule_ids",
    ),
    (
        None,
        rpc_gallery.SyncRemovedForReal,
        "sync",
        "1.1",
        "rpc.new-server-rejects",
        "SecurityGroupAgentClient.sync",
    ),
]
_ARGS = {"get_rule_ids": {"security_group_id": "sg"}, "sync": {"host": "h"}}


@pytest.mark.parametrize(
    ("client", "endpoint", "method", "cap", "code", "where"),
    RPC_GALLERY,
    ids=["no-can-send-version", "new-required-server-parameter", "method-removed"],
)
def test_rpc_gallery_failure_renders_the_pinned_call(
    make_harness, client, endpoint, method, cap, code, where
) -> None:
    kwargs = {}
    if client is not None:
        kwargs["client"] = client
    if endpoint is not None:
        kwargs["endpoint"] = endpoint
    harness = make_harness(rpc_gallery._api(**kwargs))
    with pytest.raises(CompatFailure) as info:
        check_pinned_call(harness, method, cap, _ARGS[method])
    record = CaseFailure(
        f"SecurityGroupAgentAPI.{method}@{cap}", info.value.failure, from_exception(info.value)
    )
    [finding] = group([record])
    assert finding.code == code
    example = record.counterexample
    args = ", ".join(f"{k}={v!r}" for k, v in _ARGS[method].items())
    assert example.call.endswith(f".{method}(context, {args})  # client pinned at {cap}")
    assert example.user_code is not None and example.user_code.endswith(f" in {where}")
    text = case_block(record)
    assert text.splitlines()[0].startswith(
        f"ovo-compat finding: [{code}] SecurityGroupAgentAPI {cap}->"
    )
    assert "  call:      " in text and "  your code: tests/" in text
