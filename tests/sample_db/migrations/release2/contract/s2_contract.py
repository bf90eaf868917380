"""Release 2 contract: drop ports.host, refusing while a port still needs migrating."""

from alembic import op

from tests.sample_db import data_migrations

revision = "s2_contract"
down_revision = "s1_contract"
branch_labels = None
depends_on = "s2_expand"


def upgrade():
    left = data_migrations.unmigrated_ports(op.get_bind())
    if left:
        raise data_migrations.PendingDataMigrations(
            f"There are still {left} unmigrated ports (host not copied to binding_host); "
            "run the online data migrations first"
        )
    op.drop_column("ports", "host")
