"""Declared DB exceptions, matched by the project-wide declarations module.

A DB finding is matched as a failure about its table, with its rule as the code, its
column as the field and its revision as the version (`DbDeclaration`); a declaration
that never fired is stale (`compat_tests.declarations.stale`).  DB findings are
deterministic per database, so every declaration is covered by a run of the
databases it names (``database``, default every one).
"""

from __future__ import annotations

from collections.abc import Iterable

from compat_tests import declarations
from compat_tests.db.config import DbDeclaration
from compat_tests.db.migrate import Finding

__all__ = ["apply_declarations"]


def _matches(d: DbDeclaration, f: Finding) -> bool:
    backend = f.details.get("backend", "*")
    if d.database not in ("*", backend):
        return False
    return d.matches(f.table or "?", f.rule, None, f.revision, f.column)


def apply_declarations(
    findings: Iterable[Finding],
    declared: Iterable[DbDeclaration],
    backends: Iterable[str] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """Split ``findings`` into (undeclared + stale-declaration findings, declared ones).

    A declaration limited to a database not in ``backends`` (the ones checked) is not
    covered by the run, so it cannot go stale.
    """
    declared = list(declared)
    checked = set(backends) if backends is not None else None
    covered_ix = [
        i
        for i, d in enumerate(declared)
        if checked is None or d.database == "*" or d.database in checked
    ]
    fired: set[int] = set()
    open_, covered = [], []
    for finding in findings:
        hits = {i for i, d in enumerate(declared) if _matches(d, finding)}
        fired |= hits
        (covered if hits else open_).append(finding)
    for d in declarations.stale(declared, fired, covered_ix):
        open_.append(
            Finding(
                "db.declaration.stale",
                f"{d.where}: declared {d.rule} (revision {d.revision}, {d.table}.{d.column}) "
                f"never fired; remove it or fix its match (reason was: {d.reason})",
                revision=None if d.revision == "*" else d.revision,
                table=None if d.table == "*" else d.table,
                column=None if d.column == "*" else d.column,
            )
        )
    return open_, covered
