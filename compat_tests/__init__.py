"""ovo-compat: property-based rolling-upgrade compatibility tests for OVO and oslo.messaging.

The public names are imported lazily so that loading the pytest plugin (which imports
this package) stays cheap in projects that never configure a target.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    # describing what to test
    "RpcApi": "compat_tests.rpc.api",
    "load_target": "compat_tests.config",
    "Target": "compat_tests.config",
    "DeclaredException": "compat_tests.declarations",
    "Transform": "compat_tests.declarations",
    # generating
    "objects": "strategies",
    "register_field_strategy": "strategies",
    # pinning a project's clients as [upgrade_levels] does
    "pinning": "compat_tests",
    # recording and running
    "describe": "compat_tests.schema",
    "SnapshotStore": "compat_tests.snapshots",
    "OldNode": "compat_tests.rebuild",
    "ObjectSuite": "compat_tests.runner",
    "Property": "compat_tests.plan",
    "register_property": "compat_tests.plan",
    # what a failing check raises, and the errors for bad input
    "CompatFailure": "compat_tests.failures",
    "Failure": "compat_tests.failures",
    "OvoCompatError": "compat_tests.errors",
    "ConfigError": "compat_tests.errors",
    "SnapshotError": "compat_tests.errors",
    "DiscoveryError": "compat_tests.errors",
    "StrategyError": "strategies",
    "NoStrategyError": "strategies",
}
# Names whose attribute in their module differs from the public one.
_ATTRIBUTE = {"register_property": "register"}

__all__ = sorted(_PUBLIC)


def __dir__() -> list[str]:
    """The public names (what ``from compat_tests import *`` gives)."""
    return list(__all__)


def __getattr__(name: str) -> Any:
    """Import public name ``name`` on first use."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'compat_tests' has no attribute {name!r}")
    if name == "pinning":
        return importlib.import_module("compat_tests.pinning")
    return getattr(importlib.import_module(module), _ATTRIBUTE.get(name, name))
