"""ovo-compat: property-based rolling-upgrade compatibility tests for OVO and oslo.messaging.

The public names are imported lazily so that loading the pytest plugin (which imports
this package) stays cheap in projects that never configure a target.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "RpcApi": "compat_tests.rpc.api",
    "CompatFailure": "compat_tests.failures",
    "Failure": "compat_tests.failures",
    "load_target": "compat_tests.config",
    "describe": "compat_tests.schema",
    "SnapshotStore": "compat_tests.snapshots",
    "OldNode": "compat_tests.rebuild",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'compat_tests' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
