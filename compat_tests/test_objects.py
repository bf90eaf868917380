"""The generic object compatibility tests of a configured target.

Collected by ``pytest --pyargs compat_tests --compat-config FILE --compat-target NAME``
(or ``ovo-compat run``): one test per (class, property, version pair), with ids
like ``Port[1.11->1.8]-backport``.  Not collected when no target is configured.
"""

from __future__ import annotations

import pytest

from compat_tests import plugin
from compat_tests.cases import Case


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``object_case`` with every case of the configured target."""
    if "object_case" not in metafunc.fixturenames:
        return
    cases = plugin.run_context(metafunc.config).objects.cases()
    # One xdist group per class (used with --dist loadgroup): a class's shared runs, which
    # decide all its pair cases, then happen once, on one worker.
    metafunc.parametrize(
        "object_case",
        [
            pytest.param(
                c,
                id=c.id,
                marks=[
                    pytest.mark.xdist_group(c.name),
                    *([pytest.mark.skip(reason=c.skip)] if c.skip else []),
                ],
            )
            for c in cases
        ],
    )


@pytest.fixture(scope="session")
def compat_run(request: pytest.FixtureRequest) -> plugin.RunContext:
    """The run context shared by every generic test."""
    return plugin.run_context(request.config)


def test_object(object_case: Case, compat_run: plugin.RunContext) -> None:
    """One property of one class at one version pair holds for every generated example."""
    compat_run.objects.run(object_case)


def test_target_exercises_classes_and_pairs(compat_run: plugin.RunContext) -> None:
    """A run that would exercise zero classes or zero version pairs fails instead of passing."""
    target = compat_run.target
    cases = compat_run.objects.cases()
    classes = {c.name for c in cases}
    pairs = [c for c in cases if c.is_pair and not c.skip]
    if not classes:
        pytest.fail(f"target {target.name!r} ({target.config_path}) exercises zero classes")
    if not pairs:
        pytest.fail(
            f"target {target.name!r} ({target.config_path}) exercises zero version pairs: "
            f"no class has a recorded version inside the support window older than its "
            f"current one (snapshots: {target.snapshots}); record older versions or widen "
            "[support]"
        )
