"""What a class's shared run draws: one current object and its projections onto old versions.

A shared run (`compat_tests.runner`) checks every pair of a class on the same examples.
The current direction's cases check an object of the current class; each upgrade case
checks an object of its old version's class.  Drawing each old object on its own costs
one Hypothesis draw per old version per example, most of them re-drawing fields the
old version describes exactly as the current one does.  `SharedExamples` draws the
current class twice per example, once for the current direction's cases and once as
the *source* of the old versions' objects, and projects the source: each old object holds
its values in the fields both versions describe alike (`project`), and draws the rest with
the old class's own strategy (``strategies.objects(old, fields=rest)``):

* fields the two versions describe differently (type, nullability, default);
* fields only the old version has;
* object-valued fields: an old version's children are the old node's classes.

Every value an old version's strategy draws stays possible (the shared fields come
from the same strategies: the old node's field is a copy of the current one when their
descriptors are equal), so no case sees a narrower range of examples.  The old versions'
examples are correlated with each other (as the current direction's pairs share one
object), and independent of the current direction's object, as before: a bug that one
value triggers still gets two independent chances per example.  Dedicated runs, which
shrink a failure, still draw the old class directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

import strategies
from compat_tests.descriptors import objname
from compat_tests.properties.shown import describe
from compat_tests.schema import describe_field
from strategies._objects import project

__all__ = ["SharedExample", "SharedExamples", "alike_fields"]


@dataclass(frozen=True, repr=False)
class SharedExample:
    """One example of a shared run: ``current`` and one object per old version (``olds``)."""

    current: Any
    olds: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        # Never the objects' repr(): it may lazy-load.
        return f"SharedExample({describe(self.current)}, olds={describe(self.olds)})"


def alike_fields(current: type, old: type) -> tuple[str, ...]:
    """The fields of ``old`` that ``current`` describes alike and that hold no objects."""
    found = []
    for name, field in old.fields.items():
        mine = current.fields.get(name)
        if mine is None:
            continue
        descriptor = describe_field(field)
        if objname(descriptor) is None and describe_field(mine) == descriptor:
            found.append(name)
    return tuple(found)


class SharedExamples:
    """The strategy of `SharedExample` for ``current`` and the old classes ``olds``."""

    def __init__(
        self,
        current: type,
        olds: Sequence[type],
        context: Any = None,
        rules: Mapping[tuple[str, str], Any] | None = None,
    ) -> None:
        """Plan the projection of ``current`` onto each class of ``olds``."""
        self._current = strategies.objects(current, context=context, rules=rules)
        self._olds: list[tuple[st.SearchStrategy, tuple[str, ...]]] = []
        for old in olds:
            shared = alike_fields(current, old)
            rest = tuple(name for name in old.fields if name not in shared)
            self._olds.append(
                (strategies.objects(old, fields=rest, context=context, rules=rules), shared)
            )

    def strategy(self) -> st.SearchStrategy:
        """Draws the current object, then each old one from it (see the module docstring)."""
        if not self._olds:
            return self._current.map(SharedExample)
        current, olds = self._current, self._olds

        @st.composite
        def shared_examples(draw: st.DrawFn) -> SharedExample:
            obj = draw(current)
            # The old objects' source is drawn on its own, so the two directions see
            # independent values, as when each drew its own examples.
            source = draw(current)
            return SharedExample(
                obj, tuple(project(source, draw(rest), shared) for rest, shared in olds)
            )

        return shared_examples()
