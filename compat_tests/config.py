"""Reading a target's configuration from TOML.

A project describes each thing to test as a *target*::

    [tool.ovo-compat.targets.myservice]
    objects = ["myservice.objects"]
    registry = "myservice.objects.base:MyObjectRegistry"
    snapshots = "snapshots/myservice"
    strategies = ["myservice.tests.compat_strategies"]

    [tool.ovo-compat.targets.myservice.support]
    default = "1.0"
    Port = "1.8"
    # optional: every class and RPC API at least at its version in this recorded
    # release (<snapshots>/releases/myservice-25.2.3.json); a NAME entry still wins
    release = "myservice 25.2.3"

This module only parses and validates; importing the named modules is the
discovery stage's job (`compat_tests.discover`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from compat_tests.declarations import Declaration, DeclaredException, Transform
from compat_tests.errors import ConfigError
from compat_tests.versions import is_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "DeclaredException",
    "Guarantee",
    "Target",
    "Transform",
    "find_config",
    "load_target",
    "target_names",
]

_PAIR_RE = re.compile(r"^(\*|\d+\.\d+)->(\*|\d+\.\d+)$")
_DOTTED_RE = re.compile(r"^[A-Za-z_][\w.]*$")
_REF_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")

_TARGET_KEYS = {
    "objects": "modules imported to register the object classes (list of strings, required)",
    "registry": "'module:Class' of the registry whose classes are tested (optional)",
    "snapshots": "directory of the recorded schemas, relative to the config file",
    "strategies": "modules that register custom field strategies (list of strings)",
    "support": "table: oldest supported version per class or RPC API, 'default', and "
    "'release' (the oldest supported recorded release, e.g. \"nova 33.0.2\")",
    "context": "'module:callable' returning the request context objects are built with",
    "fixtures": "list of 'module:callable' returning fixtures.Fixture set up around the run",
    "rpc": "list of 'module:attribute' naming compat_tests.RpcApi descriptions",
    "access_errors": "list of 'module:Class' exceptions meaning a field is not loadable here "
    "(added to oslo's lazy-load errors and the project's discovered ones)",
    "guarantees": "array of tables: what the project guarantees about a class's field "
    "(always_set, never_none, strategy), each with a reason",
    "exceptions": "array of tables: known incompatibilities, each with a reason",
    "transforms": "array of tables: fields whose backport deliberately changes the value",
    "db": "table: the database stage (alembic history, models, data migrations; docs/db.rst)",
    "upgrade": "table: the services of a rolling upgrade (roles, server_first; docs/upgrade.rst)",
}
_EXCEPTION_KEYS = {"object", "code", "versions", "field", "reason"}
_TRANSFORM_KEYS = {"object", "field", "versions", "reason"}
_GUARANTEE_KEYS = {"object", "field", "always_set", "never_none", "strategy", "reason"}


@dataclass(frozen=True)
class Guarantee:
    """What the project guarantees about one field of one class (e.g. loaded rows carry a dict).

    Generated objects honour it: ``always_set`` fields are always set, ``never_none`` ones
    never None, and ``strategy`` (``'module:callable'`` returning a Hypothesis strategy)
    replaces the field's strategy.  The documented way to silence a false precondition.
    """

    object: str
    field: str
    reason: str
    always_set: bool = False
    never_none: bool = False
    strategy: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Target:
    """One configured target: what to import, where its snapshots live, what to support."""

    name: str
    config_path: Path
    objects: tuple[str, ...]
    snapshots: Path
    registry: str | None = None
    strategies: tuple[str, ...] = ()
    support: Mapping[str, str] = field(default_factory=dict)
    support_release: str | None = None
    context: str | None = None
    fixtures: tuple[str, ...] = ()
    rpc: tuple[str, ...] = ()
    access_errors: tuple[str, ...] = ()
    guarantees: tuple[Guarantee, ...] = ()
    exceptions: tuple[DeclaredException, ...] = ()
    transforms: tuple[Transform, ...] = ()
    db: Any = None  # compat_tests.db.config.DbConfig
    upgrade: Any = None  # compat_tests.upgrade.config.UpgradeConfig

    @property
    def root(self) -> Path:
        """Directory holding the configuration file; relative paths start here."""
        return self.config_path.parent

    def oldest_supported(self, name: str) -> str:
        """Oldest version of class or RPC API ``name`` that is still supported.

        The ``[support]`` entry for ``name``, else its version in the ``support.release``
        manifest, else ``default``, else ``1.0``.
        """
        if name in self.support:
            return self.support[name]
        shipped = self._release_versions.get(name)
        return shipped if shipped is not None else self.support.get("default", "1.0")

    def support_source(self, name: str) -> str:
        """Which ``[support]`` setting gives ``name``'s oldest supported version, for messages."""
        if name in self.support:
            return name
        if name in self._release_versions:
            return f"release = {self.support_release!r}"
        return "default"

    @cached_property
    def _release_versions(self) -> Mapping[str, str]:
        if self.support_release is None:
            return {}
        from compat_tests.releases import ReleaseStore

        return ReleaseStore(self.snapshots).versions_of(
            self.support_release,
            f"{self.config_path}: [tool.ovo-compat.targets.{self.name}.support]",
        )

    def is_transformed(self, object_name: str, field_name: str, from_v: str, to_v: str) -> bool:
        """Tell whether the backport of this field is a declared deliberate transformation."""
        return any(t.covers(object_name, from_v, to_v, field_name) for t in self.transforms)


