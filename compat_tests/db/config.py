"""The ``[tool.ovo-compat.targets.NAME.db]`` table: what the database stage checks.

Parsed here (``compat_tests.config`` calls `parse_db` for the ``db`` key) and only
validated: importing the named modules is the check stage's job.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compat_tests.config import array_of_tables, check_table
from compat_tests.declarations import DeclaredException
from compat_tests.errors import ConfigError

__all__ = ["DEFAULT_URLS", "URLS_ENV", "DbConfig", "DbDeclaration", "Move", "StoredPrimitive"]

#: The databases checked when the target names none (both run on the CI machine).
DEFAULT_URLS = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "mysql+pymysql://root@127.0.0.1:3306/mysql",
)
#: Space-separated server URLs overriding ``urls`` (``OVO_COMPAT_DB_URLS``).
URLS_ENV = "OVO_COMPAT_DB_URLS"

_REF_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_COLUMN_RE = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]\w*$")

_KEYS = {
    "script_location": "alembic script directory, relative to the config file or 'package:dir'",
    "version_locations": "directories of revision scripts, relative to the config file",
    "alembic_config": "'module:callable(url) -> alembic Config' (instead of script_location)",
    "expand": "label of the expand branch (default 'expand')",
    "contract": "label of the contract branch (default 'contract')",
    "previous": "revisions at the previous release's head (list; the upgrade starts there)",
    "metadata": "'module:attribute': the current models' sqlalchemy MetaData",
    "tables": "tables seeded with generated rows (default: every table at the previous head)",
    "exclude": "tables never seeded",
    "max_rows": "most generated rows per table (default 4)",
    "required": "columns generated non-NULL so data migrations have work ('table.column')",
    "data_migrations": "list of 'module:function(context, max_count) -> (found, done)'",
    "context": "'module:callable(engine) -> context' passed to data migrations (default: engine)",
    "pending": "'module:callable(context) -> bool': the project's has-pending-migrations check",
    "moves": "array of tables {from='t.old', to='t.new'}: where a data migration moves a value",
    "value_check": "'module:callable(connection, rows) -> list[str]' problems after migration",
    "urls": "server URLs to check on (default: the local PostgreSQL and MariaDB)",
    "primitives": "array of tables {table, column, object, old_version}: stored OVO primitives",
    "exceptions": "array of tables {rule, revision, table, column, database, reason}",
}
_MOVE_KEYS = {"from", "to"}
_PRIMITIVE_KEYS = {"table", "column", "object", "old_version"}
_DECLARATION_KEYS = {"rule", "revision", "table", "column", "reason", "database"}


@dataclass(frozen=True)
class Move:
    """A value a data migration moves: ``source`` ('table.column') ends up in ``dest``."""

    source: str
    dest: str


@dataclass(frozen=True)
class StoredPrimitive:
    """A column holding JSON OVO primitives of ``object`` (old nodes run ``old_version``)."""

    table: str
    column: str
    object: str
    old_version: str | None = None


@dataclass(frozen=True)
class DbDeclaration(DeclaredException):
    """A known, explained DB finding; it must keep firing or the run fails (stale).

    The project-wide `DeclaredException` with DB coordinates: ``object`` is the table,
    ``code`` the rule, ``field`` the column and ``versions`` ``*->REVISION``;
    ``database`` (``postgresql``, ``mysql`` or ``*``) limits it to one backend.
    """

    database: str = "*"

    @classmethod
    def of(
        cls,
        rule: str,
        reason: str,
        revision: str = "*",
        table: str = "*",
        column: str = "*",
        where: str = "",
        database: str = "*",
    ) -> DbDeclaration:
        """The declaration of ``rule`` at ``revision``, ``table``, ``column`` (``*``: any)."""
        return cls(
            object=table,
            reason=reason,
            versions=f"*->{revision}",
            field=None if column == "*" else column,
            where=where,
            code=rule,
            database=database,
        )

    @property
    def rule(self) -> str:
        """The declared rule (failure code)."""
        return self.code

    @property
    def revision(self) -> str:
        """The declared revision, or ``*``."""
        return self.pair[1]

    @property
    def table(self) -> str:
        """The declared table, or ``*``."""
        return self.object

    @property
    def column(self) -> str:
        """The declared column, or ``*``."""
        return self.field or "*"


@dataclass(frozen=True)
class DbConfig:
    """A target's database configuration (paths resolved, references unimported)."""

    where: str
    root: Path
    script_location: str | None = None
    version_locations: tuple[str, ...] = ()
    alembic_config: str | None = None
    expand: str = "expand"
    contract: str = "contract"
    previous: tuple[str, ...] = ()
    metadata: str | None = None
    tables: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_rows: int = 4
    required: tuple[str, ...] = ()
    data_migrations: tuple[str, ...] = ()
    context: str | None = None
    pending: str | None = None
    moves: tuple[Move, ...] = ()
    value_check: str | None = None
    urls: tuple[str, ...] = DEFAULT_URLS
    primitives: tuple[StoredPrimitive, ...] = ()
    exceptions: tuple[DbDeclaration, ...] = field(default_factory=tuple)

    def server_urls(self) -> tuple[str, ...]:
        """The URLs to check on: ``OVO_COMPAT_DB_URLS`` if set, else ``urls``."""
        override = os.environ.get(URLS_ENV, "").split()
        return tuple(override) or self.urls


