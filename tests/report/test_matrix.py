"""The version-pair matrix from test outcomes: statuses, finding links, compact lines."""

from __future__ import annotations

from compat_tests.report import matrix
from compat_tests.report.matrix import Outcome

KEY = ("backport.unknown-field", "Port", "dns_name")


def _id(case: str) -> str:
    return f"compat_tests/test_objects.py::test_object[{case}]"


def _port() -> list[Outcome]:
    outcomes = [
        Outcome(_id("Port[1.4]-snapshot"), "passed"),
        Outcome(_id("Port[1.4]-roundtrip"), "passed"),
    ]
    for old in ("1.3", "1.1"):
        for prop in ("backport", "manifest", "indirection"):
            failed = old == "1.1" and prop != "indirection"
            outcomes.append(
                Outcome(
                    _id(f"Port[1.4->{old}]-{prop}"),
                    "failed" if failed else "passed",
                    "",
                    KEY if failed else None,
                )
            )
        outcomes.append(Outcome(_id(f"Port[{old}->1.4]-upgrade"), "passed"))
    outcomes.append(
        Outcome(
            _id("Port[1.4->1.0]-backport"),
            "skipped",
            "Skipped: Port 1.0 is below the support window (oldest supported 1.1, default)",
        )
    )
    return outcomes


def _cells(table: matrix.Matrix) -> dict[tuple[str, str], matrix.Cell]:
    return {(c.row, c.column): c for c in table.objects["Port"]}


def test_object_cells_statuses_and_finding_ids() -> None:
    table = matrix.build(
        _port(),
        {KEY: "F1"},
        declared=lambda name, prop, f, t, lower: prop == "upgrade" and f == "1.3",
        recorded=lambda name: ["1.0", "1.1", "1.3", "1.4"],
        oldest=lambda name: "1.1",
    )
    cells = _cells(table)
    assert table.current["Port"] == "1.4"
    assert (
        cells[("1.1", "backport")].status == "failed" and cells[("1.1", "backport")].finding == "F1"
    )
    assert cells[("1.1", "indirection")].status == "passed"
    assert cells[("1.3", "upgrade")].status == "declared"
    assert cells[("1.4", "roundtrip")].status == "passed"
    # 1.2 has no snapshot inside the window; 1.0 is below it (recorded or not, all properties).
    assert {cells[("1.2", p)].status for p in matrix.PAIR_PROPERTIES} == {"not-recorded"}
    assert {cells[("1.0", p)].status for p in matrix.PAIR_PROPERTIES} == {"below-window"}
    assert table.totals() == {
        "passed": 7,
        "failed": 2,
        "declared": 1,
        "below-window": 4,
        "not-recorded": 4,
        "absent": 0,
    }
    rows = [c.row for c in table.objects["Port"]]
    assert rows == sorted(rows, key=lambda v: -float(v))  # newest first

    lines = matrix.summary_lines(table)
    assert lines[0] == (
        "  Port 1.4: 7 passed, 2 failed (F1: backport 1.1, manifest 1.1), 1 declared, "
        "4 below-window, 4 not-recorded"
    )
    assert lines[-1] == "  below the support window (not checked): Port 1.0"


def test_unrecorded_version_below_the_window_is_below_the_window() -> None:
    table = matrix.build(
        _port(), {}, recorded=lambda name: ["1.1", "1.3"], oldest=lambda name: "1.3"
    )
    assert _cells(table)[("1.2", "upgrade")].status == "below-window"


def test_rpc_cells_per_method_cap_and_server() -> None:
    node = "compat_tests/test_rpc.py::test_rpc_call[{}]"
    key = ("rpc.too-new-object", "Api.update", "")
    table = matrix.build(
        [
            Outcome(node.format("Api.update@1.2"), "failed", "", key, side="old"),
            Outcome(node.format("Api.update@1.3"), "passed"),
            Outcome(node.format("Api.sync@1.2"), "skipped", "Api.sync did not exist at 1.2"),
        ],
        {key: "F3"},
    )
    cells = {(c.row, c.column, c.server): c for c in table.rpc["Api"]}
    assert cells[("update", "1.2", "old")].status == "failed"
    assert cells[("update", "1.2", "old")].finding == "F3"
    assert cells[("update", "1.2", "current")].status == "not-recorded"  # never reached
    assert {cells[("update", "1.3", s)].status for s in ("old", "current")} == {"passed"}
    assert cells[("sync", "1.2", "old")].status == "absent"
    document = table.as_dict("t")
    assert document["rpc"]["Api"]["cells"][0] == {
        "method": "update",
        "cap": "1.2",
        "server": "old",
        "status": "failed",
        "case": "Api.update@1.2",
        "finding": "F3",
    }
    assert matrix.summary_lines(table)[0].startswith(
        "  RPC Api: 2 passed, 1 failed (F3: 1.2 update)"
    )


def test_all_green_prints_only_totals() -> None:
    outcomes = [
        Outcome(_id("Subnet[1.2]-roundtrip"), "passed"),
        Outcome(_id("Subnet[1.2->1.1]-backport"), "passed"),
    ]
    table = matrix.build(
        outcomes, {}, recorded=lambda name: ["1.1", "1.2"], oldest=lambda name: "1.1"
    )
    assert matrix.summary_lines(table) == [
        "  totals: 1 classes, 0 RPC APIs, 6 cells: 2 passed, 4 below-window",
        "  below the support window (not checked): Subnet 1.0",
    ]
