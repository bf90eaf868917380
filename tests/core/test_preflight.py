"""Seeded-bug tests: `check` fails (exit 2) whenever `run` cannot work, with the same message.

Each test builds a small vendor package in tmp_path, breaks it the way issue 9 saw it
broken, and runs ``python -m compat_tests`` in a subprocess (the way an adopter does).
On the starting code each of these passed silently or failed in the wrong place.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

BASE = """
from oslo_versionedobjects import base, fields


class Registry(base.VersionedObjectRegistry):
    pass


@Registry.register
class {prefix}Child(base.VersionedObject):
    # 1.0: id; 1.1: label
    VERSION = "1.1"
    fields = {{"id": fields.IntegerField(), "label": fields.StringField(nullable=True)}}

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if tuple(int(p) for p in target_version.split(".")) < (1, 1):
            primitive.pop("label", None)


@Registry.register
class {prefix}Parent(base.VersionedObject):
    # 1.0: id, child (Child 1.0); 1.1: child is Child 1.1
    VERSION = "1.1"
    fields = {{"id": fields.IntegerField(), "child": fields.ObjectField("{prefix}Child")}}
    obj_relationships = {{"child": [("1.0", "1.0"), ("1.1", "1.1")]}}
"""


def ovo_compat(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI": "true"}
    env.pop("OVO_COMPAT_PROFILE", None)
    return subprocess.run(
        [sys.executable, "-m", "compat_tests", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def vendor(tmp_path: Path, name: str, source: str = BASE, extra: str = "") -> Path:
    """Write package ``name`` (one objects module) and a pyproject.toml targeting it."""
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    prefix = name.title().replace("_", "")
    (package / "objects.py").write_text(textwrap.dedent(source.format(prefix=prefix)))
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.ovo-compat.targets.{name}]\n"
        f'objects = ["{name}.objects"]\n'
        f'registry = "{name}.objects:Registry"\n'
        f'snapshots = "snapshots"\n{extra}'
    )
    return tmp_path


def recorded(tmp_path: Path) -> Path:
    done = ovo_compat(tmp_path, "snapshot", "--infer-history")
    assert done.returncode == 0, done.stderr
    return tmp_path / "snapshots"


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def assert_bad_input_everywhere(tmp_path: Path, *needles: str) -> None:
    """`check` and `run` both exit 2 with one message holding ``needles``, no traceback."""
    check = ovo_compat(tmp_path, "check")
    assert check.returncode == 2, check.stdout + check.stderr
    for needle in needles:
        assert needle in check.stderr, check.stderr
    run = ovo_compat(tmp_path, "run", "-p", "no:cacheprovider", "-q")
    assert run.returncode == 2, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert out.count("cannot run") == 1, out  # printed once
    for needle in needles:
        assert needle in run.stderr, out
    assert "Traceback" not in out and "examples checked" not in out
    # one message, the same as check's
    assert check.stderr.split("error: ", 1)[1] in run.stderr


def test_a_clean_vendor_package_passes_check(tmp_path: Path) -> None:
    recorded(vendor(tmp_path, "pf_clean"))
    done = ovo_compat(tmp_path, "check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_missing_child_version_required_by_relationships(tmp_path: Path) -> None:
    snapshots = recorded(vendor(tmp_path, "pf_child"))
    _edit(snapshots / "PfChildChild.json", lambda d: d["versions"].pop("1.0"))
    _edit(
        snapshots / "PfChildChild.json",
        lambda d: d["versions"]["1.1"].update(inferred=False),
    )
    assert_bad_input_everywhere(tmp_path, "PfChildChild", "1.0")


def test_unimportable_field_type_in_a_snapshot(tmp_path: Path) -> None:
    snapshots = recorded(vendor(tmp_path, "pf_fieldtype"))

    def rename(data: dict) -> None:
        data["versions"]["1.0"]["fields"]["label"] = {
            "class": "pf_fieldtype.gone.LabelType",
            "nullable": True,
            "type": "LabelType",
        }

    _edit(snapshots / "PfFieldtypeChild.json", rename)
    assert_bad_input_everywhere(tmp_path, "pf_fieldtype.gone.LabelType cannot be imported")


def test_unknown_class_in_support_names_the_nearest(tmp_path: Path) -> None:
    vendor(tmp_path, "pf_support", extra="[tool.ovo-compat.targets.pf_support.support]\n")
    path = tmp_path / "pyproject.toml"
    path.write_text(path.read_text() + 'PfSupportChlid = "1.1"\n')
    recorded(tmp_path)
    assert_bad_input_everywhere(
        tmp_path, "PfSupportChlid: no class or RPC API", "did you mean 'PfSupportChild'?"
    )


def test_unknown_failure_code_and_class_in_declarations(tmp_path: Path) -> None:
    extra = """
[[tool.ovo-compat.targets.pf_codes.exceptions]]
object = "PfCodesParent"
code = "backport.unknown-feild"
reason = "typo in the code"

