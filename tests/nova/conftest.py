"""tests/nova runs only when selected: by its tox env (``tox -e compat-nova``) or by path.

Nova is not a dependency of ovo-compat's own tests, so the default run (``tox -e py3``)
leaves this directory out and says so in its summary.  When selected, a missing Nova is
an error, never a skip.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

_HERE = Path(__file__).parent
ENV = "OVO_COMPAT_NOVA"
_left_out: list[str] = []


def selected(config: pytest.Config) -> bool:
    """True when this run includes tests/nova (its tox env, or a path under it)."""
    if os.environ.get(ENV) == "1":
        return True
    for arg in config.invocation_params.args:
        path = Path(str(arg).split("::")[0])
        if path.exists() and (path.resolve() == _HERE or _HERE in path.resolve().parents):
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave tests/nova out unless it is selected; when selected, Nova must be installed."""
    if collection_path == Path(__file__) or _HERE not in (
        collection_path,
        *collection_path.parents,
    ):
        return None
    if not selected(config):
        _left_out.append(collection_path.name)
        return True
    if importlib.util.find_spec("nova") is None:
        raise pytest.UsageError(
            "tests/nova needs Nova installed in this environment: run `tox -e compat-nova` "
            "or `pip install 'ovo-compat[nova]'`"
        )
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say that tests/nova was left out of this run, and how to run it."""
    if _left_out:
        terminalreporter.write_line(
            f"tests/nova not collected ({len(_left_out)} files; Nova is not a dependency of the "
            f"core tests): run `tox -e compat-nova` or set {ENV}=1 to include it"
        )
