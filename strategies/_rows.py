"""Hypothesis strategies for database rows of a SQLAlchemy ``Table``.

`rows` draws a list of rows for one table: every value fits its column's type and
length, NOT NULL columns get values, enums take their values, columns with a server
default are sometimes left out (so the database fills them), primary keys and unique
constraints hold across the list (compared the way MySQL's case- and
trailing-space-insensitive collations compare), and foreign keys point at rows of
``parents``.  `datasets` draws rows for many tables in foreign key order.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st

__all__ = ["column_values", "datasets", "rows"]

Row = dict[str, Any]
# Basic Multilingual Plane, no surrogates, no NUL: what utf8mb3 MySQL and PostgreSQL store.
_TEXT = st.characters(min_codepoint=1, max_codepoint=0xFFFF, exclude_categories=("Cs",))
_KEY_TEXT = st.characters(min_codepoint=ord("0"), max_codepoint=ord("z"), categories=("Ll", "Nd"))
_INT_BOUNDS = {"SMALLINT": 2**15 - 1, "TINYINT": 127, "MEDIUMINT": 2**23 - 1}


def column_values(column: sa.Column, *, key: bool = False) -> st.SearchStrategy[Any]:
    """Valid non-NULL values of ``column``'s type (``key``: plain ASCII for unique keys)."""
    kind = column.type
    while isinstance(kind, sa.TypeDecorator):  # e.g. a project's TruncatedDateTime
        kind = kind.impl_instance
    name = type(kind).__name__.upper()
    if isinstance(kind, sa.Enum) and kind.enums:
        return st.sampled_from(list(kind.enums))
    if isinstance(kind, sa.Boolean) or (
        name == "TINYINT" and getattr(kind, "display_width", 0) == 1
    ):
        return st.booleans() if isinstance(kind, sa.Boolean) else st.sampled_from([0, 1])
    if isinstance(kind, sa.Integer):
        bound = _INT_BOUNDS.get(name, 2**63 - 1 if isinstance(kind, sa.BigInteger) else 2**31 - 1)
        if _generated_id(column):
            # Ids a sequence hands out, with room to hand out more: a table whose sequence
            # is exhausted fails every INSERT of the old release too, so rows next to the
            # type's maximum would only make a migration that adds rows look broken.
            return st.integers(1, bound // 2)
        if getattr(kind, "unsigned", False) or key:
            return st.integers(1, bound)
        return st.integers(-bound, bound)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        precision, scale = kind.precision or 10, kind.scale or 0
        limit = decimal.Decimal(10) ** (precision - scale) - 1
        return st.decimals(-limit, limit, places=scale, allow_nan=False, allow_infinity=False)
    if isinstance(kind, sa.Float):
        return st.integers(-(10**6), 10**6).map(float)
    if isinstance(kind, sa.DateTime):
        return st.datetimes(datetime.datetime(1971, 1, 1), datetime.datetime(2037, 12, 31)).map(
            _whole_seconds
        )
    if isinstance(kind, sa.Date):
        return st.dates(datetime.date(1971, 1, 1), datetime.date(2037, 12, 31))
    if isinstance(kind, sa.LargeBinary):
        return st.binary(max_size=min(getattr(kind, "length", None) or 32, 32))
    if isinstance(kind, sa.JSON):
        return st.dictionaries(st.text(_KEY_TEXT, max_size=5), st.integers(-100, 100), max_size=3)
    if isinstance(kind, sa.String):
        length = kind.length or 64
        if key:
            return st.text(_KEY_TEXT, min_size=1, max_size=min(length, 12))
        return st.text(_TEXT, max_size=min(length, 24)).map(str.rstrip)
    raise TypeError(
        f"no row strategy for column {column.table.name}.{column.name} of type {kind!r}; "
        "exclude the table from the generated rows ([...db] exclude = [...])"
    )


def _generated_id(column: sa.Column) -> bool:
    """Tell whether the database generates ``column``'s values (AUTO_INCREMENT, a sequence)."""
    table = getattr(column, "table", None)
    return column.autoincrement is True or getattr(table, "autoincrement_column", None) is column


def _unique_sets(table: sa.Table) -> list[tuple[str, ...]]:
    sets = [tuple(c.name for c in table.primary_key.columns)] if table.primary_key.columns else []
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            sets.append(tuple(c.name for c in constraint.columns))
    sets += [tuple(c.name for c in i.columns) for i in table.indexes if i.unique]
    return [s for s in sets if s]


def _whole_seconds(value: datetime.datetime) -> datetime.datetime:
    return value.replace(microsecond=0)  # MySQL DATETIME keeps no fraction by default


class _UniqueKey:
    """``unique_by`` key of one unique column set (a class: Hypothesis reprs lambdas slowly)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns

    def __call__(self, row: Row) -> tuple:
        return tuple(_norm(row.get(c)) for c in self.columns)

    def __repr__(self) -> str:
        return f"unique{self.columns}"


def _norm(value: Any) -> Any:
    if value is None:
        return object()  # NULLs never collide in a unique constraint
    if isinstance(value, str):
        return value.casefold().rstrip()
    if isinstance(value, bool):
        return int(value)
    return value


_CACHE: dict[tuple[int, frozenset[str]], tuple[sa.Table, dict[str, Any]]] = {}


def _column_strategies(table: sa.Table, required: frozenset[str]) -> dict[str, Any]:
    """Value strategy per column (built once per table: rows() is called per draw)."""
    cached = _CACHE.get((id(table), required))
    if cached is not None and cached[0] is table:
        return cached[1]
    keys = {c for s in _unique_sets(table) for c in s}
    result = {}
    for column in table.columns:
        base = column_values(column, key=column.name in keys)
        nullable = column.nullable and not column.primary_key and column.name not in required
        result[column.name] = st.none() | base if nullable else base
    _CACHE[(id(table), required)] = (table, result)
    return result


@st.composite
def _row(
    draw: Any,
    columns: dict[str, st.SearchStrategy[Any]],
    fk_parts: tuple[tuple[list[str], st.SearchStrategy[Any]], ...],
    omittable: tuple[str, ...],
) -> Row:
    """One row: every column drawn, foreign keys from a parent, some defaults left out."""
    row = {name: draw(strategy) for name, strategy in columns.items()}
    for local, strategy in fk_parts:
        values = draw(strategy)
        for position, name in enumerate(local):
            row[name] = None if values is None else values[position]
    for name in omittable:
        if draw(st.booleans()):
            del row[name]
    return row


def rows(
    table: sa.Table,
    *,
    parents: Mapping[str, Sequence[Row]] | None = None,
    min_size: int = 0,
    max_size: int = 4,
    required: Iterable[str] = (),
) -> st.SearchStrategy[list[Row]]:
    """Lists of rows of ``table`` (dicts column -> value), constraints honoured.

    ``parents`` maps a referenced table's name to its rows; a foreign key takes the
    values of one of them (or NULL when nullable; no rows when it cannot be met).
    ``required`` columns are never NULL.  Columns with a server default are sometimes
    omitted from the row so the database supplies the default.
    """
    parents = parents or {}
    required = set(required)
    keys = {c for s in _unique_sets(table) for c in s}
    fk_columns: set[str] = set()
    fk_parts = []
    for fk in table.foreign_key_constraints:
        local = [c.name for c in fk.columns]
        remote = [e.column.name for e in fk.elements]
        candidates = list(parents.get(fk.referred_table.name, ()))
        nullable = all(table.c[c].nullable for c in local) and not set(local) & required
        if not candidates and not nullable:
            return st.just([])
        fk_columns.update(local)
        options: list[Any] = [None] if nullable else []
        options += [tuple(p.get(r) for r in remote) for p in candidates]
        fk_parts.append((local, st.sampled_from(options)))

    columns = {
        name: strategy
        for name, strategy in _column_strategies(table, frozenset(required)).items()
        if name not in fk_columns
    }
    omittable = {
        c.name
        for c in table.columns
        if (c.server_default is not None or (c.autoincrement is True and c.primary_key))
        and c.name not in fk_columns
        and c.name not in required
    }

    one = _row(columns, tuple(fk_parts), tuple(sorted(omittable - keys)))
    unique_by = tuple(_UniqueKey(cols) for cols in _unique_sets(table))
    return st.lists(one, min_size=min_size, max_size=max_size, unique_by=unique_by or None)


def datasets(
    tables: Iterable[sa.Table],
    *,
    min_size: int = 0,
    max_size: int = 4,
    required: Iterable[str] = (),
) -> st.SearchStrategy[dict[str, list[Row]]]:
    """Rows for every table of ``tables``, in foreign key order.

    Every table gets at least ``min_size`` rows where its foreign keys allow, the
    tables of ``required`` columns ('table.column', never NULL) at least two.
    """
    chosen = {t.name: t for t in tables}
    ordered = [t for t in sa.sql.ddl.sort_tables(chosen.values()) if t.name in chosen]
    needed: dict[str, set[str]] = {}
    for item in required:
        table_name, _, column = item.partition(".")
        needed.setdefault(table_name, set()).add(column)

    @st.composite
    def draw_all(draw: Any) -> dict[str, list[Row]]:
        result: dict[str, list[Row]] = {}
        for table in ordered:
            result[table.name] = draw(
                rows(
                    table,
                    parents=result,
                    min_size=max(min_size, 3) if table.name in needed else min_size,
                    max_size=max_size,
                    required=needed.get(table.name, ()),
                )
            )
        return result

    return draw_all()
