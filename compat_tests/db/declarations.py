"""Declared DB exceptions: matching findings, and the ones gone stale.

Kept small and in one place so the project-wide declarations path can replace it.
"""

from __future__ import annotations

from collections.abc import Iterable

from compat_tests.db.config import DbDeclaration
from compat_tests.db.migrate import Finding

__all__ = ["apply_declarations"]


def _matches(d: DbDeclaration, f: Finding) -> bool:
    return (
        d.rule == f.rule
        and d.revision in ("*", f.revision)
        and d.table in ("*", f.table)
        and d.column in ("*", f.column)
    )


def apply_declarations(
    findings: Iterable[Finding], declared: Iterable[DbDeclaration]
) -> tuple[list[Finding], list[Finding]]:
    """Split ``findings`` into (undeclared + stale-declaration findings, declared ones)."""
    declared = list(declared)
    used: set[int] = set()
    open_, covered = [], []
    for finding in findings:
        hits = [i for i, d in enumerate(declared) if _matches(d, finding)]
        used.update(hits)
        (covered if hits else open_).append(finding)
    for index, d in enumerate(declared):
        if index not in used:
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
