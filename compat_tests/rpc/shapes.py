"""JSON-schema-like shapes of RPC payloads that are not versioned objects.

Dicts and lists passed as RPC arguments (Neutron's security-group and DHCP
payloads) change without a version bump unless something records their shape.
A shape describes a value as it crosses the wire (after the JSON round trip):

* ``{"type": "string" | "integer" | "number" | "boolean" | "null"}``;
* ``{"type": "array", "items": SHAPE}`` (no ``items``: only empty lists seen);
* ``{"type": "object", "properties": {KEY: SHAPE}, "required": [KEY, ...]}``, a
  record whose keys are identifiers;
* ``{"type": "object", "additionalProperties": SHAPE}``, a map keyed by data (ids, hosts);
* ``{"objects": {NAME: V, ...}}``, a serialized versioned object, with the newest
  version of each class seen there (its own snapshot describes the inside; which
  classes a node reads is the object manifest's business, so a class not seen
  while recording is not a shape mismatch);
* ``{"anyOf": [SHAPE, ...]}`` for several kinds (nullability is ``{"type": "null"}``
  among them); ``{}`` is a value never seen.

Shapes come from annotations where present (`from_annotation`) and are inferred
from the generated examples otherwise (`infer`, merged with `merge`).  `conforms`
checks a value against a recorded shape; `compare` lists the key paths where two
shapes differ, breaking (``payload-changed``) or compatible (``payload-extended``).
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from compat_tests.rpc.rebuild import find_objects, reads
from compat_tests.versions import parse as version_key

__all__ = ["compare", "conforms", "from_annotation", "infer", "merge", "objects_in", "strategy"]

# record keys are names (``binding:host_id`` included); ids, hosts and addresses make a map
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_:.]*$")
_PRIMITIVES = {str: "string", bool: "boolean", int: "integer", float: "number"}


def infer(value: Any) -> dict[str, Any]:
    """The shape of one wire value."""
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, (list, tuple)):
        shape: dict[str, Any] = {"type": "array"}
        for item in value:
            shape = _merge_one(shape, {"type": "array", "items": infer(item)})
        return shape
    if isinstance(value, Mapping):
        found = find_objects(value)
        if found and found[0][2] == "/":
            return {"objects": {found[0][0]: found[0][1]}}
        if all(isinstance(k, str) and _IDENTIFIER.match(k) for k in value):
            return {
                "type": "object",
                "properties": {k: infer(v) for k, v in sorted(value.items())},
                "required": sorted(value),
            }
        values: dict[str, Any] = {}
        for item in value.values():
            values = merge(values, infer(item)) if values else infer(item)
        return {"type": "object", "additionalProperties": values}
    return {"type": type(value).__name__}


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One shape covering everything ``a`` and ``b`` cover."""
    if not a:
        return b
    if not b or a == b:
        return a
    alternatives = list(_alternatives(a))
    for alt in _alternatives(b):
        for i, mine in enumerate(alternatives):
            if _kind(mine) == _kind(alt) or {_kind(mine), _kind(alt)} == {"record", "map"}:
                alternatives[i] = _merge_one(mine, alt)
                break
        else:
            alternatives.append(alt)
    if len(alternatives) == 1:
        return alternatives[0]
    return {"anyOf": sorted(alternatives, key=lambda s: json.dumps(s, sort_keys=True))}


def from_annotation(annotation: Any) -> dict[str, Any] | None:
    """The shape an annotation promises, or None when it says nothing usable."""
    if annotation in _PRIMITIVES:
        return {"type": _PRIMITIVES[annotation]}
    if annotation is type(None):
        return {"type": "null"}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        parts = [from_annotation(a) for a in args]
        if any(p is None for p in parts):
            return None
        shape: dict[str, Any] = {}
        for part in parts:
            shape = merge(shape, part)  # type: ignore[arg-type]
        return shape
    if origin in (list, tuple, Sequence) and args:
        items = from_annotation(args[0])
        return None if items is None else {"type": "array", "items": items}
    if origin in (dict, Mapping) and len(args) == 2:
        values = from_annotation(args[1])
        return None if values is None else {"type": "object", "additionalProperties": values}
    hints = getattr(annotation, "__annotations__", None)
    if isinstance(annotation, type) and issubclass(annotation, dict) and hints:
        props = {k: from_annotation(v) for k, v in typing.get_type_hints(annotation).items()}
        if any(v is None for v in props.values()):
            return None
        required = sorted(getattr(annotation, "__required_keys__", props))
        return {"type": "object", "properties": props, "required": required}
    return None


