"""Findings: failing cases grouped by root cause, rendered for people and for tools.

A *case failure* is one failing test (``Port[1.4->1.1]-backport``) with its
`compat_tests.failures.Failure` and `Counterexample`.  Failures that share
``(code, subject, field)`` are one *finding*, whatever the version pairs and
properties they hit: one forgotten ``primitive.pop(...)`` is one finding listing
every pair, not one report per pair.

``findings.json`` (`findings_document`) has a versioned schema, documented in
docs/reports.rst; `SCHEMA_VERSION` changes only when a field changes meaning or
goes away (new fields may be added within a version).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from compat_tests.failures import Failure
from compat_tests.report.counterexample import Counterexample

SCHEMA = "ovo-compat/findings"
SCHEMA_VERSION = 1
_DETAIL_WIDTH = 200
# Details shown elsewhere in the block (or too long to be useful in it).
_HIDDEN_DETAILS = {"primitive", "unset", "api", "method", "cap", "server"}


def jsonable(value: Any) -> Any:
    """``value`` with everything JSON cannot hold turned into strings (for xdist and files)."""
    return json.loads(json.dumps(value, default=str))


@dataclasses.dataclass(frozen=True)
class CaseFailure:
    """One failing test case: its id, failure, counterexample and reproduction command."""

    case: str
    failure: Failure
    counterexample: Counterexample = dataclasses.field(default_factory=Counterexample)
    nodeid: str = ""
    reproduce: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """The root cause: (code, subject, field); failures sharing it are one finding."""
        return (self.failure.code, self.failure.subject, self.failure.field or "")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (`from_dict` reads it back)."""
        return jsonable(
            {
                "case": self.case,
                "nodeid": self.nodeid,
                "reproduce": self.reproduce,
                "failure": self.failure.as_dict(),
                "counterexample": self.counterexample.as_dict(),
            }
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseFailure:
        """Inverse of `as_dict`."""
        return cls(
            case=data["case"],
            failure=Failure(**data["failure"]),
            counterexample=Counterexample.from_dict(data.get("counterexample") or {}),
            nodeid=data.get("nodeid", ""),
            reproduce=data.get("reproduce"),
        )


def summary_line(failure: Failure) -> str:
    """One line naming code, subject, pair and field first (pytest's short summary shows it)."""
    field = f" field {failure.field}" if failure.field else ""
    return f"[{failure.code}] {failure.subject} {failure.pair}{field}: {failure.message}"


def case_block(record: CaseFailure, *, finding_id: str | None = None) -> str:
    """The block a failing test's report starts with: what broke, with what, where, how to rerun."""
    failure, example = record.failure, record.counterexample
    label = f"finding {finding_id}" if finding_id else "finding"
    lines = [f"ovo-compat {label}: {summary_line(failure).split(': ', 1)[0]} ({record.case})"]
    lines.append(f"  problem:   {failure.message}")
    if example.call and example.version:
        unset = ", ".join(example.unset) if example.unset else "none"
        lines.append(
            f"  object:    {example.call}  # {failure.subject} {example.version}; unset: {unset}"
        )
    elif example.call:
        lines.append(f"  call:      {example.call}")
    if example.sent:
        where = f" (at {failure.location})" if failure.location else ""
        lines.append(f"  sent{where}: {example.sent}")
    if failure.location and not example.sent:
        lines.append(f"  at:        {failure.location}")
    if example.raised:
        lines.append(f"  raised:    {example.raised}")
    if example.user_code:
        lines.append(f"  your code: {example.user_code}")
    for key, value in sorted(failure.details.items()):
        if key in _HIDDEN_DETAILS or (key == "example" and example.call):
            continue
        text = str(value)
        if len(text) > _DETAIL_WIDTH:
            text = text[: _DETAIL_WIDTH - 3] + "..."
        lines.append(f"  {key}: {text}")
    if record.reproduce:
        lines.append(f"  reproduce: {record.reproduce}")
    return "\n".join(lines)


@dataclasses.dataclass
class Finding:
    """One root cause and every failing case it explains."""

    id: str
    cases: list[CaseFailure]

    @property
    def first(self) -> CaseFailure:
        """The case whose full report is shown (the first one that failed)."""
        return self.cases[0]

    @property
    def code(self) -> str:
        """The failure code."""
        return self.first.failure.code

    @property
    def subject(self) -> str:
        """The class (or ``Api.method``) that fails."""
        return self.first.failure.subject

    @property
    def field(self) -> str | None:
        """The field involved, if one is."""
        return self.first.failure.field

    @property
    def title(self) -> str:
        """``[code] subject field F``."""
        field = f" field {self.field}" if self.field else ""
        return f"[{self.code}] {self.subject}{field}"

    def pairs(self) -> list[str]:
        """Every case it hits, with the failing pair when it differs from the case's own."""
        out = []
        for record in self.cases:
            pair = record.failure.pair
            out.append(record.case if pair in record.case else f"{record.case} ({pair})")
        return out

    def as_dict(self) -> dict[str, Any]:
        """The finding in ``findings.json``."""
        first = self.first
        return {
            "id": self.id,
            "code": self.code,
            "subject": self.subject,
            "field": self.field,
            "message": first.failure.message,
            "location": first.failure.location,
            "counterexample": first.counterexample.as_dict(),
            "reproduce": first.reproduce,
            "cases": [
                {
                    "case": r.case,
                    "nodeid": r.nodeid,
                    "from_version": r.failure.from_version,
                    "to_version": r.failure.to_version,
                    "message": r.failure.message,
                }
                for r in self.cases
            ],
        }


def group(records: Iterable[CaseFailure]) -> list[Finding]:
    """Group case failures by root cause; findings sorted by subject, code, field; ids F1, F2..."""
    by_key: dict[tuple[str, str, str], list[CaseFailure]] = {}
    for record in records:
        by_key.setdefault(record.key, []).append(record)
    ordered = sorted(by_key.items(), key=lambda item: (item[0][1], item[0][0], item[0][2]))
    return [Finding(f"F{i}", cases) for i, (_, cases) in enumerate(ordered, 1)]


def render_findings(findings: list[Finding], *, verbose: bool = False) -> str:
    """The findings section of a run: one short paragraph per root cause."""
    lines = []
    for finding in findings:
        first = finding.first
        count = len(finding.cases)
        lines.append(
            f"{finding.id} {finding.title}: {count} failing case{'s' * (count != 1)} "
            f"(in full: {first.case})"
        )
        pairs = finding.pairs()
        shown = pairs if verbose or len(pairs) <= 8 else [*pairs[:8], f"... {len(pairs) - 8} more"]
        lines.append(f"   cases:     {', '.join(shown)}")
        lines.append(f"   problem:   {first.failure.message}")
        if first.counterexample.user_code:
            lines.append(f"   your code: {first.counterexample.user_code}")
    return "\n".join(lines)


def findings_document(
    findings: list[Finding], *, target: str | None, run: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``findings.json`` document (schema `SCHEMA`, version `SCHEMA_VERSION`)."""
    return jsonable(
        {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "target": target,
            "run": run or {},
            "ok": not findings,
            "findings": [f.as_dict() for f in findings],
        }
    )
