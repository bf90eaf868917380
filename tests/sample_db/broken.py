"""Seeded-bug data migrations of the sample DB target (tests/db/test_gallery.py)."""

import json

import sqlalchemy as sa

from tests.sample_db.data_migrations import _UNMIGRATED, _ports, migrate_binding_host

_cache = sa.table("port_cache", sa.column("id"), sa.column("primitive"))


def never_converges(engine, max_count):
    """Pages through *all* ports by id, so the unmigrated ones past the first page stay."""
    with engine.begin() as conn:
        ids = (
            conn.execute(sa.select(_ports.c.id).order_by(_ports.c.id.desc()).limit(max_count))
            .scalars()
            .all()
        )
        done = 0
        for port_id in ids:
            done += conn.execute(
                _ports.update()
                .where(_ports.c.id == port_id, _UNMIGRATED)
                .values(binding_host=_ports.c.host)
            ).rowcount
        found = conn.execute(sa.select(sa.func.count()).select_from(_ports).where(_UNMIGRATED))
        return min(int(found.scalar()), max_count), done


def loses_value(engine, max_count):
    """Copies the wrong column (name instead of host) into binding_host."""
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
                sa.text("UPDATE ports SET binding_host = COALESCE(name, '-') WHERE id = :id"),
                {"id": port_id},
            )
    return len(ids), len(ids)


def not_idempotent(engine, max_count):
    """Moves host, then re-applies a fix-up (flip admin_state_up) to every migrated port."""
    found, done = migrate_binding_host(engine, max_count)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE ports SET admin_state_up = NOT admin_state_up "
                "WHERE binding_host IS NOT NULL"
            )
        )
    return found, done


def wrong_primitive_version(engine, max_count):
    """Writes binding_host into stored Port 1.0 primitives but keeps version '1.0'."""
    with engine.begin() as conn:
        rows = conn.execute(sa.select(_cache.c.id, _cache.c.primitive).order_by(_cache.c.id))
        todo = []
        for row_id, text in rows:
            primitive = json.loads(text)
            data = primitive["versioned_object.data"]
            if primitive["versioned_object.version"] == "1.0" and "binding_host" not in data:
                todo.append((row_id, primitive))
        for row_id, primitive in todo[:max_count]:
            primitive["versioned_object.data"]["binding_host"] = "migrated"
            conn.execute(
                _cache.update().where(_cache.c.id == row_id).values(primitive=json.dumps(primitive))
            )
    n = min(len(todo), max_count)
    return n, n


def _mark(engine, port_ids):
    with engine.begin() as conn:
        for port_id in port_ids:
            conn.execute(
                _ports.update().where(_ports.c.id == port_id).values(binding_host=_ports.c.host)
            )


def crashes_when_rows_pending(engine, max_count):
    """The Glance class: the helper is called with the wrong arguments, only when rows wait."""
    with engine.connect() as conn:
        ids = (
            conn.execute(sa.select(_ports.c.id).where(_UNMIGRATED).limit(max_count)).scalars().all()
        )
    if ids:
        _mark(ids)  # missing the engine argument
    return len(ids), len(ids)


def nothing_pending(engine):
    """A pending check that never looks at the rows."""
    return False


def returns_garbage(engine, max_count):
    """Breaks the (found, done) contract: done > found."""
    migrate_binding_host(engine, max_count)
    return 0, max_count


def bumps_primitives_past_old_nodes(engine, max_count):
    """Rewrites stored Port primitives to 1.4, which the release 1 nodes (1.3) cannot read."""
    with engine.begin() as conn:
        rows = conn.execute(sa.select(_cache.c.id, _cache.c.primitive).order_by(_cache.c.id))
        todo = [(i, json.loads(t)) for i, t in rows]
        todo = [(i, p) for i, p in todo if p["versioned_object.version"] != "1.4"][:max_count]
        for row_id, primitive in todo:
            primitive["versioned_object.version"] = "1.4"
            conn.execute(
                _cache.update().where(_cache.c.id == row_id).values(primitive=json.dumps(primitive))
            )
    return len(todo), len(todo)
