"""A freshly created database per check, on a real server, dropped afterwards.

oslo.db's provisioning creates and drops the named databases; a server that cannot
be reached is an error naming the URL and how to point ovo-compat elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from compat_tests.db.config import URLS_ENV
from compat_tests.errors import OvoCompatError

__all__ = ["DatabaseUnavailable", "backend_name", "fresh_database", "safe_url"]


class DatabaseUnavailable(OvoCompatError):
    """A configured database server cannot be used (down, refused, driver missing)."""


def safe_url(url: str | sa.URL) -> str:
    """``url`` without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def backend_name(url: str | sa.URL) -> str:
    """``postgresql`` or ``mysql`` (MariaDB speaks the mysql dialect)."""
    return make_url(url).get_backend_name()


def _admin_engine(url: str) -> Engine:
    try:
        engine = sa.create_engine(url, poolclass=NullPool)
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise DatabaseUnavailable(
            f"cannot use {safe_url(url)}: its driver is not installed ({exc}); "
            "install ovo-compat[db] (PyMySQL and psycopg)"
        ) from None
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"cannot connect to {safe_url(url)}: {str(exc.orig).strip()}; start the server "
            f"(.ci/run does) or point ovo-compat at another one with the target's "
            f"[...db] urls = [...] or {URLS_ENV}='URL ...'"
        ) from None
    return engine


@contextmanager
def fresh_database(server_url: str, label: str) -> Iterator[Engine]:
    """Yield an engine on a new, empty database of ``server_url``; drop it afterwards."""
    from oslo_db.sqlalchemy.provision import BackendImpl

    admin = _admin_engine(server_url)
    impl = BackendImpl.impl(backend_name(server_url))
    ident = f"ovo_compat_{label}_{uuid.uuid4().hex[:10]}"
    impl.create_named_database(admin, ident)
    # A pooled engine: the checks open many short connections; dispose() closes them all
    # before the database is dropped.
    engine = sa.create_engine(impl.provisioned_database_url(make_url(server_url), ident))
    try:
        yield engine
    finally:
        engine.dispose()
        impl.drop_named_database(admin, ident, conditional=True)
        admin.dispose()
