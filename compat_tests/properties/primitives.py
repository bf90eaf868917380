"""The primitives of one generated example, each computed once and shared by every check.

A shared run checks one example against every pair of its class; the checks of a
pair need the example's own primitive and its backport to the pair's version (with
or without the old node's manifest).  `Primitives` computes each of them once.
Checks must treat what it returns as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compat_tests.properties._compare import normalized

__all__ = ["Primitives", "backported"]


class Primitives:
    """``obj``'s primitive (raw and normalized) and its backports, computed on first use."""

    def __init__(self, obj: Any) -> None:
        """Serialize ``obj`` once at its own version."""
        self.obj = obj
        self.full = obj.obj_to_primitive()
        self.source = normalized(self.full)
        self._at: dict[tuple[str, tuple[tuple[str, str], ...] | None], Any] = {}

    def at(self, version: str, manifest: Mapping[str, str] | None) -> Any:
        """``obj.obj_to_primitive(target_version=version, version_manifest=manifest)``, once.

        A backport that raises raises again for each check that asks (nothing cached).
        """
        key = (version, tuple(sorted(manifest.items())) if manifest is not None else None)
        if key not in self._at:
            self._at[key] = self.obj.obj_to_primitive(
                target_version=version, version_manifest=manifest
            )
        return self._at[key]


def backported(
    obj: Any, version: str, manifest: Mapping[str, str] | None, primitives: Primitives | None
) -> Any:
    """``obj`` sent at ``version`` (with ``manifest``): from ``primitives`` when shared."""
    if primitives is None:
        return obj.obj_to_primitive(target_version=version, version_manifest=manifest)
    return primitives.at(version, manifest)
