"""Recording: describe a target's classes and RPC APIs, check where they came from, merge them.

Two halves, so that a release can be recorded in its own virtualenv:

* `collect` runs where the classes are importable (this process for ``ovo-compat snapshot``,
  a release's cached virtualenv for ``--release``: ``python -m compat_tests.recording``) and
  returns a JSON-able recording: every class's exact schema with ``recorded_from``, inferred
  older schemas when asked, the RPC API schemas, and the release manifest;
* `merge` writes a recording into the target's stores, in any order (`SnapshotStore.merge`),
  printing one line per version and saying when an exact schema proved an inference wrong.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from compat_tests.config import Target
from compat_tests.record import Recorded
from compat_tests.versions import parse

__all__ = ["collect", "main", "merge", "record_release"]

#: Seconds a release's recording may take (importing an old release and describing it).
RECORD_TIMEOUT = 1800

# Distributions whose versions a release manifest lists besides the release's own.
_LIBRARIES = ("oslo.versionedobjects", "oslo.messaging")


def collect(
    target: Target,
    *,
    infer: bool = False,
    claim: Mapping[str, str | None] | None = None,
    spec: Sequence[str] = (),
) -> dict[str, Any]:
    """Describe ``target`` as importable here; `ProvenanceError` if it is not the claimed release.

    ``claim`` maps distribution names to the versions the recording claims (None: any);
    without a claim, classes from a working tree shadowing an installed release are refused.
    Returns ``{"objects": {name: {version: schema}}, "rpc": {api: schema},
    "release": <release dict> | None, "problems": [str]}``.
    """
    from compat_tests.discover import Catalog
    from compat_tests.provenance import check_release
    from compat_tests.schema import describe
    from compat_tests.snapshots import PROVENANCE_KEY

    catalog = Catalog.load(target)
    sources = check_release(catalog.classes, claim)
    problems: list[str] = []
    objects: dict[str, dict[str, Any]] = {}
    for name, cls in sorted(catalog.classes.items()):
        schemas = _inferred(target, cls, problems) if infer else {}
        schemas[cls.VERSION] = {**describe(cls), "inferred": False, PROVENANCE_KEY: sources[name]}
        objects[name] = schemas
    released = claim is not None or _one_installed_release(sources)
    rpc = _rpc_schemas(target, problems) if released else {}
    release = _release(catalog.classes, sources, rpc, claim, spec) if released else None
    return {"objects": objects, "rpc": rpc, "release": release, "problems": problems}


def merge(target: Target, recording: Mapping[str, Any], *, rpc: bool = True) -> Recorded:
    """Write ``recording`` into ``target``'s stores: one line per version, and the problems.

    ``rpc=False`` leaves the RPC API schemas out (the release manifest still lists them).
    """
    from compat_tests.releases import Release, ReleaseStore
    from compat_tests.snapshots import ImmutableVersionError, SnapshotStore

    done = Recorded(problems=list(recording.get("problems", [])))
    store = SnapshotStore(target.snapshots)
    for name, schemas in sorted(recording["objects"].items()):
        for version, schema in sorted(schemas.items(), key=lambda item: parse(item[0])):
            try:
                result = store.merge(name, version, schema)
            except ImmutableVersionError as exc:
                done.problems.append(str(exc))
                continue
            if result.changed and name not in done.changed:
                done.changed.append(name)
            kind = " (inferred)" if schema.get("inferred") else ""
            state = _STATES[result.outcome]
            done.lines.append(f"{state} {name} {version}{kind} -> {store.path(name)}")
            if result.note:
                done.lines.append(f"  {result.note}; the exact schema replaces it")
    rpc_store = SnapshotStore(target.snapshots / "rpc")
    for api, schema in sorted(recording.get("rpc", {}).items() if rpc else ()):
        try:
            changed = rpc_store.record(api, schema["version"], schema)
        except ImmutableVersionError as exc:
            if not _only_objects_differ(rpc_store, api, schema):
                done.problems.append(str(exc))
                continue
            # Which object versions a server reads depends on the release, not on the API
            # version: the release manifest records this release's; the schema stays.
            done.lines.append(
                f"unchanged RPC API {api} {schema['version']} -> {rpc_store.path(api)} (this "
                "release's server reads other object versions; its release manifest lists them)"
            )
            continue
        if changed:
            done.changed.append(api)
        state = "recorded" if changed else "unchanged"
        done.lines.append(f"{state} RPC API {api} {schema['version']} -> {rpc_store.path(api)}")
    if recording.get("release"):
        release = Release.from_dict(recording["release"], "the recording")
        releases = ReleaseStore(target.snapshots)
        try:
            state = releases.merge(release)
        except ImmutableVersionError as exc:
            done.problems.append(str(exc))
        else:
            done.lines.append(f"{state} release {release.name} -> {releases.path(release)}")
    return done


def record_release(
    target: Target,
    spec_text: str,
    *,
    infer: bool = False,
    index: bool = True,
    find_links: Sequence[str] = (),
    out: TextIO,
) -> dict[str, Any]:
    """Build (or reuse) the release's virtualenv (`compat_tests.venvs`) and collect there.

    ``spec_text`` is the ``--release`` spec; progress goes to ``out``.  `SnapshotError` when
    the recording fails in the release's environment (its message included).
    """
    import subprocess
    import tempfile

    from compat_tests.errors import SnapshotError
    from compat_tests.venvs import child_env, release_python

    spec, python = release_python(spec_text, out=out, index=index, find_links=find_links)
    with tempfile.TemporaryDirectory(prefix="ovo-compat-record-") as scratch:
        output = Path(scratch) / "recording.json"
        command = [
            str(python),
            "-m",
            "compat_tests.recording",
            "--config",
            str(target.config_path),
            "--target",
            target.name,
            "--claim",
            json.dumps(spec.claim),
            "--spec",
            json.dumps(list(spec.requirements)),
            "--output",
            str(output),
        ] + (["--infer-history"] if infer else [])
        print(f"recording {target.name} from {' '.join(spec.requirements)}", file=out)
        out.flush()
        try:
            # cwd: a neutral directory, so that nothing of the working tree shadows the release.
            done = subprocess.run(
                command,
                cwd=scratch,
                env=child_env(scratch=Path(scratch)),
                capture_output=True,
                text=True,
                timeout=RECORD_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise SnapshotError(
                f"recording {target.name} in {python} did not finish within {RECORD_TIMEOUT} s"
            ) from None
        if done.returncode != 0:
            raise SnapshotError(
                f"recording target {target.name!r} from release {' '.join(spec.requirements)} "
                f"failed in {python}:\n{done.stderr.strip()}"
            )
        return json.loads(output.read_text())


def _only_objects_differ(store: Any, api: str, schema: Mapping[str, Any]) -> bool:
    recorded = store.history(api).get(schema["version"], {})
    return {k: v for k, v in recorded.items() if k != "objects"} == {
        k: v for k, v in schema.items() if k != "objects"
    }


_STATES = {
    "recorded": "recorded",
    "unchanged": "unchanged",
    "provenance-added": "provenance added to",
    "refined": "refined inferred",
    "inference-wrong": "replaced wrong inferred",
}


def _inferred(target: Target, cls: type, problems: list[str]) -> dict[str, dict[str, Any]]:
    from compat_tests.discover import make_context
    from compat_tests.inference import InferenceError, infer_history

    name = cls.obj_name()
    try:
        history = infer_history(cls, context=make_context(target))
    except InferenceError as exc:
        oldest = target.oldest_supported(name)
        if any(parse(v) >= parse(oldest) for v in exc.skipped):
            problems.append(str(exc))
        history = exc.history
    return {v: {**s, "inferred": s.get("inferred", True)} for v, s in history.items()}


def _rpc_schemas(target: Target, problems: list[str]) -> dict[str, dict[str, Any]]:
    if not target.rpc:
        return {}
    from compat_tests.errors import OvoCompatError
    from compat_tests.rpc.api import load_apis
    from compat_tests.rpc.schema import describe_api

    schemas: dict[str, dict[str, Any]] = {}
    try:
        apis = load_apis(target)
    except OvoCompatError as exc:  # the descriptions may import what an old release lacks
        problems.append(f"RPC APIs not recorded from this release: {exc}")
        return schemas
    for api in apis:
        try:
            schemas[api.name] = describe_api(api)
        except Exception as exc:  # an old release's endpoints may not match the description
            problems.append(
                f"RPC API {api.name}: cannot describe its server here ({type(exc).__name__}: "
                f"{exc}); its RPC history is not recorded from this release"
            )
    return schemas


def _release(
    classes: Mapping[str, type],
    sources: Mapping[str, Mapping[str, Any]],
    rpc: Mapping[str, Mapping[str, Any]],
    claim: Mapping[str, str | None] | None,
    spec: Sequence[str],
) -> dict[str, Any] | None:
    """The release manifest of classes that are a release (claimed, or one installed dist)."""
    from compat_tests.provenance import normalize_name
    from compat_tests.releases import Release

    owners = {s.get("distribution") for s in sources.values()}
    primary = next(iter(claim)) if claim else next(iter(owners))
    assert primary is not None
    names = {*(claim or {}), *(o for o in owners if o), *_LIBRARIES}
    versions = {}
    for dist in sorted(names):
        try:
            versions[normalize_name(dist)] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return Release(
        distribution=normalize_name(primary),
        version=versions.get(normalize_name(primary), "unknown"),
        objects={name: str(cls.VERSION) for name, cls in sorted(classes.items())},
        rpc={api: str(schema["version"]) for api, schema in sorted(rpc.items())},
        distributions=versions,
        spec=tuple(spec),
    ).as_dict()


def _one_installed_release(sources: Mapping[str, Mapping[str, Any]]) -> bool:
    """True when every class comes from one installed (not editable) distribution."""
    owners = {s.get("distribution") for s in sources.values()}
    editable = any(s.get("editable") for s in sources.values())
    return len(owners) == 1 and None not in owners and not editable


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m compat_tests.recording``: collect a recording into ``--output`` (JSON).

    Run by ``ovo-compat snapshot --release`` inside the release's virtualenv.  Exit 0 with
    the recording written, 2 (message on stderr) when the target cannot be recorded here.
    """
    parser = argparse.ArgumentParser(prog="python -m compat_tests.recording")
    parser.add_argument("--config", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--claim", default=None, help="JSON {distribution: version or null}")
    parser.add_argument("--spec", default="[]", help="JSON list of the release's requirements")
    parser.add_argument("--infer-history", action="store_true")
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    import warnings

    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    warnings.filterwarnings("ignore", message="The selected oslo_service backend")
    from compat_tests.config import load_target
    from compat_tests.errors import OvoCompatError

    try:
        from strategies import StrategyError

        target = load_target(args.config, args.target)
        recording = collect(
            target,
            infer=args.infer_history,
            claim=json.loads(args.claim) if args.claim else None,
            spec=json.loads(args.spec),
        )
    except (OvoCompatError, StrategyError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    Path(args.output).write_text(json.dumps(recording, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
