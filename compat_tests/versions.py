"""``MAJOR.MINOR`` version strings as OVO uses them, compared numerically ("1.10" > "1.9").

The one place that parses them and says whether a reader at one version reads
another (`compatible`: same major, minor at most).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from compat_tests.errors import OvoCompatError

__all__ = ["VersionError", "compatible", "is_version", "major", "parse", "sort_versions"]

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)$")


class VersionError(OvoCompatError, ValueError):
    """A string that should be an OVO version is not of the form ``MAJOR.MINOR``."""


def is_version(value: object) -> bool:
    """Tell whether ``value`` is a string of the form ``MAJOR.MINOR`` (e.g. ``"1.10"``)."""
    return isinstance(value, str) and _VERSION_RE.match(value) is not None


def parse(version: str, *, where: str = "") -> tuple[int, int]:
    """Turn ``"1.10"`` into ``(1, 10)``; raise `VersionError` naming ``where`` otherwise."""
    parsed = _parsed(version) if isinstance(version, str) else None
    if parsed is None:
        prefix = f"{where}: " if where else ""
        raise VersionError(
            f'{prefix}{version!r} is not a version of the form MAJOR.MINOR such as "1.8"; '
            "OVO versions are two dot-separated integers"
        )
    return parsed


@functools.lru_cache(maxsize=8192)
def _parsed(version: str) -> tuple[int, int] | None:
    # Sorting and comparing versions parses the same few strings again and again.
    match = _VERSION_RE.match(version)
    return None if match is None else (int(match.group(1)), int(match.group(2)))


def major(version: str) -> int:
    """The major component of ``version``."""
    return parse(version)[0]


def sort_versions(versions: Iterable[str]) -> list[str]:
    """``versions`` sorted oldest first, numerically per component."""
    return sorted(versions, key=parse)


def compatible(requested: str, available: str) -> bool:
    """Tell whether a reader at ``available`` reads ``requested``: same major, minor at most."""
    wanted, have = parse(requested), parse(available)
    return wanted[0] == have[0] and wanted[1] <= have[1]
