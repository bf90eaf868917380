"""Run a target's alembic migrations, watching every statement they send.

The runner hands alembic an open connection (``config.attributes["connection"]``,
alembic's documented way to share one; the target's ``env.py`` must use it) and
listens to ``before_cursor_execute`` on its engine.  Each statement is attributed to
the revision whose script is on the call stack (file and line of the operation),
classified (`compat_tests.db.classify`), and, for DROPs in contract, measured: how
many non-empty values the dropped column still holds at that moment.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from compat_tests import codes
from compat_tests.db.classify import Existing, Violation, classify, split_statements
from compat_tests.db.config import DbConfig
from compat_tests.errors import ConfigError

__all__ = ["Finding", "Migrations", "Statement"]


@dataclass(frozen=True)
class Statement:
    """A statement a revision sent: where in the revision's script it came from."""

    revision: str
    file: str
    line: int
    sql: str


@dataclass(frozen=True)
class Finding:
    """A rule broken by one statement (or a check), with its full coordinates."""

    rule: str
    message: str
    revision: str | None = None
    file: str | None = None
    line: int | None = None
    table: str | None = None
    column: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        codes.get(self.rule)  # only registered codes (compat_tests.codes)

    @property
    def location(self) -> str:
        """``file:line`` of the operation, when known."""
        return f"{self.file}:{self.line}" if self.file else ""

    def render(self) -> str:
        """One line: rule, revision, location, table.column and what happened."""
        where = ".".join(p for p in (self.table, self.column) if p)
        parts = [f"[{self.rule}]"]
        if self.revision:
            parts.append(f"revision {self.revision}")
        if self.location:
            parts.append(f"({self.location})")
        if where:
            parts.append(f"{where}:")
        return " ".join(parts) + f" {self.message}"


