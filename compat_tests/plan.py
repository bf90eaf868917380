"""The plan: the object cases of a target, one per (class, property, version pair).

Each property is one `Property` entry in `PROPERTIES`: its name, its *shape*
(which versions it pairs: ``static`` over the whole recorded history,
``current`` at the current version, ``down`` from the current version to each
supported one, ``up`` from each supported one to the current), and its check.
`class_cases` turns the registry and a class's support window
(`compat_tests.window`) into `Case` objects; `compat_tests.runner` runs them.

With ``C`` the current version and ``v`` each older supported one:

* ``Name[C]-snapshot``: the recorded snapshots match the code (unbumped changes fail);
* ``Name[C]-roundtrip``: serialization and the JSON wire at the current version;
* ``Name[C->v]-backport``: new to old through ``obj_relationships`` (or the manifest
  when the class has none), including unset fields and source mutation;
* ``Name[C->v]-manifest``: new to old driven by the old node's version manifest;
* ``Name[C->v]-indirection``: the old node receives a too-new object through
  ``object_backport_versions``;
* ``Name[v->C]-upgrade``: old to new, re-backport to ``v``, and every pair ``v -> u``
  for the supported ``u < v`` on the same generated example.

Adding a property is one `register` call::

    register(Property("mine", "down", lambda subject, obj, case: check_mine(
        subject, obj, case.to_version)))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from compat_tests.properties import (
    Subject,
    check_backport,
    check_indirection,
    check_manifest_backport,
    check_roundtrip,
    check_upgrade,
)
from compat_tests.versions import parse
from compat_tests.window import Window

__all__ = ["PROPERTIES", "Case", "Property", "class_cases", "get", "register"]

# ``release``: one case per class checked against recorded releases (compat_tests.graph).
_SHAPES = ("static", "current", "down", "up", "release")


@dataclass(frozen=True)
class Property:
    """One property: ``name``, ``shape`` (see the module docstring) and ``check``.

    ``check(subject, obj, case)`` checks one generated example (``obj`` is an object
    of the current class, or of the old node's class for ``up``); a ``static``
    property's ``check(runner, case)`` returns the case's failures instead.
    ``lists_skipped``: the property lists below-window versions as skipped cases, so
    a run says what it does not test.  ``in_place``: the check only serializes the
    example (never reads its fields), so the shared run checks it on the example
    itself, passing ``primitives`` (a `compat_tests.properties.primitives.Primitives`
    computing each of the example's primitives once) and checking once, after every
    in-place check, that none changed the example; other checks get their own copy.
    """

    name: str
    shape: str
    check: Callable[..., Any]
    lists_skipped: bool = False
    in_place: bool = False

    def __post_init__(self) -> None:
        if self.shape not in _SHAPES:
            raise ValueError(f"property {self.name!r}: shape must be one of {_SHAPES}")

    @property
    def pair(self) -> bool:
        """True when the property exercises two different versions."""
        return self.shape in ("down", "up")

    @property
    def direction(self) -> str | None:
        """Which shared run checks it: ``current`` or ``upgrade`` examples (None: no examples)."""
        return {"current": "current", "down": "current", "up": "upgrade", "release": "current"}.get(
            self.shape
        )


#: property name -> `Property`, in the order cases are listed.
PROPERTIES: dict[str, Property] = {}


def register(prop: Property) -> Property:
    """Add ``prop`` to `PROPERTIES`."""
    if prop.name in PROPERTIES:
        raise ValueError(f"property {prop.name!r} is registered twice")
    PROPERTIES[prop.name] = prop
    return prop


def get(name: str) -> Property:
    """The registered property ``name``."""
    try:
        return PROPERTIES[name]
    except KeyError:
        raise ValueError(f"unknown property {name!r}; known: {', '.join(PROPERTIES)}") from None


@dataclass(frozen=True)
class Case:
    """One test: a property of one class at one version pair."""

    name: str
    prop: str
    from_version: str
    to_version: str
    lower: tuple[str, ...] = ()
    skip: str | None = None

    @property
    def id(self) -> str:
        """Readable test id such as ``Port[1.11->1.8]-backport``."""
        if self.from_version == self.to_version:
            return f"{self.name}[{self.from_version}]-{self.prop}"
        return f"{self.name}[{self.from_version}->{self.to_version}]-{self.prop}"

    @property
    def definition(self) -> Property:
        """The registered `Property` of this case."""
        return get(self.prop)

    @property
    def is_pair(self) -> bool:
        """True for cases that exercise two different versions."""
        return self.definition.pair

    @property
    def pairs(self) -> list[tuple[str, str]] | None:
        """The version pairs the case checks (None: the whole recorded history)."""
        if self.definition.shape == "static":
            return None
        return [(self.from_version, self.to_version), *((self.from_version, u) for u in self.lower)]


def class_cases(
    name: str, current: str, window: Window | None, where: str = "[support]"
) -> list[Case]:
    """The cases of class ``name`` at ``current``; ``window`` is None when nothing is recorded.

    ``where`` names the setting that moves the support window (shown on skipped cases).
    """
    props = PROPERTIES.values()
    # ``release`` cases exist only for classes the runner finds a release for.
    result = [
        Case(name, p.name, current, current) for p in props if not p.pair and p.shape != "release"
    ]
    if window is None:
        return result
    for v in reversed(window.supported):
        for p in props:
            if p.shape == "down":
                result.append(Case(name, p.name, current, v))
            elif p.shape == "up":
                lower = tuple(u for u in window.supported if parse(u) < parse(v))
                result.append(Case(name, p.name, v, current, lower=lower))
    for v in reversed(window.below):
        for p in props:
            if p.lists_skipped:
                result.append(Case(name, p.name, current, v, skip=window.why_below(v, where)))
    return result


def _snapshot(runner: Any, case: Case) -> list[Any]:
    return runner.class_snapshot_failures(case.name)


def _roundtrip(subject: Subject, obj: Any, case: Case) -> Any:
    return check_roundtrip(subject, obj)


def _backport(subject: Subject, obj: Any, case: Case, primitives: Any = None) -> Any:
    return check_backport(subject, obj, case.to_version, primitives=primitives)


def _manifest(subject: Subject, obj: Any, case: Case, primitives: Any = None) -> Any:
    return check_manifest_backport(subject, obj, case.to_version, primitives=primitives)


def _indirection(subject: Subject, obj: Any, case: Case, primitives: Any = None) -> Any:
    return check_indirection(subject, obj, case.to_version, primitives=primitives)


def _upgrade(subject: Subject, obj: Any, case: Case) -> Any:
    return check_upgrade(subject, obj, case.lower)


register(Property("snapshot", "static", _snapshot))
register(Property("roundtrip", "current", _roundtrip))
register(Property("backport", "down", _backport, lists_skipped=True, in_place=True))
register(Property("manifest", "down", _manifest, in_place=True))
register(Property("indirection", "down", _indirection, in_place=True))
register(Property("upgrade", "up", _upgrade))


def _release(subject: Subject, obj: Any, case: Case) -> Any:
    from compat_tests.graph import check_release_graph

    return check_release_graph(subject, obj, subject.releases())


register(Property("release", "release", _release))
