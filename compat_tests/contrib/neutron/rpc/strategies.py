"""Argument strategies for Neutron's RPC client methods."""

from __future__ import annotations

from hypothesis import strategies as st
from neutron.api.rpc.callbacks import resources
from neutron.objects.base import NeutronObject

from compat_tests.contrib.neutron.rpc.stubs import MAC, PULLABLE

__all__ = [
    "fields",
    "filters",
    "ha_states",
    "hosts",
    "port_body",
    "pulled",
    "push_lists",
    "security_groups",
    "uuids",
]

_MAC = MAC
_PULLABLE = PULLABLE
uuids = st.uuids().map(str)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)
_RESOURCE_CLASSES = tuple(
    resources.get_resource_cls(t) for t in sorted(resources.LOCAL_RESOURCE_VERSIONS)
)


def _objects(cls: type) -> st.SearchStrategy:
    from strategies import objects

    return objects(cls, max_depth=1)


def _pullable() -> st.SearchStrategy[NeutronObject]:
    """A generated resource with an id, put where the stub producer finds it."""

    def seed(obj: NeutronObject) -> NeutronObject:
        _PULLABLE[(obj.obj_name(), str(obj.id))] = obj
        return obj

    with_id = [cls for cls in _RESOURCE_CLASSES if "id" in cls.fields]
    return (
        st.sampled_from(with_id)
        .flatmap(lambda cls: _objects(cls).filter(lambda o: o.obj_attr_is_set("id")))
        .map(seed)
    )


# one shared draw per example: resource_type and resource_id name the same object
pulled = st.shared(st.deferred(_pullable), key="ovo-compat-neutron-pull")
push_lists = st.sampled_from(_RESOURCE_CLASSES).flatmap(
    lambda cls: st.lists(_objects(cls), min_size=1, max_size=2)
)
filters = st.dictionaries(
    st.sampled_from(["id", "network_id", "device_id", "device_owner"]),
    st.lists(uuids, max_size=2),
    max_size=2,
)
fields = st.none() | st.lists(st.sampled_from(["id", "name", "subnets", "mtu"]), max_size=3)
port_body = st.fixed_dictionaries(
    {
        "network_id": uuids,
        "project_id": st.uuids().map(lambda u: u.hex),
        "device_id": uuids.map(lambda u: f"dhcp{u}"),
        "fixed_ips": st.lists(st.fixed_dictionaries({"subnet_id": uuids}), max_size=2),
    },
    optional={"mac_address": st.just(_MAC), "name": st.text(max_size=10)},
).map(lambda port: {"port": port})
ha_states = st.dictionaries(uuids, st.sampled_from(["active", "standby"]), max_size=2)
security_groups = st.lists(uuids, max_size=3)
