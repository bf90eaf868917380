"""Child versions from ``obj_relationships``, and walks over the class hierarchy.

``obj_relationships`` maps a field to ``[(parent_version, child_version), ...]``:
a parent sent at version P carries the child at the version of the newest entry
whose parent version is at most P.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from compat_tests.versions import parse

__all__ = ["all_subclasses", "child_version"]


def child_version(pairs: Iterable[Sequence[str]], version: str) -> str | None:
    """The child version a parent at ``version`` sends, or None when no entry applies yet."""
    wanted = parse(version)
    found = None
    for parent, child in sorted(pairs, key=lambda pair: parse(pair[0])):
        if parse(parent) <= wanted:
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