def parse_db(where: str, root: Path, raw: Any) -> DbConfig | None:
    """Validate the ``db`` table of a target (``None`` when the target has none)."""
    if raw is None:
        return None
    here = f"{where}.db"
    check_table(here, raw, _KEYS)
    if ("script_location" in raw) == ("alembic_config" in raw):
        raise ConfigError(f"{here}: set exactly one of 'script_location' and 'alembic_config'")
    if not raw.get("previous"):
        raise ConfigError(
            f"{here}: 'previous' is required: the revisions at the previous release's head, "
            'e.g. previous = ["<expand head>", "<contract head>"]'
        )
    max_rows = raw.get("max_rows", 4)
    if not isinstance(max_rows, int) or not 1 <= max_rows <= 50:
        raise ConfigError(f"{here}: 'max_rows' must be an integer from 1 to 50")
    return DbConfig(
        where=here,
        root=root,
        script_location=_str(here, "script_location", raw.get("script_location")),
        version_locations=_strings(here, "version_locations", raw.get("version_locations", [])),
        alembic_config=_ref(here, "alembic_config", raw.get("alembic_config")),
        expand=_str(here, "expand", raw.get("expand", "expand")) or "expand",
        contract=_str(here, "contract", raw.get("contract", "contract")) or "contract",
        previous=_strings(here, "previous", raw["previous"]),
        metadata=_ref(here, "metadata", raw.get("metadata")),
        tables=_strings(here, "tables", raw.get("tables", [])),
        exclude=_strings(here, "exclude", raw.get("exclude", [])),
        max_rows=max_rows,
        required=_columns(here, "required", raw.get("required", [])),
        data_migrations=tuple(
            _ref(here, "data_migrations", r) or ""
            for r in _strings(here, "data_migrations", raw.get("data_migrations", []))
        ),
        context=_ref(here, "context", raw.get("context")),
        pending=_ref(here, "pending", raw.get("pending")),
        moves=tuple(
            Move(
                _column(f"{here}.moves[{i}]", "from", t["from"]),
                _column(f"{here}.moves[{i}]", "to", t["to"]),
            )
            for i, t in enumerate(
                _tables(here, "moves", raw.get("moves", []), _MOVE_KEYS, _MOVE_KEYS)
            )
        ),
        value_check=_ref(here, "value_check", raw.get("value_check")),
        urls=_strings(here, "urls", raw["urls"]) if "urls" in raw else DEFAULT_URLS,
        primitives=tuple(
            StoredPrimitive(t["table"], t["column"], t["object"], t.get("old_version"))
            for t in _tables(
                here,
                "primitives",
                raw.get("primitives", []),
                _PRIMITIVE_KEYS,
                {"table", "column", "object"},
            )
        ),
        exceptions=tuple(
            DbDeclaration.of(
                rule=t["rule"],
                reason=t["reason"],
                revision=t.get("revision", "*"),
                table=t.get("table", "*"),
                column=t.get("column", "*"),
                where=f"{here}.exceptions[{i}]",
                database=_backend(f"{here}.exceptions[{i}]", t.get("database", "*")),
            )
            for i, t in enumerate(
                _tables(
                    here,
                    "exceptions",
                    raw.get("exceptions", []),
                    _DECLARATION_KEYS,
                    {"rule", "reason"},
                )
            )
        ),
    )


def _backend(where: str, value: str) -> str:
    if value not in ("*", "postgresql", "mysql"):
        raise ConfigError(f"{where}: 'database' must be 'postgresql' or 'mysql', got {value!r}")
    return value


def _str(where: str, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    return value


def _ref(where: str, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _REF_RE.match(value):
        raise ConfigError(f"{where}: {key!r} must be 'module:attribute', got {value!r}")
    return value


def _strings(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(value)


def _column(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not _COLUMN_RE.match(value):
        raise ConfigError(f"{where}: {key!r} must be 'table.column', got {value!r}")
    return value


def _columns(where: str, key: str, value: Any) -> tuple[str, ...]:
    return tuple(_column(where, key, v) for v in _strings(where, key, value))


def _tables(
    where: str, key: str, value: Any, allowed: set[str], required: set[str]
) -> list[dict[str, str]]:
    result = []
    for here, item in array_of_tables(where, key, value, allowed, tuple(sorted(required))):
        for name in sorted(item):  # every key of these tables holds a string
            if not isinstance(item[name], str) or not item[name].strip():
                raise ConfigError(f"{here}: {name!r} is required and must be a non-empty string")
        result.append(item)
    return result
