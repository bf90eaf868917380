"""One declarations module: exceptions and transforms, one matcher, one staleness rule."""

from __future__ import annotations

from compat_tests.declarations import DeclaredException, Ledger, Transform, check_path
from compat_tests.failures import Failure


def _failure(code: str, subject: str, pair: tuple[str, str] = ("1.3", "1.3")) -> Failure:
    return Failure(code, subject, "m", from_version=pair[0], to_version=pair[1])


def test_exceptions_and_transforms_are_their_own_types_with_one_matcher() -> None:
    transform = Transform(object="Network", field="mtu", versions="1.3->*", reason="r")
    assert transform.applies("Network", "mtu", "1.3", "1.1")
    assert not transform.applies("Network", "mtu", "1.2", "1.1")
    assert not isinstance(transform, DeclaredException)
    declared = DeclaredException(object="Network", field="mtu", versions="1.3->*", reason="r")
    # the same coordinates match the same way
    assert declared.covers("Network", "1.3", "1.1", "mtu") == transform.covers(
        "Network", "1.3", "1.1", "mtu"
    )


def test_an_api_declaration_covers_its_methods() -> None:
    declared = DeclaredException(object="Api", code="rpc.cap-exceeded", reason="r")
    assert declared.matches_failure(_failure("rpc.cap-exceeded", "Api.ping"))
    assert not declared.matches_failure(_failure("rpc.cap-exceeded", "Apis.ping"))
    assert not declared.matches_failure(_failure("rpc.timeout", "Api.ping"))


def test_check_path_reports_stale_rpc_snapshot_declarations() -> None:
    unbumped = DeclaredException(object="Api", code="rpc.unbumped", reason="r", where="e[0]")
    run_only = DeclaredException(object="Api", code="rpc.cap-exceeded", reason="r")
    [stale] = check_path([], (unbumped, run_only))
    assert (stale.code, stale.subject) == ("rpc.stale-exception", "Api")
    assert check_path([_failure("rpc.unbumped", "Api")], (unbumped, run_only)) == []


def test_ledger_is_the_one_staleness_rule_of_a_run() -> None:
    fires = DeclaredException(object="Api", code="rpc.cap-exceeded", reason="r")
    never = DeclaredException(object="Api.pong", code="rpc.timeout", reason="r")
    elsewhere = DeclaredException(object="Other", reason="r")
    ledger = Ledger((fires, never, elsewhere))
    ledger.cover("Api.ping", [("1.0", "1.0")])
    ledger.cover("Api.pong", [("1.0", "1.0")])
    ledger.raise_first([_failure("rpc.cap-exceeded", "Api.ping", ("1.0", "1.0"))])
    assert ledger.fired == {fires}
    assert ledger.stale() == [never]  # 'elsewhere' was never covered by a check that ran
