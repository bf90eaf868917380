"""`RpcApi` description of Nova's compute RPC API (``nova.compute.rpcapi.ComputeAPI``).

The client is Nova's own, pinned through ``[upgrade_levels] compute`` like the scheduler's
and conductor's (`compat_tests.contrib.nova.rpc`), with one difference: Nova keeps one
``ClientRouter`` per process (built from the database when the level is ``auto``), so
`ComputeClient` holds its own single-cell router around the client Nova's ``get_client``
builds (cells, i.e. ``context.mq_connection``, are not modelled).  The server is a stub of
Nova's real ``ComputeManager`` (its ``target`` and real signatures).  Arguments are drawn per
parameter *name* (`PARAMETERS`): Nova's compute API names each one consistently, and an
instance always has a ``host`` (the client routes by it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from compat_tests.contrib._stubs import stub_endpoint
from compat_tests.contrib.nova import rpc as nova_rpc
from compat_tests.contrib.nova.environment import _import
from compat_tests.rpc import RpcApi
from compat_tests.rpc.harness import SERVER

__all__ = ["COMPUTE", "EXCLUDED", "PARAMETERS", "ComputeClient"]

_compute_rpcapi = _import("nova.compute.rpcapi", "the nova compute RPC API")
_compute_manager = _import("nova.compute.manager", "the nova compute RPC API")
_messaging = _import("oslo_messaging", "the nova compute RPC API")

HOST = SERVER
"""Every compute host the client routes to: the harness's live server (`SERVER`)."""


class _OneCellRouter:
    """``nova.rpc.ClientRouter`` without cells: every context uses the default client."""

    def __init__(self, owner: Any) -> None:
        self._owner = owner

    @property
    def default_client(self) -> Any:
        """The owner's client (the harness may have replaced it by a pinned copy)."""
        return self._owner.client

    def client(self, context: Any) -> Any:
        """The default client, whatever the context's cell."""
        return self._owner.client


class ComputeClient(_compute_rpcapi.ComputeAPI):
    """Nova's ComputeAPI with a router of its own instead of the process-wide one."""

    def __init__(self) -> None:
        super().__init__()
        target = _messaging.Target(topic=_compute_rpcapi.RPC_TOPIC, version="6.0")
        cap = _compute_rpcapi.ComputeAPI.VERSION_ALIASES.get(
            nova_rpc.cfg.CONF.upgrade_levels.compute, nova_rpc.cfg.CONF.upgrade_levels.compute
        )
        serializer = nova_rpc._objects_base.NovaObjectSerializer()
        self.client = self.get_client(target, cap, serializer)

    @property
    def router(self) -> Any:  # type: ignore[override]
        """A single-cell router around ``self.client``."""
        return _OneCellRouter(self)


def _with_host(obj: Any) -> Any:
    obj.host = HOST
    return obj


def _defaults_set(limits: Any) -> Any:
    """Nova builds ``SchedulerLimits`` only through ``from_dict``, which sets every default
    (``obj_set_defaults``); ``to_dict`` reads every field, so an unset one would raise."""
    limits.obj_set_defaults()
    return limits


def _with_computes(migration: Any) -> Any:
    migration.source_compute = migration.dest_compute = HOST
    return migration


_obj = nova_rpc._obj
_maybe = nova_rpc._maybe
_names, _dicts, _uuids, _hosts = nova_rpc._names, nova_rpc._dicts, nova_rpc._uuids, nova_rpc._hosts
_instance = _obj("Instance").map(_with_host)

