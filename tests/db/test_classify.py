"""The statement classifier on the DDL PostgreSQL and MySQL/MariaDB accept (no database)."""

from __future__ import annotations

import pytest

from compat_tests.db.classify import Existing, classify, split_statements, type_signature

COLUMNS = {
    ("ports", "name"): Existing("VARCHAR(64)", True),
    ("ports", "mtu"): Existing("INTEGER", True),
    ("ports", "status"): Existing("ENUM('ACTIVE','DOWN')", False),
    ("ports", "size"): Existing("BIGINT", False),
}


def rules(sql, phase="expand", new_tables=()):
    found = classify(
        sql,
        phase,
        lambda t, c: COLUMNS.get((t, c)),
        lambda t: t not in new_tables,
    )
    return [(v.rule, v.table, v.column) for v in found]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("ALTER TABLE ports DROP COLUMN mtu", [("db.expand.drop", "ports", "mtu")]),
        ("ALTER TABLE `ports` DROP `mtu`", [("db.expand.drop", "ports", "mtu")]),
        (
            "alter table public.ports drop column if exists mtu cascade",
            [("db.expand.drop", "ports", "mtu")],
        ),
        ("DROP TABLE ports", [("db.expand.drop", "ports", None)]),
        ("DROP INDEX ix_ports_name ON ports", [("db.expand.drop", "ports", None)]),
        ("ALTER TABLE ports DROP CONSTRAINT fk_x", [("db.expand.drop", "ports", None)]),
        ("ALTER TABLE ports DROP FOREIGN KEY fk_x", [("db.expand.drop", "ports", None)]),
        (
            "ALTER TABLE ports RENAME COLUMN name TO display_name",
            [("db.expand.rename", "ports", "name")],
        ),
        ("ALTER TABLE ports RENAME name TO display_name", [("db.expand.rename", "ports", "name")]),
        (
            "ALTER TABLE ports CHANGE name display_name VARCHAR(64) NULL",
            [("db.expand.rename", "ports", "name")],
        ),
        ("ALTER TABLE ports RENAME TO vports", [("db.expand.rename", "ports", None)]),
        ("RENAME TABLE ports TO vports", [("db.expand.rename", "ports", None)]),
        (
            "ALTER TABLE ports ALTER COLUMN name TYPE VARCHAR(16)",
            [("db.expand.type-narrowing", "ports", "name")],
        ),
        (
            "ALTER TABLE ports MODIFY name VARCHAR(16) NULL",
            [("db.expand.type-narrowing", "ports", "name")],
        ),
        (
            "ALTER TABLE ports MODIFY size INTEGER NOT NULL",
            [("db.expand.type-narrowing", "ports", "size")],
        ),
        (
            "ALTER TABLE ports MODIFY status ENUM('ACTIVE') NOT NULL",
            [("db.expand.type-narrowing", "ports", "status")],
        ),
        (
            "ALTER TABLE ports ALTER COLUMN mtu SET NOT NULL",
            [("db.expand.nullability", "ports", "mtu")],
        ),
        (
            "ALTER TABLE ports MODIFY mtu INTEGER NOT NULL",
            [("db.expand.nullability", "ports", "mtu")],
        ),
        (
            "ALTER TABLE ports ADD COLUMN vnic VARCHAR(16) NOT NULL",
            [("db.expand.not-null-without-default", "ports", "vnic")],
        ),
        (
            "ALTER TABLE ports ADD CONSTRAINT uniq_name UNIQUE (name)",
            [("db.expand.constraint-on-existing-rows", "ports", None)],
        ),
        (
            "ALTER TABLE ports ADD FOREIGN KEY(net) REFERENCES networks (id)",
            [("db.expand.constraint-on-existing-rows", "ports", None)],
        ),
        (
            "CREATE UNIQUE INDEX uniq_name ON ports (name)",
            [("db.expand.constraint-on-existing-rows", "ports", None)],
        ),
        ("DELETE FROM ports WHERE id = 'x'", [("db.expand.delete", "ports", None)]),
        ("TRUNCATE TABLE ports", [("db.expand.delete", "ports", None)]),
    ],
)
def test_expand_violations(sql, expected):
    assert rules(sql) == expected


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE ports ADD COLUMN vnic VARCHAR(16) NULL",
        "ALTER TABLE ports ADD COLUMN vnic VARCHAR(16) NOT NULL DEFAULT 'normal'",
        "ALTER TABLE ports ALTER COLUMN name TYPE VARCHAR(255)",
        "ALTER TABLE ports MODIFY name VARCHAR(64) NULL",  # MySQL restating the same column
        "ALTER TABLE ports MODIFY status ENUM('ACTIVE','DOWN','BUILD') NOT NULL",
        "ALTER TABLE ports MODIFY mtu BIGINT NULL",
        "ALTER TABLE ports ALTER COLUMN mtu DROP NOT NULL",
        "ALTER TABLE ports ALTER COLUMN mtu DROP DEFAULT",
        "ALTER TABLE ports RENAME INDEX ix_a TO ix_b",
        "CREATE INDEX ix_ports_name ON ports (name)",
        "CREATE TABLE tags (id INTEGER NOT NULL)",
        "UPDATE ports SET name = 'x'",
        "SELECT 1",
    ],
)
def test_additive_statements_pass(sql):
    assert rules(sql) == []


def test_new_tables_may_get_not_null_columns_and_constraints():
    assert rules("ALTER TABLE tags ADD COLUMN tag VARCHAR(60) NOT NULL", new_tables={"tags"}) == []
    assert rules("CREATE UNIQUE INDEX u ON tags (tag)", new_tables={"tags"}) == []


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("CREATE TABLE tags (id INTEGER)", [("db.contract.create", "tags", None)]),
        ("CREATE INDEX ix ON ports (name)", [("db.contract.create", "ports", None)]),
        (
            "ALTER TABLE ports ADD COLUMN vnic VARCHAR(16)",
            [("db.contract.create", "ports", "vnic")],
        ),
        (
            "ALTER TABLE ports ADD CONSTRAINT u UNIQUE (name)",
            [("db.contract.create", "ports", None)],
        ),
        ("ALTER TABLE ports DROP COLUMN host", []),
    ],
)
def test_contract_creates_nothing(sql, expected):
    assert rules(sql, phase="contract") == expected


def test_mysql_multi_clause_alter():
    assert rules("ALTER TABLE ports ADD COLUMN a INT NULL, DROP COLUMN mtu") == [
        ("db.expand.drop", "ports", "mtu")
    ]


def test_split_statements_keeps_quoted_semicolons():
    sql = "UPDATE t SET a = 'x;y'; -- note\nALTER TABLE t DROP COLUMN b;"
    assert split_statements(sql) == ["UPDATE t SET a = 'x;y'", "ALTER TABLE t DROP COLUMN b"]


def test_type_signatures():
    assert type_signature("VARCHAR(36)") == ("string", 36)
    assert type_signature("character varying(36)") == ("string", 36)
    assert type_signature("TINYINT(1)") == ("bool",)
    assert type_signature("BIGINT") == ("int", 8)
    assert type_signature("NUMERIC(10, 2)") == ("decimal", 10, 2)


def test_unique_constraint_containing_the_primary_key_passes():
    def found(sql):
        return classify(sql, "expand", lambda t, c: None, lambda t: True, lambda t: {"id"})

    assert found("ALTER TABLE ports ADD CONSTRAINT u UNIQUE (id, network_id)") == []
    assert found("CREATE UNIQUE INDEX u ON ports (network_id, id)") == []
    assert found("ALTER TABLE ports ADD CONSTRAINT u UNIQUE (network_id)") != []
