"""The checks tests/neutron and tests/nova share: a real target's fields survive the wire.

Each target's ``test_strategies.py`` parametrizes these over its own registry and field
modules; the logic (what "survives" means) is written once, here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from oslo_serialization import jsonutils
from oslo_versionedobjects import fields

import strategies


def registered_classes(registry: Any) -> list[type]:
    """Every class version ``registry`` holds, by (name, version)."""
    return sorted(
        {cls for versions in registry.obj_classes().values() for cls in versions},
        key=lambda cls: (cls.obj_name(), cls.VERSION),
    )


def class_id(cls: type) -> str:
    """``Port-1.10``: a parametrize id."""
    return f"{cls.obj_name()}-{cls.VERSION}"


def is_object_field(field: fields.Field) -> bool:
    """Whether ``field`` holds objects (directly or inside lists and dicts)."""
    field_type = field._type
    while isinstance(field_type, fields.CompoundFieldType):
        field_type = field_type._element_type._type
    return isinstance(field_type, fields.Object)


def wire(field: fields.Field, owner: object, name: str, value: object) -> tuple[object, object]:
    """Coerce ``value`` and send it through to_primitive, JSON and from_primitive."""
    coerced = field.coerce(owner, name, value)
    primitive = jsonutils.loads(jsonutils.dumps(field.to_primitive(owner, name, coerced)))
    return coerced, field.from_primitive(owner, name, primitive)


def check_scalar_fields(cls: type) -> None:
    """Every non-object field of ``cls`` gets values that survive coerce and the wire."""
    owner = cls()
    names = sorted(name for name, field in cls.fields.items() if not is_object_field(field))
    values = st.fixed_dictionaries(
        {
            name: strategies.field_values(cls.fields[name], owner=cls.obj_name(), name=name)
            for name in names
        }
    )

    @given(values)
    def check(drawn: dict[str, object]) -> None:
        for name, value in drawn.items():
            coerced, back = wire(cls.fields[name], owner, name, value)
            assert back == coerced, f"{cls.obj_name()}.{name}: {coerced!r} came back as {back!r}"

    check()


def check_field_class(field_class: type, nullable: bool, owner: str) -> None:
    """A ready-made ``*Field`` class has a strategy whose values survive the wire."""
    field = field_class(nullable=nullable)

    @given(strategies.field_values(field, owner=owner, name=field_class.__name__))
    def check(value: object) -> None:
        coerced, back = wire(field, None, "f", value)
        assert back == coerced

    check()


def classes_defined_in(modules: Iterable[ModuleType], keep: Callable[[type], bool]) -> list[type]:
    """The classes ``modules`` define themselves (not import) that ``keep`` accepts, by name."""
    found = [
        member
        for module in modules
        for _, member in inspect.getmembers(module, inspect.isclass)
        if member.__module__ == module.__name__ and keep(member)
    ]
    return sorted(found, key=lambda cls: cls.__name__)
