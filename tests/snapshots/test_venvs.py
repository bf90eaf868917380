"""Release specs and the release virtualenv cache location."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat_tests.venvs import ReleaseSpec, VenvError, cache_dir


def test_pinned_requirements_claim_their_versions() -> None:
    spec = ReleaseSpec.parse("neutron==24.2.2 neutron-lib==3.11.1")
    assert spec.requirements == ("neutron==24.2.2", "neutron-lib==3.11.1")
    assert spec.claim == {"neutron": "24.2.2", "neutron-lib": "3.11.1"}
    assert spec.primary == "neutron"


def test_a_wheel_claims_the_name_and_version_in_its_file_name() -> None:
    spec = ReleaseSpec.parse("dist/my_service-1.2.0-py3-none-any.whl")
    assert spec.claim == {"my-service": "1.2.0"}


def test_a_git_url_claims_its_egg_name_at_any_version() -> None:
    spec = ReleaseSpec.parse("git+https://example.invalid/org/neutron@stable/2024.2#egg=neutron")
    assert spec.claim == {"neutron": None}


def test_a_spec_that_names_no_distribution_is_refused() -> None:
    with pytest.raises(VenvError, match="cannot tell which distribution"):
        ReleaseSpec.parse("git+https://example.invalid/org/neutron@stable/2024.2")
    with pytest.raises(VenvError, match="needs a spec"):
        ReleaseSpec.parse("  ")


def test_cache_keys_differ_by_spec_and_options_and_read_well() -> None:
    one = ReleaseSpec.parse("neutron==24.2.2")
    assert one.key(index=True).startswith("neutron_24.2.2-")
    assert one.key(index=True) != one.key(index=False)
    assert one.key(index=True) != ReleaseSpec.parse("neutron==25.2.3").key(index=True)


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OVO_COMPAT_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.delenv("OVO_COMPAT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "ovo-compat"
