"""Benchmark of ``ovo-compat upgrade`` (RabbitMQ on 127.0.0.1:5672 needed): figures only.

* the sample target from release 1.0.0 to 2.0.0 (local wheels, a server and two agents),
  wall time with the release virtualenvs built and then cached;
* with ``--from SPEC``, the Neutron target from that release to the installed one.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from compat_tests import cli  # noqa: E402


def _timed(argv: list[str]) -> tuple[float, int, str]:
    out = io.StringIO()
    begin = time.perf_counter()
    real, sys.stdout = sys.stdout, out
    try:
        status = cli.main(argv)
    finally:
        sys.stdout = real
    counts = re.search(r"^upgrade: .*$", out.getvalue(), re.M)
    return time.perf_counter() - begin, status, counts.group(0) if counts else out.getvalue()


def sample(seed: int) -> None:
    """Print the sample upgrade's wall time, uncached then cached."""
    from tests.upgrade import _releases

    with tempfile.TemporaryDirectory(prefix="ovo-compat-bench-upgrade-") as scratch:
        directory = Path(scratch)
        wheels = {v: _releases.wheel(directory, v) for v in ("1.0.0", "2.0.0")}
        config = _releases.config(directory)
        os.environ["OVO_COMPAT_CACHE_DIR"] = str(directory / "cache")
        argv = ["upgrade", "--config", str(config), "--target", "sample", "--no-index"]
        argv += ["--from", str(wheels["1.0.0"]), "--to", str(wheels["2.0.0"])]
        for label in ("venvs built", "venvs cached"):
            seconds, status, line = _timed([*argv, "--seed", str(seed)])
            print(f"sample upgrade ({label}): {seconds:.1f} s, exit {status}\n  {line}")


def neutron(spec: str, seed: int) -> None:
    """Print the Neutron upgrade's wall time from ``spec``."""
    argv = ["upgrade", "--config", str(ROOT / "pyproject.toml"), "--target", "neutron"]
    seconds, status, line = _timed([*argv, "--from", spec, "--seed", str(seed)])
    print(f"neutron upgrade from {spec}: {seconds:.1f} s, exit {status}\n  {line}")


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="spec", metavar="SPEC", help="also time Neutron")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sample(args.seed)
    if args.spec:
        neutron(args.spec, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
