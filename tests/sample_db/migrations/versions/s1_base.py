"""Release 1: networks, ports (with host), port_cache (stored Port primitives)."""

import sqlalchemy as sa
from alembic import op

revision = "s1_base"
down_revision = None
branch_labels = None
depends_on = None

STATUSES = ("ACTIVE", "DOWN", "BUILD", "ERROR")


def upgrade():
    op.create_table(
        "networks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("description", sa.String(255), nullable=True),
        sa.UniqueConstraint("name", name="uniq_networks_name"),
    )
    op.create_table(
        "ports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("network_id", sa.String(36), sa.ForeignKey("networks.id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("status", sa.Enum(*STATUSES, name="port_status"), nullable=False),
        sa.Column("mtu", sa.Integer(), nullable=True),
        sa.Column("admin_state_up", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("host", sa.String(255), nullable=True),
    )
    op.create_table(
        "port_cache",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("port_id", sa.String(36), sa.ForeignKey("ports.id"), nullable=True),
        sa.Column("primitive", sa.Text(), nullable=False),
    )
