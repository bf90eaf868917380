"""Describing generated examples without calling their ``repr()``.

A project's ``__repr__`` may lazy-load (Nova's ``PciDevice``) or print megabytes; the
suite describes objects by their primitive instead, which reads set fields only.
"""

from __future__ import annotations

import json
from typing import Any


def describe(value: Any) -> str:
    """``value`` as text: objects by name, version and primitive data; never their repr."""
    if isinstance(value, tuple):
        return "(" + ", ".join(describe(v) for v in value) + ")"
    if hasattr(value, "obj_to_primitive") and hasattr(value, "obj_name"):
        try:
            primitive = value.obj_to_primitive()
        except Exception as exc:  # the user's obj_to_primitive: say so, never repr
            return f"<{value.obj_name()} {getattr(value, 'VERSION', '?')}: {type(exc).__name__}>"
        data = primitive.get(value._obj_primitive_key("data"), {})
        text = json.dumps(data, sort_keys=True, default=str)
        return f"{value.obj_name()} {value.VERSION} {text}"
    return repr(value)


class Shown:
    """A generated example that Hypothesis prints with `describe`, not with ``repr()``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return describe(self.value)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))
