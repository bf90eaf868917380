"""Seeded bug: release 2's contract drops ports.host with no blocker."""

from alembic import op

revision = "b_contract"
down_revision = "s1_contract"
depends_on = "s2_expand"


def upgrade():
    op.drop_column("ports", "host")
