"""Organization: bank name and account (own bank account is an eligibility rule); refuse blank names.

Adding a CHECK constraint rebuilds the organization table on SQLite (batch mode; PostgreSQL alters it in place);
its children keep their rows because foreign keys are off during migrations (see psp_desktop.db.run_migrations).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("bank_name", sa.String(length=100), server_default="", nullable=False))
        batch.add_column(sa.Column("bank_account", sa.String(length=40), server_default="", nullable=False))
        batch.create_check_constraint("name_not_blank", "length(trim(name)) > 0")


def downgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.drop_constraint("name_not_blank", type_="check")
        batch.drop_column("bank_account")
        batch.drop_column("bank_name")
