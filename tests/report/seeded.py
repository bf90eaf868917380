"""Target fixtures putting one seeded bug in place for a whole ``ovo-compat run``."""

from __future__ import annotations

from tests.gallery.harness import Substitute


def mutates_source() -> Substitute:
    """Port's backport edits the object instead of the primitive: one root cause, 7 cases."""
    from tests.gallery.broken import MutatesSource

    return Substitute(MutatesSource)
