"""The record stage of RPC APIs: server schemas plus payload shapes, and the one verdict.

Two files per API under ``<snapshots>/rpc``:

* ``<Api>.json``: the server schema of each version (methods, parameters,
  namespace, objects), as before;
* ``shapes/<Api>.json``: the payload shapes of each version, added next to the
  schema without touching it (a recorded version is immutable)::

      {"version": "1.3",
       "provenance": {"source": "...", "examples": 30, "ovo-compat": "0.x"},
       "methods": {"get_rule_ids": {"params": {"security_group_id": {"type": "string"}},
                                    "sent_at": "1.2",
                                    "reply": {"type": "array", "items": {"type": "string"}},
                                    "inferred": ["<reply>"]}},
       "objects": {"SecurityGroupRule": "1.2"}}

  ``objects`` are the versions the API sends and reads at that version, computed
  from the API (the client pinned there and the server's replies), not the newest
  registered classes: a compatible object bump the API does not send changes nothing.

A version of the window recorded before shapes existed has no shapes entry: it is
reported as ``rpc.shape-unknown`` (never passed silently) until recorded from that
release or declared.  `verdict` is the only comparison of a current API with its
record: ``ovo-compat check`` reports it and ``ovo-compat snapshot`` refuses to
record exactly when it reports ``rpc.unbumped`` or ``rpc.version-regressed``.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from compat_tests.errors import SnapshotError
from compat_tests.failures import Failure
from compat_tests.rpc import shapes as shape_mod
from compat_tests.rpc.api import RpcApi, argument_strategy, client_methods, load_apis
from compat_tests.snapshots import SnapshotStore
from compat_tests.versions import parse as version_key

__all__ = [
    "EXAMPLES",
    "RecordRefused",
    "infer_shapes",
    "load_shapes",
    "record_api",
    "record_apis",
    "record_target",
    "shapes_store",
    "snapshot_target",
    "verdict",
]

EXAMPLES = 30
"""Generated examples per client method when inferring shapes (derandomized)."""

REFUSING = ("rpc.unbumped", "rpc.version-regressed")
"""Verdict codes that make ``ovo-compat snapshot`` refuse to record."""


class RecordRefused(SnapshotError):
    """``ovo-compat snapshot`` refuses an RPC API for the reason ``check`` reports."""


def shapes_store(directory: Path) -> SnapshotStore:
    """The store of payload shapes next to the RPC schemas in ``directory``."""
    return SnapshotStore(Path(directory) / "shapes")


def load_shapes(directory: Path, name: str) -> dict[str, dict[str, Any]]:
    """Recorded payload shapes of RPC API ``name``, by version (empty when none)."""
    store = shapes_store(directory)
    if name not in store:
        return {}
    history = store.history(name)
    for version, entry in history.items():
        methods = entry.get("methods")
        ok = isinstance(methods, dict) and all(
            isinstance(m, dict) and isinstance(m.get("params"), dict) for m in methods.values()
        )
        if not ok or not isinstance(entry.get("provenance"), dict):
            raise SnapshotError(
                f"{store.path(name)}: version {version} of RPC API {name} needs "
                '"provenance" and "methods": {method: {"params": {...}, "reply": ...}}; '
                "restore the file from version control"
            )
    return history


def infer_shapes(
    harness: Any,
    version: str,
    *,
    server: str | None = None,
    examples: int = EXAMPLES,
    source: str | None = None,
) -> dict[str, Any]:
    """Payload shapes of ``harness.api`` at ``version`` and the objects it sends and reads.

    Every client method is called ``examples`` times (derandomized) pinned at
    ``version`` against ``server`` (None: the current one).  Shapes come from the
    current server's annotations where they say something (at its own version),
    else from the messages and replies seen (listed under ``inferred``).
    ``source`` describes where the server came from, for the provenance.
    """
    api = harness.api
    client = api.client(harness.capture_transport(), None)
    known = harness.schema_at(version)["methods"] if server is None else {}
    annotated = _server_annotations(api) if version == harness.current["version"] else {}
    seen: dict[str, dict[str, Any]] = {}
    objects: dict[str, str] = {}

    def observe(method: str, kwargs: dict[str, Any]) -> None:
        outcome = harness.call(method, version, server, kwargs)
        for i, sent in enumerate(outcome.sent):
            name = sent.message.get("method")
            if known and name not in known:
                continue
            entry = seen.setdefault(
                name, {"params": {}, "reply": {}, "cast": True, "sent_at": sent.version}
            )
            if version_key(sent.version) > version_key(entry["sent_at"]):
                entry["sent_at"] = sent.version
            args = sent.message.get("args", {})
            for arg, value in args.items():
                entry["params"][arg] = shape_mod.merge(
                    entry["params"].get(arg, {}), shape_mod.infer(value)
                )
            objects.update(_newer(objects, shape_mod.objects_in(args)))
            if sent.wait_for_reply and i < len(outcome.replies):
                entry["cast"] = False
                reply = outcome.replies[i]
                entry["reply"] = shape_mod.merge(entry["reply"], shape_mod.infer(reply))
                objects.update(_newer(objects, shape_mod.objects_in(reply)))

    for method in client_methods(api, client):
        _each_example(
            argument_strategy(api, client, method), examples, lambda k, m=method: observe(m, k)
        )
    methods = {}
    for name, entry in sorted(seen.items()):
        declared_params, declared_reply = annotated.get(name, ({}, None))
        params, inferred = {}, []
        for arg, shape in sorted(entry["params"].items()):
            if declared_params.get(arg) is not None:
                params[arg] = declared_params[arg]
            else:
                params[arg] = shape
                inferred.append(arg)
        described: dict[str, Any] = {"params": params, "sent_at": entry["sent_at"]}
        if not entry["cast"]:
            if declared_reply is not None:
                described["reply"] = declared_reply
            else:
                described["reply"] = entry["reply"]
                inferred.append("<reply>")
        described["inferred"] = inferred
        methods[name] = described
    where = source or (
        "the current server" if server is None else f"the server rebuilt at {server}"
    )
    return {
        "version": version,
        "provenance": {
            "source": (
                f"server annotations, else inferred from {examples} generated examples of "
                f"{type(client).__name__} pinned at {version} against {where}"
            ),
            "examples": examples,
        },
        "methods": methods,
        "objects": dict(sorted(objects.items())),
    }


def verdict(
    api: RpcApi,
    history: dict[str, dict[str, Any]],
    shapes: dict[str, dict[str, Any]],
    current: dict[str, Any],
    current_shapes: dict[str, Any] | None,
    *,
    oldest: str = "0.0",
    path: str | None = None,
) -> list[Failure]:
    """The one comparison of the current API with its record (``check`` and ``snapshot``)."""
    from compat_tests.rpc.diff import check_api

    return check_api(
        api.name,
        history,
        current,
        oldest=oldest,
        path=path,
        shapes=shapes,
        current_shapes=current_shapes,
    )


def record_api(directory: Path, api: Any, *, examples: int = EXAMPLES) -> bool:
    """Record the current version of ``api`` (an `RpcApi` or a set-up `Harness`); True if written.

    Raises `RecordRefused` with the `verdict` when the recorded version differs
    (what ``check`` reports as ``rpc.unbumped``) or the version went down.
    """
    if isinstance(api, RpcApi):
        from compat_tests.rpc.harness import Harness
        from compat_tests.rpc.schema import load_history

        history = load_history(Path(directory), api.name)
        with Harness(api, history, shapes=load_shapes(Path(directory), api.name)) as harness:
            return bool(_record(Path(directory), harness, examples))
    return bool(_record(Path(directory), api, examples))


def _record(directory: Path, harness: Any, examples: int) -> list[str]:
    from compat_tests.rpc.schema import load_history

    api = harness.api
    history = load_history(Path(directory), api.name)
    shapes = load_shapes(Path(directory), api.name)
    current = harness.current
    version = current["version"]
    current_shapes = infer_shapes(harness, version, examples=examples)
    path = str(Path(directory) / f"{api.name}.json")
    found = verdict(api, history, shapes, current, current_shapes, path=path)
    refusing = [f for f in found if f.code in REFUSING]
    if refusing:
        raise RecordRefused(
            f"{Path(directory) / (api.name + '.json')}: RPC API {api.name} {version} is already "
            "recorded and a recorded version is immutable; `ovo-compat check` reports the "
            "same:\n" + "\n".join(f.render() for f in refusing)
        )
    written = []
    if version not in history:
        schema = {**current, "objects": current_shapes["objects"]}
        SnapshotStore(Path(directory)).record(api.name, version, schema)
        written.append(f"RPC API {api.name} {version}")
    if version not in shapes:
        shapes_store(Path(directory)).record(api.name, version, current_shapes)
        written.append(f"RPC shapes {api.name} {version}")
    return written


def _harnesses(target: Any) -> Iterator[Any]:
    """A set-up harness per RPC API of ``target`` (fixtures started, strategies loaded)."""
    from compat_tests.rpc.harness import Harness
    from compat_tests.rpc.schema import load_history
    from compat_tests.rpc.suite import target_fixtures

    directory = target.snapshots / "rpc"
    with target_fixtures(target) as catalog:
        for api in load_apis(target):
            history = load_history(directory, api.name)
            shapes = load_shapes(directory, api.name)
            with Harness(api, history, shapes=shapes, registry=catalog.registry) as harness:
                yield harness


def record_target(target: Any) -> list[str]:
    """Record every RPC API a target names under ``<snapshots>/rpc``; names of the APIs written."""
    directory = target.snapshots / "rpc"
    return [h.api.name for h in _harnesses(target) if _record(directory, h, EXAMPLES)]


def record_apis(
    target: Any, *, infer_history: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """Record every RPC API of ``target``: ``(lines, APIs written, problems)``.

    The RPC half of the record stage (`compat_tests.record.record_rpc`).  With
    ``infer_history`` a notice says that RPC history is never inferred: only the
    current version of each API is recorded, and which caps of its window still
    lack a snapshot.
    """
    from compat_tests.rpc.suite import window_gaps

    directory = target.snapshots / "rpc"
    lines: list[str] = []
    changed: list[str] = []
    problems: list[str] = []
    for harness in _harnesses(target):
        name = harness.api.name
        try:
            written = _record(directory, harness, EXAMPLES)
        except RecordRefused as exc:
            problems.append(str(exc))
            continue
        if written:
            changed.append(name)
        version = harness.current["version"]
        state = ", ".join(f"recorded {w}" for w in written) or f"unchanged RPC API {name}"
        lines.append(f"{state} -> {directory / (name + '.json')}")
        if infer_history:
            gaps = window_gaps(harness.history, version, target.oldest_supported(name))
            missing = (
                f"; caps {', '.join(gaps)} of its support window have no snapshot and fail "
                "`ovo-compat run` until recorded from their releases"
                if gaps
                else ""
            )
            lines.append(
                f"note: --infer-history infers object versions only; RPC API {name} "
                f"recorded its current version {version} only{missing}"
            )
    return lines, changed, problems


def snapshot_target(target: Any, out: Any, *, infer_history: bool = False) -> list[str]:
    """`record_apis`, printing its lines to ``out``; returns the problems."""
    lines, _changed, problems = record_apis(target, infer_history=infer_history)
    for line in lines:
        print(line, file=out)
    return problems


def with_endpoints(api: RpcApi, endpoints: Callable[[], Any]) -> RpcApi:
    """``api`` with other server endpoints (an old release's, to record its shapes)."""
    return dataclasses.replace(api, endpoints=endpoints)


def _newer(have: dict[str, str], found: dict[str, str]) -> dict[str, str]:
    return {
        name: version
        for name, version in found.items()
        if name not in have or version_key(version) > version_key(have[name])
    }


def _server_annotations(api: RpcApi) -> dict[str, tuple[dict[str, Any], Any]]:
    found: dict[str, tuple[dict[str, Any], Any]] = {}
    for endpoint in api.endpoints():
        for name in dir(type(endpoint)):
            member = getattr(endpoint, name, None)
            if name.startswith("_") or name == "target" or not callable(member):
                continue
            try:
                hints = typing.get_type_hints(member)
                params = list(inspect.signature(member).parameters)[1:]
            except Exception:
                continue
            declared = {p: shape_mod.from_annotation(hints[p]) for p in params if p in hints}
            reply = shape_mod.from_annotation(hints["return"]) if "return" in hints else None
            found[name] = (declared, reply)
    return found


def _each_example(
    strategy: Any, count: int, work: Callable[[Any], None], *, seed: int | None = None
) -> None:
    """Call ``work`` on ``count`` examples: derandomized, or drawn from ``seed`` (replayable).

    The examples depend only on ``strategy``, ``count`` and ``seed``, never on what the
    process imported or generated before (`compat_tests._pure.isolated`).
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from compat_tests._pure import isolated

    @settings(
        max_examples=count,
        derandomize=seed is None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def run(value: Any) -> None:
        work(value)

    with isolated():
        (run if seed is None else fixed_seed(seed)(run))()
