"""Neutron's alembic configuration for the DB stage (``[...neutron.db] alembic_config``)."""

from __future__ import annotations

from typing import Any

__all__ = ["alembic_config", "metadata"]


def alembic_config(url: str) -> Any:
    """Neutron's own alembic Config (both branches, every release dir) pointed at ``url``."""
    from neutron.db.migration import cli

    config = cli.get_neutron_config()
    cli.CONF.set_override("connection", url, group="database")
    return config


def metadata() -> Any:
    """The current Neutron models' MetaData (every model imported)."""
    from neutron.db.migration.models import head
    from neutron_lib.db import model_base

    del head
    return model_base.BASEV2.metadata
