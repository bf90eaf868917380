"""The database properties: one rolling upgrade per fresh database, generated rows.

``rolling``: upgrade to the previous release's head, seed generated rows with the old
column lists, run expand (phase rules watched), check the previous release's writers
and readers and the current models, run every online data migration in interrupted
batches (convergence, idempotency, no value lost, readers on the half-migrated
database, stored primitives), then contract (phase rules) and read everything back.

``gate``: the same rows, expand, no data migration: the project must refuse to
contract (a blocker, or its pending check must say so); a contract that runs anyway
is measured: every dropped column's non-empty values are counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from compat_tests.db.config import DbConfig
from compat_tests.db.migrate import Finding, Migrations

__all__ = ["Scenario", "TargetHooks"]

Row = dict[str, Any]
Draw = Callable[[st.SearchStrategy[Any]], Any]
_SKIP_TABLES = {"alembic_version"}


@dataclass
class TargetHooks:
    """The target's imported pieces the checks call (resolved by `compat_tests.db.run`)."""

    resolve: Callable[[str], Any]
    metadata: sa.MetaData | None
    data_migrations: list[tuple[str, Callable[[Any, int], tuple[int, int]]]]
    make_context: Callable[[Engine], Any]
    pending: Callable[[Any], bool] | None
    value_check: Callable[[Any, Mapping[str, list[Row]]], list[str]] | None
    primitives: Any = None  # compat_tests.db.primitives.PrimitiveChecker or None


