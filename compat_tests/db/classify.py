"""Classify the SQL a migration sends: which phase rule, if any, a statement breaks.

Every statement reaches the database as text (alembic operations, SQLAlchemy DDL
constructs and ``op.execute("ALTER TABLE ...")`` alike), so one parser of the DDL
that PostgreSQL and MySQL/MariaDB accept classifies them all.  Type and nullability
changes are judged against the column as it exists right before the statement runs
(``existing``), reflected from the live database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Existing", "Violation", "classify", "split_statements", "type_signature"]


@dataclass(frozen=True)
class Existing:
    """A column as it is before the statement: its type's SQL and nullability."""

    type_sql: str
    nullable: bool


@dataclass(frozen=True)
class Violation:
    """One rule a statement breaks, with the table and column it touches."""

    rule: str
    table: str
    column: str | None
    detail: str


ExistingLookup = Callable[[str, str], Existing | None]
TableExists = Callable[[str], bool]

_ID = r"(?:[`\"]?[\w$]+[`\"]?\.)?[`\"]?([\w$]+)[`\"]?"
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_DDL_START = re.compile(r"^\s*(ALTER|DROP|CREATE|RENAME|TRUNCATE|DELETE)\b", re.I)


def split_statements(sql: str) -> list[str]:
    """Split ``sql`` on top-level semicolons (outside quotes), comments removed."""
    return [s.strip() for s in _split(_COMMENT.sub(" ", sql), ";") if s.strip()]


def _split(text: str, sep: str) -> Iterator[str]:
    depth, quote, start = 0, "", 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == sep and depth == 0:
            yield text[start:index]
            start = index + 1
    yield text[start:]


def classify(
    sql: str,
    phase: str,
    existing: ExistingLookup,
    table_exists: TableExists,
    primary_key: Callable[[str], set[str]] | None = None,
) -> list[Violation]:
    """The phase-rule violations of one statement run in ``phase`` (expand/contract).

    ``primary_key(table)`` (lower-case column names) lets a unique constraint that
    contains the whole primary key pass: existing rows cannot violate it.
    """
    if not _DDL_START.match(sql):
        return []
    text = " ".join(sql.split())
    if phase == "contract":
        return list(_contract(text))
    found = list(_expand(text, existing, table_exists))
    if primary_key is not None:
        found = [v for v in found if not _covers_primary_key(v, text, primary_key)]
    return found


def _covers_primary_key(v: Violation, text: str, primary_key: Callable[[str], set[str]]) -> bool:
    if v.rule != "db.expand.constraint-on-existing-rows" or "FOREIGN KEY" in text.upper():
        return False
    m = re.search(
        r"UNIQUE\s*(?:INDEX\s+\S+\s*)?(?:\w+\s+)?\(([^)]*)\)|\bON\s+\S+\s*\(([^)]*)\)", text, re.I
    )
    if not m:
        return False
    columns = {c.strip().strip('`"').lower() for c in (m[1] or m[2]).split(",")}
    pk = primary_key(v.table)
    return bool(pk) and pk <= columns


def _contract(text: str) -> Iterator[Violation]:
    if m := re.match(
        rf"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF NOT EXISTS\s+)?"
        rf"{_ID}\s+ON\s+(?:ONLY\s+)?{_ID}",
        text,
        re.I,
    ):
        yield Violation("db.contract.create", m[2], None, f"creates index {m[1]}")
    elif m := re.match(
        rf"CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF NOT EXISTS\s+)?{_ID}", text, re.I
    ):
        yield Violation("db.contract.create", m[1], None, "creates the table")
    elif m := re.match(rf"ALTER\s+TABLE\s+(?:IF EXISTS\s+)?(?:ONLY\s+)?{_ID}\s+(.*)$", text, re.I):
        for clause in _split(m[2], ","):
            clause = clause.strip()
            if c := re.match(rf"ADD\s+(?:COLUMN\s+)?(?:IF NOT EXISTS\s+)?{_ID}", clause, re.I):
                word = c[1].upper()
                if word in ("CONSTRAINT", "UNIQUE", "FOREIGN", "INDEX", "KEY", "PRIMARY", "CHECK"):
                    yield Violation("db.contract.create", m[1], None, f"adds {clause[:80]}")
                else:
                    yield Violation("db.contract.create", m[1], c[1], "adds the column")


