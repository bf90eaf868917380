"""Rolling upgrades: ``ovo-compat upgrade --from SPEC`` (docs/upgrade.rst).

* `config`: the target's ``upgrade`` table (roles, ``server_first``, pinning);
* `plan`: the seeded plan (`draw_plan`), printed before it runs and replayed by its seed;
* `orchestrate`: nodes as processes (`compat_tests.cross.process`), one upgrade per step,
  generated traffic over every link of every mixed state;
* `service`: the role a node runs, in its release's interpreter;
* `command`: the CLI command (releases, plan, run, findings, counts line).
"""

from compat_tests.upgrade.config import Role, UpgradeConfig, check_apis, parse_upgrade
from compat_tests.upgrade.plan import Node, Plan, State, draw_plan, new_seed

__all__ = [
    "Node",
    "Plan",
    "Role",
    "State",
    "UpgradeConfig",
    "check_apis",
    "draw_plan",
    "new_seed",
    "parse_upgrade",
]
