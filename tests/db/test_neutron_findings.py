"""Neutron's DB declarations and the Database section of docs/neutron-findings.rst agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compat_tests.config import load_target

_ROOT = Path(__file__).resolve().parents[2]
_TEXT = (_ROOT / "docs" / "neutron-findings.rst").read_text()
_DB_SECTION = _TEXT[_TEXT.index("\nDatabase\n--------\n") :]
_DECLARED = load_target(_ROOT / "pyproject.toml", "neutron").db.exceptions


def _sections() -> dict[str, str]:
    starts = list(re.finditer(r"^(DB-\d+): ", _DB_SECTION, re.MULTILINE))
    ends = [m.start() for m in starts[1:]] + [len(_DB_SECTION)]
    return {m.group(1): _DB_SECTION[m.start() : e] for m, e in zip(starts, ends, strict=True)}


def test_db_findings_are_numbered_in_order():
    assert list(_sections()) == [f"DB-{n}" for n in range(1, len(_sections()) + 1)]


@pytest.mark.parametrize("declared", _DECLARED, ids=lambda d: f"{d.rule}-{d.revision}-{d.table}")
def test_db_declaration_points_at_its_finding(declared):
    cited = re.search(r"\((DB-\d+)\)", declared.reason)
    assert cited, f"{declared.where}: reason must cite (DB-N)"
    section = _sections()[cited.group(1)]
    if declared.revision != "*":
        assert declared.revision in section
    if declared.table != "*":
        assert declared.table in section
