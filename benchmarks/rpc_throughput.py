"""RPC throughput: the harness's fast path against bare ``RPCClient.call`` on ``fake:/``.

``python -m benchmarks.rpc_throughput`` prints calls per second of both and their
ratio.  The stock fake driver's listener sleeps up to 50 ms whenever its queue is
empty, so sequential bare calls crawl; the fast path dispatches directly.
"""

from __future__ import annotations

import time
from pathlib import Path

import oslo_messaging
from oslo_config import cfg
from oslo_messaging import conffixture

from compat_tests.rpc import Harness, load_history
from tests.sample.rpc import SAMPLE_RPC, TOPIC, SecurityGroupAgentEndpoint

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "sample" / "rpc"


def _rate(calls: int, call: object) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return calls / (time.perf_counter() - start)


def fast_path_rate(calls: int = 2000) -> float:
    """Calls per second through `Harness.call` (client pinned at 1.2, current server)."""
    with Harness(SAMPLE_RPC, load_history(SNAPSHOTS, SAMPLE_RPC.name)) as harness:
        kwargs = {"security_group_id": "sg"}
        return _rate(calls, lambda: harness.call("get_rule_ids", "1.2", None, kwargs))


def bare_fake_rate(calls: int = 40) -> float:
    """Calls per second of a plain ``RPCClient.call`` against an RPC server on ``fake:/``."""
    conf = cfg.ConfigOpts()
    fixture = conffixture.ConfFixture(conf)
    fixture.setUp()
    try:
        transport = oslo_messaging.get_rpc_transport(conf, url="fake:/")
        server = oslo_messaging.get_rpc_server(
            transport,
            oslo_messaging.Target(topic=TOPIC, server="bench"),
            [SecurityGroupAgentEndpoint()],
            serializer=SAMPLE_RPC.make_serializer(),
        )
        server.start()
        client = oslo_messaging.get_rpc_client(
            transport,
            oslo_messaging.Target(topic=TOPIC, version="1.2"),
            serializer=SAMPLE_RPC.make_serializer(),
        )
        try:
            return _rate(calls, lambda: client.call({}, "get_rule_ids", security_group_id="sg"))
        finally:
            server.stop()
            server.wait()
            transport.cleanup()
    finally:
        fixture.cleanUp()


def main() -> None:
    """Print both rates and the ratio."""
    fast = fast_path_rate()
    bare = bare_fake_rate()
    print(f"harness fast path:      {fast:10.0f} calls/s")
    print(f"bare RPCClient, fake:/: {bare:10.1f} calls/s")
    print(f"ratio:                  {fast / bare:10.0f}x")


if __name__ == "__main__":
    main()
