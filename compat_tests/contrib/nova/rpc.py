"""`RpcApi` descriptions of Nova's scheduler and conductor RPC APIs (real clients, stub servers).

* ``SchedulerAPI`` (``nova.scheduler.rpcapi``): conductor and computes call the scheduler.
* ``ConductorAPI`` (``nova.conductor.rpcapi``): the indirection API old computes use to run
  remotable methods and to ask for ``object_backport_versions``.
* ``ComputeTaskAPI`` (``nova.conductor.rpcapi``, namespace ``compute_task``): nova-api
  asks the conductor to build, migrate, rebuild, unshelve ... instances.

The clients are Nova's own, built on the harness's transport (``nova.rpc.TRANSPORT``) and
pinned the way an operator pins them, through ``[upgrade_levels]`` (``scheduler``,
``conductor``; Nova never pins ``compute_task``: conductors are upgraded first).  The
servers are stubs of Nova's real managers (`compat_tests.contrib._stubs.stub_endpoint`):
the real ``target`` and the real signatures, so a message the real server would refuse is
refused; they answer None, except ``object_backport_versions``, answered by Nova's real
``ConductorManager.object_backport_versions`` (it needs no database).  Objects are
generated with the target's context (`compat_tests.contrib.nova.context`).

``nova.compute.rpcapi.ComputeAPI`` is described in `compat_tests.contrib.nova.compute`
(Nova's client with a single-cell router instead of the process-wide ``ClientRouter``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import fixtures
import oslo_messaging.opts
from hypothesis import strategies as st
from oslo_config import cfg
from oslo_versionedobjects import base as ovo_base

from compat_tests.contrib._stubs import stub_endpoint
from compat_tests.contrib.nova.environment import _import, context, register_objects
from compat_tests.rpc import RpcApi

__all__ = ["APIS", "COMPUTE_TASK", "CONDUCTOR", "SCHEDULER"]

_rpc = _import("nova.rpc", "the nova RPC APIs")
_objects_base = _import("nova.objects.base", "the nova RPC APIs")
_scheduler_rpcapi = _import("nova.scheduler.rpcapi", "the nova RPC APIs")
_scheduler_manager = _import("nova.scheduler.manager", "the nova RPC APIs")
_conductor_rpcapi = _import("nova.conductor.rpcapi", "the nova RPC APIs")
_conductor_manager = _import("nova.conductor.manager", "the nova RPC APIs")
register_objects()


def _serializer() -> Any:
    """Nova's RPC serializer: the request context around ``NovaObjectSerializer``."""
    return _rpc.RequestContextSerializer(_objects_base.NovaObjectSerializer())


def _register_messaging_options(conf: cfg.ConfigOpts) -> None:
    """oslo.messaging's options on ``conf``, as ``nova.rpc.init`` leaves them.

    Nova's clients read ``CONF.rpc_response_timeout``; the harness's transport lives on a
    private ConfigOpts, so nothing registered them on ``cfg.CONF``.  Idempotent.
    """
    for group, options in oslo_messaging.opts.list_opts():
        if group is None:  # [DEFAULT]: rpc_response_timeout, transport_url, ...
            conf.register_opts(options)


def _client(build: Callable[[], Any], level: str | None) -> Callable[[Any, str | None], Any]:
    """A client factory: ``build()`` on the harness's transport, ``[upgrade_levels] level=cap``."""

    def factory(transport: Any, cap: str | None) -> Any:
        _register_messaging_options(cfg.CONF)
        with fixtures.MonkeyPatch("nova.rpc.TRANSPORT", transport):
            if level is None:
                return build()
            cfg.CONF.set_override(level, cap, group="upgrade_levels")
            try:
                return build()
            finally:
                cfg.CONF.clear_override(level, group="upgrade_levels")

    return factory


# -- argument strategies --------------------------------------------------------------------


@functools.cache
def _class(name: str) -> type:
    return _objects_base.NovaObjectRegistry.obj_classes()[name][0]


def _obj(name: str) -> st.SearchStrategy:
    """Nova ``name`` objects (required children only: Hypothesis buffers overrun on more)."""

    def build() -> st.SearchStrategy:
        from strategies import objects

        return objects(_class(name), context=context(), max_depth=0)

    return st.deferred(build)


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


