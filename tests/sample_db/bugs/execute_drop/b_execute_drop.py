"""Seeded bug: expand drops networks.description with raw SQL through op.execute."""

from alembic import op

revision = "b_execute_drop"
down_revision = "s2_expand"


def upgrade():
    op.execute("UPDATE networks SET name = name; ALTER TABLE networks DROP COLUMN description")
