"""Declared exceptions of cross-release codes: excused in a cross run, never stale in the suite."""

from __future__ import annotations

from compat_tests.declarations import DeclaredException, Ledger
from compat_tests.failures import Failure


def _declared(code: str) -> DeclaredException:
    return DeclaredException(
        object="L3PluginApi", code=code, field="get_external_network_id", reason="explained"
    )


def test_the_suite_never_covers_a_cross_declaration() -> None:
    ledger = Ledger((_declared("cross.model-gap"), _declared("rpc.old-server-rejects")))
    ledger.cover("L3PluginApi")
    assert ledger.covered_indexes == {1}
    assert [d.code for d in ledger.stale()] == ["rpc.old-server-rejects"]


def test_a_cross_declaration_excuses_its_gap() -> None:
    ledger = Ledger((_declared("cross.model-gap"),))
    gap = Failure(
        code="cross.model-gap",
        subject="L3PluginApi",
        message="model gap",
        from_version="1.12",
        field="get_external_network_id",
    )
    other = Failure(code="cross.model-gap", subject="L3PluginApi", message="x", field="sync")
    assert ledger.excuse(gap)
    assert not ledger.excuse(other)
