"""``ovo-compat upgrade``: resolve both releases, print the plan, run it, report.

Exit status as the other commands: 0 green, 1 a finding (or a node that failed), 2 bad
input (configuration, spec, a role naming an API the target does not describe).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from compat_tests.cross import rabbit_url
from compat_tests.cross.process import check_broker
from compat_tests.errors import ConfigError
from compat_tests.failures import Failure
from compat_tests.report import (
    CaseFailure,
    case_block,
    findings_document,
    group,
    render_findings,
)
from compat_tests.upgrade.config import UpgradeConfig, check_apis
from compat_tests.upgrade.orchestrate import CALL_TIMEOUT, Release, Run, run_plan
from compat_tests.upgrade.plan import draw_plan, new_seed

__all__ = ["current_release", "upgrade"]

OK, FAILED, BAD_INPUT = 0, 1, 2


def upgrade(
    target: Any,
    from_spec: str,
    *,
    to_spec: str | None = None,
    seed: int | None = None,
    examples: int = 3,
    url: str | None = None,
    index: bool = True,
    find_links: Sequence[str] = (),
    report: Path | None = None,
    replay: Sequence[str] = (),
    call_timeout: float = CALL_TIMEOUT,
    out: TextIO = sys.stdout,
) -> int:
    """Run the rolling upgrade of ``target`` from ``from_spec`` to ``to_spec`` (None: here).

    ``replay`` is the command line that replays the run (printed with the plan, the seed
    filled in); ``report`` a directory for ``findings.json``.  Returns the exit status.
    """
    config = _config(target)
    if examples < 1:
        raise ConfigError("--steps-examples must be at least 1")
    if call_timeout <= 0:
        raise ConfigError("--call-timeout must be a positive number of seconds")
    check_broker(rabbit_url(url))
    began = time.monotonic()
    old = _release(from_spec, out, index, find_links)
    new = _release(to_spec, out, index, find_links) if to_spec else current_release(target)
    seed = new_seed() if seed is None else seed
    plan = draw_plan(config, seed)
    command = [*replay, "--seed", str(seed)] if replay else []
    print(plan.render(old.label, new.label, command), file=out)
    out.flush()
    run = run_plan(
        plan,
        config,
        target,
        old,
        new,
        url=url,
        examples=examples,
        replay=command,
        out=out,
        check=lambda described: check_apis(config, described),
        call_timeout=call_timeout,
    )
    records = _undeclared(target, run, config)
    findings = group(records)
    if findings:
        print(render_findings(findings), file=out)
        for finding in findings:
            print(case_block(finding.first, finding_id=finding.id), file=out)
    print(_counts(run, config, plan, examples, time.monotonic() - began), file=out)
    if report is not None:
        document = findings_document(
            findings,
            target=target.name,
            run={"command": "upgrade", "seed": seed, "from": old.label, "to": new.label},
        )
        report.mkdir(parents=True, exist_ok=True)
        (report / "findings.json").write_text(json.dumps(document, indent=2, sort_keys=True))
    return FAILED if findings else OK


def current_release(target: Any) -> Release:
    """This environment as the new release: its interpreter, labelled by its distributions."""
    from compat_tests.upgrade.service import installed_release

    found = installed_release(target)
    named = ", ".join(f"{d} {v}" for d, v in sorted(found.items())) or "this environment"
    return Release(f"current ({named})", Path(sys.executable))


def _config(target: Any) -> UpgradeConfig:
    if target.upgrade is None:
        raise ConfigError(
            f"{target.config_path}: target {target.name!r} has no "
            f"[tool.ovo-compat.targets.{target.name}.upgrade] table; describe its services "
            "there (roles: the APIs each hosts and calls; docs/upgrade.rst)"
        )
    return target.upgrade


def _release(spec_text: str, out: TextIO, index: bool, find_links: Sequence[str]) -> Release:
    from compat_tests.venvs import release_python

    spec, python = release_python(spec_text, out=out, index=index, find_links=find_links)
    version = spec.claim[spec.primary]
    return Release(f"{spec.primary} {version}" if version else spec.primary, python)


def _undeclared(target: Any, run: Run, config: UpgradeConfig) -> list[CaseFailure]:
    """The run's findings minus declared ones, plus the stale ``rolling.*`` declarations."""
    from compat_tests.declarations import Ledger

    ledger = Ledger(target.exceptions)
    records = [r for r in run.failures if not ledger.excuse(r.failure)]
    if run.stopped is None:
        for index, declared in enumerate(target.exceptions):
            if declared.code.startswith("rolling") and index not in ledger.fired_indexes:
                failure = Failure(
                    code="rolling.stale-exception",
                    subject=declared.object,
                    message=f"{declared.where}: declared exception ({declared.code}, "
                    f"{declared.versions}) matched nothing in a complete upgrade run; delete "
                    f"it. Reason given: {declared.reason}",
                    field=declared.field,
                )
                records.append(CaseFailure(case="upgrade declarations", failure=failure))
    return records


def _counts(run: Run, config: UpgradeConfig, plan: Any, examples: int, seconds: float) -> str:
    states = len(plan.order) + 1
    done = f"{run.states} of {states} states"
    line = (
        f"upgrade: {done}, {run.links} links per state, {run.calls} generated calls "
        f"({examples} per client method and link; {run.refused} refused by the cap), "
        f"{len(run.failures)} problem(s), {seconds:.0f} s"
    )
    if run.unserved:
        line += f"; {run.unserved} cast(s) to topics their host does not serve (dropped)"
    if run.stopped:
        line += f"; stopped early: {run.stopped}"
    for api, reason in sorted(config.not_exercised.items()):
        line += f"\n  not exercised: {api}: {reason}"
    return line
