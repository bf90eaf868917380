"""Strategies for whole versioned objects, their children, and their primitives."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from oslo_utils import versionutils
from oslo_versionedobjects import base, exception
from oslo_versionedobjects import fields as ovo_fields

from strategies._errors import ObjectResolutionError, StrategyError
from strategies._fields import Site, build, has_objects
from strategies._ovo import all_subclasses, child_version, class_from_name, namespace_of
from strategies._registry import on_change

# A version no registry holds: asking for it makes obj_class_from_name report the newest
# version it supports, through the owner's own (possibly isolated) registry.
_PROBE_VERSION = "999999.0"

# Built strategies live on the class itself (they refer to it, so a weak-keyed global
# cache would keep every class alive); a registration bumps the generation and thereby
# invalidates all of them at once.
_CACHE_ATTR = "_ovo_compat_strategies"
_generation = [0]


def _bump_generation() -> None:
    _generation[0] += 1


on_change(_bump_generation)


@dataclasses.dataclass(frozen=True)
class FieldRule:
    """What a project guarantees about one field: always set, never None, or its own strategy."""

    always_set: bool = False
    never_none: bool = False
    strategy: st.SearchStrategy | None = None


class _Skip(Exception):
    """Leave this field unset: depth is exhausted and the field is optional or cyclic."""


def objects(
    cls: type,
    *,
    version: str | None = None,
    fields: Iterable[str] | None = None,
    max_depth: int = 2,
    context: Any = None,
    rules: Mapping[tuple[str, str], FieldRule] | None = None,
) -> st.SearchStrategy:
    """Strategy for instances of the versioned object class ``cls``.

    Every required field (non-nullable, no default) is set; every other field is set
    or left unset at random, since unset fields are where backports break.  With
    ``version`` the instance's ``VERSION`` is that version and child objects are
    generated at the versions ``cls.obj_relationships`` maps it to (else the child's
    newest).  Only ``fields`` (default: all of ``cls.fields``) may be set.  Children
    are resolved with ``cls.obj_class_from_name`` so classes living in an isolated
    registry work unchanged.  Below ``max_depth`` levels of children, nullable object
    fields are None or unset, collections of objects are empty, and required objects
    are generated with their required fields only (unset where that would recurse
    forever).  Every object, children included, is built with ``context`` (the
    request context a project's objects need to lazy-load or save; None: none).
    ``rules`` maps ``(object name, field name)`` to a `FieldRule`: what the project
    guarantees about that field (always set, never None, a narrower strategy), for
    the class and its children alike.  Strategies are built once per argument set and cached.
    """
    if not (isinstance(cls, type) and issubclass(cls, base.VersionedObject)):
        raise InvalidArgument(f"objects() needs a VersionedObject subclass, got {cls!r}")
    if max_depth < 0:
        raise InvalidArgument(f"objects({cls.__name__}): max_depth={max_depth} must be >= 0")
    version = _check_version(cls, version)
    names = _check_fields(cls, fields)
    return _objects(cls, version, names, max_depth, (), False, context, rules)


def primitives(
    cls: type,
    *,
    version: str | None = None,
    fields: Iterable[str] | None = None,
    max_depth: int = 2,
    context: Any = None,
) -> st.SearchStrategy:
    """Strategy for ``obj.obj_to_primitive()`` of ``objects(cls, ...)`` (same arguments)."""
    return objects(cls, version=version, fields=fields, max_depth=max_depth, context=context).map(
        lambda obj: obj.obj_to_primitive()
    )


def global_children(owner: str | None, max_depth: int) -> _Children:
    """Children resolved in oslo's global registry at their newest version (for field_values)."""
    return _Children(base.VersionedObject, None, max_depth, (), exhausted=False, owner_name=owner)


def _objects(
    cls: type,
    version: str | None,
    names: tuple[str, ...] | None,
    depth: int,
    chain: tuple[str, ...],
    minimal: bool,
    context: Any = None,
    rules: Mapping[tuple[str, str], FieldRule] | None = None,
) -> st.SearchStrategy:
    key = (version, names, depth, chain, minimal, id(context), id(rules))
    per_class = vars(cls).get(_CACHE_ATTR)  # vars(): never a parent class's cache
    if per_class is None or per_class.get("generation") != _generation[0]:
        per_class = {"generation": _generation[0]}
        setattr(cls, _CACHE_ATTR, per_class)
    if key not in per_class:
        per_class[key] = _build_objects(
            cls, version, names, depth, chain, minimal, context, rules or {}
        )
    return per_class[key]


def _build_objects(
    cls: type,
    version: str | None,
    names: tuple[str, ...] | None,
    depth: int,
    chain: tuple[str, ...],
    minimal: bool,
    context: Any,
    rules: Mapping[tuple[str, str], FieldRule],
) -> st.SearchStrategy:
    owner = cls.obj_name()
    required: dict[str, st.SearchStrategy] = {}
    optional: dict[str, st.SearchStrategy] = {}
    for name in names if names is not None else tuple(cls.fields):
        field = cls.fields[name]
        rule = rules.get((owner, name))
        is_required = _is_required(field) or bool(rule and rule.always_set)
        if minimal and not is_required:
            continue
        exhausted = depth <= 0 and has_objects(field._type)
        children = _Children(
            cls,
            version,
            depth,
            chain,
            exhausted=exhausted,
            required=is_required,
            context=context,
            rules=rules,
        )
        try:
            if rule is not None and rule.strategy is not None:
                strategy = rule.strategy
            else:
                strategy = build(field, Site(owner, name), children)
        except _Skip:
            continue
        if rule is not None and rule.never_none:
            strategy = strategy.filter(lambda value: value is not None)
        (required if is_required else optional)[name] = strategy

    def rejected(name: str, value: object, exc: Exception) -> str:
        return (
            f"The strategy for {owner}.{name} drew {value!r}, which the field rejects: "
            f"{exc}. Register a strategy that draws only accepted values with "
            "strategies.register_field_strategy(<its field type>, ...)"
        )

    def instantiate(values: dict[str, object]) -> base.VersionedObject:
        obj = cls() if context is None else cls(context=context)
        if version is not None:
            obj.VERSION = version
        return _assign(obj, values.items(), rejected)

    return st.fixed_dictionaries(required, optional=optional).map(instantiate)


# Values a field stores as they are: sharing one between two objects changes nothing.
_IMMUTABLE = (str, int, float, bool, bytes, type(None), datetime.datetime)


def project(
    source: base.VersionedObject, target: base.VersionedObject, names: Iterable[str]
) -> base.VersionedObject:
    """Give ``target`` the value ``source`` holds in each field of ``names`` that it sets.

    Fields ``source`` leaves unset stay as ``target`` has them.  Values are copied, so the
    two objects share nothing a check could change.  Used to build an old version's
    example from a drawn current one: ``names`` must be fields both classes define
    alike (same type, nullability and default), holding no objects.  Returns ``target``.
    """
    owner = target.obj_name()

    def rejected(name: str, value: object, exc: Exception) -> str:
        return (
            f"{owner}.{name} {target.VERSION} rejects {value!r}, which the current "
            f"{owner}.{name} accepted although both fields are described alike: {exc}"
        )

    values = []
    for name in names:
        if source.obj_attr_is_set(name):
            value = getattr(source, name)
            values.append((name, value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value)))
    return _assign(target, values, rejected)


