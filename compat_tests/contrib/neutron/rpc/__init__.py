"""`RpcApi` descriptions of Neutron's RPC APIs, with their version histories.

Split by job: `stubs` (stub plugins and resource callbacks, the ``StubPlugins``
target fixture), `clients` (Neutron's clients on the harness's transport),
`strategies` (argument strategies), `apis` (the eight API descriptions) and
`history` (the versions rebuilt from Neutron's comments, and their recording).
Importing this package has no side effect; the support window is the target's
``support`` table in pyproject.toml.
"""

from compat_tests.contrib.neutron.rpc.apis import (
    APIS,
    DHCP,
    DVR,
    EXCLUDED,
    L3,
    METADATA,
    RESOURCES_PULL,
    RESOURCES_PUSH,
    SECURITY_GROUP_AGENT,
    SECURITY_GROUP_SERVER,
)
from compat_tests.contrib.neutron.rpc.history import history, neutron_target, record
from compat_tests.contrib.neutron.rpc.stubs import PUSHED, StubPlugins

__all__ = [
    "APIS",
    "DHCP",
    "DVR",
    "EXCLUDED",
    "L3",
    "METADATA",
    "PUSHED",
    "RESOURCES_PULL",
    "RESOURCES_PUSH",
    "SECURITY_GROUP_AGENT",
    "SECURITY_GROUP_SERVER",
    "StubPlugins",
    "history",
    "neutron_target",
    "record",
]
