"""Pre-flight: everything that would make ``ovo-compat run`` fail before it draws an example.

``ovo-compat check`` and the start of every configured pytest run (``ovo-compat run``,
``pytest --compat-config ...``) call `preflight`, so the two cannot disagree: when it
finds a problem, ``check`` exits 2 and the run stops with the same message, before
collection, with exit status 2.

What it checks, in order (a target whose modules do not import stops at the first):

* the ``objects``, ``registry`` and ``strategies`` modules import (the message names the
  real file, line and exception);
* the ``rpc`` entries name RPC API descriptions;
* every name under ``[support]`` is a class or RPC API of the target (nearest name given);
* every ``exceptions``/``transforms`` entry names a known class or API and a known
  failure code (nearest name given);
* every (class, version) inside the support window has a recorded or inferred schema,
  and an inferred one is not just the current schema again (no backport code left to
  infer from: the history is unknown, not compatible);
* every old node the run rebuilds from the snapshots builds: the child versions
  ``obj_relationships`` requires are recorded, the field types they name import;
* every field type of the current and rebuilt classes has a Hypothesis strategy
  (one problem per field type, listing every field that needs it);
* every (RPC API, cap) inside the support window has a recorded RPC snapshot.

Each problem says what to do, and the commands that record missing history.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from compat_tests.config import Target
from compat_tests.errors import OvoCompatError

__all__ = ["Preflight", "Problem", "hand_over", "known_codes", "preflight", "render", "take_over"]

# Schema keys that say nothing about the wire form (compared when spotting trivial inference).
_BOOKKEEPING = ("version", "fingerprint", "inferred", "recorded_from", "inferred_from")


@dataclass(frozen=True)
class Problem:
    """One reason the run cannot work: ``kind`` (a short tag) and a message saying what to do."""

    kind: str
    message: str


@dataclass
class Preflight:
    """The outcome of `preflight`: problems, and what the run will check against inference.

    ``inferred`` maps class names to the versions inside the support window whose schema
    was inferred from backport code rather than recorded from a release; ``below`` maps
    class names to the recorded versions below the window (not checked).
    """

    target: Target
    problems: list[Problem] = field(default_factory=list)
    inferred: dict[str, list[str]] = field(default_factory=dict)
    below: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing stops the run."""
        return not self.problems


def known_codes() -> tuple[str, ...]:
    """Every failure code a declared exception may name (a family matches its codes)."""
    from compat_tests import codes

    return tuple(codes.CODES)


def preflight(target: Target) -> Preflight:
    """Check everything that would make a run of ``target`` fail before drawing an example."""
    from compat_tests.discover import Catalog

    result = Preflight(target)
    try:
        catalog = Catalog.load(target)
    except Exception as exc:
        if not _is_bad_input(exc):
            raise
        result.problems.append(Problem("import", str(exc)))
        return result
    apis = _rpc_apis(target, result)
    names = set(catalog.classes) | {api.name for api in apis}
    _check_support(target, names, result)
    _check_declarations(target, names, result)
    _check_objects(target, catalog, result)
    _check_rpc_coverage(target, apis, result)
    return result


_HANDED: dict[tuple[str, str], Preflight] = {}


def hand_over(result: Preflight) -> None:
    """Keep ``result`` for the next `take_over` of its target in this process (``run``)."""
    _HANDED[(str(result.target.config_path), result.target.name)] = result


def take_over(target: Target) -> Preflight | None:
    """The result `hand_over` kept for ``target`` (once), or None."""
    return _HANDED.pop((str(target.config_path), target.name), None)


def render(result: Preflight) -> str:
    """The problems of ``result`` as one message (numbered when there are several)."""
    where = f"target {result.target.name!r} ({result.target.config_path})"
    if len(result.problems) == 1:
        return f"{where} cannot run: {result.problems[0].message}"
    lines = [f"{where} cannot run, {len(result.problems)} problems:"]
    lines += [f"  {i}. {p.message}" for i, p in enumerate(result.problems, 1)]
    return "\n".join(lines)


