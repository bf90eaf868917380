"""Target fixtures putting one seeded bug in place for a whole ``ovo-compat run``."""

from __future__ import annotations

from tests.gallery.harness import Substitute


def mutates_source() -> Substitute:
    """Port's backport edits the object instead of the primitive: one root cause, 7 cases."""
    from tests.gallery.broken import MutatesSource

    return Substitute(MutatesSource)


#: Backports a ci run of the sample target's Port makes: 450; ten times the examples: ~4500.
LATE_CRASH_AFTER = 1500


def crashes_late() -> Substitute:
    """Port's backports crash only after LATE_CRASH_AFTER of them: only a recheck meets it."""
    from tests.gallery.broken import CrashesLate

    CrashesLate.calls, CrashesLate.limit = 0, LATE_CRASH_AFTER
    return Substitute(CrashesLate)
