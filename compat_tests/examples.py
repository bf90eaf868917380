"""What a class's shared run draws: current objects, and old objects projected from one.

A shared run (`compat_tests.runner`) checks every pair of a class on the same examples,
in two Hypothesis runs.  The current direction's cases (roundtrip, backport, manifest,
indirection) check objects of the current class, drawn alone (`SharedExamples.current`).
Each upgrade case checks an object of its old version's class; drawing each on its own
would cost one draw per old version per example, most of them re-drawing fields the old
version describes exactly as the current one does, so `SharedExamples.upgrades` draws the
current class once per example as the *source* of the old versions' objects, and projects
it: each old object holds its values in the fields both versions describe alike
(`project`), and draws the rest with the old class's own strategy
(``strategies.objects(old, fields=rest)``):

* fields the two versions describe differently (type, nullability, default);
* fields only the old version has;
* object-valued fields: an old version's children are the old node's classes.

Every value an old version's strategy draws stays possible (the shared fields come
from the same strategies: the old node's field is a copy of the current one when their
descriptors are equal), so no case sees a narrower range of examples.  The old versions'
examples are correlated with each other (as the current direction's pairs share one
object), and independent of the current direction's objects.

Why two runs, not one drawing both: Hypothesis spreads a test case's choices over all it
draws, and what a test case draws second is drawn smaller (its first test cases are
capped at a few times their minimal size, and most later ones are mutations of earlier
ones).  Drawn in one test case, the current objects of a 40-example run held a non-empty
child list in 4.9 examples on average, and in none at all for 4 of 30 seeds (0 of 30 drawn
alone): a child-version bug went unseen.  The old versions' own fields are still drawn
after the source and each other, and show it mildly (the second of the sample Network's
old versions with children held one in 6.1 of 40 examples on average, against 8.7 drawn
alone; the first 8.6); dedicated runs, which shrink a failure, draw the old class directly.
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
    """One example of a shared run: a ``current`` object, or one object per old version."""

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

    def current(self) -> st.SearchStrategy:
        """The current direction's examples: a current object each (no old ones)."""
        return self._current.map(SharedExample)

    def upgrades(self) -> st.SearchStrategy:
        """The upgrade cases' examples: one object per old class, projected from one source."""
        source, olds = self._current, self._olds

        @st.composite
        def upgrade_examples(draw: st.DrawFn) -> SharedExample:
            drawn = draw(source)
            return SharedExample(
                None, tuple(project(drawn, draw(rest), shared) for rest, shared in olds)
            )

        return upgrade_examples()
