"""The node process layer: ready handshake, bounded calls, crashes and hangs named clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from compat_tests.cross import (
    NodeCallError,
    NodeCrashed,
    NodeHung,
    NodeStartError,
    private_exchange,
    rabbit_url,
    start_node,
)

HERE = Path(__file__).parent


def _start(role: str, **kwargs):
    return start_node(f"_roles:{role}", path=[HERE], label=f"test node {role}", **kwargs)


def test_ready_info_and_calls() -> None:
    with _start("misbehaving", args={"release": "1.0"}, exchange="x-test") as node:
        assert node.info["args"] == {"release": "1.0"}
        assert node.info["exchange"] == "x-test"
        assert node.call("echo", {"a": [1, "b"]}) == {"a": [1, "b"]}
        assert node.call("chatty") == "still fine"
        with pytest.raises(NodeCallError) as raised:
            node.call("fail", {"message": "seeded failure"})
        assert raised.value.kind == "ValueError"
        assert "operation 'fail' raised ValueError: seeded failure" in str(raised.value)
        assert node.call("echo", {"after": True}) == {"after": True}
        with pytest.raises(NodeCallError, match="no operation 'nope'"):
            node.call("nope")
    assert node.process.returncode == 0
    assert not node.alive


def test_crash_during_call_names_node_and_stderr() -> None:
    node = _start("misbehaving")
    with pytest.raises(NodeCrashed) as raised:
        node.call("crash", {"code": 3})
    message = str(raised.value)
    assert "test node misbehaving: exited (code 3) during operation 'crash'" in message
    assert "crash: exiting with 3 on purpose" in message
    assert not node.alive
    node.stop()


def test_hung_call_is_killed_and_named() -> None:
    node = _start("misbehaving")
    with pytest.raises(NodeHung) as raised:
        node.call("hang", timeout=2)
    message = str(raised.value)
    assert "test node misbehaving: no answer to operation 'hang' within 2 s" in message
    assert "hang: waiting forever" in message
    assert not node.alive


def test_role_that_fails_to_start() -> None:
    with pytest.raises(NodeStartError) as raised:
        _start("broken")
    message = str(raised.value)
    assert "test node broken: could not start: RuntimeError" in message
    assert "seeded" in message


def test_role_that_never_gets_ready() -> None:
    with pytest.raises(NodeStartError) as raised:
        _start("silent", ready_timeout=5)
    message = str(raised.value)
    assert "no answer to the ready handshake within 5 s" in message
    assert "hang: waiting forever" in message


def test_unknown_role() -> None:
    with pytest.raises(NodeStartError, match="unknown node role 'nope'"):
        start_node("nope")


def test_transport_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OVO_COMPAT_RABBIT_URL", raising=False)
    assert rabbit_url() == "rabbit://guest:guest@127.0.0.1:5672/"
    monkeypatch.setenv("OVO_COMPAT_RABBIT_URL", "rabbit://u:p@h:1/")
    assert rabbit_url() == "rabbit://u:p@h:1/"
    assert rabbit_url("fake:/") == "fake:/"
    assert private_exchange() != private_exchange()


@pytest.mark.rabbit
def test_rpc_over_rabbit_on_a_private_exchange() -> None:
    import oslo_messaging

    from compat_tests.cross import rpc_transport

    exchange = private_exchange("ovo-compat-test")
    with _start("rpc_echo", args={"topic": "echo"}, exchange=exchange) as node:
        transport = rpc_transport(rabbit_url(), exchange)
        try:
            client = oslo_messaging.get_rpc_client(
                transport, oslo_messaging.Target(topic=node.info["topic"]), timeout=30
            )
            assert client.call({}, "echo", value=[1, 2]) == {"echoed": [1, 2], "node": "child"}
        finally:
            transport.cleanup()