@dataclass
class Scenario:
    """One scenario on one fresh database; `findings` and `notes` collect what it saw."""

    db: DbConfig
    hooks: TargetHooks
    engine: Engine
    draw: Draw
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # -- shared steps -----------------------------------------------------------------

    def _seed(self) -> tuple[Migrations, dict[str, sa.Table], dict[str, list[Row]], dict]:
        from strategies import datasets

        mig = Migrations(self.db, self.engine, self.hooks.resolve)
        mig.upgrade(self.db.previous)
        old = sa.MetaData()
        old.reflect(self.engine)
        chosen = set(self.db.tables) or set(old.tables)
        tables = {
            n: t
            for n, t in old.tables.items()
            if n in chosen and n not in self.db.exclude and n not in _SKIP_TABLES
        }
        generated = self.draw(
            datasets(
                tables.values(), min_size=2, max_size=self.db.max_rows, required=self.db.required
            )
        )
        if self.hooks.primitives is not None:
            self.hooks.primitives.fill(generated, self.draw)
        late = _late_rows(tables, generated)
        early = {n: [r for r in rs if r not in late.get(n, [])] for n, rs in generated.items()}
        with self.engine.begin() as conn:
            for table in sa.sql.ddl.sort_tables(tables.values()):
                if early.get(table.name):
                    try:
                        _insert(conn, table, early[table.name])
                    except sa.exc.DBAPIError as exc:
                        from compat_tests.errors import OvoCompatError

                        raise OvoCompatError(
                            f"{self.db.where}: a generated row of table {table.name!r} was "
                            f"rejected at the previous release's head ({_short(exc)}); the row "
                            f"strategy cannot meet a constraint of this table: exclude it "
                            f"([...db] exclude = [{table.name!r}]) or report it"
                        ) from None
            _advance_sequences(conn, tables.values())
        written = {n: self._read(tables[n], rs) for n, rs in early.items() if rs}
        self.notes.append(
            f"seeded {sum(map(len, written.values()))} generated row(s) in {len(written)} of "
            f"{len(tables)} table(s) at the previous head; "
            f"{sum(map(len, late.values()))} more written by the old writer after expand"
        )
        return mig, tables, written, late

    def _read(self, table: sa.Table, rows: Sequence[Row]) -> list[Row]:
        """The stored form of ``rows`` (server defaults filled), by primary key."""
        pk = [c.name for c in table.primary_key.columns]
        if not pk:
            return [dict(r) for r in rows]
        out = []
        with self.engine.connect() as conn:
            for row in rows:
                where = sa.and_(*(table.c[c] == row[c] for c in pk))
                try:
                    found = conn.execute(sa.select(table).where(where)).mappings().first()
                except sa.exc.DBAPIError:
                    found = None  # the readers' check reports the failing SELECT
                    conn.rollback()
                out.append(dict(found) if found is not None else dict(row))
        return out

    def _check_readers(
        self,
        tables: Mapping[str, sa.Table],
        written: Mapping[str, list[Row]],
        stage: str,
        moved_sources: set[str],
    ) -> None:
        """Old readers (old column lists) and the current models read every written row."""
        for name, rows in written.items():
            table = tables[name]
            problem = self._compare(table, rows, set())
            if problem:
                self.findings.append(
                    Finding(
                        "db.old-code.read",
                        f"{stage}: the previous release's SELECT of {name} {problem}",
                        table=name,
                        column=problem.column,
                    )
                )
        if self.hooks.metadata is None:
            return
        for name, rows in written.items():
            current = self.hooks.metadata.tables.get(name)
            if current is None:
                continue
            common = {c.name for c in current.columns} & {c.name for c in tables[name].columns}
            skip = {c.split(".")[1] for c in moved_sources if c.startswith(f"{name}.")}
            problem = self._compare(current, rows, skip, only=common)
            if problem:
                self.findings.append(
                    Finding(
                        "db.current-code.read",
                        f"{stage}: the current models' SELECT of {name} {problem}",
                        table=name,
                        column=problem.column,
                    )
                )

    def _compare(
        self, table: sa.Table, rows: Sequence[Row], skip: set[str], only: set[str] | None = None
    ) -> _Problem | None:
        pk = [c.name for c in table.primary_key.columns]
        try:
            with self.engine.connect() as conn:
                stored = [dict(r) for r in conn.execute(sa.select(table)).mappings()]
        except sa.exc.DBAPIError as exc:
            return _Problem(f"fails: {_short(exc)}", None)
        if not pk:
            return None
        by_key = {tuple(_plain(r.get(c)) for c in pk): r for r in stored}
        for row in rows:
            key = tuple(_plain(row.get(c)) for c in pk)
            got = by_key.get(key)
            if got is None:
                return _Problem(f"no longer finds the row {dict(zip(pk, key, strict=True))}", None)
            for column, value in row.items():
                if column in skip or (only is not None and column not in only):
                    continue
                if column in got and _plain(got[column]) != _plain(value):
                    where = dict(zip(pk, key, strict=True))
                    return _Problem(
                        f"reads {column}={got[column]!r} for the row {where}, "
                        f"which was written as {value!r}",
                        column,
                    )
        return None

    def _old_writes(
        self,
        tables: Mapping[str, sa.Table],
        written: dict[str, list[Row]],
        late: Mapping[str, list[Row]],
    ) -> None:
        """The previous release's INSERTs and UPDATEs, with its column lists, after expand."""
        now = sa.MetaData()
        now.reflect(self.engine, only=self._existing_tables(n for n in late if late[n]))
        for table in sa.sql.ddl.sort_tables(tables.values()):
            rows = late.get(table.name)
            if not rows:
                continue
            if table.name in now.tables:
                self._null_probes(table, now.tables[table.name], rows[0])
            try:
                with self.engine.begin() as conn:
                    _insert(conn, table, rows)
            except sa.exc.DBAPIError as exc:
                self.findings.append(
                    Finding(
                        "db.old-code.write",
                        f"the previous release's INSERT into {table.name} "
                        f"(columns {', '.join(rows[0])}) fails after expand: {_short(exc)}",
                        table=table.name,
                    )
                )
                continue
            written.setdefault(table.name, []).extend(self._read(table, rows))
            self._old_update(table, written[table.name], rows[0])

    def _existing_tables(self, names: Iterable[str]) -> list[str]:
        present = set(sa.inspect(self.engine).get_table_names())
        return [n for n in names if n in present]

    def _null_probes(self, old: sa.Table, new: sa.Table, row: Row) -> None:
        """NULL where the previous release allowed it and expand now forbids it (rolled back)."""
        for column in old.columns:
            if not column.nullable or column.name not in new.c or new.c[column.name].nullable:
                continue
            conn = self.engine.connect()
            try:
                with conn.begin() as tx:
                    conn.execute(old.insert(), {**row, column.name: None})
                    tx.rollback()
            except sa.exc.DBAPIError as exc:
                self.findings.append(
                    Finding(
                        "db.old-code.write",
                        f"the previous release's INSERT into {old.name} with "
                        f"{column.name}=NULL (its schema allows it) fails after expand: "
                        f"{_short(exc)}",
                        table=old.name,
                        column=column.name,
                    )
                )
            finally:
                conn.close()

    def _old_update(self, table: sa.Table, rows: list[Row], donor: Row) -> None:
        pk = [c.name for c in table.primary_key.columns]
        fks = {c.name for fk in table.foreign_key_constraints for c in fk.columns}
        keys = {c for u in _unique_columns(table) for c in u}
        values = {c: v for c, v in donor.items() if c not in pk and c not in fks and c not in keys}
        if not pk or not values or len(rows) < 2:
            return
        target = rows[-1]  # the first rows keep their generated values (oldest versions)
        where = sa.and_(*(table.c[c] == target[c] for c in pk))
        try:
            with self.engine.begin() as conn:
                conn.execute(table.update().where(where).values(**values))
        except sa.exc.DBAPIError as exc:
            self.findings.append(
                Finding(
                    "db.old-code.write",
                    f"the previous release's UPDATE of {table.name} "
                    f"(columns {', '.join(values)}) fails after expand: {_short(exc)}",
                    table=table.name,
                )
            )
            return
        rows[-1] = self._read(table, [target])[0]

    # -- scenarios ----------------------------------------------------------------------

    def rolling(self) -> None:
        """Previous head -> rows -> expand -> old/new code -> data migrations -> contract."""
        mig, tables, written, late = self._seed()
        if not self._expand(mig):
            return
        self._old_writes(tables, written, late)
        sources = {m.source for m in self.db.moves}
        self._check_readers(tables, written, "after expand", sources)
        migrated = self._data_migrations(tables, written, sources)
        if self.hooks.primitives is not None:
            self.findings += self.hooks.primitives.check(self.engine, "after data migrations")
        if not migrated:
            return
        try:
            self.findings += mig.upgrade(
                f"{self.db.contract}@head", phase="contract", measure=False
            )
        except Exception as exc:  # the project's own code raised
            self.findings.append(
                Finding(
                    "db.contract.fails",
                    f"contract fails after every data migration ran: "
                    f"{type(exc).__name__}: {_short(exc)}",
                )
            )
            return
        self._after_contract(written)
        self.notes.append("rolling: contract ran after the data migrations; values read back")

    def gate(self) -> None:
        """With rows unmigrated, contract must be refused; else count what it destroys."""
        mig, _tables, _written, _late = self._seed()
        if not self._expand(mig):
            return
        pending = mig.pending(self.db.previous, self.db.contract)
        if not pending:
            self.notes.append("gate: no contract revision after the previous release's head")
            return
        unmigrated = self._unmigrated_count()
        if self.hooks.pending is not None and unmigrated:
            context = self.hooks.make_context(self.engine)
            if not self.hooks.pending(context):
                self.findings.append(
                    Finding(
                        "db.contract.pending-check",
                        f"the project's pending check says nothing "
                        f"is pending while {unmigrated} value(s) wait for a data migration",
                    )
                )
        try:
            found = mig.upgrade(f"{self.db.contract}@head", phase="contract", measure=True)
        except Exception as exc:
            self.notes.append(
                f"gate: contract refused with rows unmigrated ({type(exc).__name__}: {_short(exc)})"
            )
            return
        self.findings += [f for f in found if f.rule == "db.contract.destroys-data"]

    # -- steps --------------------------------------------------------------------------

    def _expand(self, mig: Migrations) -> bool:
        try:
            self.findings += mig.upgrade(f"{self.db.expand}@head", phase="expand")
        except Exception as exc:
            self.findings += mig.last_findings
            self.findings.append(
                Finding(
                    "db.expand.fails",
                    f"expand fails on rows the previous release accepted: "
                    f"{type(exc).__name__}: {_short(exc)}",
                    **mig.last_origin(),
                )
            )
            return False
        return True

    def _unmigrated_count(self) -> int:
        total = 0
        with self.engine.connect() as conn:
            for move in self.db.moves:
                s_table, s_col = move.source.split(".")
                d_table, d_col = move.dest.split(".")
                if s_table != d_table:
                    continue
                query = (
                    sa.select(sa.func.count())
                    .select_from(sa.table(s_table, sa.column(s_col), sa.column(d_col)))
                    .where(sa.column(s_col).isnot(None), sa.column(d_col).is_(None))
                )
                total += int(conn.execute(query).scalar() or 0)
        return total

    def _data_migrations(
        self, tables: Mapping[str, sa.Table], written: dict[str, list[Row]], sources: set[str]
    ) -> bool:
        """Run each data migration in interrupted batches; False when one failed."""
        total = sum(len(r) for r in written.values())
        checked_half = False
        for name, fn in self.hooks.data_migrations:
            batch = self.draw(st.integers(1, 3))
            bound = total // batch + 2
            calls, converged = 0, False
            while calls < bound:
                calls += 1
                try:  # a fresh context per batch: the run may stop between any two
                    result = fn(self.hooks.make_context(self.engine), batch)
                except Exception as exc:
                    self.findings.append(
                        Finding(
                            "db.data-migration.crash",
                            f"{name}(context, {batch}) raises on batch "
                            f"{calls}: {type(exc).__name__}: {_short(exc)}",
                        )
                    )
                    return False
                problem = _result_problem(result, batch)
                if problem:
                    self.findings.append(
                        Finding("db.data-migration.contract", f"{name}(context, {batch}) {problem}")
                    )
                    return False
                found, done = result
                if found == 0:
                    converged = True
                    break
                if done == 0:
                    self.findings.append(
                        Finding(
                            "db.data-migration.diverges",
                            f"{name}(context, {batch}) finds {found} "
                            f"row(s) but migrates none on batch {calls}: it will never converge",
                        )
                    )
                    return False
                if not checked_half:
                    checked_half = True
                    self._check_readers(tables, written, f"half-migrated by {name}", sources)
            self.notes.append(f"{name}: converged in {calls} call(s) of max_count={batch}")
            if not converged:
                self.findings.append(
                    Finding(
                        "db.data-migration.diverges",
                        f"{name}(context, {batch}) still finds rows "
                        f"after {bound} batches for {total} generated row(s): it does not converge",
                    )
                )
                return False
            before = self._dump(tables)
            again = fn(self.hooks.make_context(self.engine), batch)
            after = self._dump(tables)
            if tuple(again) != (0, 0) or before != after:
                changed = _changed(before, after)
                self.findings.append(
                    Finding(
                        "db.data-migration.not-idempotent",
                        f"{name}: a second pass after it "
                        f"converged returns {tuple(again)} and changes "
                        f"{changed or 'nothing'}; a rerun must find and change nothing",
                        table=changed.split(".")[0] if changed else None,
                        column=changed.split(".")[1] if "." in changed else None,
                    )
                )
                return False
        lost = self._lost_values(written)
        self.findings += lost
        if self.hooks.pending is not None and self.hooks.pending(
            self.hooks.make_context(self.engine)
        ):
            self.findings.append(
                Finding(
                    "db.contract.pending-check",
                    "the project's pending check still says data "
                    "migrations are pending after every one of them converged: contract would "
                    "never be allowed to run",
                )
            )
            return False
        return not lost

    def _dump(self, tables: Mapping[str, sa.Table]) -> dict[str, dict[tuple, dict[str, Any]]]:
        """Every row of ``tables`` as it is now, keyed by primary key (or by position)."""
        meta = sa.MetaData()
        meta.reflect(self.engine, only=self._existing_tables(tables))
        out: dict[str, dict[tuple, dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for name, table in meta.tables.items():
                pk = [c.name for c in table.primary_key.columns]
                rows = [
                    {k: _plain(v) for k, v in r.items()}
                    for r in conn.execute(sa.select(table)).mappings()
                ]
                out[name] = {
                    (tuple(r[c] for c in pk) if pk else (i,)): r for i, r in enumerate(rows)
                }
        return out

    def _lost_values(self, written: Mapping[str, list[Row]]) -> list[Finding]:
        meta = sa.MetaData()
        meta.reflect(self.engine)
        lost: list[Finding] = []
        with self.engine.connect() as conn:
            for move in self.db.moves:
                s_table, s_col = move.source.split(".")
                d_table, d_col = move.dest.split(".")
                dest = meta.tables.get(d_table)
                if dest is None or d_col not in dest.c:
                    lost.append(
                        Finding(
                            "db.data-migration.loses-value",
                            f"{move.dest}, where {move.source} moves to, does not exist",
                            table=s_table,
                            column=s_col,
                        )
                    )
                    continue
                pk = [c.name for c in dest.primary_key.columns]
                stored = {
                    tuple(_plain(r[c]) for c in pk): r
                    for r in conn.execute(sa.select(dest)).mappings()
                }
                values = {_plain(r[d_col]) for r in stored.values()}
                for row in written.get(s_table, []):
                    value = _plain(row.get(s_col))
                    if value in (None, ""):
                        continue
                    if s_table == d_table and pk:
                        got = stored.get(tuple(_plain(row.get(c)) for c in pk))
                        ok = got is not None and _plain(got[d_col]) == value
                    else:
                        ok = value in values
                    if not ok:
                        key = {c: row.get(c) for c in pk}
                        now = got[d_col] if s_table == d_table and pk and got else "absent"
                        lost.append(
                            Finding(
                                "db.data-migration.loses-value",
                                f"{move.source}={value!r} of row {key} is not at {move.dest} after "
                                f"the data migrations (it holds {now!r})",
                                table=s_table,
                                column=s_col,
                            )
                        )
                        break
        if self.hooks.value_check is not None:
            with self.engine.connect() as conn:
                for problem in self.hooks.value_check(conn, written):
                    lost.append(Finding("db.data-migration.loses-value", problem))
        return lost

    def _after_contract(self, written: Mapping[str, list[Row]]) -> None:
        if self.hooks.metadata is None:
            return
        lost = self._lost_values(written)
        for finding in lost:
            self.findings.append(
                Finding(
                    "db.contract.unreadable",
                    f"after contract: {finding.message}",
                    table=finding.table,
                    column=finding.column,
                )
            )
        for name, rows in written.items():
            current = self.hooks.metadata.tables.get(name)
            if current is None:
                continue
            sources = {
                m.source.split(".")[1] for m in self.db.moves if m.source.startswith(f"{name}.")
            }
            only = {c.name for c in current.columns} - sources
            problem = self._compare(current, rows, set(), only=only)
            if problem:
                self.findings.append(
                    Finding(
                        "db.contract.unreadable",
                        f"after contract the current models' SELECT of {name} {problem}",
                        table=name,
                        column=problem.column,
                    )
                )


def _insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> None:
    """INSERT ``rows``, one executemany per set of columns (omitted defaults differ)."""
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        conn.execute(table.insert(), group)


def _advance_sequences(conn: sa.Connection, tables: Any) -> None:
    """Move PostgreSQL sequences past the generated ids, as any data import does.

    The rows carry explicit primary keys; without this the project's own next INSERT
    (in a migration, or by old code) would collide with them: a false alarm.
    """
    if conn.dialect.name != "postgresql":
        return  # MySQL's AUTO_INCREMENT follows explicit values by itself
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, sa.Integer):
                seq = conn.execute(
                    sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": column.name},
                ).scalar()
                if seq:
                    conn.execute(
                        sa.text(
                            f'SELECT setval(:s, GREATEST(COALESCE((SELECT max("{column.name}") '
                            f'FROM "{table.name}"), 0), 1))'
                        ),
                        {"s": seq},
                    )


@dataclass(frozen=True)
class _Problem:
    text: str
    column: str | None

    def __str__(self) -> str:
        return self.text


def _result_problem(result: Any, batch: int) -> str | None:
    if not (
        isinstance(result, tuple | list)
        and len(result) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in result)
    ):
        return f"returns {result!r}, not a (found, done) pair of integers"
    found, done = result
    if found < 0 or done < 0 or done > found:
        return f"returns (found={found}, done={done}): need 0 <= done <= found"
    return None


