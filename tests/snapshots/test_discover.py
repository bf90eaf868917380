"""Catalog.load: the target's classes, and clear errors for every import problem."""

from __future__ import annotations

import pytest

from compat_tests.discover import Catalog
from compat_tests.errors import DiscoveryError
from tests.snapshots._objs.base import SnapTestObject
from tests.snapshots._objs.network import SnapNetwork, SnapSegment


def test_registry_target_collects_its_newest_classes(make_target) -> None:
    catalog = Catalog.load(make_target())
    assert catalog.classes == {"SnapNetwork": SnapNetwork, "SnapSegment": SnapSegment}
    assert catalog.base is SnapTestObject
    assert list(catalog) == ["SnapNetwork", "SnapSegment"]
    assert catalog.version("SnapNetwork") == "1.3"


def test_global_registry_is_filtered_by_module(make_target) -> None:
    catalog = Catalog.load(make_target(objects=("tests.snapshots._global_objs",), registry=None))
    assert list(catalog.classes) == ["SnapGlobalThing"]


def test_classes_outside_the_registry_are_not_found(make_target) -> None:
    with pytest.raises(DiscoveryError, match=r"no object classes.*set 'registry'"):
        Catalog.load(make_target(registry=None))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"objects": ("tests.snapshots._nope",)}, r"objects: cannot import module 'tests\.snap"),
        (
            {"registry": "tests.snapshots._broken_registry:Reg"},
            r"registry: importing module 'tests\.snapshots\._broken_registry' failed at "
            r".*_broken_registry\.py, line 3: RuntimeError: registry module exploded",
        ),
        ({"registry": "tests.snapshots._objs.base:Nope"}, r"has no attribute 'Nope'"),
        (
            {"registry": "tests.snapshots._objs.base:SnapTestObject"},
            r"is not a subclass of oslo_versionedobjects\.base\.VersionedObjectRegistry",
        ),
        ({"strategies": ("tests.snapshots._nostrat",)}, r"strategies: cannot import module"),
    ],
    ids=["objects-missing", "registry-broken", "registry-attr", "registry-type", "strategies"],
)
def test_import_problems_name_the_key_and_module(make_target, kwargs, message) -> None:
    target = make_target(**kwargs)
    with pytest.raises(DiscoveryError, match=message) as info:
        Catalog.load(target)
    assert str(target.config_path) in str(info.value)
    assert "[tool.ovo-compat.targets.t]" in str(info.value)
