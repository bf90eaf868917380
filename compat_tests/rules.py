"""The registry of diff rules (in the shape of ``buf breaking``) and the `Change` they yield.

A rule is an ID, a severity, a one-line purpose and a handler that sees one
(old, new) pair of the kind its ``scope`` names (a field descriptor, an RPC
parameter, ...; ``None`` on the side where the thing is absent) and says whether
the rule is hit.  The diff modules (`compat_tests.diff` for objects,
`compat_tests.rpc.diff` for RPC APIs) only walk two schemas into such pairs and
ask `RuleSet.hits`; the verdicts built on the changes are `compat_tests.verdict`.
Adding a rule is one `RuleSet.rule` registration next to its domain's walker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["MAJOR", "MINOR", "REGISTRY", "Change", "Rule", "RuleSet", "added", "removed"]

#: Old and new nodes still understand each other.
MINOR = "minor"
#: Some old or new reader rejects or misreads what the other side sends.
MAJOR = "major"

Handler = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Rule:
    """One diff rule: ``domain`` ("object" or "rpc") and ``id`` name it.

    ``fallback`` rules are asked only when no other rule of their scope is hit
    (so no difference is ever silent); ``show`` turns the pair into the old and new
    values a `Change` records (default: the pair itself).
    """

    domain: str
    id: str
    severity: str
    purpose: str
    scope: str
    handler: Handler
    fallback: bool = False
    show: Callable[[Any, Any], tuple[Any, Any]] | None = None

    def change(self, field: str | None, old: Any, new: Any) -> Change:
        """The `Change` this rule reports for the pair ``old``/``new`` at ``field``."""
        if self.show is not None:
            old, new = self.show(old, new)
        return Change(self.id, self.severity, field, old, new, self.domain)


@dataclass(frozen=True)
class Change:
    """One classified difference between two schemas.

    ``field`` is the object field, or ``method``/``method(param)`` for RPC.
    """

    rule: str
    severity: str
    field: str | None
    old: Any = None
    new: Any = None
    domain: str = "object"

    @property
    def purpose(self) -> str:
        """The one-line purpose of the rule hit."""
        return REGISTRY.get(self.domain, self.rule).purpose

    def render(self) -> str:
        """One line: rule, severity, where, why, and the exact old and new values."""
        if self.field is None:
            where = ""
        elif self.domain == "object":
            where = f" field {self.field!r}"
        else:
            where = f" {self.field}"
        return (
            f"{self.rule} ({self.severity}){where}: {self.purpose}; "
            f"old={_short(self.old)} new={_short(self.new)}"
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the change."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


class RuleSet:
    """Every rule of every domain, in registration order."""

    def __init__(self) -> None:
        """An empty registry."""
        self._rules: dict[tuple[str, str], Rule] = {}

    def rule(
        self,
        domain: str,
        rule_id: str,
        severity: str,
        scope: str,
        purpose: str,
        *,
        fallback: bool = False,
        show: Callable[[Any, Any], tuple[Any, Any]] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Decorator registering the handler it wraps as rule ``rule_id`` of ``domain``."""
        if severity not in (MINOR, MAJOR) or (domain, rule_id) in self._rules:
            raise ValueError(f"rule {domain}/{rule_id}: bad severity or registered twice")

        def register(handler: Handler) -> Handler:
            self._rules[domain, rule_id] = Rule(
                domain, rule_id, severity, purpose, scope, handler, fallback, show
            )
            return handler

        return register

    def get(self, domain: str, rule_id: str) -> Rule:
        """Rule ``rule_id`` of ``domain``."""
        return self._rules[domain, rule_id]

    def of(self, domain: str) -> dict[str, Rule]:
        """The rules of ``domain``: ID -> `Rule`, in registration order."""
        return {r.id: r for (d, _), r in self._rules.items() if d == domain}

    def hits(self, domain: str, scope: str, old: Any, new: Any, field: str | None) -> list[Change]:
        """The changes of ``domain``'s ``scope`` rules hit by the pair ``old``/``new``."""
        rules = [r for r in self.of(domain).values() if r.scope == scope]
        found = [r for r in rules if not r.fallback and r.handler(old, new)]
        if not found:
            found = [r for r in rules if r.fallback and r.handler(old, new)]
        return [r.change(field, old, new) for r in found]


def added(old: Any, new: Any) -> bool:
    """The presence handler: absent on the old side, present on the new one."""
    return old is None and new is not None


def removed(old: Any, new: Any) -> bool:
    """The presence handler: present on the old side, absent on the new one."""
    return old is not None and new is None


#: The one rule registry (object rules: `compat_tests.diff`; RPC: `compat_tests.rpc.diff`).
REGISTRY = RuleSet()


def _short(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)
