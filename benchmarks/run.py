"""ovo-compat benchmarks (``tox -e bench``): figures, never assertions.

1. Raw serialization: ``obj_to_primitive`` + ``obj_from_primitive`` round trips per
   second on the sample target's objects.
2. The suite on the same objects: examples checked per second by every object case of
   the sample target (in process, ``bench`` profile), and the ratio of the suite's
   per-example cost to one raw round trip.
3. RPC: the harness's fast path against bare ``RPCClient.call`` over ``fake:/``.
4. Cross-release nodes (``benchmarks/cross_nodes.py``): node start-to-ready time and control
   calls per second over the node protocol.
5. Wall time of ``ovo-compat run`` on the sample target, and on a generated registry
   of 200 classes with 10 versions each at 100 examples per case with 2 xdist workers
   (``--quick`` shrinks it to 20 classes for a smoke run).

The machine running a benchmark is often shared, so every figure is given in CPU time
(of the process, and of its children for the commands run) next to wall time; rates
and the suite/raw ratio use CPU time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from hypothesis import HealthCheck, given, settings  # noqa: E402

import strategies  # noqa: E402
from compat_tests import profiles  # noqa: E402
from compat_tests.cases import ObjectSuite  # noqa: E402
from compat_tests.config import load_target  # noqa: E402
from compat_tests.discover import Catalog  # noqa: E402
from compat_tests.snapshots import SnapshotStore  # noqa: E402

# The ovo-compat command of the running interpreter (console scripts may not be on PATH).
_OVO_COMPAT = [sys.executable, "-m", "compat_tests"]

_BIG_CONFIG = """\
[tool.ovo-compat.targets.big]
objects = ["big_objects"]
registry = "big_objects:BigObjectRegistry"
snapshots = "snapshots"
"""


def _draw(cls: type, count: int) -> list:
    drawn: list = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategies.objects(cls))
    def collect(obj: object) -> None:
        drawn.append(obj)

    collect()
    return drawn


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of one measured stretch (CPU: this process plus its children)."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def _measured() -> Iterator[list[Timing]]:
    """Yield a list that holds the stretch's `Timing` once the block ends."""
    found: list[Timing] = []
    wall, cpu = time.perf_counter(), _cpu()
    try:
        yield found
    finally:
        found.append(Timing(time.perf_counter() - wall, _cpu() - cpu))


def raw_roundtrip_rate(classes: dict[str, type], per_class: int = 200) -> tuple[float, Timing]:
    """(round trips per CPU second, timing) of ``obj_from_primitive(obj_to_primitive(o))``.

    The median (by CPU time) of seven passes over the same objects, after one untimed
    pass (the first calls in a process warm caches and would count against raw OVO).
    """
    objs = [(cls, o) for cls in classes.values() for o in _draw(cls, per_class)]
    for cls, obj in objs:
        cls.obj_from_primitive(obj.obj_to_primitive())
    passes: list[Timing] = []
    for _ in range(7):
        with _measured() as timing:
            for cls, obj in objs:
                cls.obj_from_primitive(obj.obj_to_primitive())
        passes.extend(timing)
    median = sorted(passes, key=lambda t: t.cpu)[len(passes) // 2]
    return len(objs) / max(median.cpu, 1e-9), median


def suite_rate() -> tuple[float, int, int, Timing]:
    """(examples per CPU second, examples, cases, timing) of every sample object case."""
    profiles.load_profile("bench")
    target = load_target(ROOT / "pyproject.toml", "sample")
    catalog = Catalog.load(target)
    suite = ObjectSuite(target, catalog.classes, SnapshotStore(target.snapshots))
    cases = [c for c in suite.cases() if not c.skip]
    with _measured() as timing:
        for case in cases:
            suite.run(case)
    spent = timing[0]
    rate = suite.examples_checked / max(spent.cpu, 1e-9)
    return rate, suite.examples_checked, len(cases), spent


def generation_only() -> tuple[int, Timing]:
    """(examples, timing) of drawing what `suite_rate`'s shared runs draw, checking nothing.

    The same strategies and settings (`ObjectSuite.shared_strategies`, ``shared_settings``)
    with an empty test body: the part of the suite's cost that is Hypothesis generating
    examples.  Old nodes are built before the timing starts.
    """
    profiles.load_profile("bench")
    target = load_target(ROOT / "pyproject.toml", "sample")
    suite = ObjectSuite(target, Catalog.load(target).classes, SnapshotStore(target.snapshots))
    runs = []
    for name in sorted(suite.classes):
        members = suite.shared_members(name)
        if len(members) > 1:  # the runner shares only then
            runs.extend(strategy for _, strategy in suite.shared_strategies(name, members))
    drawn = [0]

    def body(example: object) -> None:
        drawn[0] += 1

    chosen = ObjectSuite.shared_settings(None)
    with _measured() as timing:
        for strategy in runs:
            chosen(given(example=strategy)(body))()
    return drawn[0], timing[0]


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[Timing, str]:
    with _measured() as timing:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
    seconds = timing[0]
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"benchmark command failed ({done.returncode}): {' '.join(command)}")
    return seconds, summary


