"""Run the sample target's object suite with broken classes substituted in."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import fixtures
from hypothesis import HealthCheck, settings
from oslo_versionedobjects import base

from compat_tests.cases import ObjectSuite
from compat_tests.config import Target, load_target
from compat_tests.discover import Catalog
from compat_tests.failures import CompatFailure, Failure
from compat_tests.snapshots import SnapshotStore

# The sample target is configured once, in the repository's pyproject.toml.
CONFIG = Path(__file__).resolve().parents[2] / "pyproject.toml"
SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.lru_cache(maxsize=1)
def sample() -> tuple[Target, dict[str, type]]:
    """The sample target and its current classes."""
    target = load_target(CONFIG, "sample")
    return target, dict(Catalog.load(target).classes)


class Substitute(fixtures.Fixture):
    """Register broken classes in OVO's global class table; restore the table afterwards."""

    def __init__(self, *classes: type) -> None:
        super().__init__()
        self.classes = classes

    def _setUp(self) -> None:
        table = base.VersionedObjectRegistry.obj_classes()
        for cls in self.classes:
            name = cls.obj_name()
            self.addCleanup(table.__setitem__, name, list(table[name]))
            base.VersionedObjectRegistry.register(cls)


def failures(
    *broken: type,
    names: Iterable[str] | None = None,
    histories: Any = None,
    props: Iterable[str] | None = None,
) -> list[Failure]:
    """Run the cases of classes ``names`` (default: the broken ones) and collect the failures.

    ``props`` limits the run to those properties (default: all).
    """
    target, classes = sample()
    classes = {**classes, **{cls.obj_name(): cls for cls in broken}}
    wanted = set(names or (cls.obj_name() for cls in broken))
    store = histories if histories is not None else SnapshotStore(target.snapshots)
    suite = ObjectSuite(target, classes, store)
    found = []
    with Substitute(*broken):
        for case in suite.cases():
            if case.skip or case.name not in wanted or (props and case.prop not in props):
                continue
            try:
                suite.run(case, SETTINGS)
            except CompatFailure as exc:
                found.append(exc.failure)
    return found


def forgets_to_drop_new_field() -> Substitute:
    """A target fixture (``fixtures = [...]``) putting a broken Port in place for a whole run."""
    from tests.gallery.broken import ForgetsToDropNewField

    return Substitute(ForgetsToDropNewField)
