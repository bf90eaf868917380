"""What a client routes and passes reaches the harness (issue 12, Nova's ComputeAPI).

* a server serves every topic of ``RpcApi.topics`` (a 6.5 Nova compute also serves
  ``compute-alt``): a call routed to the second topic is answered, not a timeout;
* ``RpcApi.always_passed`` names parameters with a default the project's callers always
  pass (Nova raises "No compute host specified" without ``instance`` or ``host``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import oslo_messaging
from hypothesis import strategies as st

from compat_tests.rpc import Harness, RpcApi
from compat_tests.rpc.api import argument_strategy
from compat_tests.rpc.harness import SERVER, RpcTimeout
from compat_tests.rpc.record import _each_example
from tests.sample.objects.base import SampleObject

TOPIC, ALT = "ovo-compat-routed", "ovo-compat-routed-alt"


class RoutedClient:
    """Sends ``finish`` to the alternative topic of one host, like Nova's moves in progress."""

    def __init__(self, transport: Any) -> None:
        self.client = oslo_messaging.get_rpc_client(
            transport, oslo_messaging.Target(topic=TOPIC, version="1.0")
        )

    def finish(self, context: Any, host: str | None = None) -> Any:
        """Finish on ``host`` (the callers always name it)."""
        cctxt = self.client.prepare(topic=ALT, server=host or "nowhere", version="1.0")
        return cctxt.call(context, "finish", host=host)


class RoutedServer:
    """Answers ``finish``."""

    target = oslo_messaging.Target(version="1.0")

    def finish(self, context: Any, host: str | None = None) -> str:
        """Done."""
        return "done"


ROUTED = RpcApi(
    name="RoutedApi",
    topic=TOPIC,
    client=lambda transport, cap: RoutedClient(transport),
    endpoints=lambda: [RoutedServer()],
    obj_base=SampleObject,
    arguments={"finish": {"host": st.just(SERVER)}},
    timeout=1.0,
)


def test_a_call_routed_to_a_second_topic_is_served():
    served = dataclasses.replace(ROUTED, topics=lambda: [TOPIC, ALT])
    with Harness(served, {}) as harness:
        outcome = harness.real_call("finish", "1.0", None, {"host": SERVER})
    assert outcome.error is None and outcome.result == "done"
    with Harness(ROUTED, {}) as harness:
        outcome = harness.real_call("finish", "1.0", None, {"host": SERVER})
    assert isinstance(outcome.error, RpcTimeout) and "RoutedApi method finish" in str(outcome.error)


def test_always_passed_parameters_are_never_omitted():
    def drawn(api: RpcApi) -> list[dict]:
        with Harness(api, {}) as harness:
            strategy = argument_strategy(
                api, harness.client(harness.capture_transport(), None), "finish"
            )
        found: list[dict] = []
        _each_example(strategy, 30, found.append)
        return found

    assert any("host" not in kwargs for kwargs in drawn(ROUTED))
    always = dataclasses.replace(ROUTED, always_passed={"finish": ("host",)})
    assert all(kwargs.get("host") == SERVER for kwargs in drawn(always))


def test_by_topic_serves_each_api_on_every_topic_it_lists_once():
    from compat_tests.rpc.api import by_topic

    listed = dataclasses.replace(ROUTED, name="Listed", topics=lambda: [TOPIC, ALT, ALT])
    plain = dataclasses.replace(ROUTED, name="Plain")
    assert {t: [a.name for a in g] for t, g in by_topic([listed, plain]).items()} == {
        TOPIC: ["Listed", "Plain"],
        ALT: ["Listed"],
    }
    # The old node's topics_of (a raising topics() serves the API's topic alone).
    assert list(by_topic([listed], lambda api: [api.topic])) == [TOPIC]