def _expand(text: str, existing: ExistingLookup, table_exists: TableExists) -> Iterator[Violation]:
    if m := re.match(
        r"DROP\s+TABLE\s+(?:IF EXISTS\s+)?(.*?)(?:\s+(?:CASCADE|RESTRICT))?$", text, re.I
    ):
        for name in _split(m[1], ","):
            yield Violation("db.expand.drop", _bare(name), None, "drops the table")
    elif m := re.match(
        rf"DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF EXISTS\s+)?{_ID}(?:\s+ON\s+{_ID})?", text, re.I
    ):
        yield Violation("db.expand.drop", m[2] or "?", None, f"drops index {m[1]}")
    elif m := re.match(rf"(?:TRUNCATE\s+(?:TABLE\s+)?|DELETE\s+FROM\s+){_ID}", text, re.I):
        yield Violation("db.expand.delete", m[1], None, f"deletes rows: {text[:120]}")
    elif m := re.match(rf"RENAME\s+TABLE\s+{_ID}\s+TO\s+{_ID}", text, re.I):
        yield Violation("db.expand.rename", m[1], None, f"renames the table to {m[2]}")
    elif m := re.match(
        rf"CREATE\s+UNIQUE\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF NOT EXISTS\s+)?"
        rf"{_ID}\s+ON\s+(?:ONLY\s+)?{_ID}",
        text,
        re.I,
    ):
        if table_exists(m[2]):
            yield Violation(
                "db.expand.constraint-on-existing-rows",
                m[2],
                None,
                f"creates unique index {m[1]} over existing rows",
            )
    elif m := re.match(rf"ALTER\s+TABLE\s+(?:IF EXISTS\s+)?(?:ONLY\s+)?{_ID}\s+(.*)$", text, re.I):
        table = m[1]
        for clause in _split(m[2], ","):
            yield from _alter_clause(table, clause.strip(), existing, table_exists)


_NOT_COLUMN = ("CONSTRAINT", "UNIQUE", "FOREIGN", "INDEX", "KEY", "PRIMARY", "CHECK", "FULLTEXT")


def _alter_clause(
    table: str, clause: str, existing: ExistingLookup, table_exists: TableExists
) -> Iterator[Violation]:
    upper = clause.upper()
    if m := re.match(rf"DROP\s+(?:(COLUMN)\s+)?(?:IF EXISTS\s+)?{_ID}(?:\s+{_ID})?", clause, re.I):
        word = m[2].upper()
        if word in ("CONSTRAINT", "FOREIGN", "INDEX", "KEY", "PRIMARY", "CHECK"):
            yield Violation("db.expand.drop", table, None, f"drops {clause[:80]}")
        elif word not in ("DEFAULT",):
            yield Violation("db.expand.drop", table, m[2], "drops the column")
        return
    if m := re.match(rf"RENAME\s+(?:TO|AS)\s+{_ID}", clause, re.I):
        yield Violation("db.expand.rename", table, None, f"renames the table to {m[1]}")
        return
    if m := re.match(r"RENAME\s+(INDEX|KEY|CONSTRAINT)\b", clause, re.I):
        return
    if m := re.match(rf"RENAME\s+(?:COLUMN\s+)?{_ID}\s+TO\s+{_ID}", clause, re.I):
        yield Violation("db.expand.rename", table, m[1], f"renames the column to {m[2]}")
        return
    if m := re.match(rf"CHANGE\s+(?:COLUMN\s+)?{_ID}\s+{_ID}\s+(.*)$", clause, re.I):
        if m[1] != m[2]:
            yield Violation("db.expand.rename", table, m[1], f"renames the column to {m[2]}")
        yield from _redefine(table, m[1], m[3], existing)
        return
    if m := re.match(rf"MODIFY\s+(?:COLUMN\s+)?{_ID}\s+(.*)$", clause, re.I):
        yield from _redefine(table, m[1], m[2], existing)
        return
    if m := re.match(
        rf"ALTER\s+(?:COLUMN\s+)?{_ID}\s+(?:SET\s+DATA\s+)?TYPE\s+(.*?)(?:\s+USING\s.*)?$",
        clause,
        re.I,
    ):
        old = existing(table, m[1])
        if old is not None:
            yield from _narrowing(table, m[1], old.type_sql, m[2])
        return
    if m := re.match(rf"ALTER\s+(?:COLUMN\s+)?{_ID}\s+SET\s+NOT\s+NULL", clause, re.I):
        old = existing(table, m[1])
        if old is None or old.nullable:
            yield Violation("db.expand.nullability", table, m[1], "makes the column NOT NULL")
        return
    if m := re.match(rf"ADD\s+(?:COLUMN\s+)?(?:IF NOT EXISTS\s+)?{_ID}\s*(.*)$", clause, re.I):
        word = m[1].upper()
        if word in _NOT_COLUMN:
            if ("UNIQUE" in upper or "FOREIGN KEY" in upper or "PRIMARY KEY" in upper) and (
                table_exists(table)
            ):
                yield Violation(
                    "db.expand.constraint-on-existing-rows",
                    table,
                    None,
                    f"adds {clause[:100]} over existing rows",
                )
            return
        rest = m[2].upper()
        if (
            "NOT NULL" in rest
            and " DEFAULT " not in f" {rest} "
            and "GENERATED" not in rest
            and "AUTO_INCREMENT" not in rest
            and "SERIAL" not in rest
            and table_exists(table)
        ):
            yield Violation(
                "db.expand.not-null-without-default",
                table,
                m[1],
                "adds a NOT NULL column without a server default to an existing table",
            )
        if (" REFERENCES " in f" {rest} " or " UNIQUE" in f" {rest}") and table_exists(table):
            yield Violation(
                "db.expand.constraint-on-existing-rows",
                table,
                m[1],
                "adds a column with a unique or foreign key constraint",
            )


