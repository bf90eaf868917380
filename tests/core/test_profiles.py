"""The Hypothesis profiles are registered in one place and chosen as users expect."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st

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


def _drawn(name: str, chosen: settings, edited: bool = False) -> list[int]:
    """The integers a run named ``name`` draws, by one of two bodies of different source."""
    drawn: list[int] = []

    def body(value: int) -> None:
        drawn.append(value)

    def edited_body(value: int) -> None:
        # the same check, edited
        drawn.append(value)

    profiles.run_named(edited_body if edited else body, name, chosen, value=st.integers())
    return drawn


def test_derandomized_runs_draw_by_name_not_by_source() -> None:
    ci = settings(settings.get_profile("ci"), max_examples=20)
    first = _drawn("shared_Port", ci)
    # The runner's body changed, the case did not: the same examples.
    assert _drawn("shared_Port", ci, edited=True) == first
    # Another case draws its own.
    assert _drawn("shared_Network", ci) != first


def test_exploring_runs_keep_their_random_seed() -> None:
    dev = settings(settings.get_profile("dev"), max_examples=20, database=None)
    assert _drawn("shared_Port", dev) != _drawn("shared_Port", dev)


def _texts(chosen: settings) -> list[str]:
    drawn: list[str] = []

    def body(value: str) -> None:
        drawn.append(value)

    profiles.run_named(body, "shared_Texts", chosen, value=st.text())
    return drawn


def test_derandomized_runs_ignore_constants_of_newly_imported_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hypothesis draws literals of the local modules imported so far: a worker that
    # imported one more test module would draw other examples.
    ci = settings(settings.get_profile("ci"), max_examples=300)
    before = _texts(ci)
    literals = ", ".join(repr(f"ovo-compat-literal-{i}") for i in range(200))
    (tmp_path / "late_local_module.py").write_text(f"LITERALS = [{literals}]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("late_local_module")
    after = _texts(ci)
    assert after == before
    assert not any("ovo-compat-literal" in text for text in after)
