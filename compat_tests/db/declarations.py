"""Declared DB exceptions, matched by the project-wide declarations module.

A DB finding is matched as a failure about its table, with its rule as the code, its
column as the field and its revision as the version (`DbDeclaration`); a declaration
that never fired is stale (`compat_tests.declarations.stale`).  DB findings are
deterministic per database, and every declaration is covered by every run, so all
declarations count as covered.
"""

from __future__ import annotations

from collections.abc import Iterable

from compat_tests import declarations
from compat_tests.db.config import DbDeclaration
from compat_tests.db.migrate import Finding

__all__ = ["apply_declarations"]


def _matches(d: DbDeclaration, f: Finding) -> bool:
    return d.matches(f.table or "?", f.rule, None, f.revision, f.column)


def apply_declarations(
    findings: Iterable[Finding], declared: Iterable[DbDeclaration]
) -> tuple[list[Finding], list[Finding]]:
    """Split ``findings`` into (undeclared + stale-declaration findings, declared ones)."""
    declared = list(declared)
    fired: set[int] = set()
    open_, covered = [], []
    for finding in findings:
        hits = {i for i, d in enumerate(declared) if _matches(d, finding)}
        fired |= hits
        (covered if hits else open_).append(finding)
    for d in declarations.stale(declared, fired, range(len(declared))):
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
