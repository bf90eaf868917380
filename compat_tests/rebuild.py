"""Old nodes: real OVO classes rebuilt from recorded snapshots, in an isolated registry.

An `OldNode` is what one old service would have loaded: one version of every object
name.  Its classes are genuine ``VersionedObject`` subclasses whose fields are exactly
the recorded schema's, so the suite can deserialize what a new node sends and check it
the way the old node would.

Isolation: rebuilt classes are never registered in a ``VersionedObjectRegistry`` (its
class table is process-global and shared by every registry subclass).  They resolve
child objects with their own ``obj_class_from_name``, which only looks inside the node.

Reading like real OVO: a rebuilt class parses primitives with OVO's own
``_obj_from_primitive``, which ignores keys of the data that its version has no field
for, exactly as a real old node does (a backport that leaves such keys in is reported by
the backport property, not as an old node that cannot read it).  ``subclasses=True``
children are instances of their declared class: a rebuilt class whose current class
descends from a class that a ``subclasses=True`` field of the node declares derives from
the node's rebuilt version of that class (or, for an abstract one the node does not hold,
from a fieldless stand-in of that name), so oslo's ``Object.coerce`` finds the declared
name in its MRO as it does for the real classes.

Releases: `OldNode.for_release` builds the node of a recorded release
(`compat_tests.releases`), the versions that shipped together; `OldNode.for_version` uses
the oldest fully recorded release that shipped the requested version, and otherwise the
release the history implies (`resolve_manifest`), which `release` marks inferred.

The project's own backport code is never used: ``obj_make_compatible`` of a rebuilt
class backports children through the recorded relationships and drops the fields the
target version did not have.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Mapping
from typing import Any

from oslo_versionedobjects import base, exception, fields

from compat_tests.descriptors import holds_subclasses as _subclasses
from compat_tests.descriptors import objname as _objname
from compat_tests.errors import SnapshotError
from compat_tests.relationships import all_subclasses as _all_subclasses
from compat_tests.relationships import child_version as _child_version
from compat_tests.schema import describe_field, describe_type
from compat_tests.versions import compatible as _is_compatible
from compat_tests.versions import is_version as _is_version
from compat_tests.versions import parse

__all__ = ["OldNode", "build_field", "resolve_manifest"]

Schema = Mapping[str, Any]
Histories = Mapping[str, Mapping[str, Schema]]

# Descriptor keys describing the field rather than its type.
_FIELD_KEYS = ("nullable", "default")


class OldNode:
    """One old node: a version of each recorded object name, rebuilt as real OVO classes.

    ``manifest`` maps object name -> version to rebuild; ``histories`` maps object name ->
    ``{version: schema}`` (a `compat_tests.snapshots.SnapshotStore` works).  ``current``
    optionally maps object name -> the project's current class; it supplies the
    serialization namespaces, the dict-compat/list mixins and the ``Field`` objects
    reused (deep-copied) where a recorded descriptor equals the current one.  Without it
    the newest class registered under that name (if any) is used.
    """

    def __init__(
        self,
        manifest: Mapping[str, str],
        histories: Histories,
        *,
        current: Mapping[str, type] | None = None,
        serving: str | None = None,
    ) -> None:
        """Rebuild the classes of ``manifest``; with ``serving``, only those it can need.

        ``serving`` names the object the node is built for: then the classes its fields
        declare (transitively) and every recorded subclass a ``subclasses=True`` field may
        hold are built now, and any other class of the manifest when first asked for (a
        node of a 200-class release built for one class builds what reading that class
        needs, not 200 classes).  Without it every class is built now.
        """
        self._manifest = dict(sorted(manifest.items()))
        self._histories = histories
        self._current = current
        self._classes: dict[str, type[base.VersionedObject]] = {}
        self._ancestors: dict[str, type] = {}
        self._abstract = _subclasses_targets(
            [_history(histories, n).get(v, {}) for n, v in self._manifest.items()]
        )
        self.release: Any = None
        if serving is None:
            for name in self._manifest:
                self._built(name)
            return
        self.tree_versions(serving)  # builds the declared tree
        for target in sorted(self._abstract):
            for name in _descendants(target, histories, current):
                if name in self._manifest:
                    self._built(name)

    @classmethod
    def for_version(
        cls,
        histories: Histories,
        name: str,
        version: str,
        *,
        current: Mapping[str, type] | None = None,
        releases: list[Any] | None = None,
    ) -> OldNode:
        """The node holding ``name`` at ``version``.

        With ``releases`` (`compat_tests.releases.Release`), the oldest fully recorded one
        that shipped ``name`` at ``version`` is the node.  Otherwise children named by its
        relationships are at the version the relationships map ``version`` to
        (transitively) and every other recorded name is at its newest recorded version;
        ``release`` then says the node is an inferred release.
        """
        from compat_tests.releases import implied, release_for

        recorded = release_for(releases or [], histories, name, version)
        if recorded is not None:
            return cls.for_release(histories, recorded, current=current)
        manifest = resolve_manifest(histories, name, version, current=current)
        node = cls(manifest, histories, current=current, serving=name)
        node.release = implied(manifest, name, version)
        return node

    @classmethod
    def for_release(
        cls, histories: Histories, release: Any, *, current: Mapping[str, type] | None = None
    ) -> OldNode:
        """The node of a recorded release: exactly the class versions it shipped."""
        node = cls(dict(release.objects), histories, current=current)
        node.release = release
        return node

    def tree_versions(self, name: str) -> dict[str, str]:
        """The manifest this node sends for ``name``: ``obj_tree_get_versions``, declared keys."""
        from compat_tests.manifests import tree_versions

        return tree_versions(self.cls(name), self._holds)

    @property
    def manifest(self) -> dict[str, str]:
        """Object name -> version of every class in this node."""
        return dict(self._manifest)

    def cls(self, name: str) -> type[base.VersionedObject]:
        """The rebuilt class of object ``name``."""
        if name not in self._manifest:
            raise SnapshotError(
                f"the old node has no object {name!r} (it holds {sorted(self._manifest)}); "
                "record its snapshot with `ovo-compat snapshot`"
            )
        return self._built(name)

    def _holds(self, name: str) -> type[base.VersionedObject] | None:
        """The node's class of object ``name`` (built on first use), or None."""
        return self._built(name) if name in self._manifest else None

    def __repr__(self) -> str:
        return f"OldNode({self._manifest!r})"

    def _current_class(self, name: str) -> type | None:
        return _current_class(name, self._current)

    def _ancestor(self, objname: str) -> type:
        # One per node, so that `isinstance` across nodes never mixes them up.
        if objname not in self._ancestors:
            self._ancestors[objname] = type(
                objname,
                (_AbstractAncestor,),
                {"__module__": __name__, "__qualname__": f"OldNode.ancestor.{objname}"},
            )
        return self._ancestors[objname]

    def _built(self, name: str) -> type[base.VersionedObject]:
        # Built on demand, so that a rebuilt declared base exists before its subclasses.
        if name not in self._classes:
            self._classes[name] = self._build_class(name, self._manifest[name])
        return self._classes[name]

    def _build_class(self, name: str, version: str) -> type[base.VersionedObject]:
        history = _history(self._histories, name)
        if version not in history:
            raise SnapshotError(
                f"{name} {version} is not recorded (recorded: {sorted(history, key=parse)}); "
                "record it, or build the node at a recorded version"
            )
        schema = history[version]
        current = self._current_class(name)
        current_fields = getattr(current, "fields", {}) if current is not None else {}
        built = {
            field_name: _field_for(fd, current_fields.get(field_name), name, version, field_name)
            for field_name, fd in sorted(schema.get("fields", {}).items())
        }
        # Values of ``Object(X, subclasses=True)`` fields must have a class named X in their
        # MRO (oslo's Object.coerce); X may be an abstract class with no snapshot (neutron's
        # QosRule), so rebuilt subclasses carry a fieldless stand-in named X.
        declared = sorted(self._abstract & _ancestor_names(current))
        # A declared base the node holds is the rebuilt base itself (children are instances
        # of it, as real subclasses are); one it does not hold gets a fieldless stand-in.
        rebuilt = tuple(self._built(n) for n in declared if n in self._manifest and n != name)
        ancestors = [self._ancestor(n) for n in declared if n not in self._manifest]
        bases = (*_mixins(current), *rebuilt, _NodeObject, *ancestors)
        attrs: dict[str, Any] = {
            "VERSION": version,
            "fields": built,
            "obj_relationships": {
                field_name: [tuple(pair) for pair in pairs]
                for field_name, pairs in schema.get("relationships", {}).items()
            },
            "_node": self,
            "_history": history,
            "__module__": __name__,
            "__qualname__": f"OldNode.{name}",
        }
        # A name the project no longer defines still speaks the project's namespaces.
        namespaces = current or next(iter((self._current or {}).values()), None)
        if namespaces is not None:
            attrs["OBJ_PROJECT_NAMESPACE"] = namespaces.OBJ_PROJECT_NAMESPACE
            attrs["OBJ_SERIAL_NAMESPACE"] = namespaces.OBJ_SERIAL_NAMESPACE
        klass = type(name, bases, attrs)
        # objectify adds the field properties without registering the class anywhere.
        base.VersionedObjectRegistry.objectify(klass)
        # Mixins such as ObjectListBase contribute default fields: keep exactly the snapshot's.
        klass.fields = {key: klass.fields[key] for key in built}
        return klass


