"""The DB stage's configuration, its bad-input errors and its declarations."""

from __future__ import annotations

import io
import json
import textwrap

import pytest

from compat_tests.cli import main
from compat_tests.config import load_target
from compat_tests.db import check_target
from compat_tests.db.config import DbDeclaration
from compat_tests.db.databases import DatabaseUnavailable, fresh_database
from compat_tests.db.declarations import apply_declarations
from compat_tests.db.migrate import Finding
from compat_tests.errors import ConfigError
from tests.db.conftest import PG, sample, variant

CLOSED = "postgresql+psycopg://postgres@127.0.0.1:1/postgres"


def test_sample_config_is_parsed():
    db = sample().db
    assert db.previous == ("s1_expand", "s1_contract")
    assert db.moves[0].source == "ports.host" and db.moves[0].dest == "ports.binding_host"
    assert db.primitives[0].object == "Port" and db.primitives[0].old_version == "1.3"
    assert len(db.urls) == 2


def test_unreachable_database_names_url_and_what_to_do():
    with pytest.raises(DatabaseUnavailable) as info:
        with fresh_database(CLOSED, "x"):
            pass
    text = str(info.value)
    assert "127.0.0.1:1" in text and "OVO_COMPAT_DB_URLS" in text and "urls" in text


def test_unreachable_database_is_an_error_not_a_skip(tmp_path, capsys):
    status = main(["db", "--target", "sample", "--url", CLOSED])
    assert status == 2
    assert "cannot connect to postgresql+psycopg://postgres@127.0.0.1:1" in capsys.readouterr().err


def test_urls_from_environment(monkeypatch):
    monkeypatch.setenv("OVO_COMPAT_DB_URLS", f"{PG} {CLOSED}")
    assert sample().db.server_urls() == (PG, CLOSED)


def _config(tmp_path, body):
    path = tmp_path / "pyproject.toml"
    path.write_text(
        textwrap.dedent(
            """
            [tool.ovo-compat.targets.t]
            objects = ["tests.sample.objects"]
            [tool.ovo-compat.targets.t.db]
            """
        )
        + textwrap.dedent(body)
    )
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('previous = ["a"]\n', "exactly one of 'script_location' and 'alembic_config'"),
        ('script_location = "m"\n', "'previous' is required"),
        ('script_location = "m"\nprevious = ["a"]\nbogus = 1\n', "unknown key(s) bogus"),
        ('script_location = "m"\nprevious = ["a"]\nmoves = [{from = "x"}]\n', "'to' is required"),
        ('script_location = "m"\nprevious = ["a"]\nrequired = ["nodot"]\n', "'table.column'"),
        (
            'script_location = "m"\nprevious = ["a"]\n[[tool.ovo-compat.targets.t.db.exceptions]]\n'
            'rule = "db.expand.drop"\n',
            "'reason' is required",
        ),
    ],
)
def test_bad_db_tables_are_named(tmp_path, body, message):
    with pytest.raises(ConfigError) as info:
        load_target(_config(tmp_path, body), "t")
    assert message in str(info.value) and "[tool.ovo-compat.targets.t].db" in str(info.value)


@pytest.mark.db
def test_missing_env_py_is_named(tmp_path):
    target = variant(script_location="tests/nowhere", version_locations=())
    with pytest.raises(ConfigError, match=r"has no env\.py"):
        check_target(target, urls=(PG,), scenarios=("gate",))


def test_declarations_cover_and_go_stale():
    finding = Finding("db.expand.drop", "drops", "r1", "f.py", 3, "ports", "mtu")
    used = DbDeclaration.of("db.expand.drop", "why", revision="r1", table="ports", column="mtu")
    stale = DbDeclaration.of("db.expand.rename", "why not", where="x.exceptions[1]")
    open_, covered = apply_declarations([finding], [used, stale])
    assert covered == [finding]
    assert [f.rule for f in open_] == ["db.declaration.stale"]
    assert "x.exceptions[1]" in open_[0].message and "why not" in open_[0].message


@pytest.mark.db
def test_declared_drop_passes_on_a_real_database():
    from tests.db.conftest import BASE, CONTRACT2, EXPAND2

    bug = "tests/sample_db/bugs/drop_in_expand"
    declared = (
        DbDeclaration.of(
            "db.expand.drop", "seeded", revision="b_drop_mtu", table="ports", column="mtu"
        ),
        DbDeclaration.of("db.old-code.read", "seeded", table="ports"),
    )
    target = variant(version_locations=(BASE, EXPAND2, CONTRACT2, bug), exceptions=declared)
    result = check_target(target, urls=(PG,), scenarios=("rolling",), examples=1)
    assert {f.rule for f in result.declared} >= {"db.expand.drop", "db.old-code.read"}
    assert [f.rule for f in result.findings if f.rule.startswith("db.expand")] == []


@pytest.mark.db
def test_cli_json_report_of_the_clean_sample(capsys):
    status = main(["db", "--target", "sample", "--url", PG, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 0, report
    assert report["ok"] is True and report["findings"] == []
    assert any("converged" in n for n in report["notes"])


@pytest.mark.db
def test_cli_text_report_names_the_culprit(monkeypatch):
    from compat_tests.db import report as db_report

    target = variant(
        version_locations=(
            "tests/sample_db/migrations/versions",
            "tests/sample_db/migrations/release2/expand",
            "tests/sample_db/bugs/contract_no_blocker",
        )
    )
    out = io.StringIO()
    assert db_report.run_db(target, [PG], "text", out) == 1
    assert "[db.contract.destroys-data] revision b_contract" in out.getvalue()
    assert "ports.host" in out.getvalue()
