"""A small RPC API with dict and list payloads (a DHCP-like port API), for the payload gallery.

Version 1.0 of ``PortApi``: ``get_network_info(network_id)`` answers a network
dict whose ports carry ``fixed_ips``; ``update_port(port_id, port)`` sends a
``{"port": {...}}`` body whose ``name`` is optional.  `record` writes its
snapshot and shapes into a directory; the seeded bugs change one thing each.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import oslo_messaging
from hypothesis import strategies as st

from compat_tests.rpc import Harness, RpcApi, load_history, load_shapes
from compat_tests.rpc.record import record_api
from tests.sample.objects.base import SampleObject

TOPIC = "ovo-compat-port-api"
_IDS = st.uuids().map(str)
PORT_BODY = st.fixed_dictionaries(
    {"fixed_ips": st.lists(st.fixed_dictionaries({"subnet_id": _IDS}), max_size=2)},
    optional={"name": st.text(max_size=5)},
).map(lambda port: {"port": port})


class PortClient:
    """The agent side: two calls at 1.0."""

    def __init__(self, transport: Any) -> None:
        self.client = oslo_messaging.get_rpc_client(
            transport, oslo_messaging.Target(topic=TOPIC, version="1.0")
        )

    def get_network_info(self, context: Any, network_id: str) -> Any:
        """The network with its ports."""
        cctxt = self.client.prepare(version="1.0")
        return cctxt.call(context, "get_network_info", network_id=network_id)

    def update_port(self, context: Any, port_id: str, port: dict) -> Any:
        """Update a port from a ``{"port": {...}}`` body."""
        cctxt = self.client.prepare(version="1.0")
        return cctxt.call(context, "update_port", port_id=port_id, port=port)


class PortServer:
    """The server side at 1.0."""

    target = oslo_messaging.Target(version="1.0")

    def get_network_info(self, context: Any, network_id: str) -> dict:
        """A network with one port and its fixed IPs."""
        ip = {"subnet_id": "s1", "ip_address": "10.0.0.2"}
        return {"id": network_id, "ports": [{"id": "p1", "fixed_ips": [ip]}]}

    def update_port(self, context: Any, port_id: str, port: dict) -> dict:
        """Echo the port (its name when given)."""
        body = port["port"]
        return {"id": port_id, "name": body.get("name", ""), "fixed_ips": body["fixed_ips"]}


PORT_API = RpcApi(
    name="PortApi",
    topic=TOPIC,
    client=lambda transport, cap: PortClient(transport),
    endpoints=lambda: [PortServer()],
    obj_base=SampleObject,
    arguments={
        "get_network_info": {"network_id": _IDS},
        "update_port": {"port_id": _IDS, "port": PORT_BODY},
    },
)


def api(client: type = PortClient, server: type = PortServer, **kwargs: Any) -> RpcApi:
    """`PORT_API` with another client or server class."""
    return dataclasses.replace(
        PORT_API,
        client=lambda transport, cap: client(transport),
        endpoints=lambda: [server()],
        **kwargs,
    )


def record(directory: Path) -> Path:
    """Record version 1.0 (schema and shapes) into ``directory``; returns it."""
    record_api(directory, PORT_API)
    return directory


def harness(directory: Path, described: RpcApi) -> Harness:
    """A set-up harness for ``described`` over the history recorded in ``directory``."""
    built = Harness(
        described,
        load_history(directory, described.name),
        shapes=load_shapes(directory, described.name),
    )
    built.setUp()
    return built
