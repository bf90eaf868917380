"""The generic RPC compatibility tests of a configured target.

Collected by ``pytest --pyargs compat_tests --compat-config FILE --compat-target NAME``
for every ``RpcApi`` in the target's ``rpc`` list:

* ``test_rpc_snapshot[Api]``: the current server against its recorded history;
* ``test_rpc_signatures[Api@cap]``: the current server takes every call the
  snapshot of ``cap`` allows;
* ``test_rpc_call[Api.method@cap]``: a client pinned at ``cap`` with generated
  arguments, against the server as it was at ``cap`` and the current server,
  plus one end-to-end call per (method, cap) over ``fake:/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat_tests import plugin
from compat_tests.declarations import Ledger
from compat_tests.errors import OvoCompatError
from compat_tests.failures import CompatFailure
from compat_tests.rpc import (
    Harness,
    argument_strategy,
    check_api,
    check_pinned_call,
    check_real_call,
    check_signatures,
    client_methods,
    describe_api,
    load_apis,
    load_history,
)
from compat_tests.window import support_window

_HARNESSES = pytest.StashKey[dict]()


def _harnesses(config: pytest.Config) -> dict[str, Harness]:
    if _HARNESSES not in config.stash:
        target = plugin.run_context(config).target
        harnesses = {}
        try:
            for api in load_apis(target):
                harness = Harness(api, load_history(target.snapshots / "rpc", api.name))
                harness.setUp()
                harnesses[api.name] = harness
        except OvoCompatError as exc:
            raise pytest.UsageError(str(exc)) from None
        config.stash[_HARNESSES] = harnesses
    return config.stash[_HARNESSES]


def _window(config: pytest.Config, harness: Harness) -> tuple[list[str], list[str]]:
    oldest = plugin.run_context(config).target.oldest_supported(harness.api.name)
    window = support_window(harness.api.name, harness.history, harness.current["version"], oldest)
    return harness.caps(oldest), list(window.below)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize the RPC tests with every API, cap and client method of the target."""
    names = set(metafunc.fixturenames)
    if not names & {"rpc_api", "rpc_cap_case", "rpc_call_case"}:
        return
    harnesses = _harnesses(metafunc.config)
    if "rpc_api" in names:
        metafunc.parametrize("rpc_api", list(harnesses), ids=list(harnesses))
        return
    params = []
    for name, harness in harnesses.items():
        caps, below = _window(metafunc.config, harness)
        skip = [pytest.mark.skip(reason=f"{name} {v} is below the support window") for v in below]
        if "rpc_cap_case" in names:
            params += [pytest.param((name, c), id=f"{name}@{c}") for c in caps]
            params += [pytest.param((name, v), id=f"{name}@{v}", marks=skip) for v in below]
            continue
        client = harness.api.client(harness.capture_transport(), None)
        for method in client_methods(harness.api, client):
            for cap in caps:
                marks = []
                known = {
                    m for s in (*harness.history.values(), harness.current) for m in s["methods"]
                }
                if method in known and method not in harness.schema_at(cap)["methods"]:
                    marks = [pytest.mark.skip(reason=f"{name}.{method} did not exist at {cap}")]
                params.append(
                    pytest.param((name, method, cap), id=f"{name}.{method}@{cap}", marks=marks)
                )
    metafunc.parametrize("rpc_cap_case" if "rpc_cap_case" in names else "rpc_call_case", params)


@pytest.fixture(scope="session")
def rpc_harnesses(request: pytest.FixtureRequest) -> Iterator[dict[str, Harness]]:
    """The harness of every RPC API of the target, torn down at the end of the session."""
    harnesses = _harnesses(request.config)
    yield harnesses
    for harness in harnesses.values():
        harness.cleanUp()
    request.config.stash[_HARNESSES] = {}


def _ledger(request: pytest.FixtureRequest) -> Ledger:
    return plugin.run_context(request.config).ledger


def test_rpc_snapshot(
    rpc_api: str, rpc_harnesses: dict[str, Harness], request: pytest.FixtureRequest
) -> None:
    """The current server of the API against its recorded RPC snapshots."""
    harness = rpc_harnesses[rpc_api]
    target = plugin.run_context(request.config).target
    oldest = target.oldest_supported(rpc_api)
    failures = check_api(rpc_api, harness.history, describe_api(harness.api), oldest=oldest)
    ledger = _ledger(request)
    ledger.cover(rpc_api)
    ledger.raise_first(failures)


def test_rpc_signatures(
    rpc_cap_case: tuple[str, str],
    rpc_harnesses: dict[str, Harness],
    request: pytest.FixtureRequest,
) -> None:
    """The current server accepts every call the snapshot at the cap allows."""
    name, cap = rpc_cap_case
    harness = rpc_harnesses[name]
    ledger = _ledger(request)
    ledger.cover(name, [(cap, harness.current["version"])])
    ledger.guard(lambda: check_signatures(harness, cap))


def test_rpc_call(
    rpc_call_case: tuple[str, str, str],
    rpc_harnesses: dict[str, Harness],
    request: pytest.FixtureRequest,
) -> None:
    """A client pinned at the cap works against the old and the current server."""
    name, method, cap = rpc_call_case
    harness = rpc_harnesses[name]
    client = harness.api.client(harness.capture_transport(), None)
    arguments = argument_strategy(harness.api, client, method)
    ledger = _ledger(request)
    ledger.cover(f"{name}.{method}", [(cap, cap), (cap, harness.current["version"])])
    real_done: list[Any] = []
    excused: list[bool] = []
    examples = [0]

    @given(st.data())
    def pinned_call(data: st.DataObject) -> None:
        examples[0] += 1
        kwargs = data.draw(arguments, label="kwargs")
        try:
            sent = check_pinned_call(harness, method, cap, kwargs)
        except CompatFailure as exc:  # a declared exception covers it, or the test fails
            if not ledger.excuse(exc.failure):
                raise
            excused.append(True)
            return
        if sent and not real_done:
            for server in (cap, None):
                ledger.guard(
                    lambda server=server: check_real_call(harness, method, cap, server, kwargs)
                )
            real_done.append(True)

    try:
        pinned_call()
    finally:
        plugin.record_rpc_case(request.config, name, method, examples[0])
    if not real_done and not excused:
        pytest.skip(f"{name}.{method} sends RPC methods that did not exist at {cap}")
