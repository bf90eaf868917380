"""What reading a field may raise when the value cannot be loaded here ("not loadable here").

An object read from the wire has only the fields the sender set; reading another one
lazy-loads it (``obj_load_attr``), which raises when there is nothing to load from in
the test process: oslo's documented errors, or the project's own equivalents (Nova's
``nova.exception.ObjectActionError``, a ``NotFound`` for a row the test database lacks).
A target lists extra ones with its ``access_errors`` setting.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from oslo_versionedobjects import exception as ovo_exception

from compat_tests.errors import ConfigError

#: oslo's "not set / cannot lazy-load" errors: always accepted.
OVO_ACCESS_ERRORS: tuple[type[BaseException], ...] = (
    NotImplementedError,
    ovo_exception.ObjectActionError,
    ovo_exception.OrphanedObjectError,
)

#: Names looked up in a project's ``exception``/``exceptions`` module: its equivalents of
#: oslo's lazy-load errors, and the "no such row" error a lazy load raises on an empty DB.
PROJECT_ACCESS_ERROR_NAMES = ("ObjectActionError", "OrphanedObjectError", "NotFound")
_EXCEPTION_MODULES = ("exception", "exceptions")


def discover_access_errors(object_modules: Iterable[str]) -> tuple[type[BaseException], ...]:
    """oslo's lazy-load errors plus the project's own, found next to its object modules.

    For each package enclosing ``object_modules`` (``nova`` for ``nova.objects``), the
    classes named in `PROJECT_ACCESS_ERROR_NAMES` of its ``exception`` or ``exceptions``
    module are added; a package without such a module adds nothing.
    """
    found: list[type[BaseException]] = list(OVO_ACCESS_ERRORS)
    packages = [
        ".".join(parts[:i])
        for parts in (m.split(".") for m in object_modules)
        for i in range(1, len(parts))
    ]
    for package in dict.fromkeys(packages):
        for suffix in _EXCEPTION_MODULES:
            try:
                module = importlib.import_module(f"{package}.{suffix}")
            except ImportError:
                continue
            for name in PROJECT_ACCESS_ERROR_NAMES:
                klass = getattr(module, name, None)
                if isinstance(klass, type) and issubclass(klass, BaseException):
                    found.append(klass)
    return tuple(dict.fromkeys(found))


def target_access_errors(target: Any) -> tuple[type[BaseException], ...]:
    """The access errors of a `compat_tests.config.Target`: discovered plus its ``access_errors``.

    A configured entry that does not import or is not an exception class is a
    `compat_tests.errors.ConfigError` naming the entry.
    """
    from compat_tests.discover import resolve_ref

    configured = []
    for ref in target.access_errors:
        klass = resolve_ref(target, "access_errors", ref, "an exception class")
        if not (isinstance(klass, type) and issubclass(klass, BaseException)):
            raise ConfigError(
                f"{target.config_path}: [tool.ovo-compat.targets.{target.name}] access_errors "
                f"entry {ref!r} is {klass!r}, not an exception class; name one as 'module:Class'"
            )
        configured.append(klass)
    return tuple(dict.fromkeys((*discover_access_errors(target.objects), *configured)))
