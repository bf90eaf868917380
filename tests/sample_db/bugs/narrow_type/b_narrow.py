"""Seeded bug: expand narrows ports.name from VARCHAR(64) to VARCHAR(8)."""

import sqlalchemy as sa
from alembic import op

revision = "b_narrow"
down_revision = "s2_expand"


def upgrade():
    op.execute("UPDATE ports SET name = NULL")
    op.alter_column("ports", "name", type_=sa.String(8), existing_type=sa.String(64))
