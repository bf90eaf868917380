"""Releases of the sample target for ``ovo-compat upgrade``: local wheels carrying real RPC code.

Each wheel holds the sample classes at the release's versions (`tests.snapshots._wheels`)
and `tests.upgrade._sample_service` as its ``rpc`` module, with the release's API version
and seeded bugs; `config` writes the target table every release is loaded with.
"""

from __future__ import annotations

from pathlib import Path

from compat_tests.snapshots import SnapshotStore
from tests.snapshots._wheels import PACKAGE, sample_release_wheel

ROOT = Path(__file__).resolve().parents[2]
SERVICE = Path(__file__).with_name("_sample_service.py")

#: version -> (SecurityGroupRule version, SecurityGroupAgentAPI version, seeded bugs)
RELEASES = {
    "1.0.0": ("1.1", "1.2", ()),
    "2.0.0": ("1.2", "1.3", ()),
    "2.0.1": ("1.2", "1.3", ("echo-newest",)),
    "2.0.2": ("1.2", "1.3", ("crash-on-sync",)),
    "2.0.3": ("1.2", "1.3", ("hang-on-sync", "no-backport", "bad-heartbeat")),
}


def wheel(directory: Path, version: str) -> Path:
    """The wheel of sample release ``version`` (one of `RELEASES`)."""
    rule, api, bugs = RELEASES[version]
    histories = SnapshotStore(ROOT / "snapshots" / "sample")
    return sample_release_wheel(
        directory,
        version,
        {"SecurityGroupRule": rule},
        histories,
        modules={
            "rpc": SERVICE.read_text(),
            "release_rpc": f'"""RPC settings."""\n\nVERSION = {api!r}\nBUGS = {bugs!r}\n',
        },
    )


def config(
    directory: Path, *, server_first: bool = False, agents: int = 2, pinning: str = "oldest"
) -> Path:
    """A pyproject.toml whose target ``sample`` runs a server and ``agents`` agents."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pyproject.toml"
    table = "tool.ovo-compat.targets.sample"
    path.write_text(
        f'[{table}]\nobjects = ["{PACKAGE}.objects"]\nsnapshots = "snaps"\n'
        f'rpc = ["{PACKAGE}.rpc:AGENT_API", "{PACKAGE}.rpc:REPORT_API"]\n\n'
        f"[{table}.upgrade]\nserver_first = {str(server_first).lower()}\n"
        f'pinning = "{pinning}"\n\n'
        f'[[{table}.upgrade.roles]]\nname = "server"\nserver = true\n'
        'hosts = ["SampleReportAPI"]\ncalls = ["SecurityGroupAgentAPI"]\n\n'
        f'[[{table}.upgrade.roles]]\nname = "agent"\ncount = {agents}\n'
        'hosts = ["SecurityGroupAgentAPI"]\ncalls = ["SampleReportAPI"]\n'
    )
    return path
