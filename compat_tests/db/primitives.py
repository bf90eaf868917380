"""Stored OVO primitives: generated at every supported version, checked after migrations.

A primitive's declared ``versioned_object.version`` must match its data by the
recorded schema of that version (no field that version does not have), and the
primitive must be readable by a node rebuilt at that version, by the current class,
and by the previous release's nodes (``old_version``) while they still run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from compat_tests.config import Target
from compat_tests.db.config import StoredPrimitive
from compat_tests.db.migrate import Finding
from compat_tests.versions import parse

__all__ = ["PrimitiveChecker"]


class PrimitiveChecker:
    """Fill configured columns with generated primitives; check them later."""

    def __init__(self, target: Target, columns: tuple[StoredPrimitive, ...]) -> None:
        from compat_tests.discover import Catalog
        from compat_tests.snapshots import SnapshotStore

        self.columns = columns
        self.catalog = Catalog.load(target)
        self.store = SnapshotStore(target.snapshots)
        self.target = target

    def versions(self, name: str) -> list[str]:
        """Recorded versions of ``name`` inside the support window, oldest first."""
        oldest = parse(self.target.oldest_supported(name))
        return sorted((v for v in self.store.history(name) if parse(v) >= oldest), key=parse)

    def _class_at(self, name: str, version: str) -> type:
        from compat_tests.rebuild import OldNode

        if version == self.catalog.classes[name].VERSION:
            return self.catalog.classes[name]
        node = OldNode.for_version(self.store, name, version, current=self.catalog.classes)
        return node.cls(name)

    def fill(self, generated: Mapping[str, list[dict[str, Any]]], draw: Any) -> None:
        """Overwrite each configured column of the generated rows with a primitive."""
        from oslo_serialization import jsonutils

        from strategies import primitives

        for spec in self.columns:
            versions = self.versions(spec.object)
            for index, row in enumerate(generated.get(spec.table, [])):
                version = versions[index % len(versions)]
                primitive = draw(primitives(self._class_at(spec.object, version), version=version))
                row[spec.column] = jsonutils.dumps(primitive)

    def check(self, engine: Engine, stage: str) -> list[Finding]:
        """Findings for every stored primitive that does not match or cannot be read."""
        findings: list[Finding] = []
        for spec in self.columns:
            try:
                table = sa.Table(spec.table, sa.MetaData(), autoload_with=engine)
                with engine.connect() as conn:
                    rows = list(conn.execute(sa.select(table)).mappings())
            except (sa.exc.NoSuchTableError, sa.exc.DBAPIError) as exc:
                findings.append(
                    Finding(
                        "db.primitive.unreadable",
                        f"{stage}: the stored {spec.object} primitives "
                        f"cannot be read: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                        table=spec.table,
                        column=spec.column,
                    )
                )
                continue
            pk = [c.name for c in table.primary_key.columns]
            for row in rows:
                if row[spec.column] is None:
                    continue
                key = {c: row[c] for c in pk}
                problem = self._problem(spec, row[spec.column])
                if problem:
                    rule, text = problem
                    findings.append(
                        Finding(
                            rule,
                            f"{stage}: the {spec.object} primitive of row {key} {text}",
                            table=spec.table,
                            column=spec.column,
                        )
                    )
                    break
        return findings

    def _problem(self, spec: StoredPrimitive, text: str) -> tuple[str, str] | None:
        try:
            primitive = json.loads(text)
            version = primitive["versioned_object.version"]
            data = primitive["versioned_object.data"]
        except (ValueError, KeyError, TypeError) as exc:
            return "db.primitive.unreadable", f"is not an OVO primitive ({exc})"
        history = self.store.history(spec.object)
        if version not in history:
            return "db.primitive.version-mismatch", (
                f"declares version {version}, which was never recorded "
                f"(recorded: {', '.join(sorted(history, key=parse))})"
            )
        known = set(history[version]["fields"])
        extra = sorted(set(data) - known)
        if extra:
            return "db.primitive.version-mismatch", (
                f"declares version {version} but carries field(s) {', '.join(extra)} that "
                f"{spec.object} {version} does not have: the data migration changed the "
                "layout without changing the version string (the Nova LP#2097359 class)"
            )
        readers = [("a node at its version", version), ("the current code", None)]
        if spec.old_version:
            readers.append((f"the previous release ({spec.old_version})", spec.old_version))
        for who, at in readers:
            if at is not None and parse(version) > parse(at):
                return "db.primitive.unreadable", (
                    f"is at version {version}, newer than {who} reads"
                )
            cls = (
                self.catalog.classes[spec.object] if at is None else self._class_at(spec.object, at)
            )
            try:
                cls.obj_from_primitive(primitive)
            except Exception as exc:
                return "db.primitive.unreadable", (
                    f"cannot be read by {who}: {type(exc).__name__}: {exc}"
                )
        return None


def version_strategy(versions: list[str]) -> st.SearchStrategy[str]:
    """One of ``versions``."""
    return st.sampled_from(versions)
