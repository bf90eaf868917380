"""The public API: `compat_tests` and `strategies` export what users write, and nothing else."""

from __future__ import annotations

import importlib
import types

import pytest

import compat_tests
import strategies

# What the README and docs tell users to write.
COMPAT_TESTS = {
    "ConfigError",
    "CompatFailure",
    "DeclaredException",
    "DiscoveryError",
    "Failure",
    "NoStrategyError",
    "ObjectSuite",
    "OldNode",
    "OvoCompatError",
    "Property",
    "RpcApi",
    "SnapshotError",
    "SnapshotStore",
    "StrategyError",
    "Target",
    "Transform",
    "describe",
    "load_target",
    "objects",
    "pinning",
    "register_field_strategy",
    "register_property",
}
STRATEGIES = {
    "FieldRule",
    "NoStrategyError",
    "ObjectResolutionError",
    "StrategyError",
    "datasets",
    "field_values",
    "objects",
    "primitives",
    "register_field_strategy",
    "rows",
    "temporary_field_strategy",
}


@pytest.mark.parametrize(
    ("module", "expected"), [(compat_tests, COMPAT_TESTS), (strategies, STRATEGIES)]
)
def test_all_is_what_users_write(module: types.ModuleType, expected: set[str]) -> None:
    assert set(module.__all__) == expected
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_strategies_has_no_other_public_names() -> None:
    public = {
        name
        for name, value in vars(strategies).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(strategies.__all__)


def test_compat_tests_names_the_objects_of_their_modules() -> None:
    assert compat_tests.objects is strategies.objects
    assert compat_tests.pinning is importlib.import_module("compat_tests.pinning")
    assert compat_tests.register_property is importlib.import_module("compat_tests.plan").register
    assert sorted(dir(compat_tests)) == sorted(COMPAT_TESTS)
    with pytest.raises(AttributeError):
        compat_tests.cases_internal  # noqa: B018
