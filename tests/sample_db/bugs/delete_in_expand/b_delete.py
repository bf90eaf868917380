"""Seeded bug: expand deletes the ports of a status release 1 still shows."""

from alembic import op

revision = "b_delete"
down_revision = "s2_expand"


def upgrade():
    op.execute("DELETE FROM port_cache WHERE port_id IS NULL")
