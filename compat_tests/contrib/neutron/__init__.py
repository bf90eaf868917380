"""ovo-compat adapter for Neutron (``[tool.ovo-compat.targets.neutron]``).

* :func:`context` -- the target's ``context`` factory: a neutron-lib admin context.
* :class:`NeutronConfig` -- fixture parsing Neutron's (empty) oslo.config for a run.
* :class:`NeutronDatabase` -- fixture giving the context's session an in-memory SQLite
  database with Neutron's tables, for lazy loads of synthetic fields.
* :class:`FakeRpcTransport` -- fixture giving ``neutron_lib.rpc`` an in-memory transport,
  so Neutron's RPC client classes can be constructed without a broker.
* :func:`import_all_objects` -- import every ``neutron.objects`` module so that
  ``NeutronObjectRegistry`` holds every class.

Field strategies for Neutron's custom field types live in
:mod:`strategies.contrib.neutron` (``strategies = ["strategies.contrib.neutron"]``).
"""

from compat_tests.contrib.neutron.environment import (
    FakeRpcTransport,
    NeutronConfig,
    NeutronDatabase,
    context,
    import_all_objects,
)

__all__ = ["FakeRpcTransport", "NeutronConfig", "NeutronDatabase", "context", "import_all_objects"]
