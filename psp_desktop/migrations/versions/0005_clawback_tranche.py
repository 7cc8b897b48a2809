"""A clawback names the tranche whose money is asked back; competitions are indexed by year for the lists.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clawback") as batch:
        batch.add_column(sa.Column("tranche_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_clawback_tranche_id_tranche", "tranche", ["tranche_id"], ["id"])
        batch.create_index("ix_clawback_tranche_id", ["tranche_id"])
    op.create_index("ix_competition_year", "competition", ["year", "id"])


def downgrade() -> None:
    op.drop_index("ix_competition_year", "competition")
    with op.batch_alter_table("clawback") as batch:
        batch.drop_index("ix_clawback_tranche_id")
        batch.drop_constraint("fk_clawback_tranche_id_tranche", type_="foreignkey")
        batch.drop_column("tranche_id")
