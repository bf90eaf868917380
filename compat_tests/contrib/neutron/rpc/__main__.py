"""``python -m compat_tests.contrib.neutron.rpc [DIR]``: record Neutron's RPC history and shapes."""

import sys
from pathlib import Path

from compat_tests.contrib.neutron.rpc.history import record

for _name in record(Path(sys.argv[1] if len(sys.argv) > 1 else "snapshots/neutron/rpc")):
    print(f"recorded {_name}")
