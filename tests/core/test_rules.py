"""One rule registry, one `Change`, one verdict for objects and RPC APIs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compat_tests import diff as object_diff
from compat_tests.rpc import diff as rpc_diff
from compat_tests.rules import MAJOR, MINOR, REGISTRY, Change

REPO = Path(__file__).resolve().parents[2]


def _method(**params: bool) -> dict:
    return {
        "params": {name: {"required": required} for name, required in params.items()},
        "signature": f"(context, {', '.join(params)})",
    }


def _api(version: str, **methods: dict) -> dict:
    return {"version": version, "namespace": None, "methods": methods, "objects": {}}


@pytest.mark.parametrize("domain", ["object", "rpc"])
def test_every_rule_has_id_severity_one_line_purpose_and_handler(domain: str) -> None:
    rules = REGISTRY.of(domain)
    assert rules
    for rule in rules.values():
        assert rule.severity in (MINOR, MAJOR)
        assert rule.purpose and "\n" not in rule.purpose
        assert callable(rule.handler)


def test_both_diff_modules_use_the_one_registry_and_change() -> None:
    assert object_diff.RULES == REGISTRY.of("object")
    assert rpc_diff.Change is object_diff.Change is Change
    assert object_diff.OBJECTS.compare is object_diff.compare
    assert rpc_diff.RPC.compare is rpc_diff.compare


def _table_rows(text: str) -> dict[str, str]:
    rows = re.findall(r"^(?:``)?([a-z][a-z-]+)(?:``)?\s+(minor|major)\s", text, re.MULTILINE)
    return dict(rows)


def test_object_rule_table_in_the_docs_equals_the_registry() -> None:
    text = (REPO / "docs" / "snapshots.rst").read_text()
    expected = {r.id: r.severity for r in REGISTRY.of("object").values()}
    assert _table_rows(text) == expected


def test_rpc_rule_table_in_the_module_docstring_equals_the_registry() -> None:
    expected = {r.id: r.severity for r in REGISTRY.of("rpc").values()}
    assert _table_rows(rpc_diff.__doc__ or "") == expected
    listed = dict(
        re.findall(r"``([a-z-]+)``\s+\((minor|major)\)", (REPO / "docs" / "rpc.rst").read_text())
    )
    assert listed == expected


def test_rpc_verdict_honours_recorded_history_inside_the_window_only() -> None:
    history = {
        "1.0": _api("1.0", ping=_method(), gone=_method()),
        "1.1": _api("1.1", ping=_method()),  # gone removed with a minor bump
        "1.2": _api("1.2", ping=_method()),
    }
    [failure] = rpc_diff.check_api("Api", history, history["1.2"])
    assert (failure.code, failure.pair) == ("rpc.breaking-minor-bump", "1.0->1.1")
    assert "recorded history" in failure.message and "method-removed" in failure.message
    assert rpc_diff.check_api("Api", history, history["1.2"], oldest="1.1") == []


def test_rpc_breaking_minor_bump_lists_every_change() -> None:
    history = {"1.0": _api("1.0", ping=_method(a=True))}
    current = _api("1.1", ping=_method(a=True, b=True), pong=_method())
    [failure] = rpc_diff.check_api("Api", history, current)
    assert failure.code == "rpc.breaking-minor-bump"
    rules = [c["rule"] for c in failure.details["changes"]]
    assert rules == ["param-added-required", "method-added"]  # the minor change is listed too


def test_change_renders_the_registered_purpose() -> None:
    change = REGISTRY.get("rpc", "method-removed").change("ping", "(context)", None)
    assert change == Change("method-removed", MAJOR, "ping", "(context)", None, "rpc")
    assert "an old client's method no longer answers" in change.render()