_uuids = st.uuids().map(str)
_hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
_names = st.text(st.characters(codec="ascii", categories=("L", "N")), max_size=12)
# Opaque payloads (a remotable method's args, filter properties) hold strings only: payload
# shapes are inferred from 30 examples, and a mixed-type list would record whichever types
# those examples happened to hold.
_args = st.lists(_names, max_size=2).map(tuple)
_dicts = st.dictionaries(_names, _names, max_size=3)
_selections = st.lists(_obj("Selection"), max_size=2)
_injected_files = st.lists(st.tuples(_names.map(lambda n: f"/{n}"), _names), max_size=2)
# One object per example, objinst and object_versions describing it (what old computes send:
# obj_tree_get_versions of its class).  One class, ImageMeta, the graph that changed inside
# the window (ImageMetaProps 1.42 -> 1.44): messages generated from the recorded shapes must
# stay coherent, and the shape of object_versions keeps only keys every example had.
_backported = st.shared(_obj("ImageMeta"), key="ovo-compat-nova-backport")
_class_names = st.sampled_from(["Aggregate", "ComputeNode", "Instance", "Migration", "Service"])

_SCHEDULER_ARGS = {
    "select_destinations": {
        "spec_obj": _obj("RequestSpec"),
        "instance_uuids": st.lists(_uuids, max_size=2),
        "return_objects": st.booleans(),
        "return_alternates": st.booleans(),
    },
    "update_aggregates": {"aggregates": st.lists(_obj("Aggregate"), max_size=2)},
    "delete_aggregate": {"aggregate": _obj("Aggregate")},
    "update_instance_info": {"host_name": _hosts, "instance_info": _obj("InstanceList")},
    "delete_instance_info": {"host_name": _hosts, "instance_uuid": _uuids},
    "sync_instance_info": {"host_name": _hosts, "instance_uuids": st.lists(_uuids, max_size=2)},
}
_CONDUCTOR_ARGS = {
    "object_class_action": {
        "objname": _class_names,
        "objmethod": _names,
        "objver": st.just("1.0"),
        "args": _args,
        "kwargs": _dicts,
    },
    "object_class_action_versions": {
        "objname": _class_names,
        "objmethod": _names,
        "object_versions": _class_names.map(ovo_base.obj_tree_get_versions),
        "args": _args,
        "kwargs": _dicts,
    },
    "object_action": {
        "objinst": _backported,
        "objmethod": _names,
        "args": _args,
        "kwargs": _dicts,
    },
    "object_backport_versions": {
        "objinst": _backported,
        "object_versions": _backported.map(lambda o: ovo_base.obj_tree_get_versions(o.obj_name())),
    },
}
_INSTANCE = {"instance": _obj("Instance")}
_COMPUTE_TASK_ARGS = {
    "live_migrate_instance": {
        **_INSTANCE,
        "scheduler_hint": st.fixed_dictionaries({}, optional={"host": _hosts}),
        "block_migration": st.booleans(),
        "disk_over_commit": st.booleans(),
        "request_spec": _obj("RequestSpec"),
    },
    "migrate_server": {
        **_INSTANCE,
        "scheduler_hint": st.fixed_dictionaries({}, optional={"host": _hosts}),
        "live": st.booleans(),
        "rebuild": st.booleans(),
        "flavor": _obj("Flavor"),
        "block_migration": st.booleans(),
        "disk_over_commit": st.booleans(),
        "reservations": st.none(),
        "clean_shutdown": st.booleans(),
        "request_spec": _maybe(_obj("RequestSpec")),
        "host_list": _maybe(_selections),
        "do_cast": st.booleans(),
    },
    "build_instances": {
        "instances": st.lists(_obj("Instance"), max_size=1),
        "image": _dicts,
        "filter_properties": _dicts,
        "admin_password": _maybe(_names),
        "injected_files": _injected_files,
        "requested_networks": _obj("NetworkRequestList"),
        "security_groups": st.lists(_names, max_size=2),
        "block_device_mapping": _obj("BlockDeviceMappingList"),
        "legacy_bdm": st.booleans(),
        "request_spec": _maybe(_obj("RequestSpec")),
        "host_lists": _maybe(st.lists(_selections, max_size=1)),
    },
    "schedule_and_build_instances": {
        "build_requests": st.lists(_obj("BuildRequest"), max_size=1),
        "request_specs": st.lists(_obj("RequestSpec"), max_size=1),
        "image": _dicts,
        "admin_password": _maybe(_names),
        "injected_files": _injected_files,
        "requested_networks": _obj("NetworkRequestList"),
        "block_device_mapping": _obj("BlockDeviceMappingList"),
        "tags": _maybe(_obj("TagList")),
    },
    "unshelve_instance": {**_INSTANCE, "request_spec": _maybe(_obj("RequestSpec"))},
    "rebuild_instance": {
        **_INSTANCE,
        "new_pass": _maybe(_names),
        "injected_files": _injected_files,
        "image_ref": _uuids,
        "orig_image_ref": _uuids,
        "orig_sys_metadata": st.dictionaries(_names, _names, max_size=2),
        "bdms": _obj("BlockDeviceMappingList"),
        "recreate": st.booleans(),
        "on_shared_storage": st.booleans(),
        "host": _maybe(_hosts),
        "preserve_ephemeral": st.booleans(),
        "request_spec": _maybe(_obj("RequestSpec")),
        "reimage_boot_volume": st.booleans(),
        "target_state": st.none() | st.just("stopped"),
    },
    "cache_images": {"aggregate": _obj("Aggregate"), "image_ids": st.lists(_uuids, max_size=2)},
    "confirm_snapshot_based_resize": {
        **_INSTANCE,
        "migration": _obj("Migration"),
        "do_cast": st.booleans(),
    },
    "revert_snapshot_based_resize": {**_INSTANCE, "migration": _obj("Migration")},
    "attach_volume": {
        **_INSTANCE,
        "volume": st.fixed_dictionaries({"id": _uuids}),
        "device": _maybe(st.just("/dev/vdb")),
        "disk_bus": _maybe(st.sampled_from(["virtio", "scsi"])),
        "device_type": _maybe(st.just("disk")),
        "tag": _maybe(_names),
        "supports_multiattach": st.booleans(),
        "delete_on_termination": st.booleans(),
        "do_cast": st.booleans(),
    },
}


