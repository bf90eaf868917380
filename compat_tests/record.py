"""The record stage: write the current schemas of a target's classes and RPC APIs.

``ovo-compat snapshot`` is `record` plus printing.  Recorded versions are immutable
(`compat_tests.snapshots`): a different schema for one is a problem reported, never
a rewrite, and one problem does not stop the others from being recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compat_tests.config import Target
from compat_tests.versions import parse

__all__ = ["Recorded", "record", "record_rpc"]


@dataclass
class Recorded:
    """What `record` did: one line per schema written or unchanged, and the problems met.

    ``changed`` names the subjects (classes, RPC APIs) whose file was written.
    """

    lines: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def record(target: Target, *, infer_history: bool = False) -> Recorded:
    """Record every class of ``target`` (and older versions inferred, if asked) and RPC API."""
    from compat_tests.discover import Catalog
    from compat_tests.schema import describe
    from compat_tests.snapshots import ImmutableVersionError, SnapshotStore

    catalog = Catalog.load(target)
    store = SnapshotStore(target.snapshots)
    done = Recorded()
    for name, cls in sorted(catalog.classes.items()):
        schemas = _inferred(target, cls, done.problems) if infer_history else {}
        schemas[cls.VERSION] = {**describe(cls), "inferred": False}
        recorded = store.history(name) if name in store else {}
        newest = max(recorded, key=parse) if recorded else None
        for version, schema in schemas.items():
            regressed = newest is not None and parse(version) < parse(newest)
            if regressed and version not in recorded and not schema["inferred"]:
                done.problems.append(
                    f"{name}: VERSION {version} is older than the recorded {newest} "
                    f"({store.path(name)}); versions only move forward"
                )
                continue
            try:
                written = store.record(name, version, schema)
            except ImmutableVersionError as exc:
                done.problems.append(str(exc))
                continue
            state = "recorded" if written else "unchanged"
            if written and name not in done.changed:
                done.changed.append(name)
            kind = " (inferred)" if schema["inferred"] else ""
            done.lines.append(f"{state} {name} {version}{kind} -> {store.path(name)}")
    rpc = record_rpc(target)
    done.lines += rpc.lines
    done.changed += rpc.changed
    done.problems += rpc.problems
    return done


def record_rpc(target: Target) -> Recorded:
    """Record every RPC API of ``target`` under ``<snapshots>/rpc``."""
    done = Recorded()
    if not target.rpc:
        return done
    from compat_tests.rpc.api import load_apis
    from compat_tests.rpc.schema import record_api
    from compat_tests.snapshots import ImmutableVersionError, SnapshotStore

    store = SnapshotStore(target.snapshots / "rpc")
    for api in load_apis(target):
        try:
            written = record_api(store.directory, api)
        except ImmutableVersionError as exc:
            done.problems.append(str(exc))
            continue
        if written:
            done.changed.append(api.name)
        state = "recorded" if written else "unchanged"
        done.lines.append(f"{state} RPC API {api.name} -> {store.path(api.name)}")
    return done


def _inferred(target: Target, cls: type, problems: list[str]) -> dict[str, dict[str, Any]]:
    from compat_tests.discover import make_context
    from compat_tests.inference import InferenceError, infer_history

    name = cls.obj_name()
    try:
        history = infer_history(cls, context=make_context(target))
    except InferenceError as exc:
        oldest = target.oldest_supported(name)
        if any(parse(v) >= parse(oldest) for v in exc.skipped):
            problems.append(str(exc))
        history = exc.history
    return {v: {**s, "inferred": s.get("inferred", True)} for v, s in history.items()}