def find_config(start: Path | None = None) -> Path:
    """Find the nearest ``pyproject.toml`` holding ``[tool.ovo-compat]``, from ``start`` upwards."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and "ovo-compat" in _read_toml(candidate).get("tool", {}):
            return candidate
    raise ConfigError(
        f"no pyproject.toml with a [tool.ovo-compat] table found in {here} or its parents; "
        "pass --config FILE or add a [tool.ovo-compat.targets.NAME] table"
    )


def target_names(config: Path) -> list[str]:
    """Names of the targets defined in ``config``."""
    return sorted(_targets_table(config))


def load_target(config: Path | str | None = None, name: str | None = None) -> Target:
    """Read and validate target ``name`` from ``config`` (found upwards from the cwd if None).

    ``name`` may be omitted when the file defines exactly one target.
    """
    path = Path(config).resolve() if config is not None else find_config()
    targets = _targets_table(path)
    if name is None:
        if len(targets) != 1:
            raise ConfigError(
                f"{path}: defines targets {', '.join(sorted(targets))}; "
                "choose one with --target NAME"
            )
        name = next(iter(targets))
    if name not in targets:
        known = ", ".join(sorted(targets)) or "none"
        raise ConfigError(f"{path}: no target named {name!r} (defined: {known})")
    return _parse_target(path, name, targets[name])


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _targets_table(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    table = data.get("tool", {}).get("ovo-compat")
    if table is None:
        raise ConfigError(f"{path}: no [tool.ovo-compat] table")
    unknown = set(table) - {"targets"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown))} in [tool.ovo-compat]; "
            "only [tool.ovo-compat.targets.NAME] tables are allowed"
        )
    targets = table.get("targets", {})
    if not isinstance(targets, dict) or not targets:
        raise ConfigError(f"{path}: [tool.ovo-compat] defines no targets.NAME table")
    return targets


def _parse_target(path: Path, name: str, raw: Any) -> Target:
    where = f"{path}: [tool.ovo-compat.targets.{name}]"
    check_table(where, raw, _TARGET_KEYS)
    if "objects" not in raw:
        raise ConfigError(f"{where}: missing required key 'objects' (modules to import)")
    objects = _string_list(where, "objects", raw["objects"], _DOTTED_RE, "a module name")
    if not objects:
        raise ConfigError(f"{where}: 'objects' is empty; name at least one module")
    snapshots = raw.get("snapshots", f"snapshots/{name}")
    if not isinstance(snapshots, str) or not snapshots:
        raise ConfigError(f"{where}: 'snapshots' must be a directory path string")
    return Target(
        name=name,
        config_path=path,
        objects=objects,
        snapshots=(path.parent / snapshots).resolve(),
        registry=_optional_ref(where, "registry", raw.get("registry")),
        strategies=_string_list(
            where, "strategies", raw.get("strategies", []), _DOTTED_RE, "a module name"
        ),
        support=_support(where, raw.get("support", {})),
        support_release=_support_release(where, raw.get("support", {})),
        context=_optional_ref(where, "context", raw.get("context")),
        fixtures=_string_list(
            where, "fixtures", raw.get("fixtures", []), _REF_RE, "'module:callable'"
        ),
        rpc=_string_list(where, "rpc", raw.get("rpc", []), _REF_RE, "'module:attribute'"),
        access_errors=_string_list(
            where, "access_errors", raw.get("access_errors", []), _REF_RE, "'module:Class'"
        ),
        guarantees=_guarantees(where, raw.get("guarantees", [])),
        exceptions=_declarations(
            where, "exceptions", raw.get("exceptions", []), _EXCEPTION_KEYS, DeclaredException
        ),
        transforms=_declarations(
            where, "transforms", raw.get("transforms", []), _TRANSFORM_KEYS, Transform
        ),
        db=_db_table(where, path.parent, raw.get("db")),
        upgrade=_upgrade_table(where, raw.get("upgrade")),
    )


def check_table(where: str, raw: Any, keys: Mapping[str, str]) -> None:
    """`ConfigError` unless ``raw`` is a table whose keys are all in ``keys`` (key -> purpose).

    The message lists every allowed key with its purpose, so the user sees what to write.
    """
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where} must be a table")
    unknown = set(raw) - set(keys)
    if unknown:
        allowed = "\n".join(f"  {k}: {v}" for k, v in keys.items())
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}. Allowed keys:\n{allowed}"
        )


def _db_table(where: str, root: Path, raw: Any) -> Any:
    # The DB stage parses its own table (compat_tests.db.config); imported only when present.
    if raw is None:
        return None
    from compat_tests.db.config import parse_db

    return parse_db(where, root, raw)


def _upgrade_table(where: str, raw: Any) -> Any:
    # ``ovo-compat upgrade`` parses its own table (compat_tests.upgrade.config).
    if raw is None:
        return None
    from compat_tests.upgrade.config import parse_upgrade

    return parse_upgrade(where, raw)


def _string_list(
    where: str, key: str, value: Any, pattern: re.Pattern[str], what: str
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of strings")
    for item in value:
        if not pattern.match(item):
            raise ConfigError(f"{where}: {key!r} entry {item!r} is not {what}")
    return tuple(value)


def _optional_ref(where: str, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _REF_RE.match(value):
        raise ConfigError(f"{where}: {key!r} must be 'module:attribute', got {value!r}")
    return value


def _support(where: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'support' must be a table of NAME = \"X.Y\"")
    versions = {k: v for k, v in value.items() if k != "release"}
    for key, version in versions.items():
        if not is_version(version):
            raise ConfigError(f'{where}.support: {key} = {version!r} is not a version like "1.8"')
    return versions


def _support_release(where: str, value: Any) -> str | None:
    release = value.get("release") if isinstance(value, dict) else None
    if release is None:
        return None
    if not isinstance(release, str) or len(release.split()) != 2:
        raise ConfigError(
            f"{where}.support: release = {release!r} must name a recorded release as "
            '"DISTRIBUTION VERSION", e.g. "nova 33.0.2" (ovo-compat snapshot --release)'
        )
    return release


def array_of_tables(
    where: str, key: str, value: Any, allowed: set[str], required: tuple[str, ...]
) -> list[tuple[str, dict[str, Any]]]:
    """``value`` checked as a TOML array of tables: ``(where, table)`` for each table.

    Each table may hold only ``allowed`` keys, and every key in ``required`` must be a
    non-empty string; anything else is a `ConfigError` naming the table.
    """
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {key!r} must be an array of tables ([[...{key}]])")
    result = []
    for index, item in enumerate(value):
        here = f"{where}.{key}[{index}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{here}: must be a table")
        unknown = set(item) - allowed
        if unknown:
            raise ConfigError(
                f"{here}: unknown key(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        for name in required:
            if not isinstance(item.get(name), str) or not item[name].strip():
                raise ConfigError(f"{here}: {name!r} is required and must be a non-empty string")
        result.append((here, item))
    return result


def _guarantees(where: str, value: Any) -> tuple[Guarantee, ...]:
    result = []
    required = ("object", "field", "reason")
    for here, item in array_of_tables(where, "guarantees", value, _GUARANTEE_KEYS, required):
        strategy = _optional_ref(here, "strategy", item.get("strategy"))
        flags = {k: item.get(k, False) for k in ("always_set", "never_none")}
        if not all(isinstance(v, bool) for v in flags.values()):
            raise ConfigError(f"{here}: 'always_set' and 'never_none' must be true or false")
        if not (strategy or any(flags.values())):
            raise ConfigError(f"{here}: says nothing; set always_set, never_none or strategy")
        result.append(
            Guarantee(
                item["object"],
                item["field"],
                item["reason"],
                strategy=strategy,
                where=here,
                **flags,
            )
        )
    return tuple(result)


def _declarations(
    where: str, key: str, value: Any, allowed: set[str], kind: type[Declaration]
) -> tuple[Any, ...]:
    result = []
    for here, item in array_of_tables(where, key, value, allowed, ("object", "reason")):
        versions = item.get("versions", "*->*")
        if not isinstance(versions, str) or not _PAIR_RE.match(versions):
            raise ConfigError(f'{here}: \'versions\' must look like "1.11->1.8" or "*->1.8"')
        extra = {"code": item.get("code", "*")} if "code" in allowed else {}
        result.append(
            kind(
                object=item["object"],
                reason=item["reason"],
                versions=versions,
                field=item.get("field"),
                where=here,
                **extra,
            )
        )
    return tuple(result)
