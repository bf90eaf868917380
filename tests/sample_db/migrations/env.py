"""Alembic environment of the sample DB target: runs on the connection ovo-compat hands in."""

import sqlalchemy as sa
from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # run by hand: `alembic upgrade heads` with sqlalchemy.url set
    engine = sa.create_engine(context.config.get_main_option("sqlalchemy.url"))
    connection = engine.connect()
context.configure(connection=connection)
with context.begin_transaction():
    context.run_migrations()
