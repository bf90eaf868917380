"""docs/walkthrough.rst, followed literally: every file it shows, every ``$`` command it runs.

The page alternates ``File ``path``:`` paragraphs followed by a code block (written to
that path, later blocks replace earlier ones) and ``console`` blocks (each ``$`` line is
run, in order, and must succeed).  ``ovo-compat`` runs as ``python -m compat_tests``
with this interpreter.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "walkthrough.rst"
_BLOCK = re.compile(r"^\.\. code-block:: (\w+)\n\n((?:    .*\n|\n)+)", re.MULTILINE)
_FILE = re.compile(r"File ``([^`]+)``:\s*$")


def steps(text: str) -> list[tuple[str, str]]:
    """(path, content) for file blocks and ("$", command) for console lines, in page order."""
    result = []
    for block in _BLOCK.finditer(text):
        language, body = block.group(1), textwrap.dedent(block.group(2)).strip("\n") + "\n"
        before = text[: block.start()].rstrip().splitlines()[-1]
        if language == "console":
            result += [("$", line[2:]) for line in body.splitlines() if line.startswith("$ ")]
        else:
            found = _FILE.search(before)
            assert found, f"code block after {before!r} names no file"
            result.append((found.group(1), body))
    return result


def test_the_walkthrough_reaches_a_green_complete_run(tmp_path: Path) -> None:
    env = {**os.environ, "CI": "true"}
    env.pop("OVO_COMPAT_PROFILE", None)
    outputs = []
    for what, content in steps(PAGE.read_text()):
        if what != "$":
            path = tmp_path / what
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            continue
        words = shlex.split(content)
        assert words[0] == "ovo-compat"
        if words[1] == "run":
            words += ["-p", "no:cacheprovider"]
        done = subprocess.run(
            [sys.executable, "-m", "compat_tests", *words[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"$ {content}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    run = outputs[-1]
    counts = re.search(r"ovo-compat: (\d+) classes, (\d+) \(class, version pair\) cases", run)
    assert counts is not None, run
    assert int(counts.group(1)) == 4
    assert int(counts.group(2)) == 12  # Volume: 3 older versions x 4 pair properties
    rpc = re.search(r"RPC: 1 APIs, 3 methods, (\d+) \(method, cap\) cases", run)
    assert rpc is not None, run
    assert "; not checked: nothing;" in run
    assert "3 version(s) checked against inferred history" in run
    assert "inferred history (derived from backport code" in run and "Volume 1.0, 1.1, 1.2" in run
    assert "failed" not in run.splitlines()[-1]
