"""Reviewable JSON files: stable formatting, atomic writes, clear read errors."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from compat_tests.errors import SnapshotError


def dumps_stable(data: Any) -> str:
    """Serialize ``data`` with sorted keys and fixed indentation, ending in a newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dumps_stable(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_json(path: Path) -> Any:
    """Read a JSON file, turning syntax errors into a `SnapshotError` naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(f"{path}: file not found") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}). "
            "Fix the file by hand or restore it from version control."
        ) from None
