"""RPC snapshots: describing endpoints, recording, reading, and the named diff rules."""

from __future__ import annotations

import json

import oslo_messaging
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compat_tests.errors import ConfigError, SnapshotError
from compat_tests.rpc import RpcApi, argument_strategy, compare, describe_endpoints, load_history
from compat_tests.rpc.diff import check_api
from compat_tests.rpc.record import record_api
from compat_tests.rpc.schema import describe_api
from tests.rpc.sample_history import V1_0, V1_1, V1_2
from tests.sample.rpc import SAMPLE_RPC


def _rules(old, new) -> list[tuple[str, str, str]]:
    return [(c.rule, c.severity, c.field) for c in compare(old, new)]


def _schema(endpoint) -> dict:
    return describe_endpoints([endpoint()])


def test_describe_endpoints_records_params_defaults_and_version():
    schema = _schema(V1_2)
    assert schema["version"] == "1.2"
    assert schema["methods"]["get_rule_ids"] == {
        "params": {
            "security_group_id": {"required": True},
            "include_egress": {"required": False, "default": True},
        },
        "signature": "(context, security_group_id, include_egress=True)",
    }


_SENTINEL = object()


class _SentinelServer:
    # Nova's SchedulerManager.select_destinations(..., spec_obj=_sentinel, ...)
    target = oslo_messaging.Target(version="4.5")

    def select_destinations(self, context, spec_obj=_SENTINEL, instance_uuids=None):
        return None


def test_a_sentinel_default_is_described_without_its_memory_address():
    # The same server recorded from two processes must describe the same: a release
    # recorded after the working tree was refused as a schema change (Nova 33.0.2).
    described = _schema(_SentinelServer)["methods"]["select_destinations"]
    assert described["params"]["spec_obj"] == {"required": False, "default": "<object object>"}
    assert described["signature"] == ("(context, spec_obj=<object object>, instance_uuids=None)")


def test_method_and_param_rules():
    assert _rules(_schema(V1_0), _schema(V1_1)) == [("method-added", "minor", "sync")]
    assert _rules(_schema(V1_1), _schema(V1_2)) == [
        ("param-added-optional", "minor", "get_rule_ids(include_egress)")
    ]
    assert _rules(_schema(V1_1), _schema(V1_0)) == [("method-removed", "major", "sync")]


class Renamed(V1_2):
    def get_rule_ids(self, context, sg_id, include_egress=True):
        return []


class MadeRequired(V1_2):
    def get_rule_ids(self, context, security_group_id, include_egress):
        return []


class DefaultChanged(V1_2):
    def get_rule_ids(self, context, security_group_id, include_egress=False):
        return []


class AddedRequired(V1_2):
    def get_rule_ids(self, context, security_group_id, project_id, include_egress=True):
        return []


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (Renamed, [("param-renamed", "major", "get_rule_ids(security_group_id)")]),
        (MadeRequired, [("param-made-required", "major", "get_rule_ids(include_egress)")]),
        (DefaultChanged, [("default-changed", "minor", "get_rule_ids(include_egress)")]),
        (AddedRequired, [("param-added-required", "major", "get_rule_ids(project_id)")]),
    ],
)
def test_param_rules(endpoint, expected):
    assert _rules(_schema(V1_2), _schema(endpoint)) == expected


class BumpedMinorButBreaking(V1_2):
    target = oslo_messaging.Target(version="1.4")

    def get_rule_ids(self, context, sg_id, include_egress=True):
        return []


def test_breaking_change_with_minor_bump(history):
    api = _api(BumpedMinorButBreaking)
    [failure] = check_api(api.name, history, describe_api(api))
    assert failure.code == "rpc.breaking-minor-bump"
    assert failure.pair == "1.3->1.4"


def test_version_regressed_and_missing(history):
    api = _api(V1_2)
    [failure] = check_api(api.name, history, describe_api(api))
    assert (failure.code, failure.pair) == ("rpc.version-regressed", "1.3->1.2")
    [missing] = check_api(api.name, {}, describe_api(api))
    assert missing.code == "rpc.snapshot-missing"
    assert "ovo-compat snapshot" in missing.message


def _api(endpoint) -> RpcApi:
    import dataclasses

    return dataclasses.replace(SAMPLE_RPC, endpoints=lambda: [endpoint()])


def test_record_is_idempotent_and_immutable(tmp_path):
    assert record_api(tmp_path, SAMPLE_RPC) is True
    assert record_api(tmp_path, SAMPLE_RPC) is False
    assert list(load_history(tmp_path, SAMPLE_RPC.name)) == ["1.3"]
    with pytest.raises(SnapshotError, match="immutable"):
        record_api(tmp_path, _renamed_at_1_3())


def _renamed_at_1_3() -> RpcApi:
    class RenamedAt13(Renamed):
        target = oslo_messaging.Target(version="1.3")

    return _api(RenamedAt13)


def test_history_without_methods_is_refused(tmp_path):
    (tmp_path / "Api.json").write_text(
        json.dumps({"name": "Api", "versions": {"1.0": {"version": "1.0", "fields": {}}}})
    )
    with pytest.raises(SnapshotError, match=r"Api.json: version 1.0 of RPC API Api has no"):
        load_history(tmp_path, "Api")


def test_missing_history_is_empty(tmp_path):
    assert load_history(tmp_path, "Nothing") == {}


class Annotated:
    def __init__(self, transport):
        pass

    def add(self, context, count: int, name: str | None, flag=False) -> None:
        pass

    def bare(self, context, thing) -> None:
        pass


@given(st.data())
def test_arguments_come_from_annotations(data):
    kwargs = data.draw(argument_strategy(SAMPLE_RPC, Annotated(None), "add"))
    assert isinstance(kwargs["count"], int)
    assert kwargs["name"] is None or isinstance(kwargs["name"], str)
    assert "flag" not in kwargs  # unannotated parameters with a default are left out


def test_unannotated_parameter_without_default_says_what_to_add():
    with pytest.raises(ConfigError, match=r"arguments=\{'bare': \{'thing': <strategy>\}\}"):
        argument_strategy(SAMPLE_RPC, Annotated(None), "bare")


def _target(tmp_path, rpc, support="1.3"):
    from compat_tests.config import load_target

    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[tool.ovo-compat.targets.t]\n"
        'objects = ["tests.sample.objects"]\n'
        'snapshots = "snaps"\n'
        f"rpc = {rpc!r}\n".replace("'", '"')
        # the window is the one version recorded here (older caps: tests/rpc/test_history.py)
        + f'[tool.ovo-compat.targets.t.support]\nSecurityGroupAgentAPI = "{support}"\n'
    )
    return load_target(config, "t")


def test_record_and_check_a_whole_target(tmp_path):
    from compat_tests.rpc import check_target, record_target

    target = _target(tmp_path, ["tests.sample.rpc:SAMPLE_RPC"])
    [missing] = check_target(target)
    assert missing.code == "rpc.snapshot-missing"
    assert record_target(target) == ["SecurityGroupAgentAPI"]
    assert (tmp_path / "snaps" / "rpc" / "SecurityGroupAgentAPI.json").is_file()
    assert record_target(target) == []
    assert check_target(target) == []


def test_target_rpc_entry_that_does_not_import(tmp_path):
    from compat_tests.rpc import check_target

    target = _target(tmp_path, ["tests.sample.nope:API"])
    with pytest.raises(ConfigError, match=r"rpc entry 'tests.sample.nope:API' cannot be imported"):
        check_target(target)