class _AbstractAncestor:
    """Stand-in for an abstract, unregistered object class (no fields, no snapshot).

    Rebuilt classes list it after the OVO base, so it only contributes its name to
    the names oslo's ``Object.coerce`` accepts for ``subclasses=True`` fields.
    """

    @classmethod
    def obj_name(cls) -> str:
        """The name of the abstract object class this stands in for."""
        return cls.__name__


class _NodeObject(base.VersionedObject):
    """Private base of rebuilt classes: node-local lookup, OVO's own parsing, generic backport."""

    _node: OldNode
    _history: Mapping[str, Schema]

    @classmethod
    def obj_class_from_name(cls, objname: str, objver: str) -> type[base.VersionedObject]:
        """Like OVO's registry lookup, but only among the classes of this old node."""
        found = cls._node._holds(objname)
        if found is None:
            raise exception.UnsupportedObjectError(objtype=objname)
        if found.VERSION == objver or _is_compatible(objver, found.VERSION):
            return found
        raise exception.IncompatibleObjectVersion(
            objname=objname, objver=objver, supported=found.VERSION
        )

    def obj_make_compatible(self, primitive: dict[str, Any], target_version: str) -> None:
        """Backport children by the recorded relationships; drop fields ``target_version`` lacks."""
        target = self._history.get(target_version)
        if target is None:
            raise SnapshotError(
                f"{self.obj_name()} {target_version} is not recorded (recorded: "
                f"{sorted(self._history, key=parse)}); the old node can only backport to a "
                "recorded version"
            )
        keep = set(target.get("fields", {}))
        for key, field in self.fields.items():
            if key in keep and key in primitive and _is_object_field(field):
                self._obj_make_obj_compatible(primitive, target_version, key)
        for key in list(primitive):
            if key not in keep:
                del primitive[key]


