"""Stub servers from real manager classes (compat_tests.contrib._stubs), without Nova.

Modelled on Nova's managers: RPC methods hidden by decorators that do not use
functools.wraps (``select_destinations`` shows ``(*args, **kwargs)``), a ``target`` with a
namespace, and a method an older release's manager lacks.
"""

from __future__ import annotations

import inspect

import oslo_messaging
import pytest

from compat_tests.contrib._stubs import real_signature, stub_endpoint


def _hiding(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _hiding_twice(func):
    return _hiding(_hiding(func))


class Manager:
    target = oslo_messaging.Target(namespace="compute_task", version="1.26")

    @_hiding_twice
    def select_destinations(self, context, spec_obj=None, instance_uuids=None, flag=False):
        raise AssertionError("the stub never runs the real body")

    def backport(self, context, objinst, object_versions):
        raise AssertionError("the stub never runs the real body")


def test_the_real_signature_is_found_under_decorators_without_wraps() -> None:
    assert str(inspect.signature(Manager.select_destinations)) == "(*args, **kwargs)"
    found = real_signature(Manager.select_destinations, "select_destinations")
    assert str(found) == "(self, context, spec_obj=None, instance_uuids=None, flag=False)"


def test_the_stub_takes_what_the_real_server_takes_and_refuses_the_rest() -> None:
    endpoint = stub_endpoint(
        Manager,
        ["select_destinations", "backport", "attach_volume"],
        answers={"backport": lambda ctxt, objinst, object_versions: (objinst, object_versions)},
    )
    assert endpoint.target is Manager.target
    assert endpoint.select_destinations({}, spec_obj=1, instance_uuids=[]) is None
    assert endpoint.backport({}, objinst="o", object_versions={"A": "1.0"}) == (
        "o",
        {"A": "1.0"},
    )
    with pytest.raises(TypeError, match="unexpected keyword argument 'return_objects'"):
        endpoint.select_destinations({}, return_objects=True)
    with pytest.raises(TypeError, match="missing a required argument: 'object_versions'"):
        endpoint.backport({}, objinst="o")
    # The older manager has no attach_volume: neither has its stub.
    assert not hasattr(endpoint, "attach_volume")
    assert str(inspect.signature(type(endpoint).backport)) == (
        "(self, context, objinst, object_versions)"
    )


def test_a_client_cannot_prepare_a_longer_timeout_than_the_harness():
    """Nova prepares long calls with ``timeout=CONF.long_rpc_timeout`` (1800 s): capped."""
    from oslo_config import cfg

    from compat_tests.rpc.harness import pinned_client
    from tests.sample.rpc import SAMPLE_RPC

    transport = oslo_messaging.get_rpc_transport(cfg.ConfigOpts(), url="fake:")
    try:
        client = pinned_client(SAMPLE_RPC, transport, "1.3", 0.5)
        rpc = getattr(client, SAMPLE_RPC.client_attr)
        assert rpc.prepare(version="1.3", timeout=1800).timeout == 0.5
        assert rpc.prepare(version="1.3", timeout=0.1).timeout == 0.1
        assert rpc.prepare(version="1.3").timeout == 0.5
    finally:
        transport.cleanup()
