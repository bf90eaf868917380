"""The database stage's rules and failure codes, registered in one table.

A rule has a stable ID (also its failure code), a severity and a purpose; every
finding of the stage carries one of these IDs, and declared exceptions name them.
When the project-wide registry lands this table moves there unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULES", "Rule", "rule"]


@dataclass(frozen=True)
class Rule:
    """One check: ``id`` is the failure code, ``severity`` ``error`` or ``warning``."""

    id: str
    severity: str
    purpose: str


_TABLE = (
    # Phase rules, checked on every statement a migration sends.
    ("db.expand.drop", "error", "expand drops a table, column, index or constraint"),
    ("db.expand.rename", "error", "expand renames a table or column (old code loses it)"),
    ("db.expand.type-narrowing", "error", "expand narrows a column type or length"),
    ("db.expand.nullability", "error", "expand makes an existing column NOT NULL"),
    (
        "db.expand.not-null-without-default",
        "error",
        "expand adds a NOT NULL column without a server default to an existing table",
    ),
    (
        "db.expand.constraint-on-existing-rows",
        "error",
        "expand adds a unique or foreign key constraint over existing rows (declare its check)",
    ),
    ("db.expand.delete", "error", "expand deletes rows (data old code still reads)"),
    ("db.expand.fails", "error", "expand fails on rows the previous release accepted"),
    ("db.contract.create", "error", "contract creates a table, column, index or constraint"),
    # Old code against the new schema.
    ("db.old-code.write", "error", "the previous release's INSERT/UPDATE fails after expand"),
    ("db.old-code.read", "error", "the previous release's SELECT fails or reads other values"),
    ("db.current-code.read", "error", "the current models cannot read a row written before"),
    # Online data migrations.
    ("db.data-migration.crash", "error", "a data migration raises"),
    ("db.data-migration.contract", "error", "a data migration breaks (found, done) rules"),
    ("db.data-migration.diverges", "error", "a data migration does not converge in its bound"),
    ("db.data-migration.not-idempotent", "error", "a second pass finds or changes rows"),
    ("db.data-migration.loses-value", "error", "a migrated value is not at its new place"),
    # Contract phase.
    ("db.contract.destroys-data", "error", "contract runs with rows unmigrated and drops values"),
    ("db.contract.pending-check", "error", "the project's pending check disagrees with the rows"),
    ("db.contract.fails", "error", "contract fails after every data migration ran"),
    ("db.contract.unreadable", "error", "a value is not readable after contract"),
    # Stored OVO primitives.
    ("db.primitive.version-mismatch", "error", "a stored primitive's data is not its version's"),
    ("db.primitive.unreadable", "error", "a node cannot read a stored primitive"),
    # Declarations.
    ("db.declaration.stale", "error", "a declared DB exception no longer fires"),
)

RULES: dict[str, Rule] = {rid: Rule(rid, sev, purpose) for rid, sev, purpose in _TABLE}


def rule(rule_id: str) -> Rule:
    """The registered rule ``rule_id`` (a ``KeyError`` here is a bug in ovo-compat)."""
    return RULES[rule_id]
