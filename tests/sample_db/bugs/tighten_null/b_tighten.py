"""Seeded bug: expand makes ports.mtu NOT NULL (release 1 writes NULL)."""

import sqlalchemy as sa
from alembic import op

revision = "b_tighten"
down_revision = "s2_expand"


def upgrade():
    op.execute("UPDATE ports SET mtu = 1500 WHERE mtu IS NULL")
    op.alter_column("ports", "mtu", nullable=False, existing_type=sa.Integer())
