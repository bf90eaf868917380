"""Cross-release object properties: current objects to the release, its objects back.

See `compat_tests.cross.run` for the properties; ``run`` is the run's `Run`.
"""

from __future__ import annotations

import traceback
from typing import Any

from compat_tests.cross.old import each_example
from compat_tests.cross.process import NodeError
from compat_tests.cross.result import Run
from compat_tests.failures import pointer
from compat_tests.properties._compare import copied, dig, first_difference
from compat_tests.rpc.transport import wire

__all__ = ["check_objects"]


def check_objects(run: Run) -> None:
    """Both directions (and indirection) for every class the release and this code share."""
    from strategies import objects

    released = run.node.info["objects"]
    common = sorted(set(run.classes) & set(released))
    new_only = sorted(set(run.classes) - set(released))
    if new_only:
        run.result.notes.append(
            f"{len(new_only)} classes the release does not have ({', '.join(new_only[:5])}"
            f"{', ...' if len(new_only) > 5 else ''}): nothing to send them to"
        )
    for name in common:
        run.result.count("classes")
        cls = run.classes[name]
        for obj in each_example(objects(cls), run.examples):
            _to_release(run, name, obj)
        _from_release(run, name)


def _to_release(run: Run, name: str, obj: Any) -> None:
    old = run.old_version(name)
    pair = (str(obj.VERSION), old)
    try:
        sent = run.backport(obj, old)
    except Exception as exc:
        how = (
            f"the release's manifest {run.manifest(name)}"
            if run.manifests[name]["real"]
            else ("its version only (the release sends no manifest)")
        )
        run.fail(
            "cross.backport-failed",
            name,
            f"the current code cannot backport {name} {obj.VERSION} to {old} with "
            f"{how}: {type(exc).__name__}: {exc}",
            pair=pair,
            sent=wire(obj.obj_to_primitive()),
        )
        return
    run.result.count("sent")
    got = run.node.call("read", {"primitive": sent})
    run.reads.append((sent, got))
    if not got["ok"]:
        run.fail(
            "cross.old-cannot-read",
            name,
            f"the release's own {name} {old} cannot read what the current code sends it "
            f"(backported with the release's manifest): {got['kind']}: {got['message']}",
            pair=pair,
            sent=sent,
            raised=f"{got['kind']}: {got['message']}",
        )
        return
    _compare_fields(run, name, pair, sent, got["primitive"], "reads")
    try:
        run.classes[name].obj_from_primitive(copied(got["primitive"]), run.context)
    except Exception as exc:
        run.fail(
            "cross.new-cannot-read",
            name,
            f"the current code cannot read the {name} {old} the release sends back: "
            f"{type(exc).__name__}: {exc}",
            pair=(old, str(obj.VERSION)),
            sent=got["primitive"],
        )
    _indirection(run, name, obj, pair, got["primitive"])


def _compare_fields(
    run: Run, name: str, pair: tuple[str, str], sent: dict, read: dict, verb: str
) -> None:
    """Field by field: what the release read (``read``) against what it was sent."""
    data_key = "versioned_object.data"
    sent_data, read_data = sent.get(data_key, {}), read.get(data_key, {})
    for key in sorted(sent_data):
        if key not in read_data:
            run.fail(
                "cross.old-ignores-field",
                name,
                f"the current code sends field {key!r} in {name} {pair[1]}, which the "
                f"release's {name} {pair[1]} does not define: a real node at {pair[1]} drops "
                "it when reading (obj_make_compatible should pop it)",
                pair=pair,
                field=key,
                sent=sent,
            )
            continue
        want = run.comparable({**sent, data_key: {key: sent_data[key]}})
        got = run.comparable({**sent, data_key: {key: read_data[key]}})
        path = first_difference(want, got)
        if path is not None:
            run.fail(
                "cross.old-reads-differently",
                name,
                f"the release's {name} {pair[1]} {verb} field {key!r} as {dig(got, path)!r} "
                f"where the current code sent {dig(want, path)!r}",
                pair=pair,
                field=key,
                sent=sent,
                location=pointer(*path),
            )


def _indirection(run: Run, name: str, obj: Any, pair: tuple[str, str], direct: dict) -> None:
    """The release given the newest primitive asks the current node to backport it."""
    if pair[0] == pair[1] and run.manifest(name) == _current_tree(obj):
        return  # the release reads this primitive as is: no backport asked for
    if name not in run.node.info.get("indirection", ()):
        run.result.count("indirection-impossible")
        return
    run.result.count("indirection")
    full = wire(obj.obj_to_primitive())
    got = run.node.call("receive", {"primitive": full})
    if not got["ok"]:
        run.fail(
            "cross.indirection-failed",
            name,
            f"the release's serializer could not receive {name} {pair[0]} through the current "
            f"node's object_backport_versions: {got['kind']}: {got['message']}",
            pair=pair,
            sent=full,
        )
        return
    want, have = run.comparable(direct), run.comparable(got["primitive"])
    path = first_difference(want, have)
    if path is not None:
        run.fail(
            "cross.indirection-differs",
            name,
            f"through indirection the release holds {dig(have, path)!r}, a direct backport "
            f"gives {dig(want, path)!r}",
            pair=pair,
            field=str(path[1]) if len(path) > 1 else None,
            sent=full,
        )


def _current_tree(obj: Any) -> dict[str, str]:
    from compat_tests.manifests import registry_lookup, tree_versions

    return tree_versions(type(obj), registry_lookup(type(obj)))


def _from_release(run: Run, name: str) -> None:
    old = run.old_version(name)
    cls = run.classes[name]
    pair = (old, str(cls.VERSION))
    try:
        primitives = run.node.call("generate", {"name": name, "count": run.examples})
    except NodeError as exc:
        if not hasattr(exc, "kind"):
            raise
        run.result.notes.append(f"{name} {old} not generated in the release ({exc.detail[:200]})")
        return
    for primitive in primitives:
        run.result.count("received")
        run.reads.append((primitive, {"ok": True, "version": old, "primitive": primitive}))
        try:
            obj = cls.obj_from_primitive(copied(primitive), run.context)
        except Exception as exc:
            run.fail(
                "cross.new-cannot-read",
                name,
                f"the current code cannot read a {name} {old} generated by the release's own "
                f"classes: {type(exc).__name__}: {exc}",
                pair=pair,
                sent=primitive,
            )
            continue
        try:
            back = run.backport(obj, old)
        except Exception as exc:
            run.fail(
                "cross.backport-failed",
                name,
                f"the current code cannot backport the {name} it read from the release back to "
                f"{old}: {type(exc).__name__}: {exc}",
                pair=(str(cls.VERSION), old),
                sent=primitive,
                raised=traceback.format_exc(),
            )
            continue
        _compare_back(run, name, (str(cls.VERSION), old), primitive, back)


def _compare_back(run: Run, name: str, pair: tuple[str, str], original: dict, back: dict) -> None:
    want, got = run.comparable(original), run.comparable(back)
    path = first_difference(want, got)
    if path is not None:
        run.fail(
            "cross.backport-changed",
            name,
            f"a {name} {pair[1]} from the release, read by the current code and backported "
            f"back to {pair[1]}, holds {dig(got, path)!r} where the release sent "
            f"{dig(want, path)!r}",
            pair=pair,
            field=str(path[1]) if len(path) > 1 else None,
            sent=original,
            location=pointer(*path),
        )
