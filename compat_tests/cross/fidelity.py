"""Fidelity: the snapshot-rebuilt node of a release against the release's real code.

ovo-compat's ordinary run models an old node from snapshots (`compat_tests.rebuild.OldNode`
of a recorded release, `compat_tests.releases`).  A cross-release run has the real node at
hand, so every answer the real release gave is compared with the model's; a disagreement
is a ``cross.model-gap`` (the model is wrong, never the real release), with the
counterexample:

* the release file's class versions against the versions the release really ships;
* the manifest the rebuilt node sends (``tree_versions``) against the real
  ``obj_tree_get_versions``;
* every primitive the real release read (or generated), read by the rebuilt node: both read
  it, or both refuse it, and read the same values;
* the recorded RPC API schema at the release's version against the release's real servers.
"""

from __future__ import annotations

from typing import Any

from compat_tests.cross.old import outcome
from compat_tests.properties._compare import copied

__all__ = ["check_fidelity", "gap", "recorded_release"]


def recorded_release(target: Any, primary: str, version: str | None) -> Any:
    """The recorded `compat_tests.releases.Release` of ``primary`` ``version``, or None."""
    from compat_tests.provenance import normalize_name
    from compat_tests.releases import ReleaseStore

    wanted = normalize_name(primary)
    for release in ReleaseStore(target.snapshots).releases():
        if release.distribution == wanted and release.version == version:
            return release
    return None


def check_fidelity(run: Any, schemas: dict[str, Any], spec: Any) -> None:
    """Compare the rebuilt node of the recorded release with the real one (``run``: a `Run`)."""
    from compat_tests.errors import OvoCompatError
    from compat_tests.rebuild import OldNode

    version = run.node.info["distributions"].get(spec.primary)
    release = recorded_release(run.target, spec.primary, version)
    if release is None:
        shown = " ".join(spec.requirements)
        run.result.notes.append(
            f"fidelity: {spec.primary} {version} is not recorded under {run.target.snapshots}/"
            f"releases (record it with `ovo-compat snapshot --release '{shown}'`)"
        )
        return
    _versions(run, release)
    _fields(run, release)
    try:
        model = OldNode.for_release(run.histories, release, current=run.classes)
    except OvoCompatError as exc:
        gap(run, release.name, f"the release cannot be rebuilt from the snapshots: {exc}")
        return
    for name, answer in sorted(run.manifests.items()):
        real = answer["manifest"]
        run.result.count("fidelity")
        try:
            modelled = model.tree_versions(name)
        except OvoCompatError as exc:
            modelled = {"error": str(exc)}
        if modelled != real:
            gap(
                run,
                name,
                f"the rebuilt node of {release.name} sends the manifest {modelled} for {name}; "
                f"the real release sends {real}",
                version=real.get(name),
            )
    for primitive, real in run.reads:
        _read(run, model, release, primitive, real)
    _rpc(run, release, schemas)


def _versions(run: Any, release: Any) -> None:
    real = run.node.info["objects"]
    for name in sorted(set(real) | set(release.objects)):
        run.result.count("fidelity")
        recorded, shipped = release.objects.get(name), real.get(name)
        if recorded != shipped:
            gap(
                run,
                name,
                f"the release file {release.filename} lists {name} at {recorded}; the real "
                f"{release.name} ships {shipped}",
                version=shipped or recorded,
            )


def _fields(run: Any, release: Any) -> None:
    """Each field the real release's classes declare against its recorded schema.

    Deterministic, unlike the reads: a field the snapshot has and the real class lacks (or
    declares otherwise) is a gap even when no generated example happened to set it.
    """
    real = run.node.call("schemas", {})
    for name, declared in sorted(real.items()):
        version = run.node.info["objects"].get(name)
        if name not in run.histories or version not in run.histories[name]:
            continue  # an unrecorded version is _versions' finding, not a field's
        recorded = run.histories[name][version].get("fields", {})
        for key in sorted(set(declared) | set(recorded)):
            run.result.count("fidelity")
            if declared.get(key) == recorded.get(key):
                continue
            gap(
                run,
                name,
                f"the snapshot records {recorded.get(key, 'no such field')}, the real "
                f"{release.name} declares {declared.get(key, 'no such field')}",
                version=version,
                field=key,
            )


def _read(run: Any, model: Any, release: Any, primitive: dict, real: dict) -> None:
    name = primitive["versioned_object.name"]
    version = primitive.get("versioned_object.version")
    run.result.count("fidelity")
    modelled = outcome(lambda: model.cls(name).obj_from_primitive(copied(primitive), run.context))
    where = f"{name} {version} sent to {release.name}"
    if modelled["ok"] != real["ok"]:
        said = {
            True: "reads it",
            False: "refuses it",
        }
        gap(
            run,
            name,
            f"{where}: the rebuilt node {said[modelled['ok']]}"
            f"{_why(modelled)}, the real release {said[real['ok']]}{_why(real)}",
            version=version,
            sent=primitive,
        )
        return
    if not real["ok"]:
        return
    from compat_tests.properties._compare import dig, first_difference

    want, got = run.comparable(real["primitive"]), run.comparable(modelled["primitive"])
    path = first_difference(want, got)
    if path is not None:
        gap(
            run,
            name,
            f"{where}: the rebuilt node reads {dig(got, path)!r} at "
            f"{'/'.join(str(p) for p in path)}, the real release reads {dig(want, path)!r}",
            version=version,
            sent=primitive,
            field=str(path[1]) if len(path) > 1 else None,
        )


def _why(result: dict) -> str:
    return "" if result["ok"] else f" ({result['kind']}: {result['message'][:300]})"


def _rpc(run: Any, release: Any, schemas: dict[str, Any]) -> None:
    from compat_tests.snapshots import SnapshotStore

    store = SnapshotStore(run.target.snapshots / "rpc")
    for api, real in sorted(schemas.items()):
        run.result.count("fidelity")
        version = str(real["version"])
        recorded_version = release.rpc.get(api)
        if recorded_version != version:
            gap(
                run,
                api,
                f"the release file {release.filename} lists RPC API {api} at "
                f"{recorded_version}; the real {release.name} serves {version}",
                version=version,
            )
        history = store.history(api) if api in store else {}
        recorded = history.get(version)
        if recorded is None:
            gap(
                run,
                api,
                f"RPC API {api} {version} (served by {release.name}) is not recorded under "
                f"{store.directory}",
                version=version,
            )
            continue
        for method in sorted(set(real["methods"]) | set(recorded["methods"])):
            have, want = recorded["methods"].get(method), real["methods"].get(method)
            if have == want:
                continue
            if want is None:
                detail = f"records method {method}, which the real {release.name} server lacks"
            elif have is None:
                detail = f"lacks method {method}, which the real {release.name} server has"
            else:
                detail = (
                    f"records {method}{have.get('signature')}, the real {release.name} server "
                    f"has {method}{want.get('signature')}"
                )
            gap(
                run,
                api,
                f"the recorded RPC API {api} {version} {detail}",
                version=version,
                field=method,
            )


def gap(
    run: Any,
    subject: str,
    message: str,
    *,
    version: str | None = None,
    sent: Any = None,
    field: str | None = None,
) -> None:
    """Report a ``cross.model-gap`` about ``subject`` (``run``: the run's state)."""
    run.fail(
        "cross.model-gap",
        subject,
        f"model gap: {message}. The model is wrong (real old code decides); fix the "
        "snapshots, the release file or a declaration",
        pair=(version, None),
        field=field,
        sent=sent,
    )