def conforms(value: Any, shape: dict[str, Any] | None, path: str = "") -> str | None:
    """None if ``value`` fits ``shape``, else where and how it does not (``/key: expected ...``).

    Extra keys in a record are allowed (readers ignore what they do not look up).
    """
    if not shape:
        return None
    alternatives = _alternatives(shape)
    wanted = {_kind(a) for a in alternatives}
    mine = _kind(infer(value))
    candidates = [a for a in alternatives if _fits_kind(mine, _kind(a))]
    if not candidates:
        return f"{path or '/'}: expected {' or '.join(sorted(map(str, wanted)))}, got {mine}"
    problems = [_conforms_one(value, alt, path) for alt in candidates]
    if any(p is None for p in problems):
        return None
    return problems[0]


def compare(old: dict[str, Any] | None, new: dict[str, Any] | None, path: str = "") -> list:
    """``(rule, severity, key path, old, new)`` for every difference from ``old`` to ``new``.

    A side never seen (``{}`` or None) compares equal to anything: an inferred
    shape cannot tell "absent" from "not generated".
    """
    if not old or not new or old == new:
        return []
    where = path or "/"
    old_alts = {_kind(a): a for a in _alternatives(old)}
    new_alts = {_kind(a): a for a in _alternatives(new)}
    changes = []
    for kind in sorted(set(old_alts) - set(new_alts), key=str):
        changes.append(("payload-changed", "major", where, _label(old_alts[kind]), None))
    for kind in sorted(set(new_alts) - set(old_alts), key=str):
        changes.append(("payload-changed", "major", where, None, _label(new_alts[kind])))
    for kind in sorted(set(old_alts) & set(new_alts), key=str):
        changes += _compare_one(old_alts[kind], new_alts[kind], path)
    return changes


def objects_in(value: Any) -> dict[str, str]:
    """The newest version of every versioned object inside a wire ``value``, by name."""
    found: dict[str, str] = {}
    for name, version, _ in find_objects(value):
        if name not in found or reads(version, found[name]):
            found[name] = version
    return found


def strategy(shape: dict[str, Any] | None, objects: Any = None) -> Any:
    """A Hypothesis strategy for wire values of ``shape`` (old clients' messages).

    ``objects(name, version)`` returns a strategy for a serialized object; without
    it object nodes are skipped (None).
    """
    from hypothesis import strategies as st

    from strategies._scalars import wire_characters

    if not shape:
        return st.none()
    if "anyOf" in shape:
        return st.one_of([strategy(a, objects) for a in shape["anyOf"]])
    if "objects" in shape:
        if not objects:
            return st.none()
        return st.one_of([objects(n, v) for n, v in sorted(shape["objects"].items())])
    kind = shape.get("type")
    simple = {
        "string": st.text(wire_characters(), max_size=8),
        "integer": st.integers(-(2**31), 2**31),
        "number": st.floats(allow_nan=False, allow_infinity=False),
        "boolean": st.booleans(),
        "null": st.none(),
    }
    if kind in simple:
        return simple[kind]
    if kind == "array":
        return st.lists(
            strategy(shape.get("items"), objects), max_size=3 if "items" in shape else 0
        )
    if kind == "object" and "additionalProperties" in shape:
        return st.dictionaries(
            st.text(wire_characters(), min_size=1, max_size=8),
            strategy(shape["additionalProperties"], objects),
            max_size=3,
        )
    if kind == "object":
        props = shape.get("properties", {})
        required = set(shape.get("required", []))
        return st.fixed_dictionaries(
            {k: strategy(v, objects) for k, v in props.items() if k in required},
            optional={k: strategy(v, objects) for k, v in props.items() if k not in required},
        )
    return st.none()


