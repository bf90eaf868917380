"""The neutron target's declarations and docs/neutron-findings.rst stay in step.

Every declared exception or transform must say which documented finding explains it, and
that finding must be about the declared object: a declaration without an explanation in the
findings document is an unexplained failure in disguise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compat_tests.config import DeclaredException, load_target

_ROOT = Path(__file__).resolve().parents[2]
_FINDINGS = _ROOT / "docs" / "neutron-findings.rst"
_TARGET = load_target(_ROOT / "pyproject.toml", "neutron")
_DECLARED = [*_TARGET.exceptions, *_TARGET.transforms]
_HEADING = re.compile(r"^Finding (\d+): .*\n~+$", re.MULTILINE)
_REFERENCE = re.compile(r"docs/neutron-findings\.rst, finding (\d+)")


def _findings() -> dict[str, str]:
    """Finding number -> its section's text (heading included)."""
    text = _FINDINGS.read_text()
    starts = list(_HEADING.finditer(text))
    ends = [m.start() for m in starts[1:]] + [text.index("\nRPC observations\n")]
    return {m.group(1): text[m.start() : end] for m, end in zip(starts, ends, strict=True)}


def test_findings_are_numbered_in_order():
    assert list(_findings()) == [str(n) for n in range(1, len(_findings()) + 1)]


@pytest.mark.parametrize("declared", _DECLARED, ids=lambda d: f"{d.object}-{d.code}-{d.field}")
def test_declaration_points_at_a_finding_about_its_object(declared: DeclaredException):
    reference = _REFERENCE.search(declared.reason)
    assert reference, f"{declared.where}: reason must cite 'docs/neutron-findings.rst, finding N'"
    section = _findings().get(reference.group(1))
    assert section is not None, f"{declared.where}: finding {reference.group(1)} is not documented"
    assert declared.object in section
    if declared.code != "*":
        assert declared.code in section
