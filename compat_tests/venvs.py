"""Cached, isolated virtualenvs holding one old release each (``--release SPEC``).

A *spec* is what pip installs: requirements such as ``neutron==25.2.3 neutron-lib==3.15.0``,
a wheel file, a local directory or a ``git+URL@ref`` requirement, separated by spaces.

The virtualenvs live under ``$OVO_COMPAT_CACHE_DIR/venvs``, by default
``$XDG_CACHE_HOME/ovo-compat/venvs`` or ``~/.cache/ovo-compat/venvs``, one directory per
spec, interpreter version and install options.  A finished one carries a marker file and is
reused as is; an unfinished one (an interrupted install) is rebuilt.  A lock file serializes
concurrent builds of the same spec.

ovo-compat is made importable in the release's virtualenv by a ``.pth`` file naming a
directory of links to the building process's ``compat_tests`` and ``strategies`` packages;
processes started there by ovo-compat (`child_env` with a scratch directory) put links to
*their caller's* packages first on ``PYTHONPATH``, so the code run is always the running
one (never a stale copy in the cache, nor another checkout's); its
dependencies (Hypothesis, fixtures, pytest, oslo.versionedobjects, oslo.messaging) are
installed there with the release, and pip resolves them against the release's own pins.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from compat_tests.errors import OvoCompatError

__all__ = [
    "ReleaseSpec",
    "VenvError",
    "cache_dir",
    "child_env",
    "ensure_venv",
    "link_own_packages",
    "release_python",
]

_READY = ".ovo-compat-ready"
# ovo-compat's own run-time dependencies that a release does not bring.
_OWN_DEPS = (
    "hypothesis>=6.100",
    "fixtures>=4.0",
    "pytest>=7.4",
    "oslo.versionedobjects>=3.0",
    "oslo.messaging>=14.0",
)
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*===?\s*([^\s;,]+)$")
_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
# An install of a release (Neutron: a few minutes from a cold pip cache) never hangs.
INSTALL_TIMEOUT = 3600


class VenvError(OvoCompatError):
    """A release's virtualenv could not be created or its packages not installed."""


