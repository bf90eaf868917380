"""GitHub Actions workflow commands (``::error file=...,line=...::message``) for failures.

As buf's ``--error-format github-actions``: each failure becomes an annotation on
the line of the user's code it concerns (the class definition for snapshot
failures), so the pull request shows it in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from compat_tests.failures import Failure


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(failure: Failure, location: str | None = None, *, level: str = "error") -> str:
    """One workflow command for ``failure``; ``location`` is ``file:line`` (or None)."""
    props = []
    if location:
        path, _, line = location.rpartition(":")
        if path and line.isdigit():
            props += [f"file={_property(path)}", f"line={line}"]
        else:
            props.append(f"file={_property(location)}")
    field = f" field {failure.field}" if failure.field else ""
    props.append(f"title={_property(f'{failure.code}: {failure.subject} {failure.pair}{field}')}")
    return f"::{level} {','.join(props)}::{_data(failure.render())}"


def annotations(failures: Iterable[Failure], locations: Mapping[str, str] | None = None) -> str:
    """Every failure as a workflow command, one a line (``locations``: subject -> file:line)."""
    lines = [annotation(f, (locations or {}).get(f.subject.split(".")[0])) for f in failures]
    return "\n".join(lines) + ("\n" if lines else "")
