"""Classes whose object graph changed under an unchanged version, checked against each release.

A class can stay at one version in every release while a child it reaches changes:
``InstanceDeviceMetadata`` 1.0 holds ``ListOfObjectsField("DeviceMetadata",
subclasses=True)`` and ``NetworkInterfaceMetadata`` went 1.0 -> 1.2 under it.  Pairing a
class only with its own older versions never exercises that, so the ``release`` property
(`check_release_graph`) checks the class against every recorded release that ships it at
the current version but ships other versions of anything reachable from it (children, list
elements, ``subclasses=True`` subclasses), with that release's rebuilt node:

``release.unreadable``
    what the current code sends with the release's manifest (what
    ``object_backport_versions`` sends the release's node) is refused by that node.
``release.needs-backport``
    what the current code sends at that version without a manifest (OVO skips
    ``obj_make_compatible`` at the object's own version, so a too-new child stays too
    new) is refused by the release's node, while the same object sent with its manifest
    is read.  A node with an indirection API (Nova's conductor) recovers through
    ``object_backport_versions``; a project that relies on that declares the code, any
    other must bump the parent.
``release.crash``
    the project's code raised while the object was made ready for that release.
``release.lost-value``
    with the release's manifest (keyed by the *declared* class, as
    ``obj_tree_get_versions`` builds it) a child is relabelled older than the release
    itself holds it, and fields that release's version of the child has are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from compat_tests.properties._compare import copied
from compat_tests.versions import parse

__all__ = ["check_release_graph", "graph_releases", "reachable"]


def reachable(
    name: str,
    versions: Mapping[str, str],
    histories: Mapping[str, Mapping[str, Any]],
    classes: Mapping[str, type],
) -> dict[str, str]:
    """``{name: version}`` of everything reachable from ``name`` at ``versions``.

    Children are the classes object fields declare and, for ``subclasses=True`` fields, every
    class in ``versions`` whose current class descends from the declared one.
    """
    from compat_tests.descriptors import holds_subclasses, objname
    from compat_tests.rebuild import _ancestor_names

    found: dict[str, str] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found or current not in versions:
            continue
        found[current] = versions[current]
        schema = histories.get(current, {}).get(versions[current], {})
        for descriptor in schema.get("fields", {}).values():
            declared = objname(descriptor)
            if declared is None:
                continue
            pending.append(declared)
            if holds_subclasses(descriptor):
                pending += [n for n in versions if declared in _ancestor_names(classes.get(n))]
    return dict(sorted(found.items()))


def graph_releases(
    name: str,
    classes: Mapping[str, type],
    histories: Mapping[str, Mapping[str, Any]],
    releases: list[Any],
    oldest_supported: Callable[[str], str] | None = None,
) -> list[Any]:
    """Recorded releases shipping ``name`` at its current version with another graph under it.

    With ``oldest_supported`` (the target's), a release that holds anything reachable from
    ``name`` below its support window is left out: no node of it may join the upgrade.
    """
    version = str(classes[name].VERSION)
    now = {n: str(c.VERSION) for n, c in classes.items()}
    mine = reachable(name, now, histories, classes)
    result = []
    for release in releases:
        if release.inferred or release.objects.get(name) != version:
            continue
        if not all(n in histories and v in histories[n] for n, v in release.objects.items()):
            continue  # not fully recorded: no node can be rebuilt from it
        theirs = reachable(name, release.objects, histories, classes)
        if oldest_supported is not None and any(
            parse(v) < parse(oldest_supported(n)) for n, v in theirs.items()
        ):
            continue  # below the support window
        if any(theirs.get(n) != v for n, v in mine.items() if n in theirs):
            result.append(release)
    return result


def check_release_graph(subject: Any, obj: Any, nodes: list[tuple[Any, Any]]) -> None:
    """Check ``obj`` against each ``(release, node)`` of `graph_releases` (module docstring)."""
    version = str(obj.VERSION)
    for release, node in nodes:
        old_cls = node.cls(subject.name)
        manifest = node.tree_versions(subject.name)
        details = {"release": release.name, "manifest": manifest}
        with subject.crashes("release", (version, version), f"sending to {release.name}"):
            sent = obj.obj_to_primitive(target_version=version, version_manifest=manifest)
            bare = obj.obj_to_primitive(target_version=version)
        shipped = f"{release.name} ships {subject.name} {version} like the current code"
        refused = _refusal(subject, old_cls, sent)
        if refused is not None:
            raise subject.failure(
                "release.unreadable",
                (version, version),
                f"{shipped}, but its node cannot read what the current code sends it with its "
                f"manifest {manifest}: {refused}; a child changed under an unchanged "
                f"{subject.name} VERSION: bump it and map the child in obj_relationships",
                details=details,
            )
        _check_children(subject, release, sent, obj.obj_to_primitive(), manifest)
        refused = _refusal(subject, old_cls, bare)
        if refused is not None:
            raise subject.failure(
                "release.needs-backport",
                (version, version),
                f"{shipped}; its node reads what the current code sends it with its manifest, "
                f"but not what it sends without one ({refused}): it needs an indirection "
                f"backport (object_backport_versions). Bump {subject.name}'s VERSION when a "
                "child changes, or declare this code if the project's old nodes always have "
                "an indirection API",
                details=details,
            )


def _refusal(subject: Any, old_cls: type, sent: Any) -> str | None:
    """``"Type: message"`` of what ``old_cls`` raised reading ``sent``, or None when it read it."""
    try:
        old_cls.obj_from_primitive(copied(sent), context=subject.context)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_children(
    subject: Any, release: Any, sent: Any, source: Any, manifest: Mapping[str, str]
) -> None:
    name_key, version_key = subject.key("name"), subject.key("version")
    data_key = subject.key("data")
    for got, had in _pairs(sent, source, name_key)[1:]:  # the children, not the object
        child = got.get(name_key)
        held = release.objects.get(child)
        sent_at = got.get(version_key)
        if held is None or parse(sent_at) >= parse(held):
            continue
        known = subject.schema(held, child)["fields"]
        lost = sorted(
            f for f in had.get(data_key, {}) if f in known and f not in got.get(data_key, {})
        )
        if lost:
            raise subject.failure(
                "release.lost-value",
                (str(subject.cls.VERSION), str(subject.cls.VERSION)),
                f"{release.name} holds {child} at {held}, which has {', '.join(lost)}, but the "
                f"manifest its nodes send (keyed by the declared class, {manifest}) relabels "
                f"the child as {sent_at} and drops them: data loss under an unchanged "
                f"{subject.name} VERSION",
                field=lost[0],
                details={"release": release.name, "manifest": manifest},
            )


def _pairs(sent: Any, source: Any, name_key: str) -> list[tuple[dict, dict]]:
    """(sent, source) primitives of every object, itself first, matched by position."""
    found = []
    if isinstance(sent, dict) and isinstance(source, dict):
        if name_key in sent and name_key in source:
            found.append((sent, source))
        for key, value in sent.items():
            if key in source:
                found += _pairs(value, source[key], name_key)
    elif isinstance(sent, list) and isinstance(source, list):
        for a, b in zip(sent, source, strict=False):
            found += _pairs(a, b, name_key)
    return found
