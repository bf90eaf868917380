"""The ovo-compat pytest plugin.

Registers the Hypothesis profiles (so ``--hypothesis-profile ci`` works everywhere)
and loads the default one when none is chosen on the command line.
"""

from __future__ import annotations

import pytest

from compat_tests import profiles

profiles.register_profiles()


def pytest_configure(config: pytest.Config) -> None:
    """Load the profile named by the environment unless ``--hypothesis-profile`` chose one."""
    if config.getoption("hypothesis_profile", default=None) is None:
        profiles.load_profile()
