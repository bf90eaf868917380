"""Seeded bug: expand adds a NOT NULL column without a server default to ports."""

import sqlalchemy as sa
from alembic import op

revision = "b_not_null"
down_revision = "s2_expand"


def upgrade():
    op.add_column("ports", sa.Column("vnic_type", sa.String(16), nullable=False))
