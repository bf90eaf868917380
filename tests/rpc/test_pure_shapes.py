"""Inferred payload shapes are a pure function of the API description (issue 12).

Hypothesis mixes constants from every local module imported so far into what it
draws, so "the same" derandomized examples changed with what the process had
imported before: ``ovo-compat snapshot`` and ``ovo-compat check`` inferred
different shapes of Nova's ComputeAPI and ``check`` reported ``rpc.unbumped``
right after ``snapshot``.  A payload keyed by host names (identifiers, so a
record whose keys are the drawn names) shows every drawn value in its shape.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path
from typing import Any

import oslo_messaging
from hypothesis import strategies as st

from compat_tests.rpc import Harness, RpcApi
from compat_tests.rpc.record import _each_example, infer_shapes
from tests.sample.objects.base import SampleObject

TOPIC = "ovo-compat-host-api"
_HOSTS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
LOADS = st.dictionaries(_HOSTS, st.integers(0, 10**6), max_size=3)


class HostClient:
    """Reports the load of some hosts."""

    def __init__(self, transport: Any) -> None:
        self.client = oslo_messaging.get_rpc_client(
            transport, oslo_messaging.Target(topic=TOPIC, version="1.0")
        )

    def report_loads(self, context: Any, loads: dict) -> Any:
        """Send ``{host: load}``."""
        return self.client.prepare(version="1.0").call(context, "report_loads", loads=loads)


class HostServer:
    """Answers how many hosts it heard of."""

    target = oslo_messaging.Target(version="1.0")

    def report_loads(self, context: Any, loads: dict) -> int:
        """The number of hosts."""
        return len(loads)


HOST_API = RpcApi(
    name="HostApi",
    topic=TOPIC,
    client=lambda transport, cap: HostClient(transport),
    endpoints=lambda: [HostServer()],
    obj_base=SampleObject,
    arguments={"report_loads": {"loads": LOADS}},
)


def _shapes(api: RpcApi = HOST_API) -> dict:
    with Harness(api, {}) as harness:
        return infer_shapes(harness, "1.0")


def _import_constants(directory: Path, name: str, word: str) -> None:
    """Import a new local module full of constants Hypothesis would mix into its draws.

    The module stays imported: Hypothesis rescans only when ``sys.modules`` grows, so
    removing it would hide the next test's import.
    """
    letters = [f"{a}{b}{word}" for a in "abcdefgh" for b in "xyz"]
    source = "".join(f"{v.upper()}_{i} = {v!r}\n" for i, v in enumerate(letters))
    source += "".join(f"N_{n} = {n}\n" for n in range(1000 + len(word), 9000, 333))
    (directory / f"{name}.py").write_text(source)
    sys.path.insert(0, str(directory))
    try:
        importlib.import_module(name)
    finally:
        sys.path.remove(str(directory))


def test_examples_do_not_depend_on_modules_imported_before(tmp_path):
    def draw() -> list:
        drawn: list = []
        _each_example(LOADS, 100, drawn.append)
        return drawn

    before = draw()
    _import_constants(tmp_path, "ovo_compat_constants_examples", "host")
    assert draw() == before


def test_shapes_do_not_depend_on_modules_imported_before(tmp_path):
    before = _shapes()
    _import_constants(tmp_path, "ovo_compat_constants_shapes", "node")
    assert _shapes() == before, "HostApi report_loads shapes changed with the modules imported"


def test_shapes_do_not_depend_on_what_was_inferred_before():
    other = dataclasses.replace(HOST_API, name="OtherHostApi")
    first = _shapes()
    _shapes(other)
    _each_example(st.text(), 50, lambda value: None)
    assert _shapes() == first
    assert _shapes(other)["methods"] == first["methods"]
