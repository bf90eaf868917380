"""OVO notions the strategies need, computed one way (`compat_tests.relationships` re-exports).

Kept here, below ``compat_tests``, because this package depends on Hypothesis and
oslo.versionedobjects only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from oslo_utils import versionutils
from oslo_versionedobjects import base, exception

__all__ = ["all_subclasses", "child_version", "class_from_name", "namespace_of"]


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


def all_subclasses(klass: type, namespace: str | None = None) -> Iterator[type]:
    """Every subclass of ``klass``, at any depth (depth first, each once).

    With ``namespace``, only those whose ``OBJ_PROJECT_NAMESPACE`` is ``namespace``: Python's
    class tree, like OVO's registry, holds every project imported into the process.
    """
    seen: set[type] = set()
    pending = list(reversed(klass.__subclasses__()))
    while pending:
        sub = pending.pop()
        if sub in seen:
            continue
        seen.add(sub)
        if namespace is None or namespace_of(sub) == namespace:
            yield sub
        pending.extend(reversed(sub.__subclasses__()))


def namespace_of(cls: type) -> str | None:
    """The class's ``OBJ_PROJECT_NAMESPACE`` (None for a non-OVO class)."""
    return getattr(cls, "OBJ_PROJECT_NAMESPACE", None)


def class_from_name(owner: type, objname: str, version: str) -> type:
    """``owner.obj_class_from_name(objname, version)``, scoped to ``owner``'s namespace.

    OVO's own lookup reads one registry for the whole process, keyed by object name only:
    with two projects imported (a target and the framework's sample, both with a
    ``SecurityGroup``) it may return the other project's class.  For an owner using that
    lookup, the same choice (exact version, else the newest compatible one, else the same
    errors) is made among the classes of ``owner``'s namespace.  A lookup of the project's
    own (Neutron's registry) or of an isolated registry (rebuilt old nodes) is used as it is.
    """
    lookup = getattr(owner.obj_class_from_name, "__func__", None)
    entries = base.VersionedObjectRegistry.obj_classes().get(objname, [])
    namespace = namespace_of(owner)
    same = [c for c in entries if namespace_of(c) == namespace]
    if lookup is not _OVO_LOOKUP or (entries and len(same) == len(entries)):
        return owner.obj_class_from_name(objname, version)
    if not same:
        same = _displaced(owner, objname)
    if not same:
        raise exception.UnsupportedObjectError(objtype=objname)
    for cls in same:
        if cls.VERSION == version:
            return cls
    for cls in same:  # newest first, as OVO keeps them
        if versionutils.is_compatible(version, cls.VERSION):
            return cls
    raise exception.IncompatibleObjectVersion(
        objname=objname, objver=version, supported=same[0].VERSION
    )


def _displaced(owner: type, objname: str) -> list[type]:
    """``owner``'s project's classes named ``objname``, newest first, found by Python's tree.

    OVO's registry *replaces* a registered class by a later one of the same name and
    version, whatever its project, so the owner's class may be in no registry table any
    more.  Only classes defined in the owner's top-level package count (not rebuilt ones).
    """
    package = owner.__module__.split(".")[0]
    found = [
        c
        for c in all_subclasses(base.VersionedObject, namespace_of(owner))
        if c.__module__.split(".")[0] == package and c.obj_name() == objname
    ]
    return sorted(
        found, key=lambda c: versionutils.convert_version_to_tuple(c.VERSION), reverse=True
    )


_OVO_LOOKUP = base.VersionedObject.obj_class_from_name.__func__
