"""The sample target's RPC code as one release shipped it: copied into a release wheel.

Installed as ``ovo_sample_release/rpc.py`` next to ``release_rpc.py``, which says the
release's ``SecurityGroupAgentAPI`` version and its seeded bugs (`tests.upgrade._releases`):

* ``echo-newest``: the agent answers ``update_rule`` with the rule at its newest version,
  whatever version came in (an older server cannot read the reply);
* ``crash-on-sync``: the agent's process exits when ``sync`` reaches it;
* ``hang-on-sync``: the agent never answers ``sync``;
* ``no-backport``: the agent's ``report_rule`` sends its newest rule whatever its cap;
* ``bad-heartbeat``: the agent's ``heartbeat`` raises before sending anything.

Two APIs, one each way: the server calls the agents' ``SecurityGroupAgentAPI`` (history
1.0-1.3 as ``tests/sample/rpc.py`` describes it), the agents call the server's
``SampleReportAPI`` (``report_state`` and ``report_rule``, calls, and ``heartbeat``, a
cast); ``SampleReportAPI`` is 1.1 in a release whose ``SecurityGroupRule`` is 1.2 (1.1:
``report_rule`` carries SecurityGroupRule 1.2; older caps get a 1.1 backport).
"""

import os
import threading

import oslo_messaging
from hypothesis import strategies as st
from ovo_sample_release import release_rpc
from ovo_sample_release.objects import Registry, SampleReleaseObject

from compat_tests.rpc import RpcApi

BUGS = frozenset(release_rpc.BUGS)
VERSION = release_rpc.VERSION
RULE = Registry.obj_classes()["SecurityGroupRule"][0]
REPORT_VERSION = "1.1" if RULE.VERSION == "1.2" else "1.0"
AGENT_TOPIC = "ovo-compat-sample-sg-agent"
REPORT_TOPIC = "ovo-compat-sample-report"


def _has(version, have=VERSION):
    return tuple(map(int, have.split("."))) >= tuple(map(int, version.split(".")))


class AgentClient:
    """The server's client of the agents' API, as this release wrote it."""

    def __init__(self, transport):
        target = oslo_messaging.Target(topic=AGENT_TOPIC, version="1.0")
        self.client = oslo_messaging.get_rpc_client(
            transport, target, serializer=AGENT_API.make_serializer()
        )

    def get_rule_ids(self, context, security_group_id: str, include_egress: bool = True):
        if _has("1.2") and self.client.can_send_version("1.2"):
            return self.client.prepare(version="1.2").call(
                context,
                "get_rule_ids",
                security_group_id=security_group_id,
                include_egress=include_egress,
            )
        return self.client.prepare(version="1.0").call(
            context, "get_rule_ids", security_group_id=security_group_id
        )

    def update_rule(self, context, rule: RULE):
        if _has("1.3") and self.client.can_send_version("1.3"):
            return self.client.prepare(version="1.3").call(context, "update_rule", rule=rule)
        backported = rule.obj_to_primitive(target_version="1.1")
        return self.client.prepare(version="1.0").call(context, "update_rule", rule=backported)

    def sync(self, context, host: str):
        return self.client.prepare(version="1.1").call(context, "sync", host=host)


class AgentEndpoint:
    """The agents' side of the API at this release's version."""

    target = oslo_messaging.Target(version=VERSION)

    def get_rule_ids(self, context, security_group_id, include_egress=True):
        ids = [f"{security_group_id}-ingress"]
        return [*ids, f"{security_group_id}-egress"] if include_egress else ids

    def update_rule(self, context, rule):
        rule.obj_reset_changes()
        if "echo-newest" in BUGS:
            fresh = RULE()
            for name in RULE.fields:
                if rule.obj_attr_is_set(name):
                    setattr(fresh, name, getattr(rule, name))
            return fresh
        return rule

    def sync(self, context, host):
        if "crash-on-sync" in BUGS:
            os._exit(3)
        if "hang-on-sync" in BUGS:
            threading.Event().wait()
        return len(host)


class ReportClient:
    """The agents' client of the server's API."""

    def __init__(self, transport):
        target = oslo_messaging.Target(topic=REPORT_TOPIC, version="1.0")
        self.client = oslo_messaging.get_rpc_client(
            transport, target, serializer=REPORT_API.make_serializer()
        )

    def report_state(self, context, host: str):
        return self.client.prepare(version="1.0").call(context, "report_state", host=host)

    def heartbeat(self, context, host: str):
        if "bad-heartbeat" in BUGS:
            raise ValueError(f"no heartbeat for {host!r}: seeded bug")
        self.client.prepare(version="1.0").cast(context, "heartbeat", host=host)

    def report_rule(self, context, rule: RULE):
        if "no-backport" in BUGS:
            return self.client.prepare(version="1.0").call(context, "report_rule", rule=rule)
        if _has("1.1", REPORT_VERSION) and self.client.can_send_version("1.1"):
            return self.client.prepare(version="1.1").call(context, "report_rule", rule=rule)
        backported = rule.obj_to_primitive(target_version="1.1")
        return self.client.prepare(version="1.0").call(context, "report_rule", rule=backported)


class ReportEndpoint:
    """The server's side of the report API."""

    target = oslo_messaging.Target(version=REPORT_VERSION)

    def report_rule(self, context, rule):
        return None

    def report_state(self, context, host):
        return {"host": host, "agent_api": VERSION}

    def heartbeat(self, context, host):
        return None


_HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)

AGENT_API = RpcApi(
    name="SecurityGroupAgentAPI",
    topic=AGENT_TOPIC,
    client=lambda transport, cap: AgentClient(transport),
    endpoints=lambda: [AgentEndpoint()],
    obj_base=SampleReleaseObject,
    arguments={
        "get_rule_ids": {"security_group_id": st.uuids().map(str)},
        "sync": {"host": _HOSTS},
    },
)

REPORT_API = RpcApi(
    name="SampleReportAPI",
    topic=REPORT_TOPIC,
    client=lambda transport, cap: ReportClient(transport),
    endpoints=lambda: [ReportEndpoint()],
    obj_base=SampleReleaseObject,
    arguments={"report_state": {"host": _HOSTS}, "heartbeat": {"host": _HOSTS}},
)
