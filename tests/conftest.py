"""Say in every run's header whether tests/nova is included (it needs Nova; see its conftest)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import ENV, selected


def pytest_report_header(config: pytest.Config) -> str:
    """One header line: tests/nova included or left out, and how to include it."""
    if selected(config):
        return "tests/nova: included (needs Nova installed)"
    return (
        "tests/nova: not collected (Nova is not a dependency of the core tests); "
        f"run `tox -e compat-nova`, set {ENV}=1 or name tests/nova to include it"
    )
