from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compat_tests.rpc import Harness, RpcApi, load_history
from tests.sample.rpc import SAMPLE_RPC

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "sample" / "rpc"


@pytest.fixture(scope="session")
def history() -> dict:
    return load_history(SNAPSHOTS, SAMPLE_RPC.name)


@pytest.fixture
def make_harness(history: dict) -> Iterator:
    harnesses: list[Harness] = []

    def make(api: RpcApi = SAMPLE_RPC, **kwargs) -> Harness:
        harness = Harness(api, history, **kwargs)
        harness.setUp()
        harnesses.append(harness)
        return harness

    yield make
    for harness in reversed(harnesses):
        harness.cleanUp()
