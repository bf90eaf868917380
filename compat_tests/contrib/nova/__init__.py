"""ovo-compat adapter for Nova (``[tool.ovo-compat.targets.nova]``).

* :func:`context` -- the target's ``context`` factory: a Nova admin ``RequestContext``.
* :class:`NovaConfig` -- fixture parsing Nova's (empty) oslo.config for a run.
* :class:`NovaDatabase` -- fixture giving Nova's cell and API enginefacades in-memory
  SQLite databases with Nova's tables, for lazy loads.
* :func:`register_objects` -- ``nova.objects.register_all()``.

Field strategies for Nova's custom field types live in :mod:`strategies.contrib.nova`.
Nova's own test fixtures are deliberately not used: they monkey-patch with eventlet.
"""

from compat_tests.contrib.nova.environment import (
    NovaConfig,
    NovaDatabase,
    context,
    register_objects,
)

__all__ = ["NovaConfig", "NovaDatabase", "context", "register_objects"]
