"""Seeded bug: a contract revision that adds a column (contract must create nothing)."""

import sqlalchemy as sa
from alembic import op

revision = "b_contract_creates"
down_revision = "s2_contract"


def upgrade():
    op.add_column("networks", sa.Column("dns_domain", sa.String(255), nullable=True))
