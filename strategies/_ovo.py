"""OVO notions the strategies need, computed one way (`compat_tests.relationships` re-exports).

Kept here, below ``compat_tests``, because this package depends on Hypothesis and
oslo.versionedobjects only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from oslo_utils import versionutils

__all__ = ["all_subclasses", "child_version"]


def child_version(pairs: Iterable[Sequence[str]], version: str) -> str | None:
    """The child version a parent at ``version`` sends, or None when no entry applies yet.

    ``pairs`` is an ``obj_relationships`` entry: ``[(parent_version, child_version), ...]``.
    """
    wanted = versionutils.convert_version_to_tuple(version)
    found = None
    for parent, child in sorted(pairs, key=lambda p: versionutils.convert_version_to_tuple(p[0])):
        if versionutils.convert_version_to_tuple(parent) <= wanted:
            found = child
    return found


def all_subclasses(klass: type) -> Iterator[type]:
    """Every subclass of ``klass``, at any depth (depth first, each once)."""
    seen: set[type] = set()
    pending = list(reversed(klass.__subclasses__()))
    while pending:
        sub = pending.pop()
        if sub in seen:
            continue
        seen.add(sub)
        yield sub
        pending.extend(reversed(sub.__subclasses__()))
