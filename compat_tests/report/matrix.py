"""The version-pair matrix: what a run checked, per class and per RPC API.

Built from the outcomes of the generic tests (their ids say class, property and
versions), so it works the same with and without pytest-xdist:

* objects: one cell per (old version, property) of a class at its current version
  (``backport``, ``manifest``, ``indirection``: current -> old; ``upgrade``: old ->
  current), plus ``snapshot`` and ``roundtrip`` at the current version;
* RPC: one cell per (method, cap, server), the server being the one at the cap (an
  old node) and the current one.

A cell's status is one of `STATUSES`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any

from compat_tests.versions import parse

PASSED, FAILED, DECLARED, BELOW, NOT_RECORDED, ABSENT = (
    "passed",
    "failed",
    "declared",
    "below-window",
    "not-recorded",
    "absent",
)
STATUSES = (PASSED, FAILED, DECLARED, BELOW, NOT_RECORDED, ABSENT)
PAIR_PROPERTIES = ("backport", "manifest", "indirection", "upgrade")
SINGLE_PROPERTIES = ("snapshot", "roundtrip")
SCHEMA = "ovo-compat/matrix"
SCHEMA_VERSION = 1

_OBJECT_ID = re.compile(
    r"::test_object\[(?P<name>[^\[\]]+)\[(?P<versions>[^\]]+)\]-(?P<prop>\w+)\]"
)
_RPC_CALL_ID = re.compile(
    r"::test_rpc(?:_call)?\[(?:call-)?(?P<api>[^\].@-]+)\.(?P<method>[^@\]]+)@(?P<cap>[^\]@]+)\]"
)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The outcome of one generic test, as the matrix needs it (JSON-able via asdict)."""

    nodeid: str
    outcome: str  # passed, failed, skipped
    reason: str = ""
    finding_key: tuple[str, str, str] | None = None
    side: str | None = None  # RPC: "old" or "current", the server that failed


@dataclasses.dataclass(frozen=True)
class Cell:
    """One matrix cell."""

    subject: str
    row: str
    column: str
    status: str
    case: str | None = None
    finding: str | None = None
    server: str | None = None


@dataclasses.dataclass
class Matrix:
    """Cells per class (``objects``) and per RPC API (``rpc``)."""

    objects: dict[str, list[Cell]] = dataclasses.field(default_factory=dict)
    current: dict[str, str] = dataclasses.field(default_factory=dict)
    rpc: dict[str, list[Cell]] = dataclasses.field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        """Cells per status over objects and RPC."""
        counts = dict.fromkeys(STATUSES, 0)
        for cells in (*self.objects.values(), *self.rpc.values()):
            for cell in cells:
                counts[cell.status] += 1
        return counts

    def as_dict(self, target: str | None = None) -> dict[str, Any]:
        """The ``matrix.json`` document."""

        def cells(items: list[Cell], keys: tuple[str, ...]) -> list[dict[str, Any]]:
            rows = []
            for cell in items:
                row = dict(zip(keys, (cell.row, cell.column), strict=True))
                if cell.server is not None:
                    row["server"] = cell.server
                row.update(status=cell.status, case=cell.case, finding=cell.finding)
                rows.append(row)
            return rows

        return {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "target": target,
            "statuses": list(STATUSES),
            "totals": self.totals(),
            "objects": {
                name: {
                    "current": self.current.get(name),
                    "cells": cells(items, ("old", "property")),
                }
                for name, items in sorted(self.objects.items())
            },
            "rpc": {
                name: {"cells": cells(items, ("method", "cap"))}
                for name, items in sorted(self.rpc.items())
            },
        }


def build(
    outcomes: Iterable[Outcome],
    finding_ids: dict[tuple[str, str, str], str],
    declared: Callable[[str, str, str, str, tuple[str, ...]], bool] | None = None,
    recorded: Callable[[str], Iterable[str]] | None = None,
    oldest: Callable[[str], str] | None = None,
) -> Matrix:
    """The matrix of ``outcomes``.

    ``declared(name, prop, from, to, lower)`` tells a passing cell that a declared
    exception covers; ``recorded(name)`` lists the versions of a class with a snapshot
    (versions of its major below the current one without one are *not recorded*, or
    *below the window* when older than ``oldest(name)``, the oldest supported version).
    """
    matrix = Matrix()
    objects: dict[str, list[tuple[str, str, str, Outcome]]] = {}
    for item in outcomes:
        found = _OBJECT_ID.search(item.nodeid)
        if found is not None:
            versions = found["versions"].split("->")
            objects.setdefault(found["name"], []).append(
                (found["prop"], versions[0], versions[-1], item)
            )
            continue
        found = _RPC_CALL_ID.search(item.nodeid)
        if found is not None:
            _rpc_cells(matrix, found, item, finding_ids)
    for name, rows in objects.items():
        known = set(recorded(name)) if recorded is not None else None
        floor = oldest(name) if oldest is not None else None
        matrix.objects[name], matrix.current[name] = _object_cells(
            name, rows, finding_ids, declared, known, floor
        )
    return matrix


