"""Hand-built snapshot histories of the ``_objs`` classes (what ``ovo-compat snapshot`` records)."""

from __future__ import annotations

from typing import Any

from compat_tests.schema import describe
from tests.rebuild import _objs


def schema_at(
    cls: type, version: str, names: list[str], relationships: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``describe(cls)`` cut down to the fields ``names``, as an older version's snapshot."""
    schema = describe(cls)
    schema["version"] = version
    schema["fields"] = {name: schema["fields"][name] for name in names}
    schema["relationships"] = relationships or {}
    schema["fingerprint"] = None
    schema["inferred"] = False
    return schema


def histories() -> dict[str, dict[str, dict[str, Any]]]:
    """Histories of RbPart (1.0, 1.1) and RbWidget (1.0, 1.1, 1.2)."""
    part_now = dict(describe(_objs.RbPart), inferred=False)
    widget_now = dict(describe(_objs.RbWidget), inferred=False)
    return {
        "RbPart": {"1.0": schema_at(_objs.RbPart, "1.0", ["id"]), "1.1": part_now},
        "RbWidget": {
            "1.0": schema_at(_objs.RbWidget, "1.0", ["id", "name"]),
            "1.1": schema_at(
                _objs.RbWidget,
                "1.1",
                ["id", "name", "part", "size"],
                {"part": [["1.1", "1.0"]]},
            ),
            "1.2": widget_now,
        },
    }


CURRENT = {"RbPart": _objs.RbPart, "RbWidget": _objs.RbWidget}
