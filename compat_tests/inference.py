"""Infer the older schemas of a class from its own backport code.

For projects that never recorded snapshots: every version ``X.0`` up to (not including)
the current one is derived by backporting a fully populated instance with
``obj_to_primitive(target_version=v)``.  The keys left in the primitive's data are the
fields version ``v`` had; their descriptors are taken from the current class (so only
field *presence* is known), the relationships are the current ``obj_relationships``
entries that already existed at ``v``, and the schema is marked ``"inferred": true``
with a null fingerprint.

The instances are built deterministically: a representative value per field type, checked
with the field's own ``coerce``.  A field type with a strategy registered through
``strategies.register_field_strategy`` (the target's ``strategies`` modules, which
`compat_tests.discover.Catalog.load` imports first) takes its value from that strategy,
the same registry the suite draws from: Hypothesis's simplest example, found with a fixed
seed and no example database.  When backport code refuses a
version even for an instance holding only defaults and nulls, that version is not
inferred and `InferenceError` reports it together with what could be inferred.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import hypothesis
import netaddr
from oslo_versionedobjects import base, exception, fields

from compat_tests.errors import SnapshotError
from compat_tests.relationships import all_subclasses as _all_subclasses
from compat_tests.schema import describe, describe_field
from compat_tests.versions import parse

__all__ = ["InferenceError", "infer_history", "populated"]

Schema = dict[str, Any]

# Child objects are fully populated down to this depth, then left empty (only their
# parent's field set matters, and cyclic object graphs must end).
_MAX_DEPTH = 3

_UUID = str(uuid.UUID(int=0x0C0FFEE))
_WHEN = datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)
# Tried in order after the type-specific candidates; the field's coerce picks the first fit.
_GENERIC = (
    1,
    "x",
    True,
    1.5,
    _UUID,
    "fa:16:3e:00:00:01",
    "192.0.2.1",
    "192.0.2.0/24",
    _WHEN,
    # Custom types (e.g. neutron-lib's) may insist on netaddr objects rather than strings.
    netaddr.EUI("fa:16:3e:00:00:01"),
    netaddr.IPAddress("192.0.2.1"),
    netaddr.IPNetwork("192.0.2.0/24"),
)
_SPECIFIC: tuple[tuple[type, Any], ...] = (
    (fields.UUID, _UUID),
    (fields.MACAddress, "fa:16:3e:00:00:01"),
    (fields.PCIAddress, "0000:00:01.0"),
    (fields.IPV6Address, "2001:db8::1"),
    (fields.IPAddress, "192.0.2.1"),
    (fields.IPV6Network, "2001:db8::/64"),
    (fields.IPNetwork, "192.0.2.0/24"),
    (fields.Boolean, True),
    (fields.Float, 1.5),
    (fields.NonNegativeFloat, 1.5),
    (fields.Integer, 1),
    (fields.NonNegativeInteger, 1),
    (fields.String, "x"),
)
# Descriptors guessed for keys a backport adds that the current class no longer has.
_GUESSES: tuple[tuple[type, type[fields.Field]], ...] = (
    (bool, fields.BooleanField),
    (int, fields.IntegerField),
    (float, fields.FloatField),
    (str, fields.StringField),
)


class InferenceError(SnapshotError):
    """Backport code refused some versions; ``history`` holds the versions that were inferred.

    ``skipped`` maps each refused version to the error the backport code raised.
    """

    def __init__(self, name: str, history: dict[str, Schema], skipped: dict[str, str]) -> None:
        self.name = name
        self.history = history
        self.skipped = skipped
        refused = "; ".join(f"{version}: {reason}" for version, reason in skipped.items())
        inferred = ", ".join(history) or "none"
        super().__init__(
            f"{name}: cannot infer version(s) {', '.join(skipped)} from the backport code "
            f"({refused}); inferred: {inferred}.  Record those versions from the old release "
            "that shipped them (`ovo-compat snapshot --release SPEC`), or raise the support window "
            f'above them ([tool.ovo-compat.targets.<name>.support] {name} = "<version>")'
        )


def infer_history(cls: type[base.VersionedObject], *, context: Any = None) -> dict[str, Schema]:
    """Inferred schemas of ``cls`` at every version ``X.0`` .. ``X.(current-1)``, oldest first.

    Raises `InferenceError` (carrying the versions that could be inferred) when the
    backport code refuses a version.
    """
    name = cls.obj_name()
    current_major, current_minor = parse(cls.VERSION, where=f"{name}.VERSION")
    current = describe(cls)
    history: dict[str, Schema] = {}
    skipped: dict[str, str] = {}
    for minor in range(current_minor):
        version = f"{current_major}.{minor}"
        try:
            history[version] = _infer_version(cls, version, current, context)
        except _Refused as refused:
            skipped[version] = str(refused)
    if skipped:
        raise InferenceError(name, history, skipped)
    return history


def populated(
    cls: type[base.VersionedObject], *, context: Any = None, defaults: bool = False
) -> base.VersionedObject:
    """A deterministic instance of ``cls`` with every field set.

    With ``defaults``, fields take their default (or ``None`` when nullable) where they
    have one, instead of a representative non-null value.
    """
    return _populate(cls, context, defaults, depth=0)


class _Refused(Exception):
    """The backport code (or a field) refused this version; the message says why."""


def _infer_version(
    cls: type[base.VersionedObject], version: str, current: Schema, context: Any
) -> Schema:
    data = _backported_data(cls, version, context)
    field_descriptors = {}
    for key, value in sorted(data.items()):
        if key in current["fields"]:
            field_descriptors[key] = current["fields"][key]
        else:
            field_descriptors[key] = _guess_descriptor(key, value)
    relationships = {}
    for key, pairs in current["relationships"].items():
        kept = [pair for pair in pairs if parse(pair[0]) <= parse(version)]
        if key in field_descriptors and kept:
            relationships[key] = kept
    return {
        "version": version,
        "fields": field_descriptors,
        "relationships": relationships,
        "remotable": current["remotable"],
        "fingerprint": None,
        "inferred": True,
    }


def _backported_data(
    cls: type[base.VersionedObject], version: str, context: Any
) -> Mapping[str, Any]:
    # A lossy backport may refuse non-default values, so an instance holding only
    # defaults and nulls is tried next.  Classes that backport children through a
    # version manifest instead of obj_relationships ("No rule for <field>") are then
    # tried with a manifest of the children's current versions (as OVO itself does when
    # an old node sends one, relationships are then not consulted).
    errors = []
    for with_manifest in (False, True):
        for defaults in (False, True):
            try:
                instance = _populate(cls, context, defaults, depth=0)
                manifest = _manifest(instance) if with_manifest else None
                primitive = instance.obj_to_primitive(
                    target_version=version, version_manifest=manifest
                )
            except _Refused as exc:
                errors.append(str(exc))
                continue
            except Exception as exc:  # project backport code may raise anything
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            return primitive[cls._obj_primitive_key("data")]
    raise _Refused(" / then: ".join(dict.fromkeys(errors)))


def _manifest(instance: base.VersionedObject) -> dict[str, str]:
    return {obj.obj_name(): obj.VERSION for obj in _walk(instance)}


def _walk(value: Any) -> Iterator[base.VersionedObject]:
    if isinstance(value, base.VersionedObject):
        yield value
        for name in value.fields:
            if value.obj_attr_is_set(name):
                yield from _walk(getattr(value, name))
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


def _populate(
    cls: type[base.VersionedObject], context: Any, defaults: bool, depth: int
) -> base.VersionedObject:
    instance = cls(context=context)
    if depth > _MAX_DEPTH:
        return instance
    for name, field in sorted(cls.fields.items()):
        setattr(instance, name, _value(cls, instance, name, field, defaults, depth))
    return instance


def _value(
    cls: type[base.VersionedObject],
    instance: base.VersionedObject,
    name: str,
    field: fields.Field,
    defaults: bool,
    depth: int,
) -> Any:
    if defaults:
        if field.default is not fields.UnspecifiedDefault:
            return field.default
        if field.nullable:
            return None
    try:
        candidates = _registered(cls, name, field) + _candidates(cls, field._type, defaults, depth)
    except _Refused:
        raise
    except Exception as exc:  # e.g. a child object class that is not registered
        raise _Refused(f"cannot build a value for field {name!r}: {exc}") from exc
    for candidate in candidates:
        try:
            field.coerce(instance, name, candidate)
        except Exception:  # any refusal by the field's coerce: try the next candidate
            continue
        return candidate
    if field.default is not fields.UnspecifiedDefault:
        return field.default
    if field.nullable:
        return None
    kind = type(field._type)
    raise _Refused(
        f"no value found for field {name!r} of type {kind.__name__}; register a strategy for "
        f"it in one of the target's 'strategies' modules (strategies.register_field_strategy("
        f"{kind.__module__}.{kind.__qualname__}, ...)), which inference uses as the suite does, "
        "or record this version from the old release (`ovo-compat snapshot --release SPEC`)"
    )


def _registered(cls: type[base.VersionedObject], name: str, field: fields.Field) -> list[Any]:
    """The simplest value of the strategy registered for ``field``'s type, if one is registered.

    Only registrations count (the built-in strategies are what `_candidates` already
    mirrors); a registered type's values come from the registry, as in the suite.
    """
    from strategies import _registry  # the registry the suite's strategies read

    kinds = [field._type] + (
        [field._type._element_type._type]
        if isinstance(field._type, fields.CompoundFieldType)
        else []
    )
    if not any(
        _registry.user_registration(klass) is not None
        for kind in kinds
        for klass in type(kind).__mro__
    ):
        return []
    from strategies import field_values

    plain = fields.Field(field._type, nullable=False)
    values = field_values(plain, owner=cls.obj_name(), name=name)
    try:
        found = hypothesis.find(
            values,
            lambda value: True,
            settings=hypothesis.settings(database=None, max_examples=50, deadline=None),
            random=random.Random(0),
        )
    except (hypothesis.errors.NoSuchExample, hypothesis.errors.Unsatisfiable):
        return []
    return [found]


def _candidates(
    cls: type[base.VersionedObject], field_type: fields.FieldType, defaults: bool, depth: int
) -> list[Any]:
    valid = getattr(field_type, "_valid_values", None)
    if valid:
        return [next(iter(valid))]
    if isinstance(field_type, fields.Object):
        return [_child(cls, field_type, defaults, depth)]
    if isinstance(field_type, fields.CompoundFieldType):
        element = field_type._element_type
        inner = _candidates(cls, element._type, defaults, depth)
        if isinstance(field_type, fields.List):
            return [[value] for value in inner] + [[]]
        if isinstance(field_type, fields.Set):
            return [{value} for value in inner if _hashable(value)] + [set()]
        return [{"key": value} for value in inner] + [{}]
    if isinstance(field_type, fields.DateTime):
        return [_WHEN if field_type.tzinfo_aware else _WHEN.replace(tzinfo=None)]
    specific = [value for kind, value in _SPECIFIC if isinstance(field_type, kind)]
    return specific[:1] + list(_GENERIC) + [{}, []]


def _child(
    cls: type[base.VersionedObject], field_type: fields.Object, defaults: bool, depth: int
) -> base.VersionedObject:
    child_cls = _child_class(cls, field_type._obj_name, field_type._subclasses)
    return _populate(child_cls, None, defaults, depth + 1)


def _child_class(
    owner: type[base.VersionedObject], objname: str, subclasses: bool
) -> type[base.VersionedObject]:
    # Resolved through the owner's obj_class_from_name, which knows the project's registry
    # (neutron, for one, keeps its own class table).  With subclasses=True the field may
    # name an unregistered abstract base: any registered subclass will do.
    candidates = sorted(
        {
            klass
            for klass in _all_subclasses(base.VersionedObject)
            if klass.obj_name() == objname
            or (subclasses and objname in {p.obj_name() for p in _versioned_mro(klass)})
        },
        key=lambda klass: (klass.obj_name() != objname, klass.obj_name(), klass.__qualname__),
    )
    errors = []
    for candidate in candidates:
        try:
            return owner.obj_class_from_name(candidate.obj_name(), candidate.VERSION)
        except exception.VersionedObjectsException as exc:
            errors.append(str(exc))
    raise _Refused(
        f"no registered class for child object {objname!r} "
        f"({'; '.join(errors) or 'none defined'}); import the module defining it"
    )


def _versioned_mro(klass: type) -> list[Any]:
    return [parent for parent in klass.mro() if hasattr(parent, "obj_name")]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _guess_descriptor(key: str, value: Any) -> dict[str, Any]:
    for python_type, field_class in _GUESSES:
        if type(value) is python_type:
            return describe_field(field_class(nullable=True))
    raise _Refused(
        f"the backport adds field {key!r} (value {value!r}) that the current class does not "
        "have, and its type cannot be guessed"
    )
