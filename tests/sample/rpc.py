"""The sample target's RPC API: a security-group agent API with four versions.

History (what the snapshots in ``snapshots/sample/rpc/`` record):

* 1.0: ``get_rule_ids(security_group_id)``, ``update_rule(rule)`` (SecurityGroupRule 1.1)
* 1.1: method ``sync(host)`` added
* 1.2: ``get_rule_ids`` gained ``include_egress=True`` (sent only when the cap allows)
* 1.3: ``update_rule`` sends SecurityGroupRule 1.2 (older caps get a 1.1 backport)

Like Neutron's agent clients, `SecurityGroupAgentClient` builds its own
uncapped ``RPCClient``; the harness pins it through its ``client`` attribute.
"""

from __future__ import annotations

from typing import Any

import oslo_messaging
from hypothesis import strategies as st

from compat_tests.rpc import RpcApi
from tests.sample.objects.base import SampleObject
from tests.sample.objects.security_group import SecurityGroupRule

TOPIC = "ovo-compat-sample-sg-agent"


class SecurityGroupAgentClient:
    """Client side of the API, written the way projects write them."""

    def __init__(self, transport: Any) -> None:
        target = oslo_messaging.Target(topic=TOPIC, version="1.0")
        self.client = oslo_messaging.get_rpc_client(
            transport, target, serializer=SAMPLE_RPC.make_serializer()
        )

    def get_rule_ids(
        self, context: Any, security_group_id: str, include_egress: bool = True
    ) -> list[str]:
        """Ids of the rules of a security group."""
        if self.client.can_send_version("1.2"):
            cctxt = self.client.prepare(version="1.2")
            return cctxt.call(
                context,
                "get_rule_ids",
                security_group_id=security_group_id,
                include_egress=include_egress,
            )
        cctxt = self.client.prepare(version="1.0")
        return cctxt.call(context, "get_rule_ids", security_group_id=security_group_id)

    def update_rule(self, context: Any, rule: SecurityGroupRule) -> Any:
        """Push a changed rule; the server echoes what it stored."""
        if self.client.can_send_version("1.3"):
            return self.client.prepare(version="1.3").call(context, "update_rule", rule=rule)
        backported = rule.obj_to_primitive(target_version="1.1")
        return self.client.prepare(version="1.0").call(context, "update_rule", rule=backported)

    def sync(self, context: Any, host: str) -> int:
        """Ask the agent on ``host`` to resync; returns how many rules it holds."""
        return self.client.prepare(version="1.1").call(context, "sync", host=host)


class SecurityGroupAgentEndpoint:
    """Server side at 1.3."""

    target = oslo_messaging.Target(version="1.3")

    def get_rule_ids(
        self, context: Any, security_group_id: str, include_egress: bool = True
    ) -> list[str]:
        """Two fake rule ids (one egress)."""
        ids = [f"{security_group_id}-ingress"]
        return [*ids, f"{security_group_id}-egress"] if include_egress else ids

    def update_rule(self, context: Any, rule: SecurityGroupRule) -> SecurityGroupRule:
        """Echo the rule back at the version it came in."""
        rule.obj_reset_changes()
        return rule

    def sync(self, context: Any, host: str) -> int:
        """Pretend to resync."""
        return len(host)


SAMPLE_RPC = RpcApi(
    name="SecurityGroupAgentAPI",
    topic=TOPIC,
    client=lambda transport, cap: SecurityGroupAgentClient(transport),
    endpoints=lambda: [SecurityGroupAgentEndpoint()],
    obj_base=SampleObject,
    # ``rule`` comes from its annotation (strategies.objects); this override shows the knob
    arguments={"get_rule_ids": {"security_group_id": st.uuids().map(str)}},
)
"""The sample target's RPC API (``rpc = ["tests.sample.rpc:SAMPLE_RPC"]``)."""
