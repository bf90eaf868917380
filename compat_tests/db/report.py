"""``ovo-compat db``: run the DB stage and print what it found."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from compat_tests.config import Target

__all__ = ["run_db"]


def run_db(target: Target, urls: list[str] | None, fmt: str, out: TextIO) -> int:
    """Run `compat_tests.db.check_target`; 0 when clean, 1 on findings."""
    from compat_tests.db import check_target
    from compat_tests.profiles import load_profile

    load_profile()
    result = check_target(
        target,
        urls=tuple(urls) if urls else None,
        progress=lambda step: print(f"ovo-compat db: {step}", file=sys.stderr, flush=True),
    )
    if fmt == "json":
        report = {
            "target": target.name,
            "ok": result.ok,
            "findings": [_as_dict(f) for f in result.findings],
            "declared": [_as_dict(f) for f in result.declared],
            "notes": result.notes,
        }
        out.write(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
        return 0 if result.ok else 1
    for note in result.notes:
        print(f"note: {note}", file=out)
    for finding in result.declared:
        print(f"declared: {finding.render()} [{finding.details.get('database')}]", file=out)
    for finding in result.findings:
        print(f"{finding.render()} [{finding.details.get('database')}]", file=out)
    if result.findings:
        print(f"{len(result.findings)} DB finding(s) in target {target.name!r}", file=out)
        return 1
    print(f"ok: the DB checks of target {target.name!r} found nothing undeclared", file=out)
    return 0


def _as_dict(finding) -> dict:
    return {
        "rule": finding.rule,
        "message": finding.message,
        "revision": finding.revision,
        "file": finding.file,
        "line": finding.line,
        "table": finding.table,
        "column": finding.column,
        "details": finding.details,
    }
