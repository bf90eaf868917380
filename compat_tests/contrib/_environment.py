"""What every OpenStack target's fixtures share: cfg.CONF parsed with defaults, a test database.

`ProjectConfig` (subclassed by ``NeutronConfig`` and ``NovaConfig``) parses a project's
``cfg.CONF`` with no command line and no config files; `use_database` points one oslo.db
enginefacade at a fresh database holding a project's model tables, through oslo.db's public
test hooks (``make_new_manager``/``patch_factory``), the way projects' own SQL fixtures do,
without their test packages (Nova's monkey-patch the process with eventlet).
"""

from __future__ import annotations

from typing import Any

import fixtures
from oslo_config import cfg

__all__ = ["ProjectConfig", "parse_empty_config", "use_database"]


def parse_empty_config(conf: cfg.ConfigOpts, project: str) -> None:
    """Parse ``conf`` for ``project`` with no command line and no config files (all defaults)."""
    conf([], project=project, default_config_files=[], default_config_dirs=[])


class ProjectConfig(fixtures.Fixture):
    """Parse ``project``'s ``cfg.CONF`` with defaults only, for the fixture's lifetime.

    A ``cfg.CONF`` that is already parsed (e.g. by the project's own test base) is left as
    it is; overrides made during the run are reset on cleanup.  Subclasses set ``project``.
    """

    project: str = ""

    def __init__(self, conf: cfg.ConfigOpts | None = None) -> None:
        super().__init__()
        self.conf = conf if conf is not None else cfg.CONF

    def _setUp(self) -> None:
        try:
            # find_file is the public call that tells an unparsed ConfigOpts apart.
            self.conf.find_file("policy.yaml")
        except cfg.NotInitializedError:
            parse_empty_config(self.conf, self.project)
            self.addCleanup(self.conf.clear)
        self.addCleanup(self.conf.reset)


def use_database(fixture: fixtures.Fixture, manager: Any, url: str, metadata: Any) -> Any:
    """Point enginefacade ``manager`` at ``url`` with ``metadata``'s tables, for ``fixture``.

    Called from ``fixture._setUp``: the previous engine configuration comes back and the
    engine is disposed of on the fixture's cleanup.  Returns the engine.
    """
    local = manager.make_new_manager()
    local.configure(connection=url)
    fixture.addCleanup(manager.patch_factory(local))
    engine = local.writer.get_engine()
    fixture.addCleanup(engine.dispose)
    metadata.create_all(engine)
    return engine
