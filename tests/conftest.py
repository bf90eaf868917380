"""ovo-compat's own test suite: its Hypothesis profiles, and whether tests/nova runs.

The plugin registers and loads the profiles only for a configured target (it is inert
otherwise), so this suite does it itself: ``--hypothesis-profile ci|dev|thorough``
works, and without it the ``CI`` / ``OVO_COMPAT_PROFILE`` environment picks one.
Every run's header also says whether tests/nova is included (it needs Nova; see its
conftest).
"""

from __future__ import annotations

import pytest

from compat_tests import profiles
from tests.nova.conftest import ENV, selected

profiles.register_profiles()


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("hypothesis_profile", default=None) is None:
        profiles.load_profile()


def pytest_report_header(config: pytest.Config) -> str:
    """One header line: tests/nova included or left out, and how to include it."""
    if selected(config):
        return "tests/nova: included (needs Nova installed)"
    return (
        "tests/nova: not collected (Nova is not a dependency of the core tests); "
        f"run `tox -e compat-nova`, set {ENV}=1 or name tests/nova to include it"
    )
