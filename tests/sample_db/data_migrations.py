"""The sample target's online data migrations (Nova's ``fn(context, max_count)`` shape).

The context is the SQLAlchemy engine (ovo-compat's default).
"""

import sqlalchemy as sa

# Only the columns a migration touches, as old and new code both see them.
_ports = sa.table("ports", sa.column("id"), sa.column("host"), sa.column("binding_host"))
_UNMIGRATED = sa.and_(_ports.c.host.isnot(None), _ports.c.binding_host.is_(None))


class PendingDataMigrations(Exception):
    """Contract refused: rows still wait for an online data migration."""


def unmigrated_ports(connection) -> int:
    """How many ports still hold their host only in the old column."""
    query = sa.select(sa.func.count()).select_from(_ports).where(_UNMIGRATED)
    return int(connection.execute(query).scalar())


def has_pending(engine) -> bool:
    """The project's pending check (what its contract blocker refuses on)."""
    with engine.connect() as conn:
        return unmigrated_ports(conn) > 0


def migrate_binding_host(engine, max_count):
    """Copy ports.host to ports.binding_host, at most ``max_count`` ports per call."""
    with engine.begin() as conn:
        ids = (
            conn.execute(
                sa.select(_ports.c.id).where(_UNMIGRATED).order_by(_ports.c.id).limit(max_count)
            )
            .scalars()
            .all()
        )
        for port_id in ids:
            conn.execute(
                _ports.update().where(_ports.c.id == port_id).values(binding_host=_ports.c.host)
            )
    return len(ids), len(ids)
