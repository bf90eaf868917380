"""Release 2 expand: ports.binding_host replaces ports.host (moved by a data migration)."""

import sqlalchemy as sa
from alembic import op

revision = "s2_expand"
down_revision = "s1_expand"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("ports", sa.Column("binding_host", sa.String(255), nullable=True))
    op.create_index("ix_ports_binding_host", "ports", ["binding_host"])
    op.add_column(
        "networks", sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false())
    )
