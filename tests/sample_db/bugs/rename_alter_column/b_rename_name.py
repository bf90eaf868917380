"""Seeded bug: expand renames ports.name through alter_column(new_column_name=...)."""

import sqlalchemy as sa
from alembic import op

revision = "b_rename_name"
down_revision = "s2_expand"


def upgrade():
    op.alter_column("ports", "name", new_column_name="display_name", existing_type=sa.String(64))