def _assign(
    obj: base.VersionedObject,
    values: Iterable[tuple[str, object]],
    rejected: Callable[[str, object, Exception], str],
) -> base.VersionedObject:
    """Set each ``(name, value)`` of ``values`` on ``obj`` and return it; a value the field
    rejects is a `StrategyError` saying ``rejected(name, value, the field's own error)``.
    """
    for name, value in values:
        try:
            setattr(obj, name, value)
        except (ValueError, TypeError) as exc:
            raise StrategyError(rejected(name, value, exc)) from exc
    return obj


class _Children:
    """Resolves Object field values of one owner class at one version and depth."""

    def __init__(
        self,
        owner: type,
        version: str | None,
        depth: int,
        chain: tuple[str, ...],
        *,
        exhausted: bool,
        required: bool = False,
        owner_name: str | None = None,
        context: Any = None,
        rules: Mapping[tuple[str, str], FieldRule] | None = None,
    ) -> None:
        self._context = context
        self._rules = rules
        self._owner = owner
        self._version = version
        self._depth = depth
        self._chain = chain
        self._required = required
        self._owner_name = owner_name
        self.exhausted = exhausted

    def child(self, objname: str, field: ovo_fields.Field, site: Site) -> st.SearchStrategy:
        """Strategy for the child object ``objname`` held by ``field`` at ``site``."""
        if self.exhausted:
            return self._past_depth(objname, field, site)
        if getattr(field._type, "_subclasses", False):
            return self._any_subclass(objname, site)
        child_cls, child_version = self._resolve(objname, site)
        return _objects(
            child_cls, child_version, None, self._depth - 1, (), False, self._context, self._rules
        )

    def _any_subclass(self, objname: str, site: Site) -> st.SearchStrategy:
        """``Object(objname, subclasses=True)``: the class itself or any subclass of it.

        The named class is often an abstract base missing from the registry (neutron's
        ``QosRule``), so the candidates are the Python subclasses of every class named
        ``objname``, each resolved through the owner so an isolated registry still rules.
        """
        options = []
        for name in _subclass_names(objname, namespace_of(self._owner)):
            try:
                with _quiet_lookups():
                    child_cls, child_version = self._resolve(name, site)
            except ObjectResolutionError:
                continue
            if name != objname:
                child_version = None  # relationships name the base class's versions only
            options.append(
                _objects(
                    child_cls,
                    child_version,
                    None,
                    self._depth - 1,
                    (),
                    False,
                    self._context,
                    self._rules,
                )
            )
        if not options:
            self._resolve(objname, site)  # raises the error naming the field
        return st.one_of(options)

    def _past_depth(self, objname: str, field: ovo_fields.Field, site: Site) -> st.SearchStrategy:
        if field.nullable:
            return st.nothing()  # the caller's nullable wrapper makes this None
        if not self._required:
            raise _Skip
        here = self._owner.obj_name()
        if objname == here or objname in self._chain:
            raise _Skip  # a required cycle has no finite instance; cut it here
        child_cls, child_version = self._resolve(objname, site)
        return _objects(
            child_cls,
            child_version,
            None,
            0,
            (*self._chain, here),
            True,
            self._context,
            self._rules,
        )

    def _resolve(self, objname: str, site: Site) -> tuple[type, str | None]:
        wanted = self._relationship_version(site.name)
        try:
            if wanted is None:
                try:
                    found = class_from_name(self._owner, objname, _PROBE_VERSION)
                    return found, None
                except exception.IncompatibleObjectVersion as exc:
                    wanted = exc.kwargs["supported"]
            child_cls = class_from_name(self._owner, objname, wanted)
        except (exception.UnsupportedObjectError, exception.IncompatibleObjectVersion) as exc:
            raise ObjectResolutionError(
                f"Field {site.owner or self._owner_name}.{site.name} holds {objname} objects "
                f"(version {wanted or 'newest'}), but {self._owner.__name__}.obj_class_from_name "
                f"cannot provide one: {exc}. Register {objname} in the owner's registry or fix "
                f"the field's obj_relationships entry."
            ) from exc
        return child_cls, (None if child_cls.VERSION == wanted else wanted)

    def _relationship_version(self, name: str | None) -> str | None:
        pairs = getattr(self._owner, "obj_relationships", {}).get(name or "", ())
        return child_version(pairs, self._version or self._owner.VERSION)


