"""JUnit XML for ``ovo-compat check``: one test case per class and RPC API checked.

(``ovo-compat run --report DIR`` writes its ``junit.xml`` with pytest's own
``--junitxml``: one test case per generated case, failures carrying the finding
block.)  The document has the shape pytest writes (``testsuites`` > ``testsuite`` >
``testcase`` > ``failure``), so the same CI tooling reads both.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from compat_tests.failures import Failure
from compat_tests.report.findings import summary_line


def check_document(
    target: str,
    subjects: Iterable[str],
    failures: Iterable[Failure],
    *,
    locations: Mapping[str, str] | None = None,
) -> str:
    """The JUnit XML of a ``check`` run: ``subjects`` are the classes and RPC APIs checked.

    A failure whose subject is not in ``subjects`` (an RPC ``Api.method``, a declared
    exception's object) is put on the test case its subject starts with, or its own.
    """
    names = list(dict.fromkeys(subjects))
    by_case: dict[str, list[Failure]] = {name: [] for name in names}
    for failure in failures:
        owner = failure.subject if failure.subject in by_case else None
        if owner is None:
            owner = next((n for n in names if failure.subject.startswith(f"{n}.")), failure.subject)
        by_case.setdefault(owner, []).append(failure)
    failed = sum(1 for items in by_case.values() if items)
    suites = ET.Element("testsuites", name="ovo-compat check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"ovo-compat check {target}",
        tests=str(len(by_case)),
        failures=str(failed),
        errors="0",
        skipped="0",
        time="0.000",
        timestamp=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    for name, items in by_case.items():
        case = ET.SubElement(
            suite, "testcase", classname=f"ovo-compat.{target}.snapshot", name=name, time="0.000"
        )
        for failure in items:
            element = ET.SubElement(case, "failure", message=summary_line(failure).split("\n")[0])
            where = (locations or {}).get(failure.subject.split(".")[0])
            element.text = failure.render() + (f"\n  class: {where}" if where else "")
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
