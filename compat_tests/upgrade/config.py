"""The ``[tool.ovo-compat.targets.NAME.upgrade]`` table: the services of a rolling upgrade.

A project names its services (*roles*) by the RPC APIs each one hosts (serves) and
calls (as a client), using the names of the target's ``rpc`` descriptions::

    [tool.ovo-compat.targets.neutron.upgrade]
    server_first = true          # every server node is upgraded before any agent
    pinning = "oldest"           # clients are capped at the oldest running host's version

    [[tool.ovo-compat.targets.neutron.upgrade.roles]]
    name = "server"
    server = true
    hosts = ["DhcpPluginApi", "L3PluginApi"]
    calls = ["SecurityGroupAgentRpcApiMixin"]

    [[tool.ovo-compat.targets.neutron.upgrade.roles]]
    name = "dhcp-agent"
    calls = ["DhcpPluginApi"]

Parsed here (``compat_tests.config`` calls `parse_upgrade` for the ``upgrade`` key) and
only validated against itself; `check_apis` checks the API names against the target's
loaded ``rpc`` descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compat_tests.config import array_of_tables, check_table
from compat_tests.errors import ConfigError

__all__ = ["PINNING", "Role", "UpgradeConfig", "check_apis", "parse_upgrade"]

#: How a client is capped in a mixed state: ``oldest`` at the oldest version of the API
#: among the running nodes hosting it ([upgrade_levels] set to the oldest peer, as
#: operators do); ``none``: never capped (the project relies on its upgrade order).
PINNING = {
    "oldest": "clients are capped at the oldest running host's version of the API",
    "none": "clients are never capped (the project relies on its upgrade order)",
}
_KEYS = {
    "server_first": "true: every server role's nodes are upgraded before any agent",
    "pinning": f"how clients are capped in a mixed state: {', '.join(PINNING)}",
    "roles": "array of tables {name, server, hosts, calls, count}: the services",
    "not_exercised": 'table API = "reason": described APIs no role hosts or calls, and why',
}
_ROLE_KEYS = {"name", "server", "hosts", "calls", "count"}
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Role:
    """One service of the deployment: the APIs it hosts and the ones it calls."""

    name: str
    hosts: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    server: bool = False
    count: int = 1

    def node_names(self) -> list[str]:
        """The names of this role's nodes: ``name`` or ``name-1``, ``name-2``, ..."""
        if self.count == 1:
            return [self.name]
        return [f"{self.name}-{i}" for i in range(1, self.count + 1)]


@dataclass(frozen=True)
class UpgradeConfig:
    """The roles of a rolling upgrade, whether servers go first, and the pinning rule."""

    roles: tuple[Role, ...]
    server_first: bool = False
    pinning: str = "oldest"
    not_exercised: Mapping[str, str] = field(default_factory=dict)
    where: str = ""

    def role(self, name: str) -> Role:
        """The role called ``name``."""
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)

    def apis(self) -> list[str]:
        """Every API a role hosts or calls, in first-mention order."""
        names: dict[str, None] = {}
        for role in self.roles:
            names.update(dict.fromkeys((*role.hosts, *role.calls)))
        return list(names)


def parse_upgrade(where: str, raw: Any) -> UpgradeConfig:
    """Validate the ``upgrade`` table of a target; `ConfigError` naming the key otherwise."""
    where = f"{where}.upgrade"
    check_table(where, raw, _KEYS)
    server_first = raw.get("server_first", False)
    if not isinstance(server_first, bool):
        raise ConfigError(f"{where}: 'server_first' must be true or false")
    pinning = raw.get("pinning", "oldest")
    if pinning not in PINNING:
        raise ConfigError(
            f"{where}: 'pinning' = {pinning!r}; choose one of "
            + "; ".join(f"{k!r} ({v})" for k, v in PINNING.items())
        )
    roles = tuple(_role(here, item) for here, item in _role_tables(where, raw.get("roles")))
    _check_roles(where, roles, server_first)
    skipped = raw.get("not_exercised", {})
    if not isinstance(skipped, dict) or not all(
        isinstance(v, str) and v.strip() for v in skipped.values()
    ):
        raise ConfigError(f"{where}: 'not_exercised' must be a table of API = \"reason\"")
    both = sorted(set(skipped) & {api for r in roles for api in (*r.hosts, *r.calls)})
    if both:
        raise ConfigError(f"{where}: {', '.join(both)} in not_exercised but used by a role")
    return UpgradeConfig(
        roles,
        server_first=server_first,
        pinning=pinning,
        not_exercised=dict(skipped),
        where=where,
    )