@contextlib.contextmanager
def _quiet_lookups() -> Iterator[None]:
    """Mute the "unregistered object type" error that registries log for expected misses.

    Projects log it through their own loggers (neutron does), so logging is muted as a
    whole, only for these build-time lookups.
    """
    previous = logging.root.manager.disable
    logging.disable(logging.ERROR)
    try:
        yield
    finally:
        logging.disable(previous)


def _subclass_names(objname: str, namespace: str | None) -> list[str]:
    """``objname``, then the names of its subclasses in ``namespace``."""
    names: set[str] = set()
    for klass in all_subclasses(base.VersionedObject, namespace):
        if any(getattr(k, "obj_name", None) and k.obj_name() == objname for k in klass.__mro__):
            names.add(klass.obj_name())
    names.discard(objname)
    return [objname, *sorted(names)]


def _is_required(field: ovo_fields.Field) -> bool:
    return not field.nullable and field.default is ovo_fields.UnspecifiedDefault


def _check_version(cls: type, version: str | None) -> str | None:
    if version is None or version == cls.VERSION:
        return None
    try:
        wanted = versionutils.convert_version_to_tuple(version)
    except (ValueError, TypeError, AttributeError):
        raise InvalidArgument(
            f"objects({cls.__name__}, version={version!r}): not a 'MAJOR.MINOR' version"
        ) from None
    current = versionutils.convert_version_to_tuple(cls.VERSION)
    if wanted[0] != current[0] or wanted > current:
        raise InvalidArgument(
            f"objects({cls.__name__}, version={version!r}): {cls.__name__} is version "
            f"{cls.VERSION}; ask for an older minor version of the same major, or pass a "
            f"class rebuilt at {version}"
        )
    return version


def _check_fields(cls: type, names: Iterable[str] | None) -> tuple[str, ...] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise InvalidArgument(f"objects({cls.__name__}): fields must be an iterable of names")
    wanted = set(names)
    unknown = sorted(wanted - set(cls.fields))
    if unknown:
        raise InvalidArgument(
            f"objects({cls.__name__}, fields=...): {', '.join(unknown)} not in "
            f"{cls.__name__}.fields ({', '.join(sorted(cls.fields))})"
        )
    return tuple(name for name in cls.fields if name in wanted)