def _is_bad_input(exc: BaseException) -> bool:
    from strategies import StrategyError

    return isinstance(exc, (OvoCompatError, StrategyError))


def _nearest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _table(target: Target, key: str = "") -> str:
    return f"[tool.ovo-compat.targets.{target.name}{'.' + key if key else ''}]"


def _rpc_apis(target: Target, result: Preflight) -> list[Any]:
    if not target.rpc:
        return []
    from compat_tests.rpc.api import load_apis

    try:
        return load_apis(target)
    except OvoCompatError as exc:
        result.problems.append(Problem("rpc", str(exc)))
        return []


def _check_support(target: Target, names: set[str], result: Preflight) -> None:
    for name in sorted(set(target.support) - {"default"} - names):
        result.problems.append(
            Problem(
                "support",
                f"{_table(target, 'support')} {name}: no class or RPC API of the target is "
                f"named {name!r}{_nearest(name, names)} (a misspelt name silently tests the "
                "default window); fix or remove the entry",
            )
        )


def _check_declarations(target: Target, names: set[str], result: Preflight) -> None:
    from compat_tests import codes as registry

    known = known_codes()
    for declared in (*target.exceptions, *target.transforms):
        # ``Api.method`` names one method of an RPC API
        if declared.object != "*" and declared.object.split(".")[0] not in names:
            result.problems.append(
                Problem(
                    "declaration",
                    f"{declared.where}: object {declared.object!r} is not a class or RPC API of "
                    f"the target{_nearest(declared.object, names)}; a declaration that matches "
                    "nothing excuses nothing",
                )
            )
        if declared.code != "*" and not any(registry.codes_matching(declared.code)):
            result.problems.append(
                Problem(
                    "declaration",
                    f"{declared.where}: unknown failure code {declared.code!r}"
                    f"{_nearest(declared.code, known)} (every code is listed in "
                    "docs/failures.rst; a family such as 'backport' matches all its codes)",
                )
            )


def _check_objects(target: Target, catalog: Any, result: Preflight) -> None:
    from compat_tests.cases import ObjectSuite
    from compat_tests.schema import describe
    from compat_tests.snapshots import SnapshotStore

    classes = catalog.classes
    try:
        suite = ObjectSuite(target, classes, SnapshotStore(target.snapshots))
    except OvoCompatError as exc:
        result.problems.append(Problem("snapshot", str(exc)))
        return
    built: list[type] = list(classes.values())
    seen: set[str] = set()
    for name, cls in sorted(classes.items()):
        supported, below = suite.versions(name)
        if below:
            result.below[name] = below
        if name not in suite.histories:
            continue  # the snapshot case reports the missing file, with the command
        history = suite.histories[name]
        _check_window(target, name, str(cls.VERSION), history, result)
        current = _wire_form(describe(cls))
        trivial = not _has_own_backport(cls, catalog.base)
        for version in supported:
            schema = history[version]
            if schema.get("inferred"):
                result.inferred.setdefault(name, []).append(version)
                if trivial and _wire_form(schema) == current:
                    result.problems.append(_unknown_history(target, name, version, cls))
                    continue
            try:
                built.append(suite.subject(name).node(version).cls(name))
            except OvoCompatError as exc:
                if str(exc) not in seen:
                    seen.add(str(exc))
                    result.problems.append(Problem("snapshot", str(exc)))
    _check_strategies(built, result)


def _has_own_backport(cls: type, base: type | None) -> bool:
    """True when ``cls`` (not just OVO or the target's common base) defines a backport."""
    from oslo_versionedobjects import base as ovo_base

    generic = {ovo_base.VersionedObject, *(base.__mro__ if base is not None else ())}
    owner = next(k for k in cls.__mro__ if "obj_make_compatible" in vars(k))
    return owner not in generic


def _wire_form(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in _BOOKKEEPING}


