"""Seeded bug: expand drops ports.mtu, which release 1 still reads."""

from alembic import op

revision = "b_drop_mtu"
down_revision = "s2_expand"


def upgrade():
    op.drop_column("ports", "mtu")
