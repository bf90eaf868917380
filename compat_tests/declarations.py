"""What a target declares about itself: known exceptions and deliberate transforms.

``[[...exceptions]]`` entries (`DeclaredException`) excuse failures that are
expected and must keep happening; ``[[...transforms]]`` entries (`Transform`)
name fields whose backport deliberately changes the value, so value comparisons
skip them.  Both match with one rule (`Declaration.covers`): the object (``*``,
the subject, or the RPC API owning a ``Api.method`` subject), the version pair
(``FROM->TO``, either side ``*``) and the field; an exception also matches the
failure code (``*``, a family such as ``backport``, or the full code).

One staleness rule holds on every path (``ovo-compat check``, ``ovo-compat run``,
objects and RPC, one process or many xdist workers): a declared exception is
*stale* when a check that could raise what it covers ran and it never fired.
`Ledger` keeps that account for a run (as plain indexes, which xdist workers send
to the controller); `check_path` applies it to the snapshot check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from compat_tests import codes
from compat_tests.failures import CompatFailure, Failure

__all__ = [
    "Declaration",
    "DeclaredException",
    "Ledger",
    "Transform",
    "check_path",
    "first_match",
    "stale",
]

# Properties whose codes the snapshot check (``ovo-compat check``) raises, and the code
# reporting a stale declaration of each.
_CHECK_STALE = {"snapshot": "snapshot.stale-exception", "rpc-snapshot": "rpc.stale-exception"}


@dataclass(frozen=True)
class Declaration:
    """The coordinates shared by exceptions and transforms, and their one matcher."""

    object: str
    reason: str
    versions: str = "*->*"
    field: str | None = None
    where: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        """``versions`` split into (FROM, TO), either ``*``."""
        want_from, _, want_to = self.versions.partition("->")
        return want_from, want_to

    def about(self, subject: str) -> bool:
        """Tell whether this declaration is about ``subject`` (``Api`` covers ``Api.method``)."""
        return self.object in ("*", subject) or subject.startswith(self.object + ".")

    def at(self, from_version: str | None, to_version: str | None) -> bool:
        """Tell whether the version pair matches ``versions``."""
        want_from, want_to = self.pair
        return want_from in ("*", from_version) and want_to in ("*", to_version)

    def covers(
        self,
        subject: str,
        from_version: str | None,
        to_version: str | None,
        field_name: str | None,
    ) -> bool:
        """Tell whether a finding about ``subject`` at this pair and field is declared here."""
        if not self.about(subject) or not self.at(from_version, to_version):
            return False
        return self.field is None or self.field == field_name


@dataclass(frozen=True)
class DeclaredException(Declaration):
    """A known, explained incompatibility: a failure that is expected and must keep happening.

    A declared exception that no longer fires fails the run, so the list never goes stale.
    """

    code: str = "*"

    def matches(
        self,
        object_name: str,
        code: str,
        from_version: str | None,
        to_version: str | None,
        field_name: str | None,
    ) -> bool:
        """Tell whether a failure with these coordinates is covered by this declaration."""
        if self.code != "*" and not (code == self.code or code.startswith(self.code + ".")):
            return False
        return self.covers(object_name, from_version, to_version, field_name)

    def matches_failure(self, failure: Failure) -> bool:
        """Tell whether ``failure`` is covered by this declaration."""
        return self.matches(
            failure.subject, failure.code, failure.from_version, failure.to_version, failure.field
        )

    def check_code(self) -> str | None:
        """The stale-declaration code if ``ovo-compat check`` alone raises what this covers."""
        if self.code == "*":
            return None
        matched = list(codes.codes_matching(self.code))
        if not matched:  # an unknown code: judge by its family
            family = self.code.partition(".")[0]
            matched = list(codes.codes_matching(family))
        owners = {c.raised_by for c in matched}
        if len(owners) == 1 and next(iter(owners)) in _CHECK_STALE:
            return _CHECK_STALE[owners.pop()]
        return None


@dataclass(frozen=True)
class Transform(Declaration):
    """A field whose backport deliberately changes the value (``[[...transforms]]``)."""

    @property
    def code(self) -> str:
        """``*``: a transform is about a field's value, whatever check compares it."""
        return "*"

    def applies(self, object_name: str, field_name: str, from_v: str, to_v: str) -> bool:
        """Tell whether the backport of this field from ``from_v`` to ``to_v`` is declared."""
        return self.covers(object_name, from_v, to_v, field_name)