PARAMETERS: Mapping[str, st.SearchStrategy] = {
    "accel_uuids": _maybe(st.lists(_uuids, max_size=2)),
    "action": st.sampled_from(["startup", "shutdown", "reboot"]),
    "address": st.just("10.0.0.5"),
    "admin_password": _maybe(_names),
    "attachment_id": _maybe(_uuids),
    "backup_type": st.just("daily"),
    "bdm": _obj("BlockDeviceMapping"),
    "bdms": _obj("BlockDeviceMappingList"),
    "block_device_info": _maybe(_dicts),
    "block_device_mapping": _maybe(_obj("BlockDeviceMappingList")),
    "block_migration": st.booleans(),
    "cast": st.booleans(),
    "clean_shutdown": st.booleans(),
    "console_type": st.sampled_from(["novnc", "spice-html5", "serial", "webmks"]),
    "create_info": _dicts,
    "data": _dicts,
    "delete_attachment": st.booleans(),
    "delete_info": _dicts,
    "dest": st.just(HOST),
    "dest_check_data": _obj("LibvirtLiveMigrateData"),
    "destination": st.just(HOST),
    "destroy_disks": st.booleans(),
    "device": _maybe(st.just("/dev/vdb")),
    "device_type": _maybe(st.just("disk")),
    "disk": st.none(),
    "disk_bus": _maybe(st.sampled_from(["virtio", "scsi"])),
    "disk_info": _maybe(_names),
    "disk_over_commit": st.booleans(),
    "do_cast": st.booleans(),
    "enabled": st.booleans(),
    "events": st.lists(_obj("InstanceExternalEvent"), max_size=2),
    "filter_properties": _dicts,
    "flavor": _obj("Flavor"),
    "host": st.just(HOST),
    "host_list": _maybe(st.lists(_obj("Selection"), max_size=2)),
    "host_param": _hosts,
    "image": _dicts,
    "image_id": _uuids,
    "image_ids": st.lists(_uuids, max_size=2),
    "image_ref": _uuids,
    "injected_files": nova_rpc._injected_files,
    "instance": _instance,
    "instances": st.lists(_instance, min_size=1, max_size=1),  # routed by instances[0].host
    "limits": _maybe(_obj("SchedulerLimits").map(_defaults_set)),
    "mapping": _maybe(_dicts),
    "migrate_data": _maybe(_obj("LibvirtLiveMigrateData")),
    "migration": _obj("Migration").map(_with_computes),
    "migration_id": st.integers(1, 1000),
    "mode": st.sampled_from(["on_maintenance", "off_maintenance"]),
    "multiattach": st.booleans(),
    "network_id": _uuids,
    "new_attachment_id": _uuids,
    "new_pass": _maybe(_names),
    "new_volume_id": _uuids,
    "node": _maybe(_hosts),
    "nodename": _hosts,
    "old_volume_id": _uuids,
    "on_shared_storage": st.booleans(),
    "orig_image_ref": _uuids,
    "orig_sys_metadata": st.dictionaries(_names, _names, max_size=2),
    "port": st.integers(1, 65535),
    "port_id": _uuids,
    "preserve_ephemeral": st.booleans(),
    "reboot_type": st.sampled_from(["SOFT", "HARD"]),
    "recreate": st.booleans(),
    "reimage_boot_volume": st.booleans(),
    "request_spec": _obj("RequestSpec"),
    "requested_ip": _maybe(st.just("10.0.0.6")),
    "requested_networks": _maybe(_obj("NetworkRequestList")),
    "rescue_image_ref": _maybe(_uuids),
    "rescue_password": _maybe(_names),
    "rotation": st.integers(0, 5),
    "security_groups": _maybe(st.lists(_names, max_size=2)),
    "share_mapping": _obj("ShareMapping"),
    "snapshot_id": _maybe(_uuids),
    "tag": _maybe(_names),
    "tail_length": _maybe(st.integers(0, 100)),
    "target_state": st.none() | st.just("stopped"),
    "volume_id": _uuids,
}
"""The strategy of every ComputeAPI parameter, by name."""

EXCLUDED: Mapping[str, str] = {
    "prepare_for_alt_rpcserver": "a helper that prepares a client for the compute-alt topic; "
    "it sends nothing itself",
    "supports_numa_live_migration": "asks the pinned client's version only; sends nothing",
}
"""Public ComputeAPI methods that are not RPC methods, with the reason."""


def _methods() -> tuple[str, ...]:
    import inspect

    return tuple(
        name
        for name, func in inspect.getmembers(ComputeClient, inspect.isfunction)
        if not name.startswith("_") and name not in EXCLUDED and name != "get_client"
    )


def _arguments(methods: tuple[str, ...]) -> dict[str, dict[str, st.SearchStrategy]]:
    import inspect

    result = {}
    for name in methods:
        params = list(inspect.signature(getattr(ComputeClient, name)).parameters)[2:]
        result[name] = {p: PARAMETERS[p] for p in params if p in PARAMETERS}
    return result


_METHODS = _methods()

COMPUTE = RpcApi(
    name="ComputeAPI",
    topic=_compute_rpcapi.RPC_TOPIC,
    client=nova_rpc._client(ComputeClient, "compute"),
    endpoints=lambda: [stub_endpoint(_compute_manager.ComputeManager, _METHODS)],
    methods=_METHODS,
    arguments=_arguments(_METHODS),
    # a 6.5 compute also serves 'compute-alt' (prepare_for_alt_rpcserver: moves in progress)
    topics=lambda: [_compute_rpcapi.RPC_TOPIC, _compute_rpcapi.RPC_TOPIC_ALT],
    # Nova's callers always pass one of them (it raises "No compute host specified" if not)
    always_passed={"check_instance_shared_storage": ("instance",)},
    **nova_rpc._COMMON,
)
"""nova-api, conductor and other computes call a compute host."""