def _status(item: Outcome) -> str:
    if item.outcome == "failed":
        return FAILED
    if item.outcome == "skipped":
        if "support window" in item.reason or "major version" in item.reason:
            return BELOW
        return ABSENT
    return PASSED


def _object_cells(
    name: str,
    rows: list[tuple[str, str, str, Outcome]],
    finding_ids: dict[tuple[str, str, str], str],
    declared: Callable[[str, str, str, str, tuple[str, ...]], bool] | None,
    known: set[str] | None,
    floor: str | None = None,
) -> tuple[list[Cell], str]:
    singles = [r for r in rows if r[0] in SINGLE_PROPERTIES]
    current = singles[0][1] if singles else max((r[1] for r in rows), key=parse)
    supported = sorted({r[1] for r in rows if r[0] == "upgrade"}, key=parse)
    cells: dict[tuple[str, str], Cell] = {}
    for prop, from_v, to_v, item in rows:
        old = from_v if prop == "upgrade" else to_v
        status = _status(item)
        finding = finding_ids.get(item.finding_key) if item.finding_key else None
        if status == PASSED and declared is not None:
            lower = (
                tuple(v for v in supported if parse(v) < parse(from_v)) if prop == "upgrade" else ()
            )
            if declared(name, prop, from_v, to_v, lower):
                status = DECLARED
        case = _case_id(item.nodeid)
        if status == BELOW:
            for each in PAIR_PROPERTIES:
                cells[(old, each)] = Cell(name, old, each, BELOW, case)
            continue
        cells[(old, prop)] = Cell(name, old, prop, status, case, finding)
    major = parse(current)[0]
    for minor in range(parse(current)[1]) if known is not None else ():
        version = f"{major}.{minor}"
        if version not in known:
            below = floor is not None and parse(version) < parse(floor)
            for prop in PAIR_PROPERTIES:
                cells[(version, prop)] = Cell(name, version, prop, BELOW if below else NOT_RECORDED)
    order = {p: i for i, p in enumerate((*SINGLE_PROPERTIES, *PAIR_PROPERTIES))}
    ordered = sorted(cells.values(), key=lambda c: (-_key(c.row), order.get(c.column, 99)))
    return ordered, current


def _key(version: str) -> float:
    major, minor = parse(version)[:2]
    return major * 10000 + minor


def _case_id(nodeid: str) -> str:
    inner = nodeid.split("[", 1)[1] if "[" in nodeid else nodeid
    return inner[:-1] if inner.endswith("]") else inner


def _rpc_cells(
    matrix: Matrix,
    found: re.Match[str],
    item: Outcome,
    finding_ids: dict[tuple[str, str, str], str],
) -> None:
    api, method, cap = found["api"], found["method"], found["cap"]
    status = _status(item)
    finding = finding_ids.get(item.finding_key) if item.finding_key else None
    case = _case_id(item.nodeid)
    cells = matrix.rpc.setdefault(api, [])
    servers = ("old", "current")
    if status == FAILED:
        # The failing side is in the finding's code; the other side may not have been reached.
        failing = item.side
        for server in servers:
            this = FAILED if failing in (None, server) else NOT_RECORDED
            cells.append(
                Cell(api, method, cap, this, case, finding if this == FAILED else None, server)
            )
        return
    for server in servers:
        cells.append(Cell(api, method, cap, status, case, None, server))


def summary_lines(matrix: Matrix) -> list[str]:
    """Compact terminal lines: one per class/API that is not all green, then totals."""
    lines = []
    below: list[str] = []
    for name, cells in sorted(matrix.objects.items()):
        counts = _counts(cells)
        olds = sorted({c.row for c in cells if c.status == BELOW}, key=parse)
        if olds:
            below.append(f"{name} {', '.join(olds)}")
        if set(counts) - {PASSED, BELOW}:
            lines.append(f"  {name} {matrix.current.get(name, '')}: {_describe(cells, counts)}")
    for name, cells in sorted(matrix.rpc.items()):
        counts = _counts(cells)
        if set(counts) - {PASSED, BELOW, ABSENT}:
            lines.append(f"  RPC {name}: {_describe(cells, counts)}")
    totals = matrix.totals()
    total = ", ".join(f"{n} {s}" for s, n in totals.items() if n)
    lines.append(
        f"  totals: {len(matrix.objects)} classes, {len(matrix.rpc)} RPC APIs, "
        f"{sum(totals.values())} cells: {total or 'none'}"
    )
    if below:
        lines.append(f"  below the support window (not checked): {'; '.join(below)}")
    return lines


def _counts(cells: list[Cell]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cell in cells:
        counts[cell.status] = counts.get(cell.status, 0) + 1
    return counts


def _describe(cells: list[Cell], counts: dict[str, int]) -> str:
    parts = []
    for status in STATUSES:
        if status not in counts:
            continue
        text = f"{counts[status]} {status}"
        if status == FAILED:
            ids = sorted({c.finding for c in cells if c.finding}, key=lambda f: int(f[1:]))
            where = sorted({f"{c.column} {c.row}" for c in cells if c.status == FAILED})
            text += f" ({', '.join(ids)}: {', '.join(where[:6])}{' ...' * (len(where) > 6)})"
        parts.append(text)
    return ", ".join(parts)
