"""What the properties know about the class under test."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from oslo_versionedobjects import fields as ovo_fields

from compat_tests import relationships
from compat_tests.descriptors import objname
from compat_tests.errors import SnapshotError
from compat_tests.failures import CompatFailure, Failure


def _never_transformed(field_name: str, from_v: str, to_v: str) -> bool:
    return False


@dataclass(frozen=True)
class Subject:
    """One object class under test.

    ``histories`` maps every recorded object name to ``{version: schema}`` (a
    `compat_tests.snapshots.SnapshotStore` works); ``node(version)`` returns the
    old node (`compat_tests.rebuild.OldNode`) for this class at that version;
    ``transformed(field, from_v, to_v)`` tells whether a field's backport is a
    declared deliberate transformation; ``context`` is the request context objects
    are deserialized with (the target's ``context`` setting).
    """

    name: str
    cls: type
    histories: Mapping[str, Mapping[str, dict[str, Any]]]
    node: Callable[[str], Any]
    transformed: Callable[[str, str, str], bool] = field(default=_never_transformed)
    context: Any = None
    #: ``(release, node)`` of each recorded release shipping this class at its current
    #: version with another object graph under it (`compat_tests.graph`).
    releases: Callable[[], list[Any]] = field(default=list)

    @property
    def current(self) -> str:
        """The version of the current class."""
        return str(self.cls.VERSION)

    def schema(self, version: str, name: str | None = None) -> dict[str, Any]:
        """The recorded schema of ``name`` (default: this class) at ``version``."""
        name = name or self.name
        history = self.histories.get(name) if name in self.histories else None
        if not history or version not in history:
            known = sorted(history) if history else []
            raise SnapshotError(
                f"no snapshot of {name} {version} (recorded: {known or 'none'}); "
                "run `ovo-compat record` for the current version, or fix the version number"
            )
        return history[version]

    def failure(
        self,
        code: str,
        pair: tuple[str, str],
        message: str,
        *,
        field: str | None = None,
        location: str = "",
        details: dict[str, Any] | None = None,
    ) -> CompatFailure:
        """A `CompatFailure` of this class at version ``pair`` (from, to), ready to raise."""
        return CompatFailure(
            Failure(
                code=code,
                subject=self.name,
                from_version=pair[0],
                to_version=pair[1],
                message=message,
                field=field,
                location=location,
                details=details or {},
            )
        )

    def key(self, part: str) -> str:
        """The primitive key for ``part`` ('name', 'version', 'data', ...) in this namespace."""
        return self.cls._obj_primitive_key(part)

    def needs_manifest(self) -> bool:
        """True when some object-valued field has no obj_relationships entry (manifest-only)."""
        relationships = getattr(self.cls, "obj_relationships", {}) or {}
        return any(
            isinstance(f, (ovo_fields.ObjectField, ovo_fields.ListOfObjectsField))
            and name not in relationships
            for name, f in self.cls.fields.items()
        )

    def manifest(self, version: str) -> dict[str, str]:
        """The version manifest an old node at ``version`` sends: ``obj_tree_get_versions``."""
        return self.node(version).tree_versions(self.name)


def child_version(
    schema: dict[str, Any], field_name: str, version: str, manifest: Mapping[str, str] | None
) -> str | None:
    """The version a child in ``field_name`` must have when its parent is sent at ``version``.

    Returns None when nothing is prescribed (no relationship and no manifest entry)
    and ``""`` when the child must be absent (the parent version predates it).
    """
    held = objname(schema["fields"].get(field_name, {}))
    if manifest is not None:
        return manifest.get(held) if held else None
    entries = schema.get("relationships", {}).get(field_name)
    if not entries:
        return None
    return relationships.child_version(entries, version) or ""
