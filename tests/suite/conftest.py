import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def compat_pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester whose subprocesses can import the repository's ``tests`` package."""
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(REPO), path) if p))
    monkeypatch.delenv("CI", raising=False)
    return pytester


def write_config(
    pytester: pytest.Pytester, extra: str = "", support: str = "1.0", objects: str = ""
) -> Path:
    """A TOML config with the sample target (plus ``extra`` TOML lines) in the pytester dir."""
    snapshots = REPO / "snapshots" / "sample"
    modules = '"tests.sample.objects"' + (f', "{objects}"' if objects else "")
    text = f"""
[tool.ovo-compat.targets.sample]
objects = [{modules}]
snapshots = "{snapshots}"
{extra}

[tool.ovo-compat.targets.sample.support]
default = "{support}"

[[tool.ovo-compat.targets.sample.exceptions]]
object = "Port"
code = "snapshot.breaking-minor-bump"
versions = "1.2->1.3"
field = "status"
reason = "DEGRADED is sent as DOWN to older nodes"
"""
    path = pytester.path / "compat.toml"
    path.write_text(text)
    return path