def _check_window(
    target: Target, name: str, current: str, history: dict[str, Any], result: Preflight
) -> None:
    """Every version from the oldest supported one to the current one must be recorded."""
    from compat_tests.rpc.suite import window_gaps

    missing = window_gaps(history, current, target.oldest_supported(name))
    if missing:
        result.problems.append(
            Problem(
                "history",
                f"{name}: version(s) {', '.join(missing)} inside the support window (oldest "
                f"supported {target.oldest_supported(name)}, current {current}) have no "
                f"recorded schema in {target.snapshots}, so no pair with them would be "
                f"checked. {_record_advice(target, name, missing[0])}",
            )
        )


def _unknown_history(target: Target, name: str, version: str, cls: type) -> Problem:
    return Problem(
        "history",
        f"{name} {version}: its inferred schema is identical to the current {cls.VERSION} "
        f"schema although the VERSION differs, and {name} has no obj_make_compatible of its "
        f"own, i.e. no backport code is left to infer {version} from: its history is "
        f"unknown, and checking {cls.VERSION}->{version} against a copy of {cls.VERSION} "
        "would pass without checking anything. "
        f"{_record_advice(target, name, version, inferable=False)}",
    )


def _record_advice(target: Target, name: str, version: str, *, inferable: bool = True) -> str:
    command = f"ovo-compat snapshot --config {target.config_path} --target {target.name}"
    infer = (
        f"`{command.replace('snapshot', 'snapshot --infer-history', 1)}` infers older "
        "versions from the backport code; better, "
        if inferable
        else ""
    )
    return (
        f"Record it: {infer}in a virtualenv with the release that shipped {name} {version} "
        f"installed, run `{command}`; or, if {version} is no longer supported, raise "
        f'{_table(target, "support")} {name} = "<oldest supported version>"'
    )


def _check_strategies(classes: list[type], result: Preflight) -> None:
    """One problem per field type without a strategy, naming every field that needs it."""
    import strategies
    from strategies import NoStrategyError, StrategyError

    missing: dict[type, list[str]] = {}
    examples: dict[type, NoStrategyError] = {}
    others: list[str] = []
    for cls in classes:
        for name in cls.fields:
            try:
                strategies.objects(cls, fields=[name], max_depth=0)
            except NoStrategyError as exc:
                where = f"{exc.owner}.{exc.name}"
                needed = missing.setdefault(exc.field_type, [])
                if where not in needed:
                    needed.append(where)
                examples.setdefault(exc.field_type, exc)
            except StrategyError as exc:
                if str(exc) not in others:
                    others.append(str(exc))
    for field_type, needed in missing.items():
        dotted = f"{field_type.__module__}.{field_type.__qualname__}"
        result.problems.append(
            Problem(
                "strategy",
                f"no Hypothesis strategy for field type {field_type.__name__} ({dotted}), "
                f"needed by {len(needed)} field(s): {', '.join(sorted(needed))}. Register one "
                "in a module listed under `strategies` in the target's configuration:\n"
                f"    strategies.register_field_strategy({dotted}, <strategy, or "
                "factory(field) -> strategy>)",
            )
        )
    result.problems += [Problem("strategy", text) for text in others]


def _check_rpc_coverage(target: Target, apis: list[Any], result: Preflight) -> None:
    """Every (API, cap) inside the support window needs a recorded RPC snapshot."""
    from compat_tests.rpc.schema import describe_api, load_history
    from compat_tests.rpc.suite import window_gaps

    directory = target.snapshots / "rpc"
    for api in apis:
        try:
            history = load_history(directory, api.name)
            current = describe_api(api)["version"]
        except OvoCompatError as exc:
            result.problems.append(Problem("rpc", str(exc)))
            continue
        oldest = target.oldest_supported(api.name)
        missing = window_gaps(history, current, oldest)
        if missing:
            result.problems.append(
                Problem(
                    "rpc-history",
                    f"RPC API {api.name}: cap(s) {', '.join(missing)} inside the support window "
                    f"(oldest supported {oldest}, current {current}) have no recorded RPC "
                    f"snapshot in {directory}, so clients pinned there would not be tested. "
                    f"{_record_advice(target, api.name, missing[0], inferable=False)}",
                )
            )
