"""Neutron's RPC client classes built on the harness's transport.

Neutron's clients build their own uncapped ``RPCClient`` through
``neutron_lib.rpc.get_client`` (no object serializer: objects travel as primitives
the caller made); they are built here on the harness's transport and pinned by
the harness (``client_attr="client"``).  `adapted` unwraps decorated methods so
argument strategies see their real signatures.
"""

from __future__ import annotations

import contextlib
import inspect
import types
from collections.abc import Callable
from typing import Any

import fixtures
import oslo_messaging
from neutron.agent.dhcp.agent import DhcpPluginApi
from neutron.agent.l3.agent import L3PluginApi
from neutron.api.rpc.handlers import securitygroups_rpc
from neutron_lib import rpc as n_rpc
from neutron_lib.agent import topics

from compat_tests.contrib._stubs import real_signature
from compat_tests.contrib.neutron.rpc.stubs import SecurityGroupAgent

__all__ = [
    "PULL_SINGLETON",
    "DhcpClient",
    "L3Client",
    "SecurityGroupAgentEndpoint",
    "SecurityGroupNotifier",
    "adapted",
    "on_transport",
]


def on_transport(transport: Any, build: Callable[[], Any], hide: str | None = None) -> Any:
    """Run ``build`` with ``neutron_lib.rpc.TRANSPORT`` set to ``transport``.

    ``hide`` names an attribute deleted during the build (a singleton's cached
    instance) and restored afterwards.
    """
    with contextlib.ExitStack() as stack:
        stack.enter_context(fixtures.MonkeyPatch("neutron_lib.rpc.TRANSPORT", transport))
        if hide is not None:
            stack.enter_context(fixtures.MonkeyPatch(hide, fixtures.MonkeyPatch.delete))
        return build()


def adapted(api_cls: type, *, add_context: bool = False) -> type:
    """A subclass of ``api_cls`` whose public methods show their real signatures.

    ``L3PluginApi`` decorates its methods with ``utils.timecost``, whose wrapper
    takes ``(*args, **kwargs)`` and hides the parameters argument strategies need.
    With ``add_context``, methods without a context parameter get one, which is
    dropped: ``DhcpPluginApi`` makes its own admin context per call while the
    harness passes one first.
    """
    namespace: dict[str, Any] = {}
    for name in dir(api_cls):
        func = getattr(api_cls, name)
        if name.startswith("_") or not inspect.isfunction(func):
            continue
        params = list(real_signature(func, name).parameters.values())
        has_context = len(params) > 1 and params[1].name == "context"
        namespace[name] = _method(func, params, drop_context=add_context and not has_context)
    return types.new_class(
        f"{api_cls.__name__}ForHarness", (api_cls,), {}, lambda ns: ns.update(namespace)
    )


def _method(func: Callable, params: list[inspect.Parameter], *, drop_context: bool) -> Callable:
    if drop_context:

        def method(self: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
            return func(self, *args, **kwargs)

        ctx = inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = [params[0], ctx, *params[1:]]
    else:

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return func(self, *args, **kwargs)

    method.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    method.__name__ = method.__qualname__ = func.__name__
    method.__doc__ = func.__doc__
    return method


DhcpClient = adapted(DhcpPluginApi, add_context=True)
L3Client = adapted(L3PluginApi)
PULL_SINGLETON = "neutron.api.rpc.handlers.resources_rpc.ResourcesPullRpcApi._instance"


class SecurityGroupNotifier(securitygroups_rpc.SecurityGroupAgentRpcApiMixin):
    """The server's notifier to agents: the mixin over a client on the agent topic."""

    def __init__(self) -> None:
        self.topic = topics.AGENT
        self.client = n_rpc.get_client(oslo_messaging.Target(topic=self.topic, version="1.0"))


class SecurityGroupAgentEndpoint(securitygroups_rpc.SecurityGroupAgentRpcCallbackMixin):
    """An agent's endpoint for the notifications (agents mix the callbacks into theirs)."""

    target = oslo_messaging.Target(version="1.1")

    def __init__(self) -> None:
        self.sg_agent = SecurityGroupAgent()
