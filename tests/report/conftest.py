from tests.rpc.conftest import history, make_harness  # noqa: F401  (the RPC gallery's fixtures)
from tests.suite.conftest import compat_pytester  # noqa: F401  (pytester for the plugin)
