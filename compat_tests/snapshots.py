"""The snapshot store: one reviewable JSON file per class, every recorded version immutable.

``<directory>/<Name>.json`` holds ``{"name": Name, "versions": {"1.0": schema, ...}}``.
The same store serves object classes (``snapshots/<target>``) and RPC APIs
(``snapshots/<target>/rpc``); it only validates the envelope, the version keys and
that each schema is a JSON object whose ``"version"`` (if any) matches its key.

Recording merges, in any order (an older release after a newer one adds its versions):

* a version not recorded yet is added;
* an identical schema is a no-op (``recorded_from``, where the schema came from, and
  the repr-based ``fingerprint`` are not part of the comparison); when the recorded
  exact schema has no ``recorded_from`` yet, the new one's is added: additive metadata,
  nothing recorded changes;
* an exact schema replaces an *inferred* one (``"inferred": true``, derived from backport
  code) of the same version; when they differ beyond descriptor details the outcome says
  the inference was wrong, and how;
* an inferred schema never replaces an exact one;
* two exact schemas that differ are a real conflict: refused with a diff
  (`ImmutableVersionError`).
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compat_tests._jsonfile import dumps_stable, read_json, write_json_atomic
from compat_tests.errors import SnapshotError
from compat_tests.versions import is_version, parse, sort_versions

__all__ = ["PROVENANCE_KEY", "ImmutableVersionError", "Merge", "SnapshotStore", "schema_diff"]

#: Schema key saying where an exact schema was recorded from (`compat_tests.provenance`).
PROVENANCE_KEY = "recorded_from"


class ImmutableVersionError(SnapshotError):
    """A recorded version would be rewritten with a different schema; the message holds a diff."""


@dataclass(frozen=True)
class Merge:
    """What `SnapshotStore.merge` did with one schema.

    ``outcome`` is ``"recorded"`` (a new version), ``"unchanged"``, ``"provenance-added"``
    (an identical recorded schema gained its ``recorded_from``), ``"refined"`` (an exact
    schema replaced an inferred one with the same field names) or ``"inference-wrong"``
    (an exact schema replaced an inferred one it contradicts; ``note`` says how).
    """

    outcome: str
    note: str = ""

    @property
    def changed(self) -> bool:
        """True when the file was written."""
        return self.outcome != "unchanged"


class SnapshotStore(Mapping[str, dict[str, dict[str, Any]]]):
    """Recorded schemas under one directory; also a read-only mapping name -> history."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"SnapshotStore({str(self.directory)!r})"

    def path(self, name: str) -> Path:
        """The file holding every recorded version of ``name``."""
        return self.directory / f"{name}.json"

    def names(self) -> list[str]:
        """Names with a snapshot file, sorted."""
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob("*.json") if not p.name.startswith("."))

    def history(self, name: str) -> dict[str, dict[str, Any]]:
        """Every recorded schema of ``name``, oldest version first.

        Raises `SnapshotError` when nothing is recorded or the file is malformed.
        """
        path = self.path(name)
        if not path.is_file():
            raise SnapshotError(
                f"{path}: no snapshot recorded for {name!r}; run `ovo-compat snapshot` to record it"
            )
        return self._load(name)

    def latest(self, name: str) -> dict[str, Any]:
        """The schema of the newest recorded version of ``name`` (its ``"version"`` says which)."""
        history = self.history(name)
        return history[next(reversed(history))]

    def record(self, name: str, version: str, schema: Mapping[str, Any]) -> bool:
        """Record ``schema`` as ``name`` at ``version``; return True if the file changed.

        See `merge` for the rules; a conflict raises `ImmutableVersionError` with a diff.
        """
        return self.merge(name, version, schema).changed

    def merge(self, name: str, version: str, schema: Mapping[str, Any]) -> Merge:
        """Merge ``schema`` into the history of ``name`` at ``version`` (module docstring rules)."""
        path = self.path(name)
        parse(version, where=f"{path}: recording {name}")
        new = _normalised(schema, path, name, version)
        history = self._load(name) if path.is_file() else {}
        old = history.get(version)
        result = _merge_one(path, name, version, old, new)
        if result.outcome == "unchanged":
            return result
        if result.outcome == "provenance-added":
            assert old is not None
            new = {**old, PROVENANCE_KEY: new[PROVENANCE_KEY]}
        history[version] = new
        versions = {v: history[v] for v in sort_versions(history)}
        write_json_atomic(path, {"name": name, "versions": versions})
        return result

    # Mapping protocol: lets a store be passed wherever ``{name: {version: schema}}`` is expected.
    def __getitem__(self, name: str) -> dict[str, dict[str, Any]]:
        if not self.path(name).is_file():
            raise KeyError(name)
        return self._load(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.path(name).is_file()

    def _load(self, name: str) -> dict[str, dict[str, Any]]:
        path = self.path(name)
        data = read_json(path)
        if not isinstance(data, dict) or set(data) != {"name", "versions"}:
            raise SnapshotError(
                f"{path}: a snapshot file must be an object with exactly the keys "
                '"name" and "versions"; restore it from version control or delete it and '
                "run `ovo-compat snapshot`"
            )
        if data["name"] != name:
            raise SnapshotError(
                f'{path}: holds "name": {data["name"]!r} but the file is named for {name!r}; '
                f"rename the file to {data['name']}.json or fix the name"
            )
        versions = data["versions"]
        if not isinstance(versions, dict):
            raise SnapshotError(f'{path}: "versions" must be an object {{"1.0": schema, ...}}')
        for version, schema in versions.items():
            if not is_version(version):
                raise SnapshotError(
                    f"{path}: {name} version key {version!r} is not of the form MAJOR.MINOR "
                    '(e.g. "1.8"); fix the key'
                )
            _check_schema(schema, path, name, version)
        return {v: versions[v] for v in sort_versions(versions)}


def schema_diff(old: Any, new: Any, old_label: str, new_label: str) -> str:
    """A unified diff of two JSON values as they appear in snapshot files."""
    lines = difflib.unified_diff(
        dumps_stable(old).splitlines(keepends=True),
        dumps_stable(new).splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(lines)


def _normalised(schema: Mapping[str, Any], path: Path, name: str, version: str) -> dict[str, Any]:
    # A JSON round trip turns tuples into lists, so equality with the stored form is exact.
    try:
        result = json.loads(json.dumps(copy.deepcopy(dict(schema)), sort_keys=True))
    except (TypeError, ValueError) as exc:
        raise SnapshotError(
            f"{path}: schema of {name} {version} is not JSON-able ({exc})"
        ) from None
    _check_schema(result, path, name, version)
    return result


def _check_schema(schema: Any, path: Path, name: str, version: str) -> None:
    if not isinstance(schema, dict):
        raise SnapshotError(f"{path}: {name} {version}: the schema must be a JSON object")
    if "version" in schema and schema["version"] != version:
        raise SnapshotError(
            f'{path}: {name} {version}: the schema says "version": {schema["version"]!r}; '
            "the key and the schema's version must agree"
        )


def _comparable(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("fingerprint", PROVENANCE_KEY)}


def _merge_one(
    path: Path, name: str, version: str, old: dict[str, Any] | None, new: dict[str, Any]
) -> Merge:
    if old is None:
        return Merge("recorded")
    old_inferred, new_inferred = old.get("inferred") is True, new.get("inferred") is True
    if _comparable(old) == _comparable(new):
        # Same structure; only where it came from or the repr-based hash differ.  The
        # first recording stays, as released; its provenance may be filled in.
        if PROVENANCE_KEY not in old and PROVENANCE_KEY in new and not old_inferred:
            return Merge("provenance-added")
        return Merge("unchanged")
    if not old_inferred and new_inferred:
        return Merge("unchanged")  # an exact record says more than any inference
    if old_inferred and not new_inferred:
        wrong = _inference_errors(old, new)
        if not wrong:
            return Merge("refined")
        return Merge("inference-wrong", f"the inferred {name} {version} was wrong: {wrong}")
    diff = schema_diff(old, new, f"recorded {name} {version}", f"new {name} {version}")
    if old_inferred:
        raise ImmutableVersionError(
            f"{path}: {name} {version} is already recorded with a different inferred schema; "
            "inference from this code disagrees with the earlier inference. Record the exact "
            "schema from the release that shipped it (`ovo-compat snapshot --release SPEC`), "
            "which replaces the inferred one, or delete the inferred version to infer it "
            "again.\n" + diff
        )
    raise ImmutableVersionError(
        f"{path}: version {version} of {name} is already recorded with a different "
        f"schema ({_origin(old)}; the new one is {_origin(new)}). A released version is "
        "immutable: if the working tree changed the class, bump VERSION (minor for a "
        "compatible change, major for a breaking one) and record again; if both come from "
        "releases, those releases shipped different schemas under one version, a real "
        "conflict to resolve by hand (check which recording is the release's).\n" + diff
    )


def _origin(schema: Mapping[str, Any]) -> str:
    source = schema.get(PROVENANCE_KEY)
    if not isinstance(source, dict):
        return "recorded from an unknown source"
    where = source.get("file") or source.get("module") or "?"
    dist = source.get("distribution")
    if dist:
        return f"recorded from {dist} {source.get('version')} ({where})"
    return f"recorded from {where}"


def _inference_errors(inferred: Mapping[str, Any], exact: Mapping[str, Any]) -> str:
    """How ``inferred`` got the field set wrong ("" when only descriptor details differ)."""
    had, has = set(inferred.get("fields", {})), set(exact.get("fields", {}))
    parts = []
    if has - had:
        parts.append(f"it lacked field(s) {', '.join(sorted(has - had))}")
    if had - has:
        parts.append(f"it had field(s) {', '.join(sorted(had - has))} that the release did not")
    return "; ".join(parts)
