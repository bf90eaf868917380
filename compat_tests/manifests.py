"""Version manifests as real nodes send them: ``obj_tree_get_versions``, keyed by declared class.

A node asking for a backport sends ``{object name: version}`` for its class and, recursively,
for the class each ``ObjectField`` or ``ListOfObjectsField`` *declares*
(``ObjectField("DeviceMetadata", subclasses=True)`` contributes ``DeviceMetadata``, never the
concrete subclasses a value may hold), which is what OVO's ``obj_tree_get_versions``
computes and what ``_obj_relationship_for`` looks children up by.

Why not call ``obj_tree_get_versions`` itself (``tests/rebuild/test_manifests.py`` shows
each point): it reads OVO's process-global class table.  (1) An old node is a release
whose classes are rebuilt in the node and never registered, so in this process OVO's
helper answers with the current code's versions, not the release's; a real old node runs
it in its own process over its own classes, which is what ``tree_versions`` does with the
node's lookup.  (2) Projects with their own class table (Neutron's
``NeutronObjectRegistry``) are not in the global one, so it cannot see them at all;
``registry_lookup`` asks the class's own ``obj_class_from_name``.  (3) A declared name
with no class (an abstract base such as Neutron's ``QosRule``) makes OVO raise
``UnregisteredSubobject``; it is left out here, as the node holds nothing of that name.
Where OVO's helper applies (current classes in the global registry) both give the same
manifest.  Left as a known difference: a field declared as ``Field(List(Object(...)))``
rather than ``ListOfObjectsField`` is followed here (types are read, since rebuilt fields
are plain ``Field`` objects) and not by OVO.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oslo_versionedobjects import exception, fields

__all__ = ["current_tree_versions", "declared_children", "registry_lookup", "tree_versions"]

Lookup = Callable[[str], "type | None"]


def tree_versions(cls: type, lookup: Lookup) -> dict[str, str]:
    """``{name: version}`` of ``cls`` and every class its object fields declare, transitively.

    ``lookup(objname)`` returns the class a node holds under that name, or None.
    """
    tree: dict[str, str] = {}
    pending = [cls]
    while pending:
        klass = pending.pop()
        name = klass.obj_name()
        if name in tree:
            continue
        tree[name] = str(klass.VERSION)
        for objname in declared_children(klass):
            child = lookup(objname)
            if child is not None and objname not in tree:
                pending.append(child)
    return dict(sorted(tree.items()))


def current_tree_versions(cls: type) -> dict[str, str]:
    """The manifest a node running the current code sends for ``cls`` (its own registry)."""
    return tree_versions(cls, registry_lookup(cls))


def declared_children(cls: type) -> list[str]:
    """The object names ``cls``'s fields declare as ``Object`` or a ``List`` of ``Object``.

    What ``obj_tree_get_versions`` follows (``ObjectField`` and ``ListOfObjectsField``),
    read from the field's type rather than its class: a rebuilt old class's fields are
    plain ``Field`` objects of those types.  Sets and dicts of objects are not followed,
    as OVO follows (and backports through a manifest) neither.
    """
    names = []
    for field in cls.fields.values():
        field_type: Any = field._type
        if isinstance(field_type, fields.List):
            field_type = field_type._element_type._type
        if isinstance(field_type, fields.Object):
            names.append(field_type._obj_name)
    return sorted(set(names))


def registry_lookup(owner: type) -> Lookup:
    """Look names up as ``owner``'s own ``obj_class_from_name`` does (the project's registry)."""

    def lookup(objname: str) -> type | None:
        try:
            return owner.obj_class_from_name(objname, "1.0")
        except exception.IncompatibleObjectVersion as exc:
            supported = exc.kwargs.get("supported")
            if supported is None:
                return None
            try:
                return owner.obj_class_from_name(objname, str(supported))
            except exception.VersionedObjectsException:
                return None
        except (exception.VersionedObjectsException, IndexError):
            # IndexError: an empty entry in OVO's class table (its own lookups leave one
            # for a name nobody registered).
            return None

    return lookup
