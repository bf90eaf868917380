"""Where recorded classes came from, and refusing to record classes that are not the release."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compat_tests import cli
from compat_tests.provenance import ProvenanceError, check_release, recorded_from
from compat_tests.snapshots import SnapshotStore

_MODULE = """
from oslo_versionedobjects import fields

from tests.snapshots._objs.base import SnapTestObject, SnapTestRegistry


@SnapTestRegistry.register
class {name}(SnapTestObject):
    VERSION = "{version}"
    fields = {{"id": fields.IntegerField()}}
"""


def _package(root: Path, package: str, name: str, version: str) -> None:
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text("")
    (root / package / "objects.py").write_text(_MODULE.format(name=name, version=version))


def _installed(site: Path, package: str, name: str, version: str, dist_version: str) -> None:
    _package(site, package, name, version)
    info = site / f"{package}-{dist_version}.dist-info"
    info.mkdir()
    info.joinpath("METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {package}\nVersion: {dist_version}\n"
    )
    info.joinpath("RECORD").write_text(
        f"{package}/__init__.py,,\n{package}/objects.py,,\n{info.name}/METADATA,,\n"
    )
    info.joinpath("top_level.txt").write_text(package + "\n")


@pytest.fixture
def forget_modules():
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("ovo_prov_"):
            del sys.modules[name]


def test_a_working_tree_shadowing_the_installed_release_is_refused(
    tmp_path: Path, monkeypatch, capsys, forget_modules
) -> None:
    # Issue 9, problem 4: `ovo-compat snapshot --config <working tree>` run in an old
    # release's environment silently recorded the working tree (its folder goes first on
    # sys.path) as if it were the installed release.
    site, tree = tmp_path / "site", tmp_path / "tree"
    _installed(site, "ovo_prov_shadow", "ProvShadowed", "1.0", "1.0.0")
    _package(tree, "ovo_prov_shadow", "ProvShadowed", "1.1")
    monkeypatch.syspath_prepend(str(site))
    config = tree / "pyproject.toml"
    config.write_text(
        '[tool.ovo-compat.targets.t]\nobjects = ["ovo_prov_shadow.objects"]\n'
        'registry = "tests.snapshots._objs.base:SnapTestRegistry"\nsnapshots = "snaps"\n'
    )

    status = cli.main(["snapshot", "--config", str(config)])

    err = capsys.readouterr().err
    assert status == 2
    assert "refusing to record" in err
    assert f"ProvShadowed was imported from the working tree ({tree}" in err
    assert "ovo_prov_shadow 1.0.0 is installed and provides the same module" in err
    assert "--release ovo_prov_shadow==1.0.0" in err
    assert not (tree / "snaps").exists()


def test_classes_from_another_version_than_claimed_are_refused(
    tmp_path: Path, monkeypatch, forget_modules
) -> None:
    site = tmp_path / "site"
    _installed(site, "ovo_prov_claim", "ProvClaimed", "1.3", "2.0")
    monkeypatch.syspath_prepend(str(site))
    from ovo_prov_claim.objects import ProvClaimed

    assert check_release({"ProvClaimed": ProvClaimed}, {"ovo_prov_claim": "2.0"})
    assert recorded_from(ProvClaimed) == {
        "module": "ovo_prov_claim.objects",
        "file": "ovo_prov_claim/objects.py",
        "distribution": "ovo_prov_claim",
        "version": "2.0",
    }
    with pytest.raises(ProvenanceError) as info:
        check_release({"ProvClaimed": ProvClaimed}, {"ovo_prov_claim": "1.0"})
    assert "ProvClaimed comes from ovo_prov_claim 2.0 (ovo_prov_claim/objects.py)" in str(
        info.value
    )
    assert "the release claims ovo_prov_claim==1.0" in str(info.value)
    with pytest.raises(ProvenanceError, match="not from neutron"):
        check_release({"ProvClaimed": ProvClaimed}, {"neutron": None})


def test_every_recorded_version_says_where_it_came_from(tmp_path: Path, capsys) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.ovo-compat.targets.t]\nobjects = ["tests.snapshots._objs"]\n'
        'registry = "tests.snapshots._objs.base:SnapTestRegistry"\nsnapshots = "snaps"\n'
    )
    assert cli.main(["snapshot", "--config", str(config)]) == 0
    schema = SnapshotStore(tmp_path / "snaps").latest("SnapNetwork")
    assert schema["recorded_from"]["module"] == "tests.snapshots._objs.network"
    assert schema["recorded_from"]["file"] == "tests/snapshots/_objs/network.py"
