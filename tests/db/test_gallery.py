"""The seeded-bug gallery: every bug class the DB stage claims, caught with its culprit.

Each case runs on both PostgreSQL and MariaDB (the ``url`` fixture).
"""

from __future__ import annotations

import pytest

from compat_tests.db import check_target
from tests.db.conftest import BASE, CONTRACT2, EXPAND2, sample, variant

pytestmark = pytest.mark.db

BUGS = "tests/sample_db/bugs"


def _with_bug(bug: str) -> tuple[str, ...]:
    return (BASE, EXPAND2, CONTRACT2, f"{BUGS}/{bug}")


_RUNS: dict = {}


def _findings(target, url, scenarios=("rolling",), examples=None):
    # Derandomized runs of one variant give one result: tests sharing a variant share it.
    key = (target.db, url, scenarios, examples)
    if key not in _RUNS:
        result = check_target(target, urls=(url,), scenarios=scenarios, examples=examples)
        _RUNS[key] = result.findings
    return _RUNS[key]


def _one(findings, rule):
    hits = [f for f in findings if f.rule == rule]
    assert hits, f"no {rule} finding in: {[f.render() for f in findings]}"
    return hits[0]


def test_correct_sample_is_clean(url):
    # Both scenarios, the profile's examples: the clean run the gallery is measured against.
    result = check_target(sample(), urls=(url,))
    assert result.findings == [], [f.render() for f in result.findings]
    assert any("contract refused with rows unmigrated" in n for n in result.notes)
    assert any("converged" in n for n in result.notes)


@pytest.mark.parametrize(
    ("bug", "rule", "revision", "table", "column", "line"),
    [
        ("drop_in_expand", "db.expand.drop", "b_drop_mtu", "ports", "mtu", 10),
        ("rename_alter_column", "db.expand.rename", "b_rename_name", "ports", "name", 11),
        ("execute_drop", "db.expand.drop", "b_execute_drop", "networks", "description", 10),
        (
            "not_null_no_default",
            "db.expand.not-null-without-default",
            "b_not_null",
            "ports",
            "vnic_type",
            11,
        ),
        ("narrow_type", "db.expand.type-narrowing", "b_narrow", "ports", "name", 12),
        ("delete_in_expand", "db.expand.delete", "b_delete", "port_cache", None, 10),
        ("tighten_null", "db.expand.nullability", "b_tighten", "ports", "mtu", 12),
        ("rename_table", "db.expand.rename", "b_rename_table", "port_cache", None, 10),
        (
            "contract_creates",
            "db.contract.create",
            "b_contract_creates",
            "networks",
            "dns_domain",
            11,
        ),
    ],
)
def test_expand_rule_names_the_culprit(url, bug, rule, revision, table, column, line):
    target = variant(version_locations=_with_bug(bug))
    # Phase rules do not depend on the rows: one dataset is enough.
    finding = _one(_findings(target, url, examples=1), rule)
    assert (finding.revision, finding.table, finding.column) == (revision, table, column)
    assert finding.file.endswith(f"bugs/{bug}/{revision}.py")
    assert finding.line == line
    assert revision in finding.render() and table in finding.render()
    assert column is None or f"{table}.{column}" in finding.render()


def test_old_writer_of_null_breaks_on_tightened_column(url):
    findings = _findings(variant(version_locations=_with_bug("tighten_null")), url)
    finding = _one(findings, "db.old-code.write")
    assert (finding.table, finding.column) == ("ports", "mtu")


def test_rename_breaks_the_old_reader_too(url):
    findings = _findings(variant(version_locations=_with_bug("rename_alter_column")), url)
    assert _one(findings, "db.old-code.read").table == "ports"


def test_not_null_column_breaks_the_old_writer_or_expand(url):
    findings = _findings(variant(version_locations=_with_bug("not_null_no_default")), url)
    rules = {f.rule for f in findings}
    assert rules & {"db.old-code.write", "db.expand.fails"}, [f.render() for f in findings]


def test_contract_without_blocker_counts_the_lost_values(url):
    target = variant(version_locations=(BASE, EXPAND2, f"{BUGS}/contract_no_blocker"))
    finding = _one(_findings(target, url, ("gate",)), "db.contract.destroys-data")
    assert (finding.revision, finding.table, finding.column) == ("b_contract", "ports", "host")
    assert finding.details["lost"] >= 2
    assert f"{finding.details['lost']} non-empty value(s)" in finding.message


@pytest.mark.parametrize(
    ("function", "rule"),
    [
        ("never_converges", "db.data-migration.diverges"),
        ("loses_value", "db.data-migration.loses-value"),
        ("not_idempotent", "db.data-migration.not-idempotent"),
    ],
)
def test_data_migration_bug_is_caught(url, function, rule):
    ref = f"tests.sample_db.broken:{function}"
    finding = _one(_findings(variant(data_migrations=(ref,)), url), rule)
    assert function in finding.message or finding.table == "ports"


def test_lost_value_names_column_and_row(url):
    ref = "tests.sample_db.broken:loses_value"
    finding = _one(_findings(variant(data_migrations=(ref,)), url), "db.data-migration.loses-value")
    assert (finding.table, finding.column) == ("ports", "host")
    assert "ports.binding_host" in finding.message


def test_not_idempotent_names_the_changed_column(url):
    ref = "tests.sample_db.broken:not_idempotent"
    findings = _findings(variant(data_migrations=(ref,)), url)
    finding = _one(findings, "db.data-migration.not-idempotent")
    assert (finding.table, finding.column) == ("ports", "admin_state_up")


def test_primitive_left_with_wrong_version(url):
    refs = (
        "tests.sample_db.data_migrations:migrate_binding_host",
        "tests.sample_db.broken:wrong_primitive_version",
    )
    finding = _one(_findings(variant(data_migrations=refs), url), "db.primitive.version-mismatch")
    assert (finding.table, finding.column) == ("port_cache", "primitive")
    assert "declares version 1.0" in finding.message and "binding_host" in finding.message


@pytest.mark.parametrize(
    ("function", "rule", "text"),
    [
        ("crashes_when_rows_pending", "db.data-migration.crash", "TypeError"),
        ("returns_garbage", "db.data-migration.contract", "0 <= done <= found"),
    ],
)
def test_data_migration_crash_and_contract(url, function, rule, text):
    ref = f"tests.sample_db.broken:{function}"
    finding = _one(_findings(variant(data_migrations=(ref,)), url), rule)
    assert function in finding.message and text in finding.message


def test_pending_check_that_ignores_the_rows(url):
    target = variant(pending="tests.sample_db.broken:nothing_pending")
    finding = _one(_findings(target, url, ("gate",)), "db.contract.pending-check")
    assert "wait for a data migration" in finding.message


def test_current_models_that_the_schema_lacks(url):
    target = variant(metadata="tests.sample_db.broken_models:metadata")
    finding = _one(_findings(target, url), "db.current-code.read")
    assert finding.table == "ports" and "vnic_type" in finding.message


def test_primitive_bumped_past_what_old_nodes_read(url):
    refs = (
        "tests.sample_db.data_migrations:migrate_binding_host",
        "tests.sample_db.broken:bumps_primitives_past_old_nodes",
    )
    finding = _one(_findings(variant(data_migrations=refs), url), "db.primitive.unreadable")
    assert (finding.table, finding.column) == ("port_cache", "primitive")
    assert "version 1.4" in finding.message and "previous release (1.3)" in finding.message
