"""DB stage benchmarks (``python benchmarks/db.py``): figures, never assertions.

1. Row strategies: rows generated per second by ``strategies.datasets`` for the sample
   DB target's tables and for Neutron's current models (every table).
2. Wall time of the sample DB target's checks (``rolling`` + ``gate``) per database.
3. With ``--neutron``: wall time of ``ovo-compat db --target neutron``'s checks per
   database (PostgreSQL, MariaDB).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]
warnings.simplefilter("ignore")

from hypothesis import HealthCheck, given, settings  # noqa: E402

import strategies  # noqa: E402
from compat_tests import profiles  # noqa: E402
from compat_tests.config import load_target  # noqa: E402
from compat_tests.db import check_target  # noqa: E402
from compat_tests.db.config import DEFAULT_URLS  # noqa: E402


def row_rate(tables: list, examples: int = 200) -> tuple[float, float]:
    """(rows/s, datasets/s) drawn by ``strategies.datasets(tables)``."""
    counts = [0]

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategies.datasets(tables, min_size=1, max_size=4))
    def draw(data: dict) -> None:
        counts[0] += sum(len(rows) for rows in data.values())

    start = time.perf_counter()
    draw()
    seconds = time.perf_counter() - start
    return counts[0] / seconds, examples / seconds


def wall(target_name: str, url: str) -> float:
    """Seconds of the DB checks of ``target_name`` on ``url`` (ci profile)."""
    target = load_target(ROOT / "pyproject.toml", target_name)
    start = time.perf_counter()
    result = check_target(target, urls=(url,))
    seconds = time.perf_counter() - start
    print(f"    {len(result.findings)} undeclared, {len(result.declared)} declared finding(s)")
    return seconds


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--neutron", action="store_true", help="also time Neutron's checks")
    args = parser.parse_args()
    profiles.load_profile("ci")
    from tests.sample_db.models import metadata

    rows, sets = row_rate(list(metadata.tables.values()))
    print(f"rows strategy, sample tables: {rows:,.0f} rows/s ({sets:,.0f} datasets/s)")
    try:
        from compat_tests.contrib.neutron.db import metadata as neutron_metadata

        tables = list(neutron_metadata().tables.values())
        rows, sets = row_rate(tables, examples=20)
        print(
            f"rows strategy, Neutron's {len(tables)} tables: {rows:,.0f} rows/s "
            f"({sets:,.1f} datasets/s)"
        )
    except ImportError as exc:
        print(f"rows strategy, Neutron: not installed ({exc})")
    for url in DEFAULT_URLS:
        print(f"sample DB checks on {url.split('://')[0]}: {wall('sample', url):.1f} s")
    if args.neutron:
        for url in DEFAULT_URLS:
            print(f"Neutron DB checks on {url.split('://')[0]}: {wall('neutron', url):.1f} s")


if __name__ == "__main__":
    main()
