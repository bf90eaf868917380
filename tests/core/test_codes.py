"""The failure-code registry: every code raised is registered, and the docs list exactly them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from compat_tests import codes
from compat_tests.failures import Failure

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "compat_tests").rglob("*.py")) + sorted(
    (REPO / "strategies").rglob("*.py")
)
_CODE = re.compile(r"^([a-z]+)\.[a-z]+(?:-[a-z]+)*$")


def _constants() -> list[tuple[Path, int, str]]:
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((path, node.lineno, node.value))
    return found


def test_every_code_literal_in_the_source_is_registered() -> None:
    families = set(codes.families())
    unregistered = [
        f"{path.relative_to(REPO)}:{line}: {value}"
        for path, line, value in _constants()
        if (m := _CODE.match(value)) and m.group(1) in families and not codes.is_registered(value)
    ]
    assert unregistered == []


def test_no_code_is_built_with_an_f_string() -> None:
    # f"rpc.{side}-server-rejects" cannot be found by grep nor checked against the registry.
    prefixes = tuple(f"{family}." for family in codes.families())
    built = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and str(first.value).startswith(prefixes):
                    if not re.match(r"^[a-z]+\.[a-z-]*$", str(first.value)):
                        continue  # prose such as "rpc. " is not a code
                    built.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert built == []


def test_every_registered_code_is_raised_somewhere() -> None:
    literals = {value for _, _, value in _constants()}
    assert [name for name in codes.CODES if name not in literals] == []


def test_a_failure_with_an_unregistered_code_is_refused() -> None:
    with pytest.raises(ValueError, match=r"compat_tests\.codes\.register"):
        Failure(code="backport.made-up", subject="Port", message="m")


def test_every_code_has_who_raises_it_and_a_one_line_fix() -> None:
    for code in codes.CODES.values():
        assert code.raised_by and code.fix and "\n" not in code.fix, code.name


def test_docs_table_equals_the_registry() -> None:
    text = (REPO / "docs" / "failures.rst").read_text()
    start = text.index(".. failure-codes-start\n\n") + len(".. failure-codes-start\n\n")
    end = text.index("\n.. failure-codes-end")
    assert text[start:end] == codes.table()


def test_readme_and_docs_name_only_registered_codes_and_families() -> None:
    families = set(codes.families())
    for doc in [REPO / "README.rst", *sorted((REPO / "docs").glob("*.rst"))]:
        text = doc.read_text()
        for family in re.findall(r"``([a-z]+)\.\*``", text):
            assert family in families, f"{doc.name}: ``{family}.*`` is no code family"
        for name in re.findall(r"``([a-z]+\.[a-z]+(?:-[a-z]+)*)``", text):
            if name.partition(".")[0] in families:
                assert codes.is_registered(name), f"{doc.name}: ``{name}`` is not registered"


def test_readme_names_every_code_family() -> None:
    text = (REPO / "README.rst").read_text()
    assert [f for f in codes.families() if f"``{f}.*``" not in text] == []