def resolve_manifest(
    histories: Histories,
    name: str,
    version: str,
    *,
    current: Mapping[str, type] | None = None,
) -> dict[str, str]:
    """Object name -> version for the node holding ``name`` at ``version``.

    Children follow the relationships of the versions that need them, transitively; when
    two parents need different minors of one child, the newest is kept (it accepts both).
    Every other recorded name is at its newest recorded version.  A ``subclasses=True``
    object field may name an abstract class with no snapshot when some recorded name's
    current class (``current``, else the newest defined class) descends from it.
    """
    pinned: dict[str, str] = {}
    pending = [(name, version, None)]
    while pending:
        obj, ver, needed_by = pending.pop()
        history = _history(histories, obj)
        if ver not in history:
            by = f" (required by {needed_by})" if needed_by else ""
            raise SnapshotError(
                f"{obj} {ver}{by} is not recorded (recorded: {sorted(history, key=parse)}); "
                "record that version or fix the relationship table"
            )
        previous = pinned.get(obj)
        if previous is not None:
            if parse(previous)[0] != parse(ver)[0]:
                raise SnapshotError(
                    f"the old node needs {obj} at both {previous} and {ver}{_by(needed_by)}, "
                    "two major versions no single node can hold; fix the relationship tables"
                )
            if parse(previous) >= parse(ver):
                continue
        pinned[obj] = ver
        for child, child_ver in _children(history[ver], obj, ver, histories, current):
            pending.append((child, child_ver, f"{obj} {ver}"))
    for other in histories:
        if other not in pinned:
            pinned[other] = max(_history(histories, other), key=parse)
    return pinned