def _redefine(
    table: str, column: str, definition: str, existing: ExistingLookup
) -> Iterator[Violation]:
    old = existing(table, column)
    if old is None:
        return
    new_type = re.split(
        r"\s+(?:NOT\s+NULL|NULL|DEFAULT|COMMENT|AUTO_INCREMENT|PRIMARY|UNIQUE|"
        r"CHARACTER|COLLATE|CHARSET)\b",
        definition,
        maxsplit=1,
        flags=re.I,
    )[0]
    yield from _narrowing(table, column, old.type_sql, new_type)
    if re.search(r"\bNOT\s+NULL\b", definition, re.I) and old.nullable:
        yield Violation("db.expand.nullability", table, column, "makes the column NOT NULL")


def type_signature(type_sql: str) -> tuple:
    """A comparable ``(family, size...)`` for a SQL type such as ``VARCHAR(64)``."""
    text = " ".join(type_sql.lower().replace("unsigned", "").split())
    text = re.sub(r"\s+(collate|character set|charset)\s.*$", "", text)
    if m := re.match(
        r"(?:national\s+)?(?:var)?char(?:acter)?(?:\s+varying)?\s*\((\d+)\)", text
    ) or re.match(r"n?varchar\s*\((\d+)\)", text):
        return ("string", int(m[1]))
    sizes = {"tinytext": 255, "text": 65535, "mediumtext": 2**24, "longtext": 2**32}
    if text in sizes:
        return ("string", sizes[text])
    if re.match(r"(tinyint\s*\(1\)|bool(ean)?)$", text):
        return ("bool",)
    ints = {
        "tinyint": 1,
        "smallint": 2,
        "mediumint": 3,
        "int": 4,
        "integer": 4,
        "bigint": 8,
        "serial": 4,
        "bigserial": 8,
        "smallserial": 2,
    }
    if m := re.match(
        r"(tinyint|smallint|mediumint|int|integer|bigint|serial|bigserial|smallserial)"
        r"\b(\s*\(\d+\))?$",
        text,
    ):
        return ("int", ints[m[1]])
    if m := re.match(r"(numeric|decimal)\s*\((\d+)\s*(?:,\s*(\d+))?\)", text):
        return ("decimal", int(m[2]), int(m[3] or 0))
    if m := re.match(r"enum\s*\((.*)\)$", text):
        return ("enum", frozenset(v.strip().strip("'") for v in _split(m[1], ",")))
    if text in ("float", "real", "double", "double precision", "float4", "float8"):
        return ("float", 8 if text in ("double", "double precision", "float8") else 4)
    return (text,)


def _narrowing(table: str, column: str, old_sql: str, new_sql: str) -> Iterator[Violation]:
    old, new = type_signature(old_sql), type_signature(new_sql)
    if old == new or _widens(old, new):
        return
    yield Violation(
        "db.expand.type-narrowing",
        table,
        column,
        f"changes the type {old_sql.strip()} -> {new_sql.strip()}",
    )


def _widens(old: tuple, new: tuple) -> bool:
    if old[0] == new[0] == "string" or old[0] == new[0] == "int" or old[0] == new[0] == "float":
        return new[1] >= old[1]
    if old[0] == new[0] == "decimal":
        return new[1] - new[2] >= old[1] - old[2] and new[2] >= old[2]
    if old[0] == new[0] == "enum":
        return old[1] <= new[1]
    if old[0] == "enum" and new[0] == "string":
        return max((len(v) for v in old[1]), default=0) <= new[1]
    if old[0] in ("bool", "int") and new[0] == "int":
        return True
    if old[0] in ("bool", "int") and new[0] == "string":
        return new[1] >= 20
    return False


def _bare(name: str) -> str:
    return name.strip().split(".")[-1].strip('`"')
