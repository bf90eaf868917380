"""The database stage: expand/contract rules, old code on the new schema, data migrations.

``check_target(target)`` runs, on every configured server URL, each scenario of
`compat_tests.db.checks` in its own fresh database, and returns a `DbResult`:
undeclared findings (plus stale declarations), declared ones, and notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compat_tests.config import Target
    from compat_tests.db.migrate import Finding

__all__ = ["SCENARIOS", "DbResult", "check_target"]

SCENARIOS = ("rolling", "gate")


@dataclass
class DbResult:
    """What the DB stage found for one target."""

    findings: list[Finding] = field(default_factory=list)
    declared: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No undeclared finding and no stale declaration."""
        return not self.findings


def _hooks(target: Target) -> Any:
    from compat_tests.db.checks import TargetHooks
    from compat_tests.discover import resolve_ref

    db = target.db

    def resolve(ref: str, key: str = "db", expected: str = "importable") -> Any:
        return resolve_ref(target, key, ref, expected)

    metadata = (
        resolve(db.metadata, "db: metadata", "a sqlalchemy MetaData") if db.metadata else None
    )
    if metadata is not None and hasattr(metadata, "metadata") and not hasattr(metadata, "tables"):
        metadata = metadata.metadata  # a declarative base
    migrations = [
        (ref, resolve(ref, "db: data_migrations", "a function (context, max_count)"))
        for ref in db.data_migrations
    ]
    context = resolve(db.context, "db: context", "a callable(engine)") if db.context else None
    primitives = None
    if db.primitives:
        from compat_tests.db.primitives import PrimitiveChecker

        primitives = PrimitiveChecker(target, db.primitives)
    return TargetHooks(
        resolve=resolve,
        metadata=metadata,
        data_migrations=migrations,
        make_context=context or (lambda engine: engine),
        pending=resolve(db.pending, "db: pending", "a callable(context)") if db.pending else None,
        value_check=resolve(db.value_check, "db: value_check", "a callable")
        if db.value_check
        else None,
        primitives=primitives,
    )


def _contract_pending(db: Any, url: str, resolve: Any) -> bool:
    from alembic.script import ScriptDirectory

    from compat_tests.db.migrate import alembic_config, pending_revisions

    script = ScriptDirectory.from_config(alembic_config(db, url, resolve))
    return bool(pending_revisions(script, db.previous, db.contract))


def _examples() -> int:
    from hypothesis import settings

    # The first example Hypothesis generates is the simplest one; a second adds variety.
    return max(2, min(10, settings.default.max_examples // 10))


def check_target(
    target: Target,
    *,
    urls: tuple[str, ...] | None = None,
    scenarios: tuple[str, ...] = SCENARIOS,
    progress: Any = None,
    examples: int | None = None,
) -> DbResult:
    """Run the DB scenarios of ``target`` on every server URL; declarations applied.

    ``examples``: generated datasets per scenario and URL (default: from the profile).
    """
    from compat_tests.db.databases import backend_name
    from compat_tests.db.declarations import apply_declarations
    from compat_tests.errors import ConfigError

    db = target.db
    if db is None:
        raise ConfigError(
            f"{target.config_path}: target {target.name!r} has no [tool.ovo-compat.targets."
            f"{target.name}.db] table; see docs/db.rst"
        )
    hooks = _hooks(target)
    result = DbResult()
    found: dict[tuple, Finding] = {}
    checked = urls or db.server_urls()
    for url in checked:
        backend = backend_name(url)
        for name in scenarios:
            if name == "gate" and not _contract_pending(db, url, hooks.resolve):
                result.notes.append(
                    f"{backend}: gate: no contract revision after the previous release's head"
                )
                continue
            if progress is not None:
                progress(f"{backend}: {name}")
            _run_scenario(db, hooks, url, name, examples or _examples(), found, result.notes)
    result.findings, result.declared = apply_declarations(
        found.values(), db.exceptions, {backend_name(u) for u in checked}
    )
    return result


def _run_scenario(
    db: Any,
    hooks: Any,
    url: str,
    name: str,
    examples: int,
    found: dict[tuple, Finding],
    notes: list[str],
) -> None:
    """Run scenario ``name`` once per generated dataset, each on a fresh database."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from compat_tests.db.checks import Scenario
    from compat_tests.db.databases import backend_name, fresh_database, safe_url

    backend = backend_name(url)

    @settings(
        max_examples=examples,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: Any) -> None:
        with fresh_database(url, name) as engine:
            scenario = Scenario(db, hooks, engine, data.draw)
            getattr(scenario, name)()
        for finding in scenario.findings:
            key = (
                finding.rule,
                finding.revision,
                finding.line,
                finding.table,
                finding.column,
                backend,
            )
            if key not in found:
                finding.details["database"] = safe_url(url)
                finding.details["backend"] = backend
                found[key] = finding
        for note in scenario.notes:
            if f"{backend}: {note}" not in notes:
                notes.append(f"{backend}: {note}")

    run()
