"""Rounds say how many highest and lowest scores a trimmed mean drops, and how many judges it needs to do so.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_round") as batch:
        batch.add_column(sa.Column("trim_count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("trim_min_judges", sa.Integer(), nullable=False, server_default="5"))


def downgrade() -> None:
    with op.batch_alter_table("review_round") as batch:
        batch.drop_column("trim_min_judges")
        batch.drop_column("trim_count")
