"""Version caps for a project's RPC clients, read from an ``[upgrade_levels]``-style option.

During a rolling upgrade an operator pins every new service's clients to what the
oldest running peer understands::

    [upgrade_levels]
    l3_agent = 1.2        # an explicit version
    dhcp_agent = zed      # a release alias, resolved through the project's table

A project without such a mechanism uses it like this (also what the harness does)::

    from compat_tests import pinning

    RELEASES = {"yoga": "1.1", "zed": "1.2"}
    pinning.register_upgrade_levels(CONF, ["l3_agent"])
    client = pinning.capped_client(transport, target, conf=CONF, name="l3_agent",
                                   releases=RELEASES, serializer=serializer)

`pin_client` caps a client wrapper that built its own uncapped ``RPCClient``
(Neutron's clients do) by replacing its client attribute with a capped copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import oslo_messaging
from oslo_config import cfg

from compat_tests.errors import ConfigError
from compat_tests.versions import is_version

__all__ = ["capped_client", "pin_client", "register_upgrade_levels", "version_cap"]


def register_upgrade_levels(
    conf: cfg.ConfigOpts, names: Iterable[str], group: str = "upgrade_levels"
) -> None:
    """Register one string option per API name in ``[group]`` (idempotent)."""
    conf.register_opts(
        [
            cfg.StrOpt(
                name,
                help=f"Cap the RPC version sent to {name}: a version like 1.2 or a release name",
            )
            for name in names
        ],
        group=group,
    )


def version_cap(
    conf: cfg.ConfigOpts,
    name: str,
    releases: Mapping[str, str] | None = None,
    group: str = "upgrade_levels",
) -> str | None:
    """The cap configured for ``name``: None when unset, else a version (aliases resolved)."""
    try:
        value = getattr(getattr(conf, group), name)
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        raise ConfigError(
            f"option [{group}] {name} is not registered; call "
            f"compat_tests.pinning.register_upgrade_levels(conf, [{name!r}]) first"
        ) from None
    if value is None or value == "":
        return None
    if is_version(value):
        return value
    known = dict(releases or {})
    if value.lower() in known:
        return known[value.lower()]
    aliases = ", ".join(sorted(known)) or "none defined"
    raise ConfigError(
        f"[{group}] {name} = {value!r} is neither a version like 1.2 nor a known release "
        f"alias ({aliases}); fix the configuration or add the alias to the releases table"
    )


def capped_client(
    transport: Any,
    target: oslo_messaging.Target,
    *,
    conf: cfg.ConfigOpts,
    name: str,
    releases: Mapping[str, str] | None = None,
    **client_kwargs: Any,
) -> oslo_messaging.RPCClient:
    """An ``RPCClient`` capped at the version `version_cap` reads for ``name``."""
    cap = version_cap(conf, name, releases)
    return oslo_messaging.get_rpc_client(transport, target, version_cap=cap, **client_kwargs)


def pin_client(client: Any, cap: str | None, attr: str = "client") -> Any:
    """Cap ``client`` at ``cap``: an ``RPCClient`` itself, or a wrapper holding one in ``attr``.

    The wrapper's RPCClient is replaced by a capped copy (same transport, target,
    serializer, timeout), so code that calls ``self.client.prepare(...)`` and
    ``can_send_version`` honours the cap.  Returns the (possibly new) client.
    """
    if cap is None:
        return client
    if isinstance(client, oslo_messaging.RPCClient):
        return _capped_copy(client, cap)
    inner = getattr(client, attr, None)
    if not isinstance(inner, oslo_messaging.RPCClient):
        raise ConfigError(
            f"cannot pin {type(client).__name__}: attribute {attr!r} is "
            f"{type(inner).__name__}, not an oslo_messaging.RPCClient; pass the attribute "
            "holding the client as RpcApi(client_attr=...) or build the client with version_cap"
        )
    setattr(client, attr, _capped_copy(inner, cap))
    return client


def _capped_copy(rpc: oslo_messaging.RPCClient, cap: str) -> oslo_messaging.RPCClient:
    return oslo_messaging.get_rpc_client(
        rpc.transport,
        rpc.target,
        version_cap=cap,
        serializer=rpc.serializer,
        timeout=rpc.timeout,
        retry=rpc.retry,
    )
