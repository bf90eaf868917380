"""The record stage: write the current schemas of a target's classes and RPC APIs.

``ovo-compat snapshot`` is `record` plus printing (``--release``:
`compat_tests.recording.record_release` then `compat_tests.recording.merge`).  Recorded
exact versions are immutable (`compat_tests.snapshots`): a different exact schema for one is
a problem reported, never a rewrite, and one problem does not stop the others from being
recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compat_tests.config import Target

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
    """Record every class of ``target`` (and older versions inferred, if asked) and RPC API.

    Classes are described and merged by `compat_tests.recording` (in any order, with
    ``recorded_from``); RPC APIs by `record_rpc`.
    """
    from compat_tests.recording import collect, merge

    done = merge(target, collect(target, infer=infer_history), rpc=False)
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