# -- the APIs -------------------------------------------------------------------------------

_COMMON: dict[str, Any] = {
    "obj_base": _objects_base.NovaObject,
    "serializer": _serializer,
    "context": context,
}


def _methods(client: type, arguments: dict[str, Any]) -> tuple[str, ...]:
    """The described methods ``client`` has (an older release's client may lack some)."""
    return tuple(name for name in sorted(arguments) if hasattr(client, name))


def _backport(context: Any, objinst: Any, object_versions: dict[str, str]) -> Any:
    """Nova's real conductor ``object_backport_versions`` (no database involved)."""
    manager = _conductor_manager.ConductorManager
    return manager.object_backport_versions(None, context, objinst, object_versions)


SCHEDULER = RpcApi(
    name="SchedulerAPI",
    topic=_scheduler_rpcapi.RPC_TOPIC,
    client=_client(_scheduler_rpcapi.SchedulerAPI, "scheduler"),
    endpoints=lambda: [stub_endpoint(_scheduler_manager.SchedulerManager, sorted(_SCHEDULER_ARGS))],
    methods=_methods(_scheduler_rpcapi.SchedulerAPI, _SCHEDULER_ARGS),
    arguments=_SCHEDULER_ARGS,
    **_COMMON,
)
"""Conductor and computes call the scheduler (casts fan out to every scheduler)."""

CONDUCTOR = RpcApi(
    name="ConductorAPI",
    topic=_conductor_rpcapi.RPC_TOPIC,
    client=_client(_conductor_rpcapi.ConductorAPI, "conductor"),
    endpoints=lambda: [
        stub_endpoint(
            _conductor_manager.ConductorManager,
            ["object_action", "object_backport_versions", "object_class_action_versions"],
            answers={"object_backport_versions": _backport},
        )
    ],
    methods=_methods(_conductor_rpcapi.ConductorAPI, _CONDUCTOR_ARGS),
    arguments=_CONDUCTOR_ARGS,
    **_COMMON,
)
"""Computes' indirection API: remotable methods and object backports run in the conductor."""

COMPUTE_TASK = RpcApi(
    name="ComputeTaskAPI",
    topic=_conductor_rpcapi.RPC_TOPIC,
    namespace="compute_task",
    client=_client(_conductor_rpcapi.ComputeTaskAPI, None),
    endpoints=lambda: [
        stub_endpoint(_conductor_manager.ComputeTaskManager, sorted(_COMPUTE_TASK_ARGS))
    ],
    methods=_methods(_conductor_rpcapi.ComputeTaskAPI, _COMPUTE_TASK_ARGS),
    arguments=_COMPUTE_TASK_ARGS,
    **_COMMON,
)
"""nova-api asks the conductor to build, move and rebuild instances."""

APIS: tuple[RpcApi, ...] = (SCHEDULER, CONDUCTOR, COMPUTE_TASK)
"""Every API described here (the target's ``rpc`` list names each one)."""
