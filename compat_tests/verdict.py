"""The one snapshot verdict: a subject's current schema judged against its recorded history.

Objects (`compat_tests.diff`) and RPC APIs (`compat_tests.rpc.diff`) differ only in
their `Domain`: the codes they raise, how two schemas compare, and the words in
the messages.  The verdict is the same for both:

* nothing recorded: ``missing``;
* the current version is older than the newest recorded one: ``regressed``;
* two consecutive recorded versions inside the support window with the same major
  version and a major change between them: ``breaking`` (recording a breaking
  change does not hide it);
* the newest recorded version equals the current one but the schema changed:
  ``unbumped``;
* a major change from the newest recorded version to a current version with the
  same major, the recorded one inside the window: ``breaking``;
* a current version that is not recorded: ``missing`` (when the domain says
  ``record_current``).

Changes for which the domain's ``own`` returns a failure are reported as that
failure instead (an object's ``child-version-raised-without-relationship``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from compat_tests.failures import Failure
from compat_tests.rules import MAJOR, Change
from compat_tests.versions import parse, sort_versions

__all__ = ["Domain", "verdicts"]


@dataclass(frozen=True)
class Domain:
    """What differs between judging an object class and judging an RPC API."""

    kind: str
    version_name: str
    missing: str
    regressed: str
    unbumped: str
    breaking: str
    compare: Callable[[Mapping[str, Any], Mapping[str, Any]], list[Change]]
    unbumped_advice: str
    own: Callable[[str, str, Change, str], Failure | None] | None = None
    #: an unrecorded current version is ``missing`` (objects); RPC APIs do not demand it.
    record_current: bool = True


def verdicts(
    domain: Domain,
    name: str,
    history: Mapping[str, Mapping[str, Any]],
    current: Mapping[str, Any],
    *,
    path: str,
    oldest: str = "0.0",
    changes: list[Change] | None = None,
) -> list[Failure]:
    """Every verdict on ``name`` (``current`` against ``history``); see the module docstring.

    ``changes`` (newest recorded -> current) may be given when the domain compares
    the current schema with more context than two recorded ones.
    """
    version = current["version"]
    subject = f"{domain.kind} {name}".strip()
    if not history:
        return [
            Failure(
                code=domain.missing,
                subject=name,
                message=f"no snapshot at {path}; run `ovo-compat snapshot` and commit the file",
                to_version=version,
                details={"snapshot": path},
            )
        ]
    recorded = sort_versions(history)[-1]
    if parse(version) < parse(recorded):
        return [
            Failure(
                code=domain.regressed,
                subject=name,
                message=(
                    f"{subject}: {domain.version_name} is {version} but {path} already records "
                    f"{recorded}; versions only move forward, set {domain.version_name} to at "
                    "least the recorded one"
                ),
                from_version=recorded,
                to_version=version,
                details={"snapshot": path},
            )
        ]
    failures = _history_verdicts(domain, name, history, path, oldest)
    if changes is None:
        changes = domain.compare(history[recorded], current)
    kept = []
    for change in changes:
        own = domain.own(name, version, change, path) if domain.own else None
        if own is None:
            kept.append(change)
        else:
            failures.append(own)
    if version == recorded:
        if kept:
            failures.append(
                _failure(
                    domain.unbumped,
                    name,
                    recorded,
                    version,
                    kept,
                    path,
                    f"{subject}: changed since {recorded} was recorded but "
                    f"{domain.version_name} is still {version}; {domain.unbumped_advice}",
                )
            )
        return failures
    major = sorted({c.rule for c in kept if c.severity == MAJOR})
    if major and parse(recorded) >= parse(oldest) and parse(version)[0] == parse(recorded)[0]:
        failures.append(
            _failure(
                domain.breaking,
                name,
                recorded,
                version,
                kept,
                path,
                f"{subject}: breaking change(s) {', '.join(major)} from {recorded} with only a "
                f"minor bump to {version}; bump the major version or undo the change",
            )
        )
    if not domain.record_current:
        return failures
    failures.append(
        Failure(
            code=domain.missing,
            subject=name,
            message=(
                f"{subject}: {domain.version_name} {version} is not recorded in {path} "
                f"(newest: {recorded}); run `ovo-compat snapshot` and commit the file"
            ),
            from_version=recorded,
            to_version=version,
            details={"snapshot": path, "changes": [c.as_dict() for c in kept]},
        )
    )
    return failures


def _history_verdicts(
    domain: Domain, name: str, history: Mapping[str, Mapping[str, Any]], path: str, oldest: str
) -> list[Failure]:
    versions = [v for v in sort_versions(history) if parse(v) >= parse(oldest)]
    failures = []
    for older, newer in itertools.pairwise(versions):
        if parse(older)[0] != parse(newer)[0]:
            continue
        changes = domain.compare(history[older], history[newer])
        major = sorted({c.rule for c in changes if c.severity == MAJOR})
        if major:
            failures.append(
                _failure(
                    domain.breaking,
                    name,
                    older,
                    newer,
                    changes,
                    path,
                    f"recorded history: breaking change(s) {', '.join(major)} from {older} to "
                    f"{newer}, a minor bump; declare it in [[...exceptions]] with the reason "
                    "if the old nodes cope, or raise the support window past it",
                )
            )
    return failures


def _failure(
    code: str,
    name: str,
    recorded: str,
    version: str,
    changes: list[Change],
    path: str,
    summary: str,
) -> Failure:
    fields = {c.field for c in changes}
    lines = "\n".join(f"  - {c.render()}" for c in changes)
    return Failure(
        code=code,
        subject=name,
        message=f"{summary}\n{lines}",
        from_version=recorded,
        to_version=version,
        field=next(iter(fields)) if len(fields) == 1 else None,
        details={
            "snapshot": path,
            "rules": sorted({c.rule for c in changes}),
            "changes": [c.as_dict() for c in changes],
        },
    )
