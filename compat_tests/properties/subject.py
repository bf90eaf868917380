"""What the properties know about the class under test."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from oslo_versionedobjects import fields as ovo_fields

from compat_tests import relationships
from compat_tests.descriptors import objname
from compat_tests.errors import OvoCompatError, SnapshotError
from compat_tests.failures import CompatFailure, Failure
from compat_tests.properties.access import OVO_ACCESS_ERRORS

# Bad input stays an error (it names what to fix); it is never a finding.
_NOT_FINDINGS: tuple[type[BaseException], ...] = (CompatFailure, OvoCompatError)


def _never_transformed(field_name: str, from_v: str, to_v: str) -> bool:
    return False


def _nothing_declared(failure: Failure) -> bool:
    return False


@dataclass(frozen=True)
class Subject:
    """One object class under test.

    ``histories`` maps every recorded object name to ``{version: schema}`` (a
    `compat_tests.snapshots.SnapshotStore` works); ``node(version)`` returns the
    old node (`compat_tests.rebuild.OldNode`) for this class at that version;
    ``transformed(field, from_v, to_v)`` tells whether a field's backport is a
    declared deliberate transformation; ``context`` is the request context objects
    are deserialized with (the target's ``context`` setting); ``access_errors``
    what reading a field that cannot be loaded here may raise; ``declared(failure)``
    tells whether a finding is declared (and records that it fired), so a property
    goes on checking after it instead of stopping at the first.
    """

    name: str
    cls: type
    histories: Mapping[str, Mapping[str, dict[str, Any]]]
    node: Callable[[str], Any]
    transformed: Callable[[str, str, str], bool] = field(default=_never_transformed)
    context: Any = None
    access_errors: tuple[type[BaseException], ...] = OVO_ACCESS_ERRORS
    declared: Callable[[Failure], bool] = field(default=_nothing_declared)
    _descriptors: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: ``(release, node)`` of each recorded release shipping this class at its current
    #: version with another object graph under it (`compat_tests.graph`).
    releases: Callable[[], list[Any]] = field(default=list)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, computed once per ``key`` for this subject (what does not change
        between examples: manifests, old classes wired for a property).  A ``compute``
        that raises is called again next time.
        """
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

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

    def descriptors(self, name: str, version: str) -> Mapping[str, Any] | None:
        """Field descriptors of object ``name`` at ``version``: recorded, else from the code.

        Recorded snapshots come first (they describe old versions too); an unrecorded
        object falls back to the class the current registry resolves; None if neither.
        """
        key = (name, version)
        if key not in self._descriptors:
            history = self.histories.get(name) if name in self.histories else None
            if history and version in history:
                found = history[version].get("fields", {})
            else:
                found = _described_class(self.cls, name, version)
            self._descriptors[key] = found
        return self._descriptors[key]

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

    def report(self, exc: CompatFailure) -> None:
        """Raise the finding ``exc`` unless it is declared; a declared one lets the check go on.

        Checks that can continue after a finding report it this way, so declaring one
        finding exposes the next one in the same example instead of hiding it.
        """
        if not self.declared(exc.failure):
            raise exc

    @contextlib.contextmanager
    def crashes(self, prop: str, pair: tuple[str, str], doing: str) -> Iterator[None]:
        """Turn any exception raised inside ``prop``'s check into a ``PROP.crash`` finding.

        The project's own code runs inside a property (``obj_to_primitive``,
        ``obj_from_primitive``, ``obj_make_compatible``, a lazy load); whatever it raises
        becomes a coded failure with the exception type, the class, the field being
        loaded when that is known, and the pair, so it can be declared like any other.
        """
        try:
            yield
        except _NOT_FINDINGS:
            raise
        except Exception as exc:
            if _is_strategy_error(exc):
                raise
            field_name = loading_field(exc)
            loading = f" while lazy-loading {field_name!r}" if field_name else ""
            if field_name is None:
                field_name = culprit_field(exc, self.cls.fields)
            raise self.failure(
                f"{prop}.crash",
                pair,
                f"{doing} raised {type(exc).__module__}.{type(exc).__qualname__}{loading}: "
                f"{exc}; if the project behaves so on purpose declare it, if the field can "
                "never be loaded here add the exception to the target's access_errors",
                field=field_name,
                details={"exception": f"{type(exc).__module__}.{type(exc).__qualname__}"},
            ) from exc

    def key(self, part: str) -> str:
        """The primitive key for ``part`` ('name', 'version', 'data', ...) in this namespace."""
        return self.cls._obj_primitive_key(part)

    def needs_manifest(self) -> bool:
        """True when some object-valued field has no obj_relationships entry (manifest-only)."""
        return bool(self.memo(("needs-manifest",), self._needs_manifest))

    def _needs_manifest(self) -> bool:
        relationships = getattr(self.cls, "obj_relationships", {}) or {}
        return any(
            isinstance(f, (ovo_fields.ObjectField, ovo_fields.ListOfObjectsField))
            and name not in relationships
            for name, f in self.cls.fields.items()
        )

    def manifest(self, version: str) -> dict[str, str]:
        """The version manifest an old node at ``version`` sends (computed once per version).

        A new dict each call: callers hand it to project code, which may change it.
        """
        node = self.node(version)
        return dict(self.memo(("manifest", version), lambda: node.tree_versions(self.name)))

    def current_manifest(self, cls: type) -> dict[str, str]:
        """The manifest a node running the current code sends for ``cls`` (computed once)."""
        from compat_tests.manifests import current_tree_versions

        found = self.memo(("current-manifest", cls), lambda: current_tree_versions(cls))
        return dict(found)


def loading_field(exc: BaseException) -> str | None:
    """The field whose lazy load raised ``exc`` (from OVO's getter frames), else None."""
    tb = exc.__traceback__
    name = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "obj_load_attr" and isinstance(
            frame.f_locals.get("attrname"), str
        ):
            name = frame.f_locals["attrname"]
        elif frame.f_code.co_name == "getter" and "oslo_versionedobjects" in (
            frame.f_code.co_filename
        ):
            value = frame.f_locals.get("name")
            name = value if isinstance(value, str) else name
        tb = tb.tb_next
    return name


_FIELD_LOCALS = ("attrname", "field", "field_name", "fieldname", "attr", "key", "name")


def culprit_field(exc: BaseException, names: Mapping[str, Any]) -> str | None:
    """The field of ``names`` that ``exc`` is about, when the project's code says so.

    A ``KeyError`` of a field name (a backport deleting a field that is not there), or
    the innermost frame of the raising code holding a field name in a variable such as
    ``field`` (Nova's ``raise_on_too_new_values(version, primitive, field, values)``).
    """
    if isinstance(exc, KeyError) and exc.args and exc.args[0] in names:
        return str(exc.args[0])
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for local in _FIELD_LOCALS:
            value = frame.f_locals.get(local)
            if isinstance(value, str) and value in names:
                return value
    return None


def _is_strategy_error(exc: BaseException) -> bool:
    from strategies import StrategyError

    return isinstance(exc, StrategyError)


def _described_class(owner: type, name: str, version: str) -> dict[str, Any] | None:
    from compat_tests.schema import describe_field

    try:
        cls = owner.obj_class_from_name(name, version)
    except Exception:  # unknown here: compared without descriptors
        return None
    return {n: describe_field(f) for n, f in cls.fields.items()}


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
