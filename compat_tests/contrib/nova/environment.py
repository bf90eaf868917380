"""What Nova objects need from their environment, without Nova's own test fixtures.

Nova's objects build and serialise without a database, but several of them need a
request context: reading a field that was never set lazy-loads it through
``nova.db`` (``Instance.obj_load_attr``, ``ComputeNode``, ``PciDevice``, ...), which
needs the context's enginefacade and a database holding Nova's tables.  Nova's own
test fixtures (``nova.tests.fixtures.Database``) cannot be used: importing
``nova.tests`` monkey-patches the process with eventlet, which hangs pytest-xdist
workers (``greenlet.error: Cannot switch to a different thread``).  The helpers here
parse ``cfg.CONF`` with defaults and point Nova's two context managers (the cell
database ``nova.db.main.api`` and the API database ``nova.db.api.api``) at in-memory
SQLite databases built from Nova's own models, through oslo.db's public test hooks.
"""

from __future__ import annotations

import importlib
from typing import Any

import fixtures
from oslo_config import cfg

from compat_tests.contrib._environment import ProjectConfig, use_database
from compat_tests.errors import DiscoveryError

_PROJECT = "nova"
#: (module holding the enginefacade ``context_manager``, module holding the models ``BASE``)
_DATABASES = (
    ("nova.db.main.api", "nova.db.main.models"),
    ("nova.db.api.api", "nova.db.api.models"),
)


def _import(name: str, what: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise DiscoveryError(
            f"cannot import {name} ({exc}); {what} needs Nova installed in this environment "
            "(pip install nova, or tox -e compat-nova)"
        ) from exc


def context() -> Any:
    """Return a Nova admin ``RequestContext`` to build and deserialise objects with.

    Used as the target's ``context`` factory.  Its database calls (lazy loads) use the
    databases of a :class:`NovaDatabase` fixture while it is set up.
    """
    nova_context = _import("nova.context", "the nova target's context")
    return nova_context.get_admin_context()


def register_objects() -> list[str]:
    """Register every Nova object class (``nova.objects.register_all``); return their names."""
    objects = _import("nova.objects", "the nova target")
    objects.register_all()
    return sorted(objects.base.NovaObjectRegistry.obj_classes())


class NovaConfig(ProjectConfig):
    """Parse Nova's ``cfg.CONF`` with defaults only, for the fixture's lifetime.

    A ``cfg.CONF`` that is already parsed is left as it is; overrides made during the
    run are reset on cleanup.  ``nova.conf`` registers Nova's options on import.
    """

    project = _PROJECT

    def __init__(self, conf: cfg.ConfigOpts | None = None) -> None:
        _import("nova.conf", "NovaConfig")
        super().__init__(conf)


class NovaDatabase(fixtures.Fixture):
    """In-memory SQLite cell and API databases with Nova's tables behind its enginefacades.

    While set up, every Nova DB API call (lazy loads included) runs against these empty
    databases, so a lazy load of a row that is not there raises Nova's ``*NotFound``
    (counted as "not loadable here" by the target's access errors) instead of failing
    to connect.  The tables come from Nova's own models (``BASE.metadata``).  Cleanup
    puts the previous engine configuration back.
    """

    def __init__(self, url: str = "sqlite://") -> None:
        super().__init__()
        self.url = url
        self.engines: list[Any] = []
        self._databases = [
            (_import(api, "NovaDatabase"), _import(models, "NovaDatabase"))
            for api, models in _DATABASES
        ]

    def _setUp(self) -> None:
        for api, models in self._databases:
            engine = use_database(self, api.context_manager, self.url, models.BASE.metadata)
            self.engines.append(engine)
