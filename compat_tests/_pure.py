"""Generation that is a pure function of its strategy and seed, whatever ran before.

Hypothesis (6.131 and later) mixes "local constants" into generation: integers,
floats and strings found in the source of every *local* (not site-packages, not
test) module imported so far, scanned anew whenever ``sys.modules`` grows.  The
pool changes with what the process imported before (``ovo-compat snapshot`` and
``ovo-compat check`` import different modules of this editable install, a test
run imports others again), and a different pool changes which values a
derandomized run draws, so payload shapes inferred from "the same" 30 examples
differed between recording and checking.

`isolated` hides that pool while a block runs: derandomized or seeded runs draw
the same values in any process.  Every derandomized object and RPC run goes through it
(`compat_tests.profiles.run_named`), as does the recording of RPC shapes.  Hypothesis's
fixed global constants (edge cases such as ``2**63``) stay, they do not depend on the
process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["isolated"]

_LOCK = threading.RLock()


@contextmanager
def isolated() -> Iterator[None]:
    """Run the block with Hypothesis's process-dependent constant pool empty."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # a Hypothesis without local constants: nothing depends on imports
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None:
        yield
        return
    empty = Constants()
    with _LOCK:
        providers._get_local_constants = lambda: empty
        _clear(providers)
        try:
            yield
        finally:
            providers._get_local_constants = original
            _clear(providers)


def _clear(providers: object) -> None:
    """Drop cached (global, local) constant tuples built from the other pool."""
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    inner = getattr(cache, "cache", None)
    if hasattr(inner, "clear"):
        inner.clear()
