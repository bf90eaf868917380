"""Old releases of the sample target carrying real code, for ``run --against`` tests.

`release_wheel` builds a sample release (`tests.snapshots._wheels`) at the versions of
``OLD`` with its own RPC module: the security-group agent API at 1.1, client and server
written as that release shipped them.  Keyword arguments seed bugs into the release.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from compat_tests.snapshots import SnapshotStore
from tests.snapshots._wheels import sample_release_wheel

ROOT = Path(__file__).resolve().parents[2]
OLD = {
    "Network": "1.2",
    "Subnet": "1.0",
    "Port": "1.1",
    "SecurityGroup": "1.0",
    "SecurityGroupRule": "1.1",  # what the RPC API 1.1 carries (snapshots/sample/rpc)
}
RPC_VERSION = "1.1"

_RPC = '''"""The security-group agent API as release 1.0.0 shipped it (RPC version 1.1)."""

from typing import Any

import oslo_messaging
from hypothesis import strategies as st

from compat_tests.rpc import RpcApi
from ovo_sample_release.objects import SampleReleaseObject, SecurityGroupRule

TOPIC = "ovo-compat-sample-sg-agent"


class Client:
    """The release's client: 1.0 methods, sync since 1.1."""

    def __init__(self, transport: Any) -> None:
        self.client = oslo_messaging.get_rpc_client(
            transport,
            oslo_messaging.Target(topic=TOPIC, version="1.0"),
            serializer=RELEASE_RPC.make_serializer(),
        )

    def get_rule_ids(self, context: Any, security_group_id: str) -> list:
        return self.client.prepare(version="1.0").call(
            context, "get_rule_ids", security_group_id=security_group_id
        )

    def update_rule(self, context: Any, rule: SecurityGroupRule) -> Any:
        return self.client.prepare(version="1.0").call(context, "update_rule", rule=rule)

    def sync(self, context: Any, host: str) -> int:
        return self.client.prepare(topic=SYNC_TOPIC, version="1.1").call(
            context, "sync", host=host
        )


class Endpoint:
    """The release's server at 1.1."""

    target = oslo_messaging.Target(version="1.1")

    def get_rule_ids(self, context, security_group_id):
        return [security_group_id + "-ingress"]

    def update_rule(self, context, rule):
        rule.obj_reset_changes()
        return rule

    def sync(self, context, SYNC_PARAM):
        return len(SYNC_PARAM)


RELEASE_RPC = RpcApi(
    name="SecurityGroupAgentAPI",
    topic=TOPIC,
    client=lambda transport, cap: Client(transport),
    endpoints=lambda: [Endpoint()],
    obj_base=SampleReleaseObject,
    arguments={"get_rule_ids": {"security_group_id": st.uuids().map(str)}},
    topics=TOPICS,
)
'''

#: ``custom`` module hanging at import: the node never gets ready.
HANG_AT_IMPORT = """
import sys
import threading

print("seeded: this release hangs while importing its objects", file=sys.stderr, flush=True)
threading.Event().wait()
"""

#: ``custom`` module crashing the node the first time a Network is read.
CRASH_ON_READ = """
import os
import sys

from ovo_sample_release import objects


def _crash(cls, primitive, context=None):
    print("seeded: this release crashes reading a Network", file=sys.stderr, flush=True)
    os._exit(7)


objects.Network.obj_from_primitive = classmethod(_crash)
"""


def release_wheel(
    directory: Path,
    *,
    sync_param: str = "host",
    drop_fields: dict[str, str] | None = None,
    custom: str | None = None,
    rpc: str | None = None,
    topics: str = "None",
    sync_topic: str = "TOPIC",
) -> Path:
    """The wheel of sample release 1.0.0, with seeded bugs.

    ``sync_param``: the name the release's real ``sync`` endpoint takes (the snapshots say
    ``host``); ``drop_fields``: ``{class: field}`` the release's real class lacks although
    its snapshot has it; ``custom``: source of the release's ``custom`` module; ``rpc``: the
    source of its ``rpc`` module instead of the API description; ``topics``: the source of
    the description's ``topics`` (``TOPIC`` is the API's topic); ``sync_topic``: the source
    of the topic the release's client sends ``sync`` to.
    """
    histories = SnapshotStore(ROOT / "snapshots" / "sample")
    schemas = {name: copy.deepcopy(histories[name][v]) for name, v in sorted(OLD.items())}
    for name, field in (drop_fields or {}).items():
        del schemas[name]["fields"][field]
    release_rpc = (
        _RPC.replace("SYNC_PARAM", sync_param)
        .replace("SYNC_TOPIC", sync_topic)
        .replace("TOPICS", topics)
    )
    modules = {"rpc": rpc if rpc is not None else release_rpc}
    if custom is not None:
        modules["custom"] = custom
    directory.mkdir(parents=True, exist_ok=True)
    return sample_release_wheel(
        directory, "1.0.0", OLD, histories, modules=modules, schemas=schemas
    )


def write_config(directory: Path) -> Path:
    """A configuration with the current sample target and the release's target, one store.

    The store is a copy of the sample's snapshots plus the release file of 1.0.0.
    """
    import shutil

    from compat_tests.releases import Release, ReleaseStore

    snaps = directory / "snaps"
    shutil.copytree(ROOT / "snapshots" / "sample", snaps)
    ReleaseStore(snaps).merge(
        Release(
            distribution="ovo-sample-release",
            version="1.0.0",
            objects=dict(OLD),
            rpc={"SecurityGroupAgentAPI": RPC_VERSION},
        )
    )
    config = directory / "pyproject.toml"
    config.write_text(
        "[tool.ovo-compat.targets.sample]\n"
        'objects = ["tests.sample.objects"]\n'
        'registry = "tests.sample.objects.base:SampleObjectRegistry"\n'
        'snapshots = "snaps"\n'
        'rpc = ["tests.sample.rpc:SAMPLE_RPC"]\n\n'
        "[tool.ovo-compat.targets.release]\n"
        'objects = ["ovo_sample_release.objects"]\n'
        'registry = "ovo_sample_release.objects:Registry"\n'
        'snapshots = "snaps"\n'
        'rpc = ["ovo_sample_release.rpc:RELEASE_RPC"]\n'
    )
    return config


def run(config: Path, wheel: Path, **kwargs: Any) -> Any:
    """`compat_tests.cross.run.run_against` of the current sample against ``wheel``."""
    import io

    from compat_tests.config import load_target
    from compat_tests.cross.run import run_against

    target = load_target(str(config), "sample")
    return run_against(
        target, str(wheel), out=io.StringIO(), old_target="release", index=False, **kwargs
    )
