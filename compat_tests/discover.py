"""Discovery: import a target's modules and collect the object classes it owns.

``Catalog.load(target)`` imports every module (and, for packages, every submodule)
named by ``objects``, then the ``strategies`` modules, and picks the newest class
of each object name.  With ``registry`` configured the classes come from that
registry's class table; otherwise from OVO's global registry.  In both cases only
classes defined under one of the ``objects`` modules belong to the target, since
OVO's global registry is shared with every library that registers objects.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from oslo_versionedobjects import base as ovo_base

from compat_tests.config import Target
from compat_tests.errors import ConfigError, DiscoveryError

__all__ = ["Catalog", "ensure_importable", "make_context", "resolve_ref"]


@dataclass(frozen=True)
class Catalog:
    """The current object classes of one target, newest version per object name."""

    target: Target
    classes: dict[str, type[ovo_base.VersionedObject]] = field(default_factory=dict)
    base: type[ovo_base.VersionedObject] | None = None
    registry: type[ovo_base.VersionedObjectRegistry] = ovo_base.VersionedObjectRegistry

    @classmethod
    def load(cls, target: Target) -> Catalog:
        """Import ``target``'s modules and collect its classes; `DiscoveryError` on failure."""
        ensure_importable(target)
        modules = [_import_tree(target, name) for name in target.objects]
        for name in target.strategies:
            _import(target, name, "strategies")
        registry = _registry(target)
        prefixes = tuple(m.__name__ for m in modules)
        classes = {
            name: versions[0]
            for name, versions in sorted(registry.obj_classes().items())
            if versions and _is_under(versions[0].__module__, prefixes)
        }
        if not classes:
            source = target.registry or "oslo's global VersionedObjectRegistry"
            raise DiscoveryError(
                f"{target.config_path}: target {target.name!r} has no object classes: none "
                f"registered in {source} is defined under {', '.join(target.objects)}. Check the "
                "'objects' modules register their classes, or set 'registry' to the "
                "project's registry class"
            )
        return cls(
            target=target, classes=classes, base=_common_base(classes.values()), registry=registry
        )

    def __iter__(self) -> Iterator[str]:
        """Iterate over object names, sorted."""
        return iter(self.classes)

    def version(self, name: str) -> str:
        """Current version of object ``name``."""
        return self.classes[name].VERSION


def ensure_importable(target: Target) -> None:
    """Put the directory of ``target``'s configuration file on ``sys.path``.

    The modules a target names are relative to the project root, as for pytest's
    ``rootdir``: ``ovo-compat`` run from a checkout imports them without installing it.
    """
    root = str(target.root)
    if root not in sys.path:
        sys.path.insert(0, root)


def resolve_ref(target: Target, key: str, ref: str, expected: str) -> Any:
    """The object that ``ref`` (``"module:attribute"``, from the target's ``key``) names.

    `ConfigError` names the file, the target table, the key and the reference, and says
    that the reference must name ``expected``.
    """
    ensure_importable(target)
    module_name, _, attr = ref.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"{_where(target, key)} entry {ref!r} cannot be imported "
            f"({type(exc).__name__}: {exc}); name a 'module:attribute' that is {expected}"
        ) from None


def make_context(target: Target) -> Any:
    """The request context from the target's ``context`` factory, or None when it has none."""
    if target.context is None:
        return None
    return resolve_ref(target, "context", target.context, "a callable returning a context")()


def _where(target: Target, key: str) -> str:
    return f"{target.config_path}: [tool.ovo-compat.targets.{target.name}] {key}"


def _import(target: Target, name: str, key: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
            raise DiscoveryError(_failed_import(target, name, key, exc)) from exc
        raise DiscoveryError(
            f"{_where(target, key)}: cannot import module {name!r} "
            f"({type(exc).__name__}: {exc}). Fix the module name in {key!r} or make the module "
            "importable (is the project installed in this environment?)"
        ) from exc
    except Exception as exc:
        raise DiscoveryError(_failed_import(target, name, key, exc)) from exc


def _failed_import(target: Target, name: str, key: str, exc: BaseException) -> str:
    """The module exists but raised while importing: name the file, line and exception."""
    if isinstance(exc, SyntaxError) and exc.filename:
        place = f"{exc.filename}, line {exc.lineno}"
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        # the deepest frame in the project's own files, else the deepest outside importlib
        outside = [f for f in frames if "importlib" not in f.filename] or frames
        ours = [f for f in outside if f.filename.startswith(str(target.root))] or outside
        place = f"{ours[-1].filename}, line {ours[-1].lineno}" if ours else "unknown location"
    return (
        f"{_where(target, key)}: importing module {name!r} failed at {place}: "
        f"{type(exc).__name__}: {exc}. Fix the error there (the module name is right)"
    )


def _import_tree(target: Target, name: str) -> ModuleType:
    module = _import(target, name, "objects")
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{name}."):
        _import(target, info.name, "objects")
    return module


def _registry(target: Target) -> type[ovo_base.VersionedObjectRegistry]:
    if target.registry is None:
        return ovo_base.VersionedObjectRegistry
    module_name, _, attr = target.registry.partition(":")
    module = _import(target, module_name, "registry")
    try:
        registry = getattr(module, attr)
    except AttributeError:
        raise DiscoveryError(
            f"{_where(target, 'registry')}: module {module_name!r} has no attribute {attr!r}; "
            "name the project's VersionedObjectRegistry subclass as 'module:Class'"
        ) from None
    if not (isinstance(registry, type) and issubclass(registry, ovo_base.VersionedObjectRegistry)):
        raise DiscoveryError(
            f"{_where(target, 'registry')}: {target.registry} is not a subclass of "
            "oslo_versionedobjects.base.VersionedObjectRegistry"
        )
    return registry


def _is_under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _common_base(classes: Iterable[type]) -> type[ovo_base.VersionedObject] | None:
    classes = list(classes)
    if not classes:
        return None
    others = [set(c.__mro__) for c in classes[1:]]
    for candidate in classes[0].__mro__[1:]:
        if (
            isinstance(candidate, type)
            and issubclass(candidate, ovo_base.VersionedObject)
            and all(candidate in mro for mro in others)
        ):
            return candidate
    return None
