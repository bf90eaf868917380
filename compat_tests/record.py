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
    rpc = record_rpc(target, infer_history=infer_history)
    done.lines += rpc.lines
    done.changed += rpc.changed
    done.problems += rpc.problems
    return done


def record_rpc(target: Target, *, infer_history: bool = False) -> Recorded:
    """Record every RPC API of ``target`` under ``<snapshots>/rpc`` (`compat_tests.rpc.record`)."""
    done = Recorded()
    if not target.rpc:
        return done
    from compat_tests.rpc.record import record_apis

    done.lines, done.changed, done.problems = record_apis(target, infer_history=infer_history)
    return done