def build_field(descriptor: Mapping[str, Any], *, where: str = "field") -> fields.Field:
    """A ``Field`` rebuilt from its snapshot descriptor; `SnapshotError` naming ``where`` if not."""
    field_type = _build_type(_type_part(descriptor), where)
    kwargs: dict[str, Any] = {"nullable": bool(descriptor.get("nullable", False))}
    if "default" in descriptor:
        kwargs["default"] = _default(field_type, descriptor["default"])
    field: fields.Field
    if isinstance(field_type, fields.Object):
        field = fields.ObjectField(field_type._obj_name, field_type._subclasses, **kwargs)
        field._type = field_type
    elif isinstance(field_type, fields.List) and isinstance(
        field_type._element_type._type, fields.Object
    ):
        inner = field_type._element_type._type
        field = fields.ListOfObjectsField(inner._obj_name, inner._subclasses, **kwargs)
        field._type = field_type
    else:
        field = fields.Field(field_type, **kwargs)
    rebuilt = describe_field(field)
    if rebuilt != dict(descriptor):
        raise SnapshotError(
            f"{where}: cannot rebuild {descriptor.get('class')} from its descriptor "
            f"{dict(descriptor)!r} (rebuilt as {rebuilt!r}); make the type's constructor accept "
            "the recorded params, or keep the type importable under its recorded class path"
        )
    return field


def _field_for(
    descriptor: Mapping[str, Any],
    current_field: fields.Field | None,
    name: str,
    version: str,
    field_name: str,
) -> fields.Field:
    if current_field is not None and describe_field(current_field) == dict(descriptor):
        return copy.deepcopy(current_field)
    return build_field(descriptor, where=f"{name} {version} field {field_name!r}")


def _type_part(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in descriptor.items() if key not in _FIELD_KEYS}


def _build_type(descriptor: Mapping[str, Any], where: str) -> fields.FieldType:
    klass = _import_class(descriptor.get("class"), where)
    element = None
    if "element" in descriptor:
        element_fd = descriptor["element"]
        element = fields.Field(
            _build_type(_type_part(element_fd), where),
            nullable=bool(element_fd.get("nullable", False)),
        )
    instance = _construct(klass, descriptor, element)
    _patch_state(instance, descriptor, element)
    if describe_type(instance) != _type_part(descriptor):
        raise SnapshotError(
            f"{where}: cannot rebuild {descriptor.get('class')} from {dict(descriptor)!r} "
            f"(rebuilt as {describe_type(instance)!r}); make the type's constructor accept the "
            "recorded params"
        )
    return instance


def _construct(klass: type, descriptor: Mapping[str, Any], element: fields.Field | None) -> Any:
    params = descriptor.get("params", {})
    attempts: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    if "objname" in descriptor:
        attempts.append(((descriptor["objname"],), {"subclasses": descriptor["subclasses"]}))
    if element is not None:
        attempts.append(((element._type,), {"nullable": True} if element.nullable else {}))
    if "valid_values" in descriptor:
        attempts.append(((), {"valid_values": descriptor["valid_values"], **params}))
    if params:
        attempts.append(((), dict(params)))
    attempts.append(((), {}))
    for args, kwargs in attempts:
        try:
            return klass(*args, **kwargs)
        except (TypeError, ValueError, exception.VersionedObjectsException):
            continue
    # Constructors that cannot take the recorded state: the state is patched in afterwards.
    return klass.__new__(klass)


def _patch_state(
    instance: Any, descriptor: Mapping[str, Any], element: fields.Field | None
) -> None:
    if "valid_values" in descriptor:
        current = getattr(instance, "_valid_values", None)
        if current is None or list(current) != descriptor["valid_values"]:
            instance._valid_values = list(descriptor["valid_values"])
    if element is not None:
        instance._element_type = element
    if "objname" in descriptor:
        instance._obj_name = descriptor["objname"]
        instance._subclasses = descriptor["subclasses"]
    if "pattern" in descriptor and getattr(instance, "PATTERN", None) != descriptor["pattern"]:
        instance.PATTERN = descriptor["pattern"]
    state = vars(instance)
    for key, value in descriptor.get("params", {}).items():
        if f"_{key}" in state:
            setattr(instance, f"_{key}", value)
        elif key in state:
            setattr(instance, key, value)
        else:
            setattr(instance, f"_{key}", value)


def _import_class(path: Any, where: str) -> type:
    if not isinstance(path, str) or "." not in path:
        raise SnapshotError(f'{where}: descriptor has no valid "class" (got {path!r})')
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        try:
            thing: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                thing = getattr(thing, attr)
        except AttributeError:
            break
        if isinstance(thing, type) and issubclass(thing, fields.AbstractFieldType):
            return thing
        raise SnapshotError(
            f"{where}: {path} is not an oslo.versionedobjects FieldType; the descriptor's "
            '"class" must name the field\'s type (e.g. oslo_versionedobjects.fields.String)'
        )
    raise SnapshotError(
        f"{where}: field type class {path} cannot be imported; install the package that "
        "defines it, or keep the class at that path"
    )


