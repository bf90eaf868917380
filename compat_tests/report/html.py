"""The version-pair matrix as one self-contained HTML page (no network, no script).

Per class a table (rows: old versions, columns: properties), per RPC API a table
(rows: methods, columns: cap x server); each cell shows its status, and a failed
cell links to its finding further down the page.
"""

from __future__ import annotations

import html
from typing import Any

_STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: center; font-size: 90%; }
th { background: #eee; }
td.passed { background: #d8f0d8; }
td.failed { background: #f6c6c6; font-weight: bold; }
td.declared { background: #fbe8b0; }
td.below-window { background: #e4e4e4; color: #666; }
td.not-recorded { background: #fff; color: #999; }
td.absent { background: #f4f4f4; color: #999; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
.finding { border-left: 4px solid #c33; padding-left: 0.8em; margin-bottom: 1.2em; }
"""
_LABELS = {
    "passed": "passed",
    "failed": "failed",
    "declared": "declared",
    "below-window": "below window",
    "not-recorded": "not recorded",
    "absent": "absent",
}


def page(matrix: dict[str, Any], findings: dict[str, Any]) -> str:
    """The HTML page for a ``matrix.json`` and a ``findings.json`` document."""
    target = html.escape(str(matrix.get("target") or ""))
    run = findings.get("run") or {}
    totals = ", ".join(f"{n} {_LABELS.get(s, s)}" for s, n in matrix["totals"].items() if n)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>ovo-compat: {target}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>ovo-compat version-pair matrix: {target}</h1>",
        f"<p>profile {html.escape(str(run.get('profile', '?')))}, "
        f"seed {html.escape(str(run.get('seed', '?')))}; cells: {html.escape(totals or 'none')}; "
        f'findings: <a href="#findings">{len(findings["findings"])}</a></p>',
        "<h2>Objects</h2>",
    ]
    for name, entry in matrix["objects"].items():
        parts.append(_object_table(name, entry))
    if matrix["rpc"]:
        parts.append("<h2>RPC APIs</h2>")
        for name, entry in matrix["rpc"].items():
            parts.append(_rpc_table(name, entry))
    parts.append('<h2 id="findings">Findings</h2>')
    if not findings["findings"]:
        parts.append("<p>None: every checked cell passed or is declared.</p>")
    for finding in findings["findings"]:
        parts.append(_finding(finding))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _cell(cell: dict[str, Any]) -> str:
    status = cell["status"]
    label = html.escape(_LABELS.get(status, status))
    title = html.escape(cell.get("case") or "", quote=True)
    if status == "failed" and cell.get("finding"):
        finding = html.escape(cell["finding"], quote=True)
        label = f'<a href="#{finding}">{finding}</a>'
    return f'<td class="{html.escape(status, quote=True)}" title="{title}">{label}</td>'


def _object_table(name: str, entry: dict[str, Any]) -> str:
    cells = entry["cells"]
    current = entry.get("current") or "?"
    props = list(dict.fromkeys(c["property"] for c in cells))
    rows = list(dict.fromkeys(c["old"] for c in cells))
    by_key = {(c["old"], c["property"]): c for c in cells}
    out = [f'<h3 id="class-{html.escape(name, quote=True)}">{html.escape(name)} {current}</h3>']
    out.append(
        f"<p>backport, manifest, indirection: {current} &rarr; old version; "
        f"upgrade: old version &rarr; {current}</p>"
    )
    out.append("<table><tr><th>version</th>")
    out += [f"<th>{html.escape(p)}</th>" for p in props]
    out.append("</tr>")
    for row in rows:
        label = f"{row} (current)" if row == current else row
        out.append(f"<tr><th>{html.escape(label)}</th>")
        for prop in props:
            cell = by_key.get((row, prop))
            out.append(_cell(cell) if cell else "<td></td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _rpc_table(name: str, entry: dict[str, Any]) -> str:
    cells = entry["cells"]
    columns = list(dict.fromkeys((c["cap"], c.get("server", "")) for c in cells))
    methods = list(dict.fromkeys(c["method"] for c in cells))
    by_key = {(c["method"], c["cap"], c.get("server", "")): c for c in cells}
    out = [f'<h3 id="rpc-{html.escape(name, quote=True)}">{html.escape(name)}</h3>']
    out.append("<table><tr><th>method</th>")
    out += [
        f"<th>cap {html.escape(cap)}<br>{html.escape(server)} server</th>"
        for cap, server in columns
    ]
    out.append("</tr>")
    for method in methods:
        out.append(f"<tr><th>{html.escape(method)}</th>")
        for cap, server in columns:
            cell = by_key.get((method, cap, server))
            out.append(_cell(cell) if cell else "<td></td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _finding(finding: dict[str, Any]) -> str:
    ident = html.escape(finding["id"], quote=True)
    field = f" field {finding['field']}" if finding.get("field") else ""
    title = html.escape(f"{finding['id']} [{finding['code']}] {finding['subject']}{field}")
    example = finding.get("counterexample") or {}
    lines = [f"problem:   {finding['message']}"]
    for key, label in (("call", "object"), ("sent", "sent"), ("raised", "raised")):
        if example.get(key):
            lines.append(f"{label + ':':<10} {example[key]}")
    if example.get("unset"):
        lines.append(f"unset:     {', '.join(example['unset'])}")
    if example.get("user_code"):
        lines.append(f"your code: {example['user_code']}")
    if finding.get("reproduce"):
        lines.append(f"reproduce: {finding['reproduce']}")
    cases = ", ".join(c["case"] for c in finding["cases"])
    return (
        f'<div class="finding" id="{ident}"><h3>{title}</h3>'
        f"<p>{len(finding['cases'])} failing case(s): {html.escape(cases)}</p>"
        f"<pre>{html.escape(chr(10).join(lines))}</pre></div>"
    )
