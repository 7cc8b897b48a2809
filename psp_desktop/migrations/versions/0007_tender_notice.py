"""Bidding: a tender's result notice (中标结果公示) with its period, and an objection raised in it and how it was
settled.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tender_project") as batch:
        batch.add_column(sa.Column("notice_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("notice_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("objection", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("objection_resolution", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("tender_project") as batch:
        for name in ("objection_resolution", "objection", "notice_until", "notice_from"):
            batch.drop_column(name)
