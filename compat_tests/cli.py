"""The ``ovo-compat`` command: ``snapshot``, ``check`` and ``run``.

Exit status: 0 when everything is fine, 1 when a check fails (or a recorded
version would be rewritten), 2 on bad input (configuration, snapshot files,
imports, command line).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from typing import Any, TextIO

from compat_tests.config import Target, find_config, load_target
from compat_tests.errors import OvoCompatError

__all__ = ["main"]

OK, FAILED, BAD_INPUT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ovo-compat`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    # oslo.messaging imports eventlet and Neutron announces its eventlet backend; their
    # banners would bury the report.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    warnings.filterwarnings("ignore", message="The selected oslo_service backend")
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if argv[:1] == ["run"]:
        own, passthrough = _split_run_args(argv[1:])
        argv = ["run", *own]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors with status 2
        return int(exc.code or 0)
    if passthrough:
        args.pytest_args = passthrough
    # Imported after the filters: strategies pulls in OVO, hence oslo.messaging and eventlet.
    from strategies import StrategyError

    try:
        return args.handler(args, sys.stdout)
    except (OvoCompatError, StrategyError) as exc:  # strategies cannot import compat_tests
        print(f"ovo-compat {args.command}: error: {exc}", file=sys.stderr)
        return BAD_INPUT


_RUN_OPTIONS = ("--config", "--target")


def _split_run_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Split ``run``'s arguments into its own (--config, --target, -h) and pytest's (the rest).

    Everything after ``--`` goes to pytest, so ``ovo-compat run -n 2 -k Port`` and
    ``ovo-compat run -- -n 2`` both work.
    """
    own: list[str] = []
    rest: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--":
            rest.extend(items)
        elif arg in _RUN_OPTIONS:
            own += [arg, next(items, "")]
        elif arg.startswith(tuple(f"{o}=" for o in _RUN_OPTIONS)) or arg in ("-h", "--help"):
            own.append(arg)
        else:
            rest.append(arg)
    return own, rest


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ovo-compat",
        description="Rolling-upgrade compatibility tests for oslo.versionedobjects projects.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--config",
            help="TOML file with [tool.ovo-compat.targets.NAME] tables "
            "(default: nearest pyproject.toml)",
        )
        sub.add_argument("--target", help="target name (optional when only one is defined)")
        sub.set_defaults(handler=handler)
        return sub

    snapshot = command("snapshot", _snapshot, "record the current schema of every class")
    snapshot.add_argument(
        "--infer-history",
        action="store_true",
        help="also record older versions inferred from each class's backport code",
    )
    snapshot.add_argument(
        "--release",
        metavar="SPEC",
        help="record an old release instead of this environment: pip requirements such as "
        "'neutron==25.2.3 neutron-lib==3.15.0', a wheel, or a git+URL@ref#egg=NAME; installed "
        "into a cached virtualenv (docs/snapshots.rst) and merged into the store in any order",
    )
    snapshot.add_argument(
        "--no-index",
        action="store_true",
        help="with --release: install the spec with pip --no-index --no-deps (local wheels or "
        "directories, --find-links); ovo-compat's dependencies come from this environment",
    )
    snapshot.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR",
        help="with --release: extra pip --find-links location (repeatable)",
    )
    check = command("check", _check, "diff the current classes against the snapshots")
    check.add_argument("--format", choices=("text", "json"), default="text")
    run = command("run", _run, "run the compatibility test suite with pytest")
    run.add_argument(
        "pytest_args",
        nargs=argparse.REMAINDER,
        help="extra pytest arguments (anywhere; everything after -- too)",
    )
    return parser


def _target(args: argparse.Namespace) -> Target:
    return load_target(args.config, args.target)


def _snapshot(args: argparse.Namespace, out: TextIO) -> int:
    target = _target(args)
    if args.release:
        from compat_tests.recording import merge, record_release

        recording = record_release(
            target,
            args.release,
            infer=args.infer_history,
            index=not args.no_index,
            find_links=args.find_links,
            out=out,
        )
        done = merge(target, recording)
    else:
        from compat_tests.record import record

        done = record(target, infer_history=args.infer_history)
    for line in done.lines:
        print(line, file=out)
    for problem in done.problems:
        print(f"ovo-compat snapshot: error: {problem}", file=sys.stderr)
    return FAILED if done.problems else OK


def _rpc_failures(target: Target) -> list[Any]:
    if not target.rpc:
        return []
    from compat_tests.rpc.diff import check_target

    return check_target(target)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from compat_tests.diff import apply_declared, object_failures

    target = _target(args)
    failures = apply_declared(object_failures(target) + _rpc_failures(target), target.exceptions)
    if args.format == "json":
        report = {
            "target": target.name,
            "ok": not failures,
            "failures": [f.as_dict() for f in failures],
        }
        out.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    else:
        for failure in failures:
            print(failure.render(), file=out)
        if failures:
            print(f"{len(failures)} snapshot failure(s) in target {target.name!r}", file=out)
        else:
            print(f"ok: every class of target {target.name!r} matches its snapshots", file=out)
    return FAILED if failures else OK


def _run(args: argparse.Namespace, out: TextIO) -> int:
    import pytest

    config = str(args.config or find_config())
    name = args.target or load_target(config).name
    extra = list(args.pytest_args)
    pytest_args = ["--pyargs", "compat_tests", "--compat-config", config, "--compat-target", name]
    if _parallel(extra) and not any(a == "--dist" or a.startswith("--dist=") for a in extra):
        # One worker per class, so that a class's shared runs happen once (compat_tests.cases).
        pytest_args += ["--dist", "loadgroup"]
    return int(pytest.main([*pytest_args, *extra]))


def _parallel(args: Sequence[str]) -> bool:
    """True when ``args`` ask pytest-xdist for workers (``-n N``, ``-nN``, ``--numprocesses``)."""
    return any(
        a == "-n" or (a.startswith("-n") and a[2:3].isalnum()) or a.startswith("--numprocesses")
        for a in args
    )
