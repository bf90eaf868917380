"""Fixtures of the DB stage tests: the sample target, variants with seeded bugs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from compat_tests.config import Target, load_target

ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MYSQL = "mysql+pymysql://root@127.0.0.1:3306/mysql"
BACKENDS = {"postgresql": PG, "mariadb": MYSQL}
BASE = "tests/sample_db/migrations/versions"
EXPAND2 = "tests/sample_db/migrations/release2/expand"
CONTRACT2 = "tests/sample_db/migrations/release2/contract"


def sample() -> Target:
    return load_target(ROOT / "pyproject.toml", "sample")


def variant(**db_changes) -> Target:
    target = sample()
    return dataclasses.replace(target, db=dataclasses.replace(target.db, **db_changes))


@pytest.fixture(params=sorted(BACKENDS))
def url(request) -> str:
    return BACKENDS[request.param]