@dataclass(frozen=True)
class ReleaseSpec:
    """A parsed ``--release`` spec: pip arguments and the distributions it claims.

    ``claim`` maps each named distribution to its pinned version (None when the spec does not
    pin one: a git ref or an unpinned name); the first requirement names the release.
    """

    requirements: tuple[str, ...]
    claim: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> ReleaseSpec:
        """Parse ``"neutron==25.2.3 neutron-lib==3.15.0"``, a wheel path or a git URL."""
        requirements = tuple(shlex.split(text))
        if not requirements:
            raise VenvError("--release needs a spec such as 'neutron==25.2.3'")
        claim: dict[str, str | None] = {}
        for requirement in requirements:
            name, version = _claimed(requirement)
            if name is None:
                raise VenvError(
                    f"--release: cannot tell which distribution {requirement!r} installs; "
                    "pin it as NAME==VERSION, name a wheel file, or add #egg=NAME to a URL"
                )
            claim[name] = version
        return cls(requirements, claim)

    @property
    def primary(self) -> str:
        """The distribution the release is named after (the first requirement's)."""
        return next(iter(self.claim))

    def key(self, **options: object) -> str:
        """Cache directory name: a readable slug plus a hash of everything that shapes the venv."""
        ident = json.dumps(
            {"spec": self.requirements, "python": sys.version_info[:3], **options},
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha256(ident.encode()).hexdigest()[:12]
        slug = re.sub(r"[^A-Za-z0-9.]+", "_", "-".join(self.requirements))[:60].strip("_")
        return f"{slug}-{digest}"


def _claimed(requirement: str) -> tuple[str | None, str | None]:
    pinned = _PIN.match(requirement)
    if pinned:
        return pinned.group(1), pinned.group(2)
    wheel = _WHEEL.match(Path(requirement).name)
    if wheel:
        return wheel.group("name").replace("_", "-"), wheel.group("version")
    egg = _EGG.search(requirement)
    if egg:
        return egg.group(1), None
    if "://" in requirement or "/" in requirement or requirement.startswith("."):
        local = Path(requirement)
        if (local / "pyproject.toml").is_file() or (local / "setup.py").is_file():
            return _local_name(local), None
        return None, None
    named = _NAME.match(requirement)
    return (named.group(1), None) if named else (None, None)


def _local_name(directory: Path) -> str | None:
    pyproject = directory / "pyproject.toml"
    text = pyproject.read_text() if pyproject.is_file() else ""
    found = re.search(r'^name\s*=\s*"([^"]+)"', text, re.M)
    return found.group(1) if found else None


def cache_dir() -> Path:
    """Where release virtualenvs are cached (see the module docstring)."""
    if os.environ.get("OVO_COMPAT_CACHE_DIR"):
        return Path(os.environ["OVO_COMPAT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ovo-compat"


def ensure_venv(
    spec: ReleaseSpec,
    *,
    out: TextIO,
    index: bool = True,
    find_links: Sequence[str] = (),
    inherit_dependencies: bool = False,
) -> Path:
    """The Python interpreter of ``spec``'s virtualenv, created (and cached) when needed.

    ``index=False`` installs the spec with ``--no-index --no-deps`` (from ``find_links`` or
    local paths only); ovo-compat's own dependencies then come from this process's
    environment (``inherit_dependencies``, appended after the release's site-packages, so
    the release's own packages always win).
    """
    root = (
        cache_dir()
        / "venvs"
        / spec.key(index=index, find_links=list(find_links), inherit=inherit_dependencies)
    )
    python = root / "bin" / "python"
    with _locked(root.with_suffix(".lock")):
        if (root / _READY).is_file():
            print(f"release virtualenv (cached): {root}", file=out)
            return python
        if root.exists():
            shutil.rmtree(root)
        print(f"creating release virtualenv {root} for {' '.join(spec.requirements)}", file=out)
        out.flush()
        # pip of this environment installs into the new one (``pip --python``): creating a
        # virtualenv without its own pip takes a fraction of a second instead of seconds.
        own_pip = importlib.util.find_spec("pip") is not None
        _run([sys.executable, "-m", "venv", *(["--without-pip"] if own_pip else []), str(root)])
        site = Path(
            _run(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
            ).strip()
        )
        _link_ovo_compat(root, site, inherit_dependencies)
        runner = (
            [sys.executable, "-m", "pip", "--python", str(python)]
            if own_pip
            else [
                str(python),
                "-m",
                "pip",
            ]
        )
        pip = [*runner, "install", "--disable-pip-version-check", "-q"]
        links = [arg for link in find_links for arg in ("--find-links", link)]
        if index:
            _install(root, [*pip, *links, *spec.requirements, *_OWN_DEPS])
        else:
            _install(root, [*pip, "--no-index", "--no-deps", *links, *spec.requirements])
        (root / _READY).write_text(json.dumps({"spec": spec.requirements}) + "\n")
        return python


def release_python(
    spec_text: str, *, out: TextIO, index: bool = True, find_links: Sequence[str] = ()
) -> tuple[ReleaseSpec, Path]:
    """Parse ``spec_text`` (a ``--release``/``--against`` spec) and return it with its interpreter.

    The virtualenv is built or reused by `ensure_venv`; without an index (local wheels) the
    release's virtualenv inherits ovo-compat's own dependencies from this environment.
    """
    spec = ReleaseSpec.parse(spec_text)
    python = ensure_venv(
        spec, out=out, index=index, find_links=find_links, inherit_dependencies=not index
    )
    return spec, python


def child_env(
    extra: dict[str, str] | None = None, *, scratch: Path | None = None
) -> dict[str, str]:
    """The environment of a process run in a release's virtualenv.

    This process's environment without ``PYTHONPATH``/``PYTHONHOME``, so that nothing of the
    working tree or of this virtualenv shadows the release's own packages (run such a process
    with a neutral working directory too), plus ``extra``.  With ``scratch`` (a private
    directory), ``PYTHONPATH`` names only links to this process's ``compat_tests`` and
    ``strategies`` (`link_own_packages`): a cached virtualenv shared by several checkouts
    then runs the caller's ovo-compat, whichever checkout built it.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    if scratch is not None:
        env["PYTHONPATH"] = str(link_own_packages(scratch / "ovo-compat-link"))
    return {**env, **(extra or {})}


def link_own_packages(directory: Path) -> Path:
    """``directory`` holding links to this process's ``compat_tests`` and ``strategies``."""
    import compat_tests
    import strategies

    directory.mkdir(parents=True, exist_ok=True)
    for package in (compat_tests, strategies):
        source = Path(package.__file__).resolve().parent
        link = directory / source.name
        if not link.is_symlink():
            link.symlink_to(source, target_is_directory=True)
    return directory


def _link_ovo_compat(root: Path, site: Path, inherit: bool) -> None:
    links = link_own_packages(root / "ovo-compat-link")
    lines = [str(links)]
    if inherit:
        lines += list(dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")))
    # A .pth line is appended to sys.path after the venv's own site-packages.
    (site / "ovo_compat_link.pth").write_text("\n".join(lines) + "\n")


def _install(root: Path, command: list[str]) -> None:
    log = root / "install.log"
    with log.open("w") as handle:
        try:
            done = subprocess.run(
                command, stdout=handle, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise VenvError(
                f"pip did not finish within {INSTALL_TIMEOUT} s installing into {root} "
                f"(log: {log}); check the package index is reachable"
            ) from None
    if done.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-15:])
        raise VenvError(
            f"pip could not install the release into {root} (exit {done.returncode}; full "
            f"log: {log}):\n{tail}\nPin the release's dependencies in the spec (e.g. "
            "'neutron==25.2.3 neutron-lib==3.15.0') or check the package index"
        )


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise VenvError(f"{shlex.join(command)} failed (exit {done.returncode}): {done.stderr}")
    return done.stdout


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