class Migrations:
    """A target's alembic history on one database: upgrade to revisions, phase by phase."""

    def __init__(self, db: DbConfig, engine: Engine, resolve: Callable[[str], Any]) -> None:
        self.db = db
        self.engine = engine
        url = engine.url.render_as_string(hide_password=False)
        self.config = alembic_config(db, url, resolve)
        self.script = ScriptDirectory.from_config(self.config)
        self._paths = {
            str(Path(s.path).resolve()): s.revision for s in self.script.walk_revisions()
        }
        self._watch: dict[str, Any] | None = None
        self._last: tuple[str, str, int] | None = None
        self.last_findings: list[Finding] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)

    def pending(self, heads: tuple[str, ...], branch: str) -> list[str]:
        """Revisions of ``branch`` not yet applied once ``heads`` are (oldest first)."""
        done: set[str] = set()
        for head in heads:
            done |= {s.revision for s in self.script.iterate_revisions(head, "base")}
        branch_revs = [s.revision for s in self.script.iterate_revisions(f"{branch}@head", "base")]
        return [r for r in reversed(branch_revs) if r not in done]

    def upgrade(
        self, targets: tuple[str, ...] | str, phase: str | None = None, *, measure: bool = False
    ) -> list[Finding]:
        """Upgrade to ``targets``; with ``phase``, return the phase-rule findings seen.

        ``measure`` (contract): count the non-empty values of every column dropped.
        The findings so far stay in `last_findings` when the upgrade raises.
        """
        findings: list[Finding] = []
        self.last_findings = findings
        self._last: tuple[str, str, int] | None = None
        for target in (targets,) if isinstance(targets, str) else targets:
            with self.engine.connect() as conn, self._watching(conn, phase, findings, measure):
                self.config.attributes["connection"] = conn
                try:
                    command.upgrade(self.config, target)
                finally:
                    self.config.attributes.pop("connection", None)
                conn.commit()
        return findings

    @contextmanager
    def _watching(
        self, conn: Connection, phase: str | None, out: list[Finding], measure: bool
    ) -> Iterator[None]:
        self._watch = {
            "conn": conn,
            "phase": phase,
            "out": out,
            "busy": False,
            "measure": measure,
            "created": set(),
            "statements": [],
        }
        try:
            yield
        finally:
            self._watch = None

    def _before(self, conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
        watch = self._watch
        if watch is None or watch["busy"] or watch["phase"] is None:
            return
        origin = self._origin()
        if origin is None:
            return
        revision, file, line = origin
        self._last = origin
        watch["busy"] = True
        try:
            for sql in split_statements(statement):
                watch["statements"].append(Statement(revision, file, line, sql))
                for v in classify(
                    sql,
                    watch["phase"],
                    self._existing(conn),
                    self._table_exists(conn, watch["created"]),
                    self._primary_key(conn),
                ):
                    watch["out"].append(self._finding(v, revision, file, line, sql))
                if watch["measure"]:
                    self._measure_drop(conn, sql, revision, file, line, watch["out"])
                self._note_created(sql, watch["created"])
        finally:
            watch["busy"] = False

    def last_origin(self) -> dict[str, Any]:
        """Revision, file and line of the last statement sent (for a failed upgrade)."""
        if self._last is None:
            return {}
        revision, file, line = self._last
        return {"revision": revision, "file": file, "line": line}

    def _origin(self) -> tuple[str, str, int] | None:
        frame = sys._getframe(2)
        while frame is not None:
            revision = self._paths.get(frame.f_code.co_filename)
            if revision is None and frame.f_code.co_filename.endswith(".py"):
                revision = self._paths.get(str(Path(frame.f_code.co_filename).resolve()))
            if revision is not None:
                return revision, frame.f_code.co_filename, frame.f_lineno
            frame = frame.f_back
        return None

    @staticmethod
    def _existing(conn: Connection) -> Callable[[str, str], Existing | None]:
        def lookup(table: str, column: str) -> Existing | None:
            try:
                columns = sa.inspect(conn).get_columns(table)
            except sa.exc.NoSuchTableError:
                return None
            for col in columns:
                if col["name"].lower() == column.lower():
                    return Existing(col["type"].compile(dialect=conn.dialect), col["nullable"])
            return None

        return lookup

    @staticmethod
    def _primary_key(conn: Connection) -> Callable[[str], set[str]]:
        def lookup(table: str) -> set[str]:
            try:
                pk = sa.inspect(conn).get_pk_constraint(table)
            except sa.exc.NoSuchTableError:
                return set()
            return {c.lower() for c in pk.get("constrained_columns") or ()}

        return lookup

    @staticmethod
    def _table_exists(conn: Connection, created: set[str]) -> Callable[[str], bool]:
        def exists(table: str) -> bool:
            return table.lower() not in created and sa.inspect(conn).has_table(table)

        return exists

    @staticmethod
    def _note_created(sql: str, created: set[str]) -> None:
        import re

        m = re.match(r"\s*CREATE\s+TABLE\s+(?:IF NOT EXISTS\s+)?[`\"]?([\w$]+)", sql, re.I)
        if m:
            created.add(m[1].lower())

    def _measure_drop(
        self, conn: Connection, sql: str, revision: str, file: str, line: int, out: list[Finding]
    ) -> None:
        for table, column in _dropped_columns(conn, sql):
            count = _non_empty(conn, table, column)
            if count:
                out.append(
                    Finding(
                        "db.contract.destroys-data",
                        f"contract drops {table}.{column} while it holds {count} non-empty "
                        "value(s) no data migration moved: add a blocker that refuses to run "
                        "while rows are unmigrated",
                        revision,
                        file,
                        line,
                        table,
                        column,
                        {"lost": count, "sql": sql},
                    )
                )

    @staticmethod
    def _finding(v: Violation, revision: str, file: str, line: int, sql: str) -> Finding:
        return Finding(v.rule, v.detail, revision, file, line, v.table, v.column, {"sql": sql})


def alembic_config(db: DbConfig, url: str, resolve: Callable[[str], Any]) -> Config:
    """The target's alembic Config for database ``url``."""
    if db.alembic_config:
        config = resolve(db.alembic_config)(url)
        if not isinstance(config, Config):
            raise ConfigError(
                f"{db.where}: alembic_config {db.alembic_config} returned "
                f"{type(config).__name__}, not an alembic.config.Config"
            )
        return config
    config = Config()
    location = db.script_location or ""
    if ":" not in location:
        path = (db.root / location).resolve()
        if not (path / "env.py").is_file():
            raise ConfigError(f"{db.where}: script_location {path} has no env.py")
        location = str(path)
    config.set_main_option("script_location", location)
    if db.version_locations:
        paths = [str((db.root / p).resolve()) for p in db.version_locations]
        config.set_main_option("version_locations", " ".join(paths))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def pending_revisions(script: ScriptDirectory, heads: tuple[str, ...], branch: str) -> list[str]:
    """Revisions of ``branch`` not applied once ``heads`` are (oldest first)."""
    done: set[str] = set()
    for head in heads:
        done |= {s.revision for s in script.iterate_revisions(head, "base")}
    branch_revs = [s.revision for s in script.iterate_revisions(f"{branch}@head", "base")]
    return [r for r in reversed(branch_revs) if r not in done]


def _dropped_columns(conn: Connection, sql: str) -> list[tuple[str, str]]:
    import re

    text = " ".join(sql.split())
    if m := re.match(r"DROP\s+TABLE\s+(?:IF EXISTS\s+)?[`\"]?([\w$]+)", text, re.I):
        table = m[1]
        try:
            return [(table, c["name"]) for c in sa.inspect(conn).get_columns(table)]
        except sa.exc.NoSuchTableError:
            return []
    m = re.match(
        r"ALTER\s+TABLE\s+(?:IF EXISTS\s+)?(?:ONLY\s+)?[`\"]?([\w$]+)[`\"]?\s+(.*)$", text, re.I
    )
    if not m:
        return []
    dropped = re.findall(
        r"(?:^|,)\s*DROP\s+(?:COLUMN\s+)?(?:IF EXISTS\s+)?[`\"]?([\w$]+)", m[2], re.I
    )
    skip = {"CONSTRAINT", "FOREIGN", "INDEX", "KEY", "PRIMARY", "CHECK", "DEFAULT"}
    return [(m[1], c) for c in dropped if c.upper() not in skip]


def _non_empty(conn: Connection, table: str, column: str) -> int:
    col = sa.column(column)
    cond = col.isnot(None)
    try:
        kind = next(c["type"] for c in sa.inspect(conn).get_columns(table) if c["name"] == column)
    except (StopIteration, sa.exc.NoSuchTableError):
        return 0
    if isinstance(kind, sa.String):
        cond = sa.and_(cond, col != "")
    query = sa.select(sa.func.count()).select_from(sa.table(table, col)).where(cond)
    return int(conn.execute(query).scalar() or 0)
