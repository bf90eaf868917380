"""Seeded bug: current models with a column no migration creates."""

import sqlalchemy as sa

from tests.sample_db.models import metadata as _good

metadata = sa.MetaData()
for _table in _good.tables.values():
    _table.to_metadata(metadata)
metadata.tables["ports"].append_column(sa.Column("vnic_type", sa.String(16), nullable=True))
