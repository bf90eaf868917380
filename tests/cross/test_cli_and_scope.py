"""``run --against`` bad input, and transports scoped per run (in process, on ``fake:/``)."""

from __future__ import annotations

import oslo_messaging

from compat_tests import cli
from compat_tests.cross import rpc_transport
from compat_tests.rpc.transport import scoped


def test_against_refuses_pytest_arguments(capsys) -> None:
    status = cli.main(["run", "--target", "sample", "--against", "neutron==27.0.4", "-k", "x"])
    err = capsys.readouterr().err
    assert status == cli.BAD_INPUT
    assert "run --against takes no pytest arguments" in err


def test_against_refuses_an_unreadable_spec(capsys) -> None:
    status = cli.main(["run", "--target", "sample", "--against", "./no/such/dir"])
    err = capsys.readouterr().err
    assert status == cli.BAD_INPUT
    assert "cannot tell which distribution './no/such/dir' installs" in err


class _Echo:
    def __init__(self, name: str) -> None:
        self.name = name

    def who(self, ctxt):
        return self.name


def _served(transport, name: str):
    server = oslo_messaging.get_rpc_server(
        transport,
        oslo_messaging.Target(topic="shared-topic", server=name),
        [_Echo(name)],
        executor="threading",
    )
    server.start()
    return server


def test_transports_of_two_scopes_never_share_a_topic() -> None:
    # One driver under both (like one broker): unscoped, the two servers would share a queue.
    base = rpc_transport("fake:/", "base")
    first, second = scoped(base, "scope-a"), scoped(base, "scope-b")
    servers = [_served(first, "a"), _served(second, "b")]
    try:
        for transport, name in ((first, "a"), (second, "b")):
            client = oslo_messaging.get_rpc_client(
                transport, oslo_messaging.Target(topic="shared-topic"), timeout=10
            )
            assert {client.call({}, "who") for _ in range(4)} == {name}
    finally:
        for server in servers:
            server.stop()
            server.wait()
        base.cleanup()


def test_scoped_topics_keep_the_projects_names() -> None:
    scope = "run-1"
    transport = rpc_transport("fake:/", scope)
    try:
        target = transport._scoped(oslo_messaging.Target(topic="q-plugin", server="h"))
        assert (target.topic, target.server) == (f"{scope}.q-plugin", "h")
    finally:
        transport.cleanup()


def test_an_unreachable_broker_is_bad_input_not_a_hang(capsys) -> None:
    status = cli.main(
        [
            "run",
            "--target",
            "sample",
            "--against",
            "neutron==27.0.4",
            "--url",
            "rabbit://guest:guest@127.0.0.1:1/",
        ]
    )
    err = capsys.readouterr().err
    assert status == cli.BAD_INPUT
    assert "the message broker of rabbit://guest:guest@127.0.0.1:1/ is not reachable" in err


def test_a_missing_interpreter_is_a_clear_start_failure(tmp_path) -> None:
    import pytest

    from compat_tests.cross import NodeStartError, start_node

    with pytest.raises(NodeStartError, match=r"no interpreter at .*nope"):
        start_node("probe", python=tmp_path / "nope", label="old node x")


class _Rejecting:
    def notify(self, ctxt, value):
        raise TypeError(f"seeded: notify() cannot take {value!r}")


def test_a_rejected_cast_is_seen_with_cast_timeout() -> None:
    import pytest

    base = rpc_transport("fake:/", "base")
    waiting, plain = scoped(base, "casts", cast_timeout=10), scoped(base, "casts")
    server = oslo_messaging.get_rpc_server(
        waiting, oslo_messaging.Target(topic="t", server="s"), [_Rejecting()], executor="threading"
    )
    server.start()
    try:
        target = oslo_messaging.Target(topic="t")
        with pytest.raises(TypeError, match="seeded: notify"):
            oslo_messaging.get_rpc_client(waiting, target).cast({}, "notify", value=1)
        # Without cast_timeout a cast is fire-and-forget: the rejection stays on the server.
        assert oslo_messaging.get_rpc_client(plain, target).cast({}, "notify", value=2) is None
    finally:
        server.stop()
        server.wait()
        base.cleanup()


