"""The generic RPC compatibility tests of a configured target.

Collected by ``pytest --pyargs compat_tests --compat-config FILE --compat-target NAME``
for every ``RpcApi`` in the target's ``rpc`` list; each test is one
`compat_tests.rpc.suite.RpcCase` (ids ``test_rpc[snapshot-Api]``,
``test_rpc[call-Api.method@1.2]``, ...).  Every client method runs at every cap of
the support window; caps below it are reported as skipped with the reason.
Declared exceptions apply through the run's `compat_tests.declarations.Ledger`
(shared with the object tests, so a declaration that never fires fails the run).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from compat_tests import plugin
from compat_tests.errors import OvoCompatError
from compat_tests.rpc.suite import RpcCase, RpcSuite

_SUITE = pytest.StashKey[RpcSuite]()


def _suite(config: pytest.Config) -> RpcSuite:
    if _SUITE not in config.stash:
        context = plugin.run_context(config)
        try:
            config.stash[_SUITE] = RpcSuite.load(
                context.target, registry=context.catalog.registry, ledger=context.ledger
            )
        except OvoCompatError as exc:
            raise pytest.UsageError(str(exc)) from None
    return config.stash[_SUITE]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``rpc_case`` with every RPC case of the target."""
    if "rpc_case" not in metafunc.fixturenames:
        return
    try:
        cases = _suite(metafunc.config).cases()
    except OvoCompatError as exc:
        raise pytest.UsageError(str(exc)) from None
    metafunc.parametrize(
        "rpc_case",
        [
            pytest.param(
                c,
                id=f"{c.kind}-{c.id}",
                marks=[pytest.mark.xdist_group(f"rpc-{c.api}")]
                + ([pytest.mark.skip(reason=c.skip)] if c.skip else []),
            )
            for c in cases
        ],
    )


@pytest.fixture(scope="session")
def rpc_suite(request: pytest.FixtureRequest) -> Iterator[RpcSuite]:
    """The target's `RpcSuite`, torn down at the end of the session."""
    suite = _suite(request.config)
    yield suite
    suite.close()


def test_rpc(rpc_case: RpcCase, rpc_suite: RpcSuite, request: pytest.FixtureRequest) -> None:
    """One RPC case holds (see `compat_tests.rpc.suite` for the kinds)."""
    before = rpc_suite.examples
    try:
        rpc_suite.run(rpc_case)
    finally:
        if rpc_case.kind == "call":
            plugin.record_rpc_case(
                request.config, rpc_case.api, rpc_case.method, rpc_suite.examples - before
            )
