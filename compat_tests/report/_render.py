"""Human rendering of compatibility failures: what broke, where, and how to reproduce it."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path

from compat_tests.config import DeclaredException, Target
from compat_tests.failures import Failure


def reproduction_line(target: Target, test: str) -> str:
    """The command that re-runs one test (``test`` is a node id or ``file::name[id]``)."""
    words = [
        "pytest",
        test,
        "--compat-config",
        str(target.config_path),
        "--compat-target",
        target.name,
        "-p",
        "no:cacheprovider",
    ]
    return shlex.join(words)


def test_path(nodeid: str, module_file: str | Path) -> str:
    """``nodeid`` re-anchored on the absolute path of its module, so it runs from anywhere."""
    _, _, rest = nodeid.partition("::")
    return f"{Path(module_file).resolve()}::{rest}" if rest else str(Path(module_file).resolve())


def render(failure: Failure, *, case_id: str | None = None, reproduce: str | None = None) -> str:
    """A bug-report-like description of ``failure``.

    The minimal counterexample itself is Hypothesis's "Falsifying example" line,
    printed with the failure; the reproduction line re-runs exactly this case.
    """
    lines = [f"ovo-compat: {failure.subject} {failure.pair}" + (f" ({case_id})" if case_id else "")]
    lines.append(f"  code:      {failure.code}")
    if failure.field:
        lines.append(f"  field:     {failure.field}")
    if failure.location:
        lines.append(f"  location:  {failure.location}")
    lines.append(f"  problem:   {failure.message}")
    for key, value in sorted(failure.details.items()):
        lines.append(f"  {key}: {value}")
    if reproduce:
        lines.append(f"  reproduce: {reproduce}")
    return "\n".join(lines)


def render_stale(declared: Iterable[DeclaredException]) -> str:
    """Explain declared exceptions that no longer fire and what to do about them."""
    lines = ["ovo-compat: declared exceptions that never fired (remove them or fix the match):"]
    for item in declared:
        where = f" [{item.where}]" if item.where else ""
        what = f"{item.object} {item.versions} code={item.code}"
        if item.field:
            what += f" field={item.field}"
        lines.append(f"  - {what}{where}: {item.reason}")
    return "\n".join(lines)
