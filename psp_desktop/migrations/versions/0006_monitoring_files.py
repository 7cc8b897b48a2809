"""Monitoring and evaluation: files handed in with progress reports, the day a late report failed its gate, and an
evaluation's objection and how it was settled.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_report_file_size_bytes_non_negative")),
        sa.ForeignKeyConstraint(["report_id"], ["progress_report.id"], name=op.f("fk_report_file_report_id_progress_report"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_file")),
    )
    op.create_index(op.f("ix_report_file_report_id"), "report_file", ["report_id"])
    with op.batch_alter_table("progress_report") as batch:
        batch.add_column(sa.Column("late_failed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("evaluation") as batch:
        batch.add_column(sa.Column("objection", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("objection_resolution", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("evaluation") as batch:
        batch.drop_column("objection_resolution")
        batch.drop_column("objection")
    with op.batch_alter_table("progress_report") as batch:
        batch.drop_column("late_failed_on")
    op.drop_index(op.f("ix_report_file_report_id"), "report_file")
    op.drop_table("report_file")