def sample_wall_time() -> tuple[Timing, str]:
    """Wall time of ``ovo-compat run --target sample`` (bench profile, one process)."""
    command = [*_OVO_COMPAT, "run", "--target", "sample", "--", "-q", "-p", "no:cacheprovider"]
    return _timed(command, ROOT, {**os.environ, "OVO_COMPAT_PROFILE": "bench"})


def big_registry_wall_time(classes: int, workers: int) -> tuple[Timing, Timing, str]:
    """(snapshot timing, run timing, pytest summary) on the generated registry."""
    with tempfile.TemporaryDirectory(prefix="ovo-compat-bench-") as tmp:
        config = Path(tmp) / "bench.toml"
        config.write_text(_BIG_CONFIG)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(ROOT)]),
            "BIG_CLASSES": str(classes),
            "OVO_COMPAT_PROFILE": "bench",
        }
        base = _OVO_COMPAT
        snap, _ = _timed(
            [*base, "snapshot", "--config", str(config), "--infer-history"], Path(tmp), env
        )
        run_args = ["-q", "-p", "no:cacheprovider", "-n", str(workers)]
        run, summary = _timed(
            [*base, "run", "--config", str(config), "--", *run_args], Path(tmp), env
        )
        return snap, run, summary


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 generated classes, not 200")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured

    target = load_target(ROOT / "pyproject.toml", "sample")
    classes = Catalog.load(target).classes
    raw, raw_timing = raw_roundtrip_rate(classes)
    print(
        f"raw obj_to_primitive+obj_from_primitive: {raw:,.0f} round trips/CPU-s "
        f"(median of 7 passes: {raw_timing})"
    )
    rate, examples, cases, spent = suite_rate()
    print(
        f"suite (sample, in process): {examples} examples over {cases} cases in {spent}"
        f" = {rate:,.0f} examples/CPU-s"
    )
    print(f"suite per-example cost / raw round trip (CPU): {raw / rate:.1f}x")
    drawn, gen = generation_only()
    checks = max(spent.cpu - gen.cpu, 1e-9)
    print(
        f"  of which Hypothesis drawing the {drawn} examples (no checks): {gen} "
        f"= {gen.cpu / examples * 1e6:,.0f} us/check ({gen.cpu * raw / examples:.1f}x raw); "
        f"the checks: {checks:.1f} s CPU = {examples / checks:,.0f} checks/CPU-s "
        f"({raw * checks / examples:.1f}x raw)"
    )

    from rpc_throughput import bare_fake_rate, fast_path_rate

    fast, bare = fast_path_rate(), bare_fake_rate()
    print(
        f"rpc: fast path {fast:,.0f} calls/s, bare fake:/ {bare:,.1f} calls/s ({fast / bare:.0f}x)"
    )

    from cross_nodes import node_start_and_call_rate

    ready, calls = node_start_and_call_rate()
    print(f"cross-release node: start to ready {ready:.2f} s, control calls {calls:,.0f}/s")

    wall, summary = sample_wall_time()
    print(f"ovo-compat run --target sample: {wall} ({summary})")
    count = 20 if args.quick else 200
    snap, run, summary = big_registry_wall_time(count, args.workers)
    print(
        f"generated registry ({count} classes x 10 versions, 100 examples/case, "
        f"{args.workers} workers): snapshot --infer-history {snap}, run {run} "
        f"({summary})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
