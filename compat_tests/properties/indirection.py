"""Property 6b: an old node receiving a too-new object gets it backported through indirection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oslo_versionedobjects import base, exception

from compat_tests.properties._compare import (
    canonical_difference,
    copied,
    dig,
)
from compat_tests.properties.primitives import Primitives
from compat_tests.properties.subject import Subject


class CurrentCodeIndirection(base.VersionedObjectIndirectionAPI):
    """An indirection API (a conductor) that backports with the current classes."""

    def __init__(self, cls: type) -> None:
        self._cls = cls

    def object_backport_versions(self, context: Any, objinst: Any, object_versions: Any) -> Any:
        """Read the primitive with the current code and send it at the caller's versions."""
        obj = self._cls.obj_from_primitive(copied(objinst), context=context)
        return obj.obj_to_primitive(
            target_version=object_versions[obj.obj_name()], version_manifest=object_versions
        )

    def object_action(self, *args: Any, **kwargs: Any) -> Any:
        """Not used by the compatibility suite."""
        raise NotImplementedError

    def object_class_action(self, *args: Any, **kwargs: Any) -> Any:
        """Not used by the compatibility suite."""
        raise NotImplementedError

    def object_class_action_versions(self, *args: Any, **kwargs: Any) -> Any:
        """Not used by the compatibility suite."""
        raise NotImplementedError

    def object_backport(self, *args: Any, **kwargs: Any) -> Any:
        """Not used: the old node's serializer always sends its version manifest."""
        raise NotImplementedError


class _OldNodeSerializer(base.VersionedObjectSerializer):
    """The old node's serializer: asks the indirection API for its own node's versions."""

    def __init__(self, obj_base: type, manifest: Mapping[str, str]) -> None:
        self.OBJ_BASE_CLASS = obj_base
        self._manifest = dict(manifest)
        #: The primitive the last ``object_backport_versions`` call answered (None: no call).
        self.reply: dict[str, Any] | None = None

    def _process_object(self, context: Any, objprim: dict[str, Any]) -> Any:
        # OVO's own version asks the *global* registry whether the class is known at all;
        # the old node's registry is the node itself (and projects such as Neutron keep
        # their classes out of the global table).
        try:
            return self.OBJ_BASE_CLASS.obj_from_primitive(objprim, context=context)
        except exception.IncompatibleObjectVersion:
            return self._do_backport(context, objprim, self.OBJ_BASE_CLASS)

    def _do_backport(self, context: Any, objprim: dict, objclass: type) -> Any:
        api = self.OBJ_BASE_CLASS.indirection_api
        result = api.object_backport_versions(context, objprim, dict(self._manifest))
        self.reply = copied(result)
        # Over RPC the reply goes through this same serializer before the caller sees it.
        return self.deserialize_entity(context, result)


def _old_node_serializer(subject: Subject, version: str) -> tuple[type, _OldNodeSerializer]:
    """The old node's class at ``version`` and its serializer, wired to the current code."""
    old_cls = subject.node(version).cls(subject.name)
    api = CurrentCodeIndirection(subject.cls)
    obj_base = type(subject.name, (old_cls,), {"indirection_api": api})
    return old_cls, _OldNodeSerializer(obj_base, subject.manifest(version))


def check_indirection(
    subject: Subject, obj: Any, version: str, *, primitives: Primitives | None = None
) -> None:
    """The old node at ``version`` deserializes ``obj`` through indirection like a direct backport.

    Codes: ``indirection.unreadable`` (the serializer path fails) and
    ``indirection.mismatch`` (the object differs from a manifest-driven direct backport).
    ``primitives``: ``obj``'s primitives, when a caller shares them between checks.
    """
    pair = (str(obj.VERSION), version)
    with subject.crashes("indirection", pair, f"sending to an old node at {version}"):
        _check(subject, obj, version, primitives)


def _check(subject: Subject, obj: Any, version: str, primitives: Primitives | None) -> None:
    if primitives is None:
        primitives = Primitives(obj)
    manifest = subject.manifest(version)  # what its serializer sends: obj_tree_get_versions
    old_cls, serializer = subject.memo(
        ("indirection", version), lambda: _old_node_serializer(subject, version)
    )
    pair = (str(obj.VERSION), version)
    serializer.reply = None
    try:
        received = serializer.deserialize_entity(subject.context, primitives.full)
    except Exception as exc:
        raise subject.failure(
            "indirection.unreadable",
            pair,
            f"an old node at {version} could not receive the object through "
            f"object_backport_versions: {type(exc).__name__}: {exc}",
        ) from exc
    sent = primitives.at(version, manifest)
    if serializer.reply is not None and serializer.reply == sent:
        return  # the old node read exactly what a direct backport sends: the same object
    direct = old_cls.obj_from_primitive(sent, context=subject.context)
    found = canonical_difference(
        direct.obj_to_primitive(), received.obj_to_primitive(), subject.descriptors
    )
    if found is not None:
        path, want, got = found
        subject.report(
            subject.failure(
                "indirection.mismatch",
                pair,
                f"through indirection the old node holds {dig(got, path)!r}, a direct "
                f"backport gives {dig(want, path)!r}",
                field=str(path[1]) if len(path) > 1 else None,
            )
        )
