"""Reports people read and CI dashboards show.

* `findings`: failing cases grouped by root cause (code, subject, field), the block
  each failing test's report starts with, ``findings.json``;
* `counterexample`: the minimal object as a constructor call of the user's class,
  the primitive sent, the user's code involved;
* `matrix`: the version-pair matrix (per class old x new x property, per RPC API
  method x cap x server), as terminal lines and JSON; `html` renders it as a
  self-contained page;
* `junit` and `github`: machine formats for ``ovo-compat check``.
"""

from compat_tests.report._render import render, render_stale, reproduction_line, test_path
from compat_tests.report.counterexample import Counterexample, from_exception
from compat_tests.report.findings import (
    SCHEMA_VERSION,
    CaseFailure,
    Finding,
    case_block,
    findings_document,
    group,
    render_findings,
    summary_line,
)

__all__ = [
    "SCHEMA_VERSION",
    "CaseFailure",
    "Counterexample",
    "Finding",
    "case_block",
    "findings_document",
    "from_exception",
    "group",
    "render",
    "render_findings",
    "render_stale",
    "reproduction_line",
    "summary_line",
    "test_path",
]
