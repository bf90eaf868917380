"""The unbroken sample API passes every pinned-client property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compat_tests.rpc import (
    argument_strategy,
    check_pinned_call,
    check_real_call,
    check_signatures,
    client_methods,
)
from compat_tests.rpc.diff import check_api
from compat_tests.rpc.schema import describe_api
from tests.sample.rpc import SAMPLE_RPC

CAPS = ["1.0", "1.1", "1.2", "1.3"]
METHODS = ["get_rule_ids", "sync", "update_rule"]


def test_client_methods_are_found(make_harness):
    harness = make_harness()
    client = SAMPLE_RPC.client(harness.capture_transport(), None)
    assert client_methods(SAMPLE_RPC, client) == tuple(METHODS)


def test_caps_cover_the_recorded_history(make_harness):
    assert make_harness().caps("1.0") == CAPS
    assert make_harness().caps("1.2") == ["1.2", "1.3"]


def test_current_schema_matches_latest_snapshot(history):
    assert check_api(SAMPLE_RPC.name, history, describe_api(SAMPLE_RPC)) == []


@pytest.mark.parametrize("cap", CAPS)
def test_signatures_accept_every_cap(make_harness, cap):
    check_signatures(make_harness(), cap)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("cap", CAPS)
def test_pinned_calls_pass(make_harness, method, cap):
    harness = make_harness()
    client = SAMPLE_RPC.client(harness.capture_transport(), None)
    checked = []

    @settings(max_examples=10)
    @given(st.data())
    def run(data):
        kwargs = data.draw(argument_strategy(SAMPLE_RPC, client, method))
        checked.append(check_pinned_call(harness, method, cap, kwargs))

    run()
    # sync appeared in 1.1: a 1.0 client never calls it, every other pair is checked
    assert set(checked) == {not (method == "sync" and cap == "1.0")}


@pytest.mark.parametrize("cap", CAPS)
def test_real_transport_call_passes(make_harness, cap):
    harness = make_harness()
    for server in (cap, None):
        check_real_call(harness, "get_rule_ids", cap, server, {"security_group_id": "sg"})
