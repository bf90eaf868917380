"""ovo-compat's own test suite runs under ovo-compat's Hypothesis profiles.

The plugin registers and loads them only for a configured target (it is inert
otherwise), so this suite does it itself: ``--hypothesis-profile ci|dev|thorough``
works, and without it the ``CI`` / ``OVO_COMPAT_PROFILE`` environment picks one.
"""

from __future__ import annotations

import pytest

from compat_tests import profiles

profiles.register_profiles()


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("hypothesis_profile", default=None) is None:
        profiles.load_profile()
