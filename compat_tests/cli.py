"""The ``ovo-compat`` command: ``snapshot``, ``check``, ``db``, ``upgrade`` and ``run``.

Exit status: 0 when everything is fine, 1 when a check fails (or a recorded
version would be rewritten), 2 on bad input (configuration, snapshot files,
imports, command line).  ``check`` and ``run`` start with the same pre-flight
checks (`compat_tests.preflight`), so ``check`` fails whenever ``run`` cannot work.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from compat_tests.config import Target, find_config, load_target
from compat_tests.errors import ConfigError, OvoCompatError

__all__ = ["main"]

OK, FAILED, BAD_INPUT = 0, 1, 2
# This command imports ovo-compat before pytest starts, so pytest cannot rewrite its asserts
# and would say so in every run's warnings.
QUIET_PYTEST_ARGS = ["-W", "ignore:Module already imported:pytest.PytestAssertRewriteWarning"]


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


_RUN_OPTIONS = (
    "--config",
    "--target",
    "--report",
    "--against",
    "--against-target",
    "--url",
    "--examples",
    "--find-links",
)
_RUN_FLAGS = ("--no-index", "--no-fidelity")


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
        elif arg.startswith(tuple(f"{o}=" for o in _RUN_OPTIONS)) or arg in (
            "-h",
            "--help",
            *_RUN_FLAGS,
        ):
            own.append(arg)
        else:
            rest.append(arg)
    return own, rest


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ovo-compat",
        description="Rolling-upgrade compatibility tests for oslo.versionedobjects projects.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
    check.add_argument(
        "--format",
        choices=("text", "json", "junit", "github"),
        default="text",
        help="text (default), json, junit (JUnit XML) or github (GitHub Actions annotations)",
    )
    db = command("db", _db, "run the database checks (expand/contract, rows, data migrations)")
    db.add_argument("--url", action="append", help="server URL to check on (repeatable)")
    db.add_argument("--format", choices=("text", "json"), default="text")
    upgrade = command(
        "upgrade",
        _upgrade,
        "rolling upgrade: a server and agents as processes on RabbitMQ, upgraded one by one "
        "in a seeded order, with generated RPC traffic in every mixed state",
    )
    upgrade.add_argument(
        "--from",
        dest="from_spec",
        required=True,
        metavar="SPEC",
        help="the release every node starts on (as for snapshot --release), e.g. "
        "'neutron==27.0.4 neutron-lib==3.21.1 pyroute2==0.7.12'",
    )
    upgrade.add_argument(
        "--to",
        dest="to_spec",
        metavar="SPEC",
        help="the release nodes are upgraded to (default: this environment's code)",
    )
    upgrade.add_argument("--seed", type=int, help="replay the plan (and traffic) of this seed")
    upgrade.add_argument(
        "--steps-examples",
        type=int,
        default=3,
        metavar="K",
        help="generated calls per client method, link and state (default 3)",
    )
    upgrade.add_argument(
        "--url", help="transport URL (default $OVO_COMPAT_RABBIT_URL or local RabbitMQ)"
    )
    upgrade.add_argument(
        "--call-timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds one generated call may take (default 10)",
    )
    upgrade.add_argument("--report", metavar="DIR", help="write DIR/findings.json")
    upgrade.add_argument("--no-index", action="store_true", help="as for snapshot --release")
    upgrade.add_argument(
        "--find-links", action="append", default=[], metavar="DIR", help="as for snapshot --release"
    )
    run = command("run", _run, "run the compatibility test suite with pytest")
    run.add_argument(
        "--report",
        metavar="DIR",
        help="write DIR/junit.xml, DIR/findings.json, DIR/matrix.json and DIR/matrix.html",
    )
    run.add_argument(
        "--against",
        metavar="SPEC",
        help="instead of the suite: run the current code against an old release's real code "
        "in its own process over RabbitMQ (SPEC as for snapshot --release; docs/cross.rst)",
    )
    run.add_argument(
        "--against-target",
        metavar="NAME",
        help="with --against: the target describing the release's modules (default: --target)",
    )
    run.add_argument(
        "--url",
        help="with --against: the broker (default $OVO_COMPAT_RABBIT_URL or "
        "rabbit://guest:guest@127.0.0.1:5672/)",
    )
    run.add_argument(
        "--examples",
        type=int,
        default=None,
        help="with --against: generated examples per class and RPC method (default 5)",
    )
    run.add_argument(
        "--no-index",
        action="store_true",
        help="with --against: install the spec with pip --no-index --no-deps (local wheels)",
    )
    run.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR",
        help="with --against: extra pip --find-links location (repeatable)",
    )
    run.add_argument(
        "--no-fidelity",
        action="store_true",
        help="with --against: skip comparing the snapshot-rebuilt node with the real one",
    )
    run.add_argument(
        "pytest_args",
        nargs=argparse.REMAINDER,
        help="extra pytest arguments (anywhere; everything after -- too)",
    )
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ovo-compat")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _preflight(target: Target, command: str, json_out: TextIO | None = None) -> bool:
    """Run the pre-flight checks; print the problems as ``command``'s error; True when ok.

    ``run`` hands the result over to the plugin, which would otherwise check again.
    With ``json_out`` the problems are also written there as JSON (``check --format json``).
    """
    from compat_tests.preflight import hand_over, preflight, render

    result = preflight(target)
    if command == "run":
        hand_over(result)
    if result.problems and json_out is not None:
        problems = [{"kind": p.kind, "message": p.message} for p in result.problems]
        report = {"target": target.name, "ok": False, "problems": problems, "failures": []}
        json_out.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    if result.problems:
        print(f"ovo-compat {command}: error: {render(result)}", file=sys.stderr)
    return result.ok


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
    if not _preflight(target, "check", out if args.format == "json" else None):
        return BAD_INPUT
    failures = apply_declared(object_failures(target) + _rpc_failures(target), target.exceptions)
    if args.format == "json":
        report = {
            "target": target.name,
            "ok": not failures,
            "failures": [f.as_dict() for f in failures],
        }
        out.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    elif args.format in ("junit", "github"):
        from compat_tests.report import github, junit

        subjects, locations = _check_subjects(target)
        if args.format == "junit":
            out.write(junit.check_document(target.name, subjects, failures, locations=locations))
        else:
            out.write(github.annotations(failures, locations))
    else:
        for failure in failures:
            print(failure.render(), file=out)
        if failures:
            print(f"{len(failures)} snapshot failure(s) in target {target.name!r}", file=out)
        else:
            print(f"ok: every class of target {target.name!r} matches its snapshots", file=out)
    return FAILED if failures else OK


def _check_subjects(target: Target) -> tuple[list[str], dict[str, str]]:
    """The classes and RPC APIs ``check`` compares, and ``file:line`` of each class."""
    from compat_tests.discover import Catalog
    from compat_tests.report.counterexample import source_location

    classes = Catalog.load(target).classes
    locations = {n: loc for n, c in classes.items() if (loc := source_location(c)) is not None}
    names = sorted(classes)
    if target.rpc:
        from compat_tests.rpc.api import load_apis

        names += [api.name for api in load_apis(target)]
    return names, locations


def _db(args: argparse.Namespace, out: TextIO) -> int:
    from compat_tests.db.report import run_db

    return run_db(_target(args), args.url, args.format, out)


def _upgrade(args: argparse.Namespace, out: TextIO) -> int:
    from compat_tests.upgrade.command import upgrade

    target = _target(args)
    replay = ["ovo-compat", "upgrade", "--target", target.name, "--from", args.from_spec]
    if args.config:
        replay[2:2] = ["--config", args.config]
    if args.to_spec:
        replay += ["--to", args.to_spec]
    if args.no_index:
        replay.append("--no-index")
    for link in args.find_links:
        replay += ["--find-links", link]
    if args.steps_examples != 3:
        replay += ["--steps-examples", str(args.steps_examples)]
    if args.call_timeout != 10.0:
        replay += ["--call-timeout", str(args.call_timeout)]
    return upgrade(
        target,
        args.from_spec,
        to_spec=args.to_spec,
        seed=args.seed,
        examples=args.steps_examples,
        url=args.url,
        index=not args.no_index,
        find_links=args.find_links,
        report=Path(args.report) if args.report else None,
        replay=replay,
        call_timeout=args.call_timeout,
        out=out,
    )


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.against:
        return _run_against(args, out)
    import pytest

    config = str(args.config or find_config())
    target = load_target(config, args.target)
    if not _preflight(target, "run"):
        return BAD_INPUT
    extra = list(args.pytest_args)
    pytest_args = ["--pyargs", "compat_tests", "--compat-config", config]
    pytest_args += ["--compat-target", target.name]
    pytest_args += QUIET_PYTEST_ARGS
    if args.report:
        report = Path(args.report)
        pytest_args += ["--junitxml", str(report / "junit.xml"), "--compat-report", str(report)]
    if _parallel(extra):
        if importlib.util.find_spec("xdist") is None:
            print(
                "ovo-compat run: notice: pytest-xdist is not installed, running in one process "
                "(pip install pytest-xdist for -n)",
                file=out,
            )
            extra = _without_workers(extra)
        elif not any(a == "--dist" or a.startswith("--dist=") for a in extra):
            # One worker per class, so that a class's shared runs happen once (cases).
            pytest_args += ["--dist", "loadgroup"]
    try:
        return int(pytest.main([*pytest_args, *extra]))
    finally:
        from compat_tests.preflight import take_over

        take_over(target)  # not left for a later run in this process


def _run_against(args: argparse.Namespace, out: TextIO) -> int:
    """``run --against SPEC``: the cross-release run (`compat_tests.cross.run`)."""
    from compat_tests.cross.run import DEFAULT_EXAMPLES, render, run_against

    if args.pytest_args:
        raise ConfigError(
            f"ovo-compat run --against takes no pytest arguments (got {args.pytest_args}); "
            "run the suite and the cross-release run as two commands"
        )
    target = _target(args)
    result = run_against(
        target,
        args.against,
        out=out,
        old_target=args.against_target,
        url=args.url,
        index=not args.no_index,
        find_links=args.find_links,
        examples=args.examples or DEFAULT_EXAMPLES,
        fidelity=not args.no_fidelity,
    )
    if args.report:
        from compat_tests.report import findings_document, group

        report = Path(args.report)
        report.mkdir(parents=True, exist_ok=True)
        document = findings_document(
            group(result.failures),
            target=target.name,
            run={"against": args.against, "counts": result.counts, "not_checked": result.notes},
        )
        (report / "cross-findings.json").write_text(json.dumps(document, indent=2) + "\n")
    render(result, out)
    return OK if result.ok else FAILED


def _without_workers(args: Sequence[str]) -> list[str]:
    """``args`` without pytest-xdist's ``-n N`` / ``--numprocesses`` / ``--dist`` options."""
    kept: list[str] = []
    items = iter(args)
    for arg in items:
        if arg in ("-n", "--numprocesses", "--dist"):
            next(items, None)
        elif not _parallel([arg]) and not arg.startswith("--dist="):
            kept.append(arg)
    return kept


def _parallel(args: Sequence[str]) -> bool:
    """True when ``args`` ask pytest-xdist for workers (``-n N``, ``-nN``, ``--numprocesses``)."""
    return any(
        a == "-n" or (a.startswith("-n") and a[2:3].isalnum()) or a.startswith("--numprocesses")
        for a in args
    )
