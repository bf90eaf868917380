"""The database stage's rules: the ``db`` family of the failure-code registry.

Every finding of the stage carries one of these codes (`compat_tests.codes`, where
they are registered with the check raising them and the one-line fix); declared
exceptions name them.
"""

from __future__ import annotations

from compat_tests import codes

__all__ = ["RULES", "rule"]

#: code -> `compat_tests.codes.Code` of every DB rule, in registration order.
RULES: dict[str, codes.Code] = {c.name: c for c in codes.codes_matching("db")}


def rule(rule_id: str) -> codes.Code:
    """The registered DB rule ``rule_id``."""
    return codes.get(rule_id)