[[tool.ovo-compat.targets.pf_codes.transforms]]
object = "PfCodesParnet"
field = "child"
reason = "typo in the class"
"""
    recorded(vendor(tmp_path, "pf_codes", extra=extra))
    assert_bad_input_everywhere(
        tmp_path,
        "unknown failure code 'backport.unknown-feild'; did you mean 'backport.unknown-field'?",
        "object 'PfCodesParnet' is not a class or RPC API of the target; did you mean "
        "'PfCodesParent'?",
    )


def test_module_that_fails_to_import_names_file_line_and_exception(tmp_path: Path) -> None:
    source = BASE + "\n\nBROKEN = {{}}['missing']\n"
    vendor(tmp_path, "pf_import", source=source)
    line = len(textwrap.dedent(BASE).splitlines()) + 3
    where = f"{tmp_path / 'pf_import' / 'objects.py'}, line {line}"
    assert_bad_input_everywhere(tmp_path, where, "KeyError: 'missing'")


def test_field_type_without_strategy_is_reported_once_listing_every_field(
    tmp_path: Path,
) -> None:
    source = """
from oslo_versionedobjects import base, fields


class Registry(base.VersionedObjectRegistry):
    pass


class IQN(fields.FieldType):
    pass


@Registry.register
class {prefix}Volume(base.VersionedObject):
    VERSION = "1.0"
    fields = {{"iqn": fields.Field(IQN()), "alias": fields.Field(IQN(), nullable=True)}}


@Registry.register
class {prefix}Target(base.VersionedObject):
    VERSION = "1.0"
    fields = {{"iqn": fields.Field(IQN())}}
"""
    recorded(vendor(tmp_path, "pf_nostrat", source=source))
    assert_bad_input_everywhere(
        tmp_path,
        "no Hypothesis strategy for field type IQN (pf_nostrat.objects.IQN), needed by 3 "
        "field(s): PfNostratTarget.iqn, PfNostratVolume.alias, PfNostratVolume.iqn",
    )


def test_inferred_history_identical_to_the_current_schema_is_unknown(tmp_path: Path) -> None:
    source = """
from oslo_versionedobjects import base, fields


class Registry(base.VersionedObjectRegistry):
    pass


@Registry.register
class {prefix}Volume(base.VersionedObject):
    # 1.0 and 1.1 had fewer fields, but the backport code was deleted since
    VERSION = "1.2"
    fields = {{"id": fields.IntegerField(), "size": fields.IntegerField(nullable=True)}}
"""
    recorded(vendor(tmp_path, "pf_trivial", source=source))
    assert_bad_input_everywhere(
        tmp_path,
        "PfTrivialVolume 1.0: its inferred schema is identical to the current 1.2 schema",
        "PfTrivialVolume 1.1: its inferred schema is identical to the current 1.2 schema",
    )


def test_version_inside_the_window_without_a_schema_is_named(tmp_path: Path) -> None:
    snapshots = recorded(vendor(tmp_path, "pf_gap"))
    _edit(snapshots / "PfGapChild.json", lambda d: d["versions"].pop("1.0"))
    _edit(snapshots / "PfGapParent.json", lambda d: d["versions"].pop("1.0"))
    assert_bad_input_everywhere(
        tmp_path,
        "PfGapParent: version(s) 1.0 inside the support window",
        "ovo-compat snapshot --config",
    )


def _sample_copy(tmp_path: Path, support: str = "", drop_rpc: str | None = None) -> Path:
    snapshots = tmp_path / "snapshots"
    shutil.copytree(REPO / "snapshots" / "sample", snapshots)
    if drop_rpc is not None:
        _edit(
            snapshots / "rpc" / "SecurityGroupAgentAPI.json", lambda d: d["versions"].pop(drop_rpc)
        )
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ovo-compat.targets.sample]\n"
        'objects = ["tests.sample.objects"]\n'
        'registry = "tests.sample.objects.base:SampleObjectRegistry"\n'
        'snapshots = "snapshots"\n'
        'rpc = ["tests.sample.rpc:SAMPLE_RPC"]\n'
        "[[tool.ovo-compat.targets.sample.exceptions]]\n"
        'object = "Port"\ncode = "snapshot.breaking-minor-bump"\nversions = "1.2->1.3"\n'
        'field = "status"\nreason = "DEGRADED is sent as DOWN"\n'
        f"[tool.ovo-compat.targets.sample.support]\n{support}"
    )
    return tmp_path


def test_rpc_cap_without_a_snapshot_fails_naming_cap_and_command(tmp_path: Path) -> None:
    _sample_copy(tmp_path, drop_rpc="1.1")
    assert_bad_input_everywhere(
        tmp_path,
        "RPC API SecurityGroupAgentAPI: cap(s) 1.1 inside the support window",
        f"ovo-compat snapshot --config {tmp_path / 'pyproject.toml'} --target sample",
    )


def test_unknown_rpc_api_in_support(tmp_path: Path) -> None:
    _sample_copy(tmp_path, support='SecurityGroupAgentApi = "1.1"\n')
    check = ovo_compat(tmp_path, "check")
    assert check.returncode == 2
    assert "did you mean 'SecurityGroupAgentAPI'?" in check.stderr


def test_rpc_window_narrowed_by_support_passes(tmp_path: Path) -> None:
    _sample_copy(tmp_path, support='SecurityGroupAgentAPI = "1.2"\n', drop_rpc="1.1")
    check = ovo_compat(tmp_path, "check")
    assert check.returncode == 0, check.stderr
