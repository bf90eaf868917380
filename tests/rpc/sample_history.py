"""The old server sides of the sample RPC API, used once to record its snapshots.

``python -m tests.rpc.sample_history`` records versions 1.0-1.3 into
``snapshots/sample/rpc`` (recording is idempotent; recorded versions never change),
and the payload shapes of each version into ``snapshots/sample/rpc/shapes``: the
client pinned at each version against that version's own server class.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import oslo_messaging

from compat_tests.rpc.harness import Harness
from compat_tests.rpc.record import infer_shapes, shapes_store, with_endpoints
from compat_tests.rpc.schema import describe_endpoints, object_manifest
from compat_tests.snapshots import SnapshotStore
from tests.sample.objects.base import SampleObject
from tests.sample.rpc import SAMPLE_RPC, SecurityGroupAgentEndpoint


class V1_0:
    target = oslo_messaging.Target(version="1.0")

    def get_rule_ids(self, context: Any, security_group_id: str) -> list[str]:
        return []

    def update_rule(self, context: Any, rule: Any) -> Any:
        return rule


class V1_1(V1_0):
    target = oslo_messaging.Target(version="1.1")

    def sync(self, context: Any, host: str) -> int:
        return 0


class V1_2(V1_1):
    target = oslo_messaging.Target(version="1.2")

    def get_rule_ids(
        self, context: Any, security_group_id: str, include_egress: bool = True
    ) -> list[str]:
        return []


OLD_RULE = {"SecurityGroupRule": "1.1"}
HISTORY = {"1.0": V1_0, "1.1": V1_1, "1.2": V1_2, "1.3": SecurityGroupAgentEndpoint}


def schemas() -> dict[str, dict]:
    """The schema of every historical version of the sample API."""
    manifest = object_manifest(SampleObject)
    result = {}
    for version, endpoint in HISTORY.items():
        objects = manifest if version == "1.3" else {**manifest, **OLD_RULE}
        result[version] = describe_endpoints([endpoint()], objects=objects)
    return result


def shapes(version: str) -> dict:
    """The payload shapes of ``version``: its client pinned there against its own server."""
    api = with_endpoints(SAMPLE_RPC, lambda: [HISTORY[version]()])
    with Harness(api, {}) as harness:
        return infer_shapes(
            harness,
            version,
            source=f"its own {version} server ({__package__}.sample_history."
            f"{HISTORY[version].__name__})",
        )


def record(directory: Path) -> None:
    """Record every historical version under ``directory``."""
    store = SnapshotStore(directory)
    for version, schema in schemas().items():
        store.record(SAMPLE_RPC.name, version, schema)
        shapes_store(directory).record(SAMPLE_RPC.name, version, shapes(version))


if __name__ == "__main__":
    record(Path(sys.argv[1] if len(sys.argv) > 1 else "snapshots/sample/rpc"))
