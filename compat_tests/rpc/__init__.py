"""RPC APIs: description (`RpcApi`), record (schemas and payload shapes), diff rules,
the old-server rebuild, the in-process transport, the pinned-client harness and the suite."""

from compat_tests.rpc.api import RpcApi, argument_strategy, client_methods, load_apis
from compat_tests.rpc.diff import Change, check_api, check_target, compare
from compat_tests.rpc.harness import Harness, Outcome, rebuilt_endpoint
from compat_tests.rpc.properties import check_pinned_call, check_real_call, check_signatures
from compat_tests.rpc.record import infer_shapes, load_shapes, record_api, record_target
from compat_tests.rpc.schema import describe_api, describe_endpoints, load_history
from compat_tests.rpc.suite import RpcCase, RpcSuite

__all__ = [
    "Change",
    "Harness",
    "Outcome",
    "RpcApi",
    "RpcCase",
    "RpcSuite",
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
    "infer_shapes",
    "load_apis",
    "load_history",
    "load_shapes",
    "rebuilt_endpoint",
    "record_api",
    "record_target",
]
