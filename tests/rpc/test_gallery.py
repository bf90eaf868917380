"""Seeded RPC bugs: each is caught with a code and a message naming API, method, cap, server."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import oslo_messaging
import pytest

from compat_tests.failures import CompatFailure
from compat_tests.rpc import check_pinned_call, check_real_call, check_signatures
from compat_tests.rpc.diff import check_api
from compat_tests.rpc.schema import describe_api
from tests.sample.objects.security_group import SecurityGroupRule
from tests.sample.rpc import SAMPLE_RPC, SecurityGroupAgentClient, SecurityGroupAgentEndpoint

RULE = dict(
    id="3b7a1b4e-8f0e-4c55-9d5e-5a4a7a2f6e11",
    security_group_id="3b7a1b4e-8f0e-4c55-9d5e-5a4a7a2f6e12",
    direction="ingress",
    description="seeded",
)


def _api(client=SecurityGroupAgentClient, endpoint=SecurityGroupAgentEndpoint, **kwargs):
    return dataclasses.replace(
        SAMPLE_RPC,
        client=lambda transport, cap: client(transport),
        endpoints=lambda: [endpoint()],
        **kwargs,
    )


def _caught(fn, *args) -> Any:
    with pytest.raises(CompatFailure) as info:
        fn(*args)
    return info.value.failure


def _names(failure, method: str, cap: str, server: str) -> None:
    text = failure.render()
    for part in ("SecurityGroupAgentAPI", f"method {method}", f"cap {cap}", f"server {server}"):
        assert part in text, (part, text)


class NoCanSendVersion(SecurityGroupAgentClient):
    def get_rule_ids(self, context, security_group_id, include_egress=True):
        return self.client.prepare(version="1.2").call(
            context,
            "get_rule_ids",
            security_group_id=security_group_id,
            include_egress=include_egress,
        )


def test_missing_can_send_version(make_harness):
    failure = _caught(
        check_pinned_call,
        make_harness(_api(client=NoCanSendVersion)),
        "get_rule_ids",
        "1.1",
        {"security_group_id": "sg"},
    )
    assert failure.code == "rpc.cap-exceeded"
    _names(failure, "get_rule_ids", "1.1", "1.1")


class RequiredParamServer(SecurityGroupAgentEndpoint):
    target = oslo_messaging.Target(version="1.4")

    def get_rule_ids(self, context, security_group_id, project_id, include_egress=True):
        return []


def test_new_required_server_parameter(make_harness):
    harness = make_harness(_api(endpoint=RequiredParamServer))
    failure = _caught(
        check_pinned_call, harness, "get_rule_ids", "1.2", {"security_group_id": "sg"}
    )
    assert failure.code == "rpc.new-server-rejects"
    assert "project_id" in failure.message
    _names(failure, "get_rule_ids", "1.2", "current (1.4)")
    static = _caught(check_signatures, harness, "1.0")
    assert static.code == "rpc.new-server-rejects"
    assert "param-added-required get_rule_ids(project_id)" in static.message


class SyncRemovedForReal:
    target = oslo_messaging.Target(version="1.4")
    get_rule_ids = SecurityGroupAgentEndpoint.get_rule_ids
    update_rule = SecurityGroupAgentEndpoint.update_rule


def test_method_removed_while_in_window(make_harness):
    harness = make_harness(_api(endpoint=SyncRemovedForReal))
    failure = _caught(check_pinned_call, harness, "sync", "1.1", {"host": "h"})
    assert failure.code == "rpc.new-server-rejects"
    assert "NoSuchMethod" in failure.message
    _names(failure, "sync", "1.1", "current (1.4)")
    assert "method-removed sync" in _caught(check_signatures, harness, "1.1").message


class NoBackport(SecurityGroupAgentClient):
    def update_rule(self, context, rule):
        version = "1.3" if self.client.can_send_version("1.3") else "1.0"
        return self.client.prepare(version=version).call(context, "update_rule", rule=rule)


def test_too_new_object_to_old_server(make_harness):
    failure = _caught(
        check_pinned_call,
        make_harness(_api(client=NoBackport)),
        "update_rule",
        "1.2",
        {"rule": SecurityGroupRule(**RULE)},
    )
    assert failure.code == "rpc.too-new-object"
    assert "SecurityGroupRule 1.2" in failure.message and "1.1" in failure.message
    assert failure.location == "/args/rule"
    _names(failure, "update_rule", "1.2", "1.2")


class RenamedParamServer(SecurityGroupAgentEndpoint):
    def get_rule_ids(self, context, sg_id, include_egress=True):
        return []


def test_signature_changed_without_bump(history):
    api = _api(endpoint=RenamedParamServer)
    [failure] = check_api(api.name, history, describe_api(api))
    assert failure.code == "rpc.unbumped"
    assert failure.pair == "1.3->1.3"
    assert "param-renamed (major) get_rule_ids(security_group_id)" in failure.message


@pytest.fixture
def release() -> Any:
    event = threading.Event()
    yield event
    event.set()


def test_server_hangs(make_harness, release):
    class HangingServer(SecurityGroupAgentEndpoint):
        def sync(self, context, host):
            release.wait()
            return 0

    harness = make_harness(_api(endpoint=HangingServer), timeout=0.2)
    failure = _caught(check_pinned_call, harness, "sync", "1.3", {"host": "h"})
    assert failure.code == "rpc.timeout"
    assert "0.2s" in failure.message
    _names(failure, "sync", "1.3", "current (1.3)")
    real = _caught(check_real_call, harness, "sync", "1.3", None, {"host": "h"})
    assert real.code == "rpc.timeout"
    _names(real, "sync", "1.3", "current (1.3)")
