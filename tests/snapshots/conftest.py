"""Helpers for the snapshot tests: tiny TOML targets written into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from compat_tests.config import Target, load_target

REGISTRY = "tests.snapshots._objs.base:SnapTestRegistry"


@pytest.fixture
def make_target(tmp_path: Path) -> Callable[..., Target]:
    """Write a one-target pyproject.toml into tmp_path and load it."""

    def make(
        objects: tuple[str, ...] = ("tests.snapshots._objs",),
        registry: str | None = REGISTRY,
        strategies: tuple[str, ...] = (),
    ) -> Target:
        lines = ["[tool.ovo-compat.targets.t]", f"objects = {list(objects)!r}".replace("'", '"')]
        if registry is not None:
            lines.append(f'registry = "{registry}"')
        if strategies:
            lines.append(f"strategies = {list(strategies)!r}".replace("'", '"'))
        lines.append('snapshots = "snaps"')
        path = tmp_path / "pyproject.toml"
        path.write_text("\n".join(lines) + "\n")
        return load_target(path, "t")

    return make
