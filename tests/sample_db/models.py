"""The sample DB target's current (release 2) models: ports.host is no longer used."""

import sqlalchemy as sa

metadata = sa.MetaData()

networks = sa.Table(
    "networks",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(64), nullable=True, unique=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false()),
)
ports = sa.Table(
    "ports",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("network_id", sa.String(36), sa.ForeignKey("networks.id"), nullable=False),
    sa.Column("name", sa.String(64), nullable=True),
    sa.Column(
        "status", sa.Enum("ACTIVE", "DOWN", "BUILD", "ERROR", name="port_status"), nullable=False
    ),
    sa.Column("mtu", sa.Integer(), nullable=True),
    sa.Column("admin_state_up", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(), nullable=True),
    sa.Column("binding_host", sa.String(255), nullable=True),
)
port_cache = sa.Table(
    "port_cache",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("port_id", sa.String(36), sa.ForeignKey("ports.id"), nullable=True),
    sa.Column("primitive", sa.Text(), nullable=False),
)
