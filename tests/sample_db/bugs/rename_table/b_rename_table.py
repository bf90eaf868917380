"""Seeded bug: expand renames port_cache."""

from alembic import op

revision = "b_rename_table"
down_revision = "s2_expand"


def upgrade():
    op.rename_table("port_cache", "port_primitives")
