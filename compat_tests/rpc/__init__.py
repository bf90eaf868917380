"""RPC APIs: description (`RpcApi`), snapshots, diff rules, the pinned-client harness."""

from compat_tests.rpc.api import RpcApi, argument_strategy, client_methods, load_apis
from compat_tests.rpc.diff import Change, check_api, check_target, compare
from compat_tests.rpc.harness import Harness, Outcome, rebuilt_endpoint
from compat_tests.rpc.properties import check_pinned_call, check_real_call, check_signatures
from compat_tests.rpc.schema import (
    describe_api,
    describe_endpoints,
    load_history,
    record_api,
    record_target,
)

__all__ = [
    "Change",
    "Harness",
    "Outcome",
    "RpcApi",
    "argument_strategy",
    "check_api",
    "check_pinned_call",
    "check_real_call",
    "check_signatures",
    "check_target",
    "client_methods",
    "compare",
    "describe_api",
    "describe_endpoints",
    "load_apis",
    "load_history",
    "rebuilt_endpoint",
    "record_api",
    "record_target",
]
