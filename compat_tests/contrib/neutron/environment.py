"""What Neutron objects and RPC clients need from their environment, and nothing more.

Neutron's objects build and serialise without a database, but they need a request
context: a neutron-lib ``Context`` evaluates policy when it is created, which makes
oslo.policy look for its policy file through ``cfg.CONF``; that fails with
``NotInitializedError`` until ``cfg.CONF`` has been parsed.  Reading a synthetic
field that was never set (``SecurityGroup.shared``, ``Subnet.external``,
``SecurityGroupRule.normalized_cidr``, ...) lazy-loads it through the context's
database session, which needs neutron-lib's enginefacade to have a database: an
in-memory SQLite one with Neutron's model tables is enough.  Neutron's RPC client
classes call ``neutron_lib.rpc.get_client`` in ``__init__``, which needs
``neutron_lib.rpc.TRANSPORT``.  The helpers here provide exactly these three things.
"""

from __future__ import annotations

import importlib
import pkgutil

import fixtures
import oslo_messaging
from neutron_lib import context as n_context
from neutron_lib.db import api as db_api
from neutron_lib.db import model_base
from oslo_config import cfg

from compat_tests.contrib._environment import ProjectConfig, parse_empty_config, use_database
from compat_tests.errors import DiscoveryError

_PROJECT = "neutron"
#: Importing this module registers every Neutron DB model on ``model_base.BASEV2``
#: (Neutron keeps it for comparing the models with its migrations).
_MODELS = "neutron.db.migration.models.head"


def context() -> n_context.Context:
    """Return a neutron-lib admin context to build and deserialise objects with.

    Used as the target's ``context`` factory.  If ``cfg.CONF`` has not been parsed
    yet (a context needs it for its policy check), it is parsed with no arguments
    and no config files, for the rest of the process; use :class:`NeutronConfig`
    to scope that to a test run instead.  The context's database session (lazy
    loads) works while a :class:`NeutronDatabase` fixture is set up.
    """
    try:
        return n_context.get_admin_context()
    except cfg.NotInitializedError:
        parse_empty_config(cfg.CONF, _PROJECT)
        return n_context.get_admin_context()


class NeutronConfig(ProjectConfig):
    """Parse Neutron's ``cfg.CONF`` with defaults only, for the fixture's lifetime.

    A ``cfg.CONF`` that is already parsed (e.g. by the project's own test base) is
    left as it is; overrides made during the run are reset on cleanup.
    """

    project = _PROJECT


class NeutronDatabase(fixtures.Fixture):
    """An in-memory SQLite database with Neutron's tables behind neutron-lib's enginefacade.

    While set up, ``db_api.CONTEXT_READER``/``CONTEXT_WRITER`` and every context's
    ``session`` use this database, so lazy loads of synthetic fields (which query
    it) work; the database starts empty, so they find no rows.  Cleanup puts the
    previous engine configuration back.  Uses oslo.db's public test hooks
    (``make_new_manager``/``patch_factory``) the way ``neutron_lib.fixture.SqlFixture``
    does, without neutron's test packages.
    """

    def __init__(self, url: str = "sqlite://") -> None:
        super().__init__()
        self.url = url
        self.engine = None
        # Imported here, not in _setUp, so that the error is not wrapped in
        # fixtures.MultipleExceptions.
        try:
            importlib.import_module(_MODELS)
        except ImportError as exc:
            raise DiscoveryError(
                f"cannot import Neutron's DB models ({_MODELS}: {exc}); the target's "
                f"`fixtures` entry NeutronDatabase needs neutron installed (pip install neutron)"
            ) from exc

    def _setUp(self) -> None:
        self.engine = use_database(
            self, db_api.get_context_manager(), self.url, model_base.BASEV2.metadata
        )


class FakeRpcTransport(fixtures.Fixture):
    """Point ``neutron_lib.rpc.TRANSPORT`` at oslo.messaging's in-memory ``fake`` driver.

    Neutron's RPC client classes (``ResourcesPullRpcApi``, ``DhcpAgentNotifyAPI``, ...)
    can then be constructed and prepared; casts and calls go nowhere unless a server
    listens on the same transport (``self.transport``).
    """

    def __init__(self, conf: cfg.ConfigOpts | None = None) -> None:
        super().__init__()
        self.conf = conf if conf is not None else cfg.CONF
        self.transport: oslo_messaging.Transport | None = None

    def _setUp(self) -> None:
        self.transport = oslo_messaging.get_rpc_transport(self.conf, url="fake:/")
        self.addCleanup(self.transport.cleanup)
        self.useFixture(fixtures.MonkeyPatch("neutron_lib.rpc.TRANSPORT", self.transport))


def import_all_objects(package: str = "neutron.objects") -> list[str]:
    """Import every module under ``package`` and return their names, sorted.

    Neutron registers object classes as a side effect of importing their modules,
    and some (e.g. ``neutron.objects.qos.binding``) are imported by nothing else.
    Raises :class:`~compat_tests.errors.DiscoveryError` naming the module that fails.
    """
    try:
        root = importlib.import_module(package)
    except ImportError as exc:
        raise DiscoveryError(
            f"cannot import {package!r} ({exc}); install Neutron in this environment "
            f"(pip install neutron) or fix the target's `objects` setting"
        ) from exc
    names = []
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        try:
            importlib.import_module(info.name)
        except Exception as exc:
            raise DiscoveryError(
                f"importing Neutron object module {info.name!r} failed: "
                f"{type(exc).__name__}: {exc}; check that neutron and neutron-lib versions "
                f"match (pip check) in this environment"
            ) from exc
        names.append(info.name)
    return sorted(names)
