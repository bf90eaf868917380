"""Release manifests: the versions of every class and RPC API that shipped together.

An old node is a release.  ``<snapshots>/releases/<distribution>-<version>.json`` holds one
recorded release (``ovo-compat snapshot --release SPEC`` writes it)::

    {"distribution": "neutron", "version": "25.2.3",
     "spec": ["neutron==25.2.3", "neutron-lib==3.15.0"],
     "distributions": {"neutron": "25.2.3", "neutron-lib": "3.15.0",
                       "oslo.versionedobjects": "3.4.0"},
     "objects": {"Port": "1.9", ...}, "rpc": {"DhcpPluginApi": "1.8", ...},
     "inferred": false}

A release file is immutable like a recorded version: recording the same release again with
other ``objects`` or ``rpc`` versions is refused with a diff; only ``distributions`` and
``spec`` of the first recording are kept.

Where no release was recorded, `implied` derives the release that inferred history implies
for one class version (its children through the recorded relationships, every other class
at its newest recorded version) and marks it ``inferred``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compat_tests._jsonfile import read_json, write_json_atomic
from compat_tests.errors import ConfigError, SnapshotError
from compat_tests.snapshots import ImmutableVersionError, schema_diff

__all__ = ["Release", "ReleaseStore", "implied", "release_for", "releases_of"]

_KEYS = {"distribution", "version", "spec", "distributions", "objects", "rpc", "inferred"}


@dataclass(frozen=True)
class Release:
    """The class and RPC API versions one release shipped (``inferred``: derived, not recorded)."""

    distribution: str
    version: str
    objects: Mapping[str, str]
    rpc: Mapping[str, str] = field(default_factory=dict)
    distributions: Mapping[str, str] = field(default_factory=dict)
    spec: tuple[str, ...] = ()
    inferred: bool = False

    @property
    def name(self) -> str:
        """``"neutron 25.2.3"``, or ``"inferred Port 1.3"`` for an implied release."""
        return f"{self.distribution} {self.version}"

    @property
    def filename(self) -> str:
        """The file name in ``<snapshots>/releases``."""
        return f"{self.distribution}-{self.version}.json"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in the release file."""
        return {
            "distribution": self.distribution,
            "version": self.version,
            "spec": list(self.spec),
            "distributions": dict(sorted(self.distributions.items())),
            "objects": dict(sorted(self.objects.items())),
            "rpc": dict(sorted(self.rpc.items())),
            "inferred": self.inferred,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str) -> Release:
        """Parse a release file's JSON; `SnapshotError` naming ``where`` when malformed."""
        if not isinstance(data, dict) or set(data) != _KEYS:
            raise SnapshotError(
                f"{where}: a release file must be an object with exactly the keys "
                f"{', '.join(sorted(_KEYS))}; restore it from version control or record the "
                "release again with `ovo-compat snapshot --release SPEC`"
            )
        for key in ("objects", "rpc", "distributions"):
            value = data[key]
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise SnapshotError(f'{where}: "{key}" must map names to version strings')
        return cls(
            distribution=str(data["distribution"]),
            version=str(data["version"]),
            objects=dict(data["objects"]),
            rpc=dict(data["rpc"]),
            distributions=dict(data["distributions"]),
            spec=tuple(data["spec"]),
            inferred=bool(data["inferred"]),
        )


class ReleaseStore:
    """The recorded releases of one target, under ``<snapshots>/releases``."""

    def __init__(self, snapshots: Path | str) -> None:
        self.directory = Path(snapshots) / "releases"

    def path(self, release: Release) -> Path:
        """The file holding ``release``."""
        return self.directory / release.filename

    def releases(self) -> list[Release]:
        """Every recorded release, oldest distribution version first."""
        if not self.directory.is_dir():
            return []
        found = [
            Release.from_dict(read_json(path), str(path))
            for path in sorted(self.directory.glob("*.json"))
            if not path.name.startswith(".")
        ]
        return sorted(found, key=lambda r: (r.distribution, _release_key(r.version)))

    def versions_of(self, name: str, where: str) -> dict[str, str]:
        """Class and RPC API versions of recorded release ``name`` (``"nova 33.0.2"``).

        `ConfigError` naming ``where`` (the setting that named it) and the command that
        records it when the release file is missing.
        """
        distribution, version = name.split()
        path = self.directory / f"{distribution}-{version}.json"
        if not path.is_file():
            raise ConfigError(
                f"{where}: release = {name!r}: {path} does not exist; record that release "
                f"with `ovo-compat snapshot --release '{distribution}=={version} ...'` (pin "
                "what it needs, docs/snapshots.rst) or name a recorded one"
            )
        release = Release.from_dict(read_json(path), str(path))
        return {**release.rpc, **release.objects}

    def merge(self, release: Release) -> str:
        """Record ``release``: ``"recorded"``, ``"unchanged"``, ``"extended"``, or an error.

        `ImmutableVersionError` when a version it already lists differs.

        ``"extended"``: the recorded file gains RPC APIs described since it was recorded
        (the release shipped them all along); every version it already lists must be
        the same, else the release changed and `ImmutableVersionError` says so.
        """
        path = self.path(release)
        if not path.is_file():
            write_json_atomic(path, release.as_dict())
            return "recorded"
        old = Release.from_dict(read_json(path), str(path))
        if (dict(old.objects), dict(old.rpc)) == (dict(release.objects), dict(release.rpc)):
            return "unchanged"
        added = {k: v for k, v in release.rpc.items() if k not in old.rpc}
        same = dict(old.objects) == dict(release.objects) and all(
            release.rpc.get(k) == v for k, v in old.rpc.items()
        )
        if added and same:
            extended = dataclasses.replace(old, rpc=dict(sorted({**old.rpc, **added}.items())))
            write_json_atomic(path, extended.as_dict())
            return "extended"
        raise ImmutableVersionError(
            f"{path}: release {release.name} is already recorded with other versions; a "
            "release is immutable (the same spec must install the same code). Check the "
            "spec pins every distribution that defines classes, or delete the file and "
            "record again.\n"
            + schema_diff(
                {"objects": dict(old.objects), "rpc": dict(old.rpc)},
                {"objects": dict(release.objects), "rpc": dict(release.rpc)},
                f"recorded {release.name}",
                f"new {release.name}",
            )
        )


def releases_of(histories: Any) -> list[Release]:
    """The releases recorded next to ``histories`` (a `SnapshotStore`); [] for plain mappings."""
    directory = getattr(histories, "directory", None)
    return ReleaseStore(directory).releases() if directory is not None else []


def release_for(
    releases: list[Release], histories: Mapping[str, Mapping[str, Any]], name: str, version: str
) -> Release | None:
    """The oldest recorded release that shipped ``name`` at ``version`` and is fully recorded.

    Fully recorded: every class version it lists is in ``histories``, so an old node can be
    rebuilt from it.  None when no such release exists.
    """
    for release in sorted(releases, key=lambda r: _release_key(r.version)):
        if release.inferred or release.objects.get(name) != version:
            continue
        if all(n in histories and v in histories[n] for n, v in release.objects.items()):
            return release
    return None


def implied(manifest: Mapping[str, str], name: str, version: str) -> Release:
    """The inferred release behind ``manifest``, the node built for ``name`` at ``version``."""
    return Release(
        distribution=f"inferred {name}",
        version=version,
        objects=dict(manifest),
        inferred=True,
    )


def _release_key(version: str) -> tuple[Any, ...]:
    parts = []
    for piece in version.replace("-", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)
