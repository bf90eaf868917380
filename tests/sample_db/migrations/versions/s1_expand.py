"""Release 1: the root of the expand branch."""

revision = "s1_expand"
down_revision = "s1_base"
branch_labels = ("expand",)
depends_on = None


def upgrade():
    pass
