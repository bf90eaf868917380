"""Cross-release runs: the real old release's code in its own process, over RabbitMQ.

The facade of ``ovo-compat run --against SPEC``: `compat_tests.cross.process` starts and
bounds node processes, `compat_tests.cross.node` is their entry point and role registry.
"""

from __future__ import annotations

from compat_tests.cross.process import (
    DEFAULT_RABBIT_URL,
    BrokerUnreachable,
    Node,
    NodeCallError,
    NodeCrashed,
    NodeError,
    NodeHung,
    NodeStartError,
    check_broker,
    private_exchange,
    rabbit_url,
    rpc_transport,
    start_node,
)

__all__ = [
    "DEFAULT_RABBIT_URL",
    "BrokerUnreachable",
    "Node",
    "NodeCallError",
    "NodeCrashed",
    "NodeError",
    "NodeHung",
    "NodeStartError",
    "check_broker",
    "private_exchange",
    "rabbit_url",
    "rpc_transport",
    "start_node",
]
