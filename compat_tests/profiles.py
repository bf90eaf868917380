"""The Hypothesis profiles ovo-compat runs under, registered in one place.

* ``ci``: deterministic (derandomized, no example database, no deadline) and prints
  the reproduction blob of a failure.
* ``dev``: Hypothesis's defaults; explores new examples on every run.
* ``thorough``: many more examples, for nightly or pre-release runs.
* ``bench``: ``ci`` with 100 examples per case, the benchmarks' workload.

Pick one with pytest's ``--hypothesis-profile NAME`` or the ``OVO_COMPAT_PROFILE``
environment variable (``HYPOTHESIS_PROFILE`` is honoured too).  Without either,
``ci`` is used when the ``CI`` environment variable is set, ``dev`` otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from compat_tests._pure import isolated

PROFILES = ("ci", "dev", "thorough", "bench")
_ENV_VARS = ("OVO_COMPAT_PROFILE", "HYPOTHESIS_PROFILE")
_SLOW_DATA_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


def register_profiles() -> None:
    """Register the ``ci``, ``dev``, ``thorough`` and ``bench`` profiles (idempotent)."""
    ci = settings(
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        max_examples=25,
        suppress_health_check=_SLOW_DATA_OK,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    )
    settings.register_profile("ci", ci)
    settings.register_profile("bench", ci, max_examples=100)
    # Explicit derandomize=False: under a CI variable Hypothesis's own defaults derandomize,
    # and dev/thorough exist to explore.
    settings.register_profile(
        "dev", derandomize=False, deadline=None, suppress_health_check=_SLOW_DATA_OK
    )
    settings.register_profile(
        "thorough",
        derandomize=False,
        max_examples=1000,
        deadline=None,
        print_blob=True,
        suppress_health_check=_SLOW_DATA_OK,
    )


def default_profile() -> str:
    """The profile chosen by environment variables, or ``ci``/``dev`` by the ``CI`` variable."""
    for var in _ENV_VARS:
        value = os.environ.get(var)
        if value:
            return value
    return "ci" if os.environ.get("CI") else "dev"


def load_profile(name: str | None = None) -> str:
    """Register the profiles and load ``name`` (or `default_profile`); return the name loaded."""
    register_profiles()
    chosen = name or default_profile()
    settings.load_profile(chosen)
    return chosen


def seeded_by_name(test: Callable[..., None], name: str, chosen: settings) -> Callable[..., None]:
    """``test`` (a ``@given`` test) drawing by ``name`` when ``chosen`` is derandomized.

    A derandomized Hypothesis run seeds itself from the test function's source, so every
    edit of the framework's runner would draw other ``ci`` examples for every case: a
    declared exception could go unmet (or a finding appear) for no change of the target's.
    Seeded by a name that says what is checked (class, property, versions), the examples
    change only when what they are drawn from does.  Runs that explore keep their random seed.
    """
    if not chosen.derandomize:
        return test
    digest = hashlib.sha256(name.encode()).digest()
    return seed(int.from_bytes(digest[:8], "big"))(test)


def run_named(body: Callable[..., None], name: str, chosen: settings, **strategies: Any) -> None:
    """Run ``body`` under ``@given(**strategies)`` and ``chosen``, as a test named ``name``.

    The name is what Hypothesis reports a failure under and, in derandomized runs, what
    seeds the run (`seeded_by_name`).
    """
    body.__name__ = body.__qualname__ = name
    test = seeded_by_name(chosen(given(**strategies)(body)), name, chosen)
    # A derandomized run's examples must not depend on what the process imported.
    with isolated() if chosen.derandomize else contextlib.nullcontext():
        test()


def run_name(*parts: str) -> str:
    """A Python identifier of ``parts``: Hypothesis reports a run under it, it seeds `run_named`."""
    return re.sub(r"\W", "_", "_".join(parts))