def first_match(
    declared: Sequence[DeclaredException], failure: Failure
) -> DeclaredException | None:
    """The first declaration of ``declared`` covering ``failure``, if any."""
    return next((d for d in declared if d.matches_failure(failure)), None)


def stale(
    declared: Sequence[DeclaredException], fired: Iterable[int], covered: Iterable[int]
) -> list[DeclaredException]:
    """The declarations (by index into ``declared``) covered by a run check that never fired."""
    return [declared[i] for i in sorted(set(covered) - set(fired))]


#: ``raised_by`` of codes no check of the suite raises (``ovo-compat run --against`` does).
OUTSIDE_SUITE = frozenset({"cross", "cross-fidelity"})


def _outside_suite(code: str) -> bool:
    matched = list(codes.codes_matching(code)) if code != "*" else []
    return bool(matched) and all(c.raised_by in OUTSIDE_SUITE for c in matched)


@dataclass
class Ledger:
    """Which declarations of one run fired, and which a check that ran could have fired."""

    declared: Sequence[DeclaredException]
    fired_indexes: set[int] = field(default_factory=set)
    covered_indexes: set[int] = field(default_factory=set)

    def cover(self, subject: str, pairs: Iterable[tuple[str, str]] | None = None) -> None:
        """A check of ``subject`` ran at ``pairs`` (None: over its whole recorded history).

        Declarations of codes only a cross-release run raises (`OUTSIDE_SUITE`) are never
        covered by the suite's checks.
        """
        pairs = None if pairs is None else list(pairs)
        for index, d in enumerate(self.declared):
            if _outside_suite(d.code):
                continue
            if d.about(subject) and (pairs is None or any(d.at(*p) for p in pairs)):
                self.covered_indexes.add(index)

    def excuse(self, failure: Failure) -> bool:
        """Record every declaration covering ``failure``; tell whether there was one."""
        hits = {i for i, d in enumerate(self.declared) if d.matches_failure(failure)}
        self.fired_indexes |= hits
        return bool(hits)

    def guard(self, check: Callable[[], Any]) -> Any:
        """Run ``check``; a `CompatFailure` a declaration covers is recorded and swallowed."""
        try:
            return check()
        except CompatFailure as exc:
            if not self.excuse(exc.failure):
                raise
            return None

    def raise_first(self, failures: Iterable[Failure]) -> None:
        """Raise the first of ``failures`` no declaration covers (recording those covered)."""
        for failure in failures:
            if not self.excuse(failure):
                raise CompatFailure(failure)

    @property
    def fired(self) -> set[DeclaredException]:
        """The declarations that fired."""
        return {self.declared[i] for i in self.fired_indexes}

    def usage(self) -> tuple[set[int], set[int]]:
        """(fired, covered) indexes, plain integers for pytest-xdist."""
        return set(self.fired_indexes), set(self.covered_indexes)

    def stale(self) -> list[DeclaredException]:
        """The covered declarations that never fired."""
        return stale(self.declared, self.fired_indexes, self.covered_indexes)


def check_path(failures: Iterable[Failure], declared: Sequence[DeclaredException]) -> list[Failure]:
    """``ovo-compat check``: ``failures`` minus the declared ones, plus one per stale declaration.

    The check covers every class and RPC API over its whole history, so a
    declaration whose codes only the check raises is stale when nothing matched it.
    """
    ledger = Ledger(declared)
    remaining = [f for f in failures if not ledger.excuse(f)]
    for index, d in enumerate(declared):
        code = d.check_code()
        if code is not None:
            ledger.covered_indexes.add(index)
    for d in ledger.stale():
        remaining.append(
            Failure(
                code=d.check_code() or "snapshot.stale-exception",
                subject=d.object,
                message=(
                    f"{d.where}: declared exception ({d.code}, {d.versions}) no longer "
                    f"matches any snapshot failure; delete it. Reason given: {d.reason}"
                ),
                field=d.field,
            )
        )
    return remaining
