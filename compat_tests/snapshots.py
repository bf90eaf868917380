"""The snapshot store: one reviewable JSON file per class, every recorded version immutable.

``<directory>/<Name>.json`` holds ``{"name": Name, "versions": {"1.0": schema, ...}}``.
The same store serves object classes (``snapshots/<target>``) and RPC APIs
(``snapshots/<target>/rpc``); it only validates the envelope, the version keys and
that each schema is a JSON object whose ``"version"`` (if any) matches its key.

Recording is append-only: re-recording an identical schema is a no-op, a differing
one is refused with a diff.  One upgrade is allowed: an *inferred* schema (derived
from backport code, ``"inferred": true``) may be replaced by the exact schema of the
same version when both have the same field names, e.g. when the project's old
release is installed and ``ovo-compat snapshot`` is run against it.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from compat_tests._jsonfile import dumps_stable, read_json, write_json_atomic
from compat_tests.errors import SnapshotError
from compat_tests.versions import is_version, parse, sort_versions

__all__ = ["ImmutableVersionError", "SnapshotStore", "schema_diff"]


class ImmutableVersionError(SnapshotError):
    """A recorded version would be rewritten with a different schema; the message holds a diff."""


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

        An identical re-record returns False.  A differing re-record raises
        `SnapshotError` with a diff, except that an inferred schema is replaced by an
        exact one with the same field names.
        """
        path = self.path(name)
        parse(version, where=f"{path}: recording {name}")
        new = _normalised(schema, path, name, version)
        history = self._load(name) if path.is_file() else {}
        old = history.get(version)
        if old == new:
            return False
        if old is not None and _without_fingerprint(old) == _without_fingerprint(new):
            # Same structure; only the repr-based hash moved (a library changed how a
            # field type prints).  The first recording stays, as released.
            return False
        if old is not None and _refines(new, old):
            return False  # the exact record already says more than this inference
        if old is not None and not _refines(old, new):
            raise ImmutableVersionError(
                f"{path}: version {version} of {name} is already recorded with a different "
                "schema. A released version is immutable: bump VERSION (minor for a "
                "compatible change, major for a breaking one) and record again.\n"
                + schema_diff(old, new, f"recorded {name} {version}", f"current {name} {version}")
            )
        history[version] = new
        versions = {v: history[v] for v in sort_versions(history)}
        write_json_atomic(path, {"name": name, "versions": versions})
        return True

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


def _without_fingerprint(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key != "fingerprint"}


def _refines(inferred: dict[str, Any], exact: dict[str, Any]) -> bool:
    # An exact schema refines an inferred one of the same version with the same field names.
    return (
        inferred.get("inferred") is True
        and exact.get("inferred") is False
        and set(inferred.get("fields", {})) == set(exact.get("fields", {}))
    )