def check_apis(config: UpgradeConfig, described: Iterable[str]) -> None:
    """Refuse API names the target does not describe, and described APIs left unmentioned.

    Every API of the target's ``rpc`` list is used by a role or listed in
    ``not_exercised`` with its reason, so a run never narrows coverage silently.
    """
    known = set(described)
    unmentioned = sorted(known - set(config.apis()) - set(config.not_exercised))
    if unmentioned:
        raise ConfigError(
            f"{config.where}: the target describes {', '.join(unmentioned)}, which no role "
            "hosts or calls; add it to a role or to not_exercised with the reason"
        )
    stale = sorted(set(config.not_exercised) - known)
    if stale:
        raise ConfigError(
            f"{config.where}: not_exercised names {', '.join(stale)}, which the target's rpc "
            "list does not describe; delete the entry"
        )
    for role in config.roles:
        for key, names in (("hosts", role.hosts), ("calls", role.calls)):
            missing = [n for n in names if n not in known]
            if missing:
                raise ConfigError(
                    f"{config.where}: role {role.name!r} {key} {', '.join(missing)}, which the "
                    f"target's rpc list does not describe (described: "
                    f"{', '.join(sorted(known)) or 'none'}); fix the name or add the RpcApi"
                )


def _role_tables(where: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
    if value is None:
        raise ConfigError(
            f"{where}: no roles; add [[{where.split(': ', 1)[-1].strip('[]')}.roles]] tables "
            "naming each service, the APIs it hosts and the APIs it calls (docs/upgrade.rst)"
        )
    return array_of_tables(where, "roles", value, _ROLE_KEYS, ("name",))


def _role(here: str, item: dict[str, Any]) -> Role:
    name = item["name"]
    if not _NAME.match(name):
        raise ConfigError(f"{here}: name {name!r} must be lower-case letters, digits and '-'")
    lists = {}
    for key in ("hosts", "calls"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{here}: {key!r} must be a list of RPC API names")
        lists[key] = tuple(value)
    server = item.get("server", False)
    count = item.get("count", 1)
    if not isinstance(server, bool):
        raise ConfigError(f"{here}: 'server' must be true or false")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 9:
        raise ConfigError(f"{here}: 'count' must be a number of nodes from 1 to 9")
    if not (lists["hosts"] or lists["calls"]):
        raise ConfigError(f"{here}: role {name!r} hosts and calls nothing; list its APIs")
    return Role(name, lists["hosts"], lists["calls"], server=server, count=count)


def _check_roles(where: str, roles: tuple[Role, ...], server_first: bool) -> None:
    names = [r.name for r in roles]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"{where}: role name(s) {', '.join(twice)} defined twice")
    if sum(r.count for r in roles) < 2:
        raise ConfigError(f"{where}: a rolling upgrade needs at least two nodes")
    if server_first and not any(r.server for r in roles):
        raise ConfigError(f"{where}: server_first = true but no role has server = true")
    hosted = {api for r in roles for api in r.hosts}
    for role in roles:
        unhosted = [api for api in role.calls if api not in hosted]
        if unhosted:
            raise ConfigError(
                f"{where}: role {role.name!r} calls {', '.join(unhosted)}, which no role "
                "hosts; add it to the hosts of the service that serves it"
            )
