"""Benchmark of the cross-release process layer (``compat_tests.cross``): figures only.

* start-to-ready time of a node (the ``probe`` role, this interpreter);
* control calls per second over the node protocol (JSON lines on stdin/stdout);
* with ``--against SPEC`` (and RabbitMQ up), the wall time of ``run_against`` on the
  Neutron target (the release's virtualenv built or reused first, timed separately).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from compat_tests.cross import start_node  # noqa: E402


def node_start_and_call_rate(calls: int = 2000) -> tuple[float, float]:
    """(seconds from start to ready, ping calls per second) of a probe node."""
    start = time.perf_counter()
    with start_node("probe") as node:
        ready = time.perf_counter() - start
        begin = time.perf_counter()
        for index in range(calls):
            node.call("ping", {"n": index})
        rate = calls / (time.perf_counter() - begin)
    return ready, rate


def against_wall_time(spec: str, examples: int) -> tuple[float, float, str]:
    """(venv seconds, run seconds, counts line) of the Neutron target against ``spec``."""
    from compat_tests.config import load_target
    from compat_tests.cross.run import run_against
    from compat_tests.venvs import release_python

    begin = time.perf_counter()
    release_python(spec, out=io.StringIO())
    venv = time.perf_counter() - begin
    target = load_target(ROOT / "pyproject.toml", "neutron")
    begin = time.perf_counter()
    result = run_against(target, spec, out=io.StringIO(), examples=examples)
    return venv, time.perf_counter() - begin, result.counts_line()


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="SPEC", help="also time run --against SPEC")
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args(argv)
    ready, rate = node_start_and_call_rate()
    print(f"node start to ready: {ready:.2f} s; control calls: {rate:,.0f}/s")
    if args.against:
        venv, run, line = against_wall_time(args.against, args.examples)
        print(f"release venv ready in {venv:.1f} s; run --against {run:.1f} s\n{line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