def _alternatives(shape: dict[str, Any]) -> list[dict[str, Any]]:
    return list(shape["anyOf"]) if "anyOf" in shape else [shape]


def _kind(shape: dict[str, Any]) -> Any:
    if "objects" in shape:
        return "object"
    if shape.get("type") == "object":
        return "map" if "additionalProperties" in shape else "record"
    return shape.get("type", "unknown")


def _fits_kind(have: Any, want: Any) -> bool:
    if have == want:
        return True
    return (have, want) in {("integer", "number"), ("record", "map"), ("map", "record")}


def _merge_one(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    ka, kb = _kind(a), _kind(b)
    if ka == "object":
        merged = dict(a["objects"])
        for name, version in b["objects"].items():
            if name not in merged or version_key(version) > version_key(merged[name]):
                merged[name] = version
        return {"objects": dict(sorted(merged.items()))}
    if ka == "array":
        items = merge(a.get("items", {}), b.get("items", {}))
        return {"type": "array", **({"items": items} if items else {})}
    if ka == kb == "record":
        keys = sorted(set(a["properties"]) | set(b["properties"]))
        props = {k: merge(a["properties"].get(k, {}), b["properties"].get(k, {})) for k in keys}
        required = sorted(set(a["required"]) & set(b["required"]))
        return {"type": "object", "properties": props, "required": required}
    if {ka, kb} <= {"record", "map"}:
        values: dict[str, Any] = {}
        for s in (a, b):
            parts = s["properties"].values() if "properties" in s else [s["additionalProperties"]]
            for part in parts:
                values = merge(values, part)
        return {"type": "object", "additionalProperties": values}
    return a


def _conforms_one(value: Any, shape: dict[str, Any], path: str) -> str | None:
    kind = _kind(shape)
    if kind == "array":
        for i, item in enumerate(value):
            problem = conforms(item, shape.get("items"), f"{path}/{i}")
            if problem:
                return problem
    elif kind == "map" and isinstance(value, Mapping):
        for key, item in value.items():
            problem = conforms(item, shape["additionalProperties"], f"{path}/{key}")
            if problem:
                return problem
    elif kind == "record" and isinstance(value, Mapping):
        missing = [k for k in shape["required"] if k not in value]
        if missing:
            return f"{path or '/'}: missing key(s) {missing} that the reader looks up"
        for key, sub in shape["properties"].items():
            if key in value:
                problem = conforms(value[key], sub, f"{path}/{key}")
                if problem:
                    return problem
    return None


def _compare_one(old: dict[str, Any], new: dict[str, Any], path: str) -> list:
    kind = _kind(old)
    if kind == "object":
        # a class seen on one side only says nothing (not generated); a version moved does
        return [
            ("payload-changed", "major", path or "/", f"{n} {v}", f"{n} {new['objects'][n]}")
            for n, v in sorted(old["objects"].items())
            if n in new["objects"] and new["objects"][n] != v
        ]
    if kind == "array":
        return compare(old.get("items"), new.get("items"), f"{path}/[]")
    if kind == "map":
        return compare(old["additionalProperties"], new["additionalProperties"], f"{path}/*")
    if kind != "record":
        return []
    changes = []
    old_props, new_props = old["properties"], new["properties"]
    old_req, new_req = set(old["required"]), set(new["required"])
    for key in sorted(set(old_props) | set(new_props)):
        where = f"{path}/{key}"
        if key not in new_props:
            changes.append(("payload-changed", "major", where, "present", "removed"))
        elif key not in old_props:
            rule = ("payload-changed", "major") if key in new_req else ("payload-extended", "minor")
            changes.append((*rule, where, None, "required" if key in new_req else "optional"))
        else:
            if (key in old_req) != (key in new_req):
                before = "required" if key in old_req else "optional"
                after = "required" if key in new_req else "optional"
                changes.append(("payload-changed", "major", where, before, after))
            changes += compare(old_props[key], new_props[key], where)
    return changes


def _label(shape: dict[str, Any]) -> str:
    return str(_kind(shape))
