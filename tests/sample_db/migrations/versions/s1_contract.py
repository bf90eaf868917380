"""Release 1: the root of the contract branch."""

revision = "s1_contract"
down_revision = "s1_base"
branch_labels = ("contract",)
depends_on = None


def upgrade():
    pass
