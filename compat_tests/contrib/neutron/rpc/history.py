"""Version histories of Neutron's RPC APIs, from the callbacks' "API version history" comments.

Only the current server exists in the installed code, so older versions are
rebuilt from those comments (`history`).  ``python -m compat_tests.contrib.neutron.rpc [DIR]``
records every version into ``DIR`` (default ``snapshots/neutron/rpc``) and the
payload shapes of every version of the support window into ``DIR/shapes``.
"""

from __future__ import annotations

import copy
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compat_tests.contrib.neutron.rpc.apis import APIS
from compat_tests.errors import SnapshotError
from compat_tests.rpc import RpcApi, describe_api
from compat_tests.snapshots import SnapshotStore
from compat_tests.versions import parse as version_key

__all__ = ["history", "neutron_target", "record"]


# the removed methods took keyword arguments only, like the callbacks' other methods
_KWARGS = {"params": {"**kwargs": {"required": False}}, "signature": "(context, **kwargs)"}


@dataclass(frozen=True)
class _Span:
    """Server method ``method`` existed from ``since`` up to (not including) ``until``."""

    method: str
    since: str
    until: str | None = None
    desc: Mapping[str, Any] | None = None  # None: as the current server has it


# per API: every server version, and the methods that did not exist in all of them
_HISTORY: dict[str, tuple[list[str], list[_Span]]] = {
    "ResourcesPullRpcApi": (["1.0", "1.1"], [_Span("bulk_pull", "1.1")]),
    "ResourcesPushRpcApi": (
        ["1.0", "1.1"],
        [
            _Span(
                "push",
                "1.0",
                "1.1",
                {
                    "params": {"resource": {"required": True}, "event_type": {"required": True}},
                    "signature": "(context, resource, event_type)",
                },
            ),
            _Span("push", "1.1"),
        ],
    ),
    "DhcpPluginApi": (
        [f"1.{minor}" for minor in range(11)],
        [
            _Span("get_active_networks", "1.0", "1.6", _KWARGS),
            _Span("release_port_fixed_ip", "1.0", "1.3", _KWARGS),
            _Span("update_lease_expiration", "1.0", "1.4", _KWARGS),
            _Span("get_dhcp_port", "1.0", "1.2", _KWARGS),
            _Span("get_dhcp_port", "1.8"),
            _Span("get_active_networks_info", "1.1"),
            _Span("create_dhcp_port", "1.1"),
            _Span("update_dhcp_port", "1.1"),
            _Span("dhcp_ready_on_ports", "1.5"),
            _Span("get_networks", "1.7"),
        ],
    ),
    "L3PluginApi": (
        [f"1.{minor}" for minor in range(14)],
        [
            # L3PluginApi's docstring: "1.13 Removed get_external_network_id"
            _Span("get_external_network_id", "1.0", "1.13", _KWARGS),
            _Span("update_floatingip_statuses", "1.1"),
            _Span("get_ports_by_subnet", "1.2"),
            _Span("get_agent_gateway_port", "1.2"),
            _Span("get_service_plugin_list", "1.3"),
            # "later removed, since it was unused. The RPC version was not changed"
            _Span("update_router_state", "1.4", "1.5", _KWARGS),
            _Span("update_ha_routers_states", "1.5"),
            _Span("process_prefix_update", "1.6", "1.13", _KWARGS),
            _Span("delete_agent_gateway_port", "1.7"),
            _Span("get_router_ids", "1.9"),
            _Span("update_all_ha_network_port_statuses", "1.10"),
            _Span("get_host_ha_router_count", "1.11"),
            _Span("get_networks", "1.12"),
        ],
    ),
    "SecurityGroupServerRpcApi": (
        ["1.1", "1.2", "1.3"],
        [_Span("security_group_info_for_devices", "1.2")],
    ),
    "SecurityGroupAgentRpcApiMixin": (["1.1"], []),
    "DVRServerRpcApi": (["1.0", "1.1"], []),
    "MetadataPluginAPI": (["1.0"], []),
}


def history(api: RpcApi) -> dict[str, dict[str, Any]]:
    """Every version of ``api``'s server schema, oldest first, ending with the current one.

    An older version has the current server's methods minus those added later,
    plus the removed ones (signatures in ``_HISTORY``); namespace and object
    manifest are the current server's (older object versions are not recorded in
    Neutron's comments).
    """
    current = describe_api(api)
    versions, spans = _HISTORY[api.name]
    if versions[-1] != current["version"]:
        raise SnapshotError(
            f"{__file__}: RPC API {api.name}: Neutron's server is at {current['version']} "
            f"but _HISTORY ends at {versions[-1]}; add the new version (and its method "
            "changes) to _HISTORY, then run `python -m compat_tests.contrib.neutron.rpc`"
        )
    result = {}
    for version in versions:
        key = version_key(version)
        methods = {}
        for name, desc in current["methods"].items():
            mine = [span for span in spans if span.method == name]
            if not mine or any(_alive(span, key) for span in mine):
                methods[name] = desc
        for span in spans:
            if span.desc is not None and _alive(span, key):
                methods[span.method] = copy.deepcopy(dict(span.desc))
        result[version] = {**current, "version": version, "methods": methods}
    result[current["version"]] = current
    return result


def _alive(span: _Span, key: tuple[int, int]) -> bool:
    return version_key(span.since) <= key and (span.until is None or key < version_key(span.until))


def record(directory: Path, target: Any = None) -> list[str]:
    """Record every version of every API under ``directory``; names of the APIs written to.

    Payload shapes are added (``<directory>/shapes``) for every version of each
    API's support window (``target``: the repository's ``neutron`` target when
    None) that has none yet; recorded shapes are never rewritten.
    """
    from compat_tests.rpc.harness import Harness
    from compat_tests.rpc.record import infer_shapes, load_shapes, shapes_store
    from compat_tests.rpc.suite import target_fixtures

    target = target or neutron_target()
    store = SnapshotStore(Path(directory))
    changed = []
    release = f"Neutron {importlib.metadata.version('neutron')}"
    with target_fixtures(target):
        for api in APIS:
            versions = history(api)
            written = [store.record(api.name, v, schema) for v, schema in versions.items()]
            recorded = load_shapes(Path(directory), api.name)
            oldest = version_key(target.oldest_supported(api.name))
            with Harness(api, versions) as harness:
                for version in versions:
                    if version in recorded or version_key(version) < oldest:
                        continue
                    source = (
                        f"{release}'s server and its client pinned at {version} (the "
                        f"{version}-era code is not installed; its methods come from "
                        "Neutron's version-history comments)"
                    )
                    shapes = infer_shapes(harness, version, source=source)
                    written.append(shapes_store(Path(directory)).record(api.name, version, shapes))
            if any(written):
                changed.append(api.name)
    return changed


def neutron_target() -> Any:
    """The ``neutron`` target of this repository's pyproject.toml (its one support window)."""
    from compat_tests.config import load_target

    return load_target(Path(__file__).resolve().parents[4] / "pyproject.toml", "neutron")