def _default(field_type: fields.FieldType, value: Any) -> Any:
    # Snapshots hold sets as sorted lists (JSON has no set).
    if isinstance(field_type, fields.Set) and isinstance(value, list):
        return set(value)
    return value


def _history(histories: Histories, name: str) -> Mapping[str, Schema]:
    try:
        return histories[name]
    except (KeyError, SnapshotError) as exc:
        raise SnapshotError(
            f"no snapshot recorded for {name!r} ({exc}); record it with `ovo-compat snapshot`"
        ) from None


def _children(
    schema: Schema,
    name: str,
    version: str,
    histories: Histories,
    current: Mapping[str, type] | None = None,
) -> list[tuple[str, str]]:
    children = []
    for field_name, fd in schema.get("fields", {}).items():
        objname = _objname(fd)
        if objname is None or objname == name:
            continue
        if objname not in histories and _subclasses(fd):
            if not _descendants(objname, histories, current):
                raise SnapshotError(
                    f"{name} {version} field {field_name!r} holds {objname} objects or "
                    f"subclasses, but neither {objname} nor any class descending from it is "
                    "recorded; record them with `ovo-compat snapshot`"
                )
            continue
        if objname not in histories:
            raise SnapshotError(
                f"{name} {version} field {field_name!r} holds {objname} objects, but no snapshot "
                f"of {objname} is recorded; record it with `ovo-compat snapshot`"
            )
        child_ver = _child_version(schema.get("relationships", {}).get(field_name, []), version)
        if child_ver is not None:
            children.append((objname, child_ver))
    return children


def _subclasses_targets(schemas: list[Schema]) -> set[str]:
    """Names that ``subclasses=True`` fields of ``schemas`` declare (recorded or abstract)."""
    return {objname for schema in schemas for objname in _schema_targets(schema)}


#: id(schema) -> (schema, its targets): every node of a suite reads the same schemas (a
#: 200-class registry's nodes read 200 each); holding the schema keeps its id unique.
_TARGETS: dict[int, tuple[Schema, frozenset[str]]] = {}


def _schema_targets(schema: Schema) -> frozenset[str]:
    found = _TARGETS.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    targets = frozenset(
        objname
        for fd in schema.get("fields", {}).values()
        if (objname := _objname(fd)) is not None and _subclasses(fd)
    )
    if len(_TARGETS) > 65536:  # bounded: a long test session builds many suites
        _TARGETS.clear()
    _TARGETS[id(schema)] = (schema, targets)
    return targets


def _descendants(objname: str, histories: Histories, current: Mapping[str, type] | None) -> list:
    """Recorded names whose current class has a class named ``objname`` among its ancestors."""
    return [n for n in histories if objname in _ancestor_names(_current_class(n, current))]


def _ancestor_names(cls: type | None) -> set[str]:
    """Object names of the classes ``cls`` descends from (not its own)."""
    if cls is None:
        return set()
    return {
        klass.obj_name() for klass in cls.__mro__[1:] if callable(getattr(klass, "obj_name", None))
    } - {cls.obj_name()}


def _current_class(name: str, current: Mapping[str, type] | None) -> type | None:
    """The project's current class of ``name``: from ``current``, else the newest defined."""
    if current is not None:
        return current.get(name)
    registered = base.VersionedObjectRegistry.obj_classes().get(name)
    if registered:
        return registered[0]
    # Projects with their own class table (neutron's NeutronObjectRegistry): the
    # newest class of that name defined in the process.
    defined = [
        klass
        for klass in _all_subclasses(base.VersionedObject)
        if klass.obj_name() == name
        and not issubclass(klass, _NodeObject)
        and _is_version(klass.VERSION)
    ]
    return max(defined, key=lambda klass: parse(klass.VERSION), default=None)


def _is_object_field(field: fields.Field) -> bool:
    return isinstance(field, (fields.ObjectField, fields.ListOfObjectsField))


def _mixins(current: type | None) -> list[type]:
    if current is None:
        return []
    return [
        mixin
        for mixin in (
            base.ObjectListBase,
            base.VersionedObjectDictCompat,
            base.ComparableVersionedObject,
        )
        if issubclass(current, mixin)
    ]


def _by(needed_by: str | None) -> str:
    return f" (the latter required by {needed_by})" if needed_by else ""
