"""Functional: the pinned-client property over a real RabbitMQ (``rabbit://`` on localhost)."""

from __future__ import annotations

import socket

import pytest

from compat_tests.rpc import check_real_call

URL = "rabbit://guest:guest@127.0.0.1:5672/"
# Needs a real RabbitMQ: not in the default run; `tox -e functional` (run by .ci/run) runs it.
pytestmark = pytest.mark.rabbit


@pytest.fixture(scope="module", autouse=True)
def rabbitmq_running():
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError as exc:
        pytest.fail(
            f"RabbitMQ is not reachable at 127.0.0.1:5672 ({exc}); start it "
            "(e.g. `systemctl start rabbitmq-server` or `docker run -p 5672:5672 rabbitmq`) "
            "to run this functional test"
        )


@pytest.mark.parametrize("cap", ["1.0", "1.2", "1.3"])
def test_pinned_client_over_rabbit(make_harness, cap):
    harness = make_harness(url=URL, timeout=10)
    for server in (cap, None):
        check_real_call(harness, "get_rule_ids", cap, server, {"security_group_id": "sg"})
