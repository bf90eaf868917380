"""The Hypothesis profiles are registered in one place and chosen as users expect."""

from __future__ import annotations

import pytest
from hypothesis import settings

from compat_tests import profiles


def test_ci_profile_is_deterministic() -> None:
    profiles.register_profiles()
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    assert ci.deadline is None
    assert ci.print_blob is True
    assert settings.get_profile("thorough").max_examples > ci.max_examples


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"OVO_COMPAT_PROFILE": "thorough", "CI": "true"}, "thorough"),
        ({"HYPOTHESIS_PROFILE": "dev", "CI": "true"}, "dev"),
        ({"CI": "true"}, "ci"),
        ({}, "dev"),
    ],
)
def test_default_profile_follows_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for var in ("OVO_COMPAT_PROFILE", "HYPOTHESIS_PROFILE", "CI"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert profiles.default_profile() == expected


@pytest.mark.parametrize("name", ["dev", "thorough"])
def test_exploring_profiles_stay_random_under_ci(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("CI", "true")
    profiles.register_profiles()
    assert settings.get_profile(name).derandomize is False