def test_a_cast_to_a_topic_the_release_does_not_consume_is_dropped() -> None:
    """Regression: Neutron's push at a version the old agent does not consume
    (``neutron-vo-Port-1.11``) was routed to the old server anyway and reported as
    ``cross.old-server-rejects``; a real broker drops it, since no old agent listens there."""
    import pytest

    base = rpc_transport("fake:/", "base")
    routed = scoped(base, "drops", cast_timeout=10, route="t", served=["vo-1.10"])
    server = oslo_messaging.get_rpc_server(
        routed, oslo_messaging.Target(topic="t", server="s"), [_Rejecting()], executor="threading"
    )
    server.start()
    try:
        unserved = oslo_messaging.get_rpc_client(routed, oslo_messaging.Target(topic="vo-1.11"))
        assert unserved.cast({}, "notify", value=1) is None
        assert routed.dropped == ["vo-1.11"]
        served = oslo_messaging.get_rpc_client(routed, oslo_messaging.Target(topic="vo-1.10"))
        with pytest.raises(TypeError, match="seeded: notify"):
            served.cast({}, "notify", value=2)  # still routed to the API's servers
        assert routed.dropped == ["vo-1.11"]
    finally:
        server.stop()
        server.wait()
        base.cleanup()


class _Counting:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def who(self, ctxt, value):
        self.calls.append(value)
        return {"answered": value}


def test_a_call_to_a_topic_the_release_does_not_consume_times_out() -> None:
    """Regression: a call to a topic no server of the release consumes was routed to the
    API's server and answered (a silent pass); a real broker delivers it to nobody."""
    import pytest

    base = rpc_transport("fake:/", "base")
    routed = scoped(base, "calls", cast_timeout=10, route="t", served=["vo-1.10"])
    endpoint = _Counting()
    server = oslo_messaging.get_rpc_server(
        routed, oslo_messaging.Target(topic="t", server="s"), [endpoint], executor="threading"
    )
    server.start()
    try:
        # A long client timeout: the transport raises before sending, it never waits.
        target = oslo_messaging.Target(topic="vo-1.11")
        unserved = oslo_messaging.get_rpc_client(routed, target, timeout=3600)
        with pytest.raises(
            oslo_messaging.MessagingTimeout,
            match=r"no server of the release consumes topic 'vo-1\.11'",
        ):
            unserved.call({}, "who", value=1)
        assert endpoint.calls == [] and routed.unconsumed == ["vo-1.11"]
        served = oslo_messaging.get_rpc_client(routed, oslo_messaging.Target(topic="vo-1.10"))
        assert served.call({}, "who", value=2) == {"answered": 2}
        assert endpoint.calls == [2]
        assert unserved.cast({}, "who", value=3) is None  # casts are still dropped
        assert routed.dropped == ["vo-1.11"] and routed.unconsumed == ["vo-1.11"]
        assert endpoint.calls == [2]
    finally:
        server.stop()
        server.wait()
        base.cleanup()


def test_without_a_route_each_served_topic_reaches_its_own_server() -> None:
    base = rpc_transport("fake:/", "base")
    direct = scoped(base, "direct", cast_timeout=10, served=["main", "alt"])
    servers = [
        oslo_messaging.get_rpc_server(
            direct, oslo_messaging.Target(topic=topic, server="s"), [_Echo(topic)]
        )
        for topic in ("main", "alt")
    ]
    for server in servers:
        server.start()
    try:
        for topic in ("main", "alt"):
            client = oslo_messaging.get_rpc_client(
                direct, oslo_messaging.Target(topic=topic), timeout=10
            )
            assert client.call({}, "who") == topic
        assert direct.dropped == [] and direct.unconsumed == []
    finally:
        for server in servers:
            server.stop()
            server.wait()
        base.cleanup()