def _changed(before: Mapping[str, dict], after: Mapping[str, dict]) -> str:
    """``table.column`` of the first value that differs between two `Scenario._dump`."""
    for name in sorted(before):
        new = after.get(name, {})
        for key, row in before[name].items():
            for column, value in row.items():
                if new.get(key, {}).get(column, value) != value:
                    return f"{name}.{column}"
        if set(new) != set(before[name]):
            return name
    return ""


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _short(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _unique_columns(table: sa.Table) -> list[tuple[str, ...]]:
    sets = [tuple(c.name for c in table.primary_key.columns)]
    sets += [
        tuple(c.name for c in u.columns)
        for u in table.constraints
        if isinstance(u, sa.UniqueConstraint)
    ]
    sets += [tuple(c.name for c in i.columns) for i in table.indexes if i.unique]
    return sets


def _late_rows(tables: Mapping[str, sa.Table], rows: Mapping[str, list[Row]]) -> dict[str, list]:
    """One unreferenced row per table, held back for the old writer to insert after expand."""
    referenced: dict[tuple[str, tuple[str, ...]], set[tuple]] = {}
    for table in tables.values():
        for fk in table.foreign_key_constraints:
            local = [c.name for c in fk.columns]
            remote = tuple(e.column.name for e in fk.elements)
            bucket = referenced.setdefault((fk.referred_table.name, remote), set())
            for row in rows.get(table.name, []):
                bucket.add(tuple(_plain(row.get(c)) for c in local))
    late: dict[str, list] = {}
    for name, table_rows in rows.items():
        keys = [(remote, values) for (t, remote), values in referenced.items() if t == name]
        for row in reversed(table_rows[1:]):
            if not any(tuple(_plain(row.get(c)) for c in r) in v for r, v in keys):
                late[name] = [row]
                break
    return late
