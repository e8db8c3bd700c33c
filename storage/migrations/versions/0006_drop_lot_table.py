"""Drop the lot table: every reader takes lots from the stored notice record, so nothing read what it held.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("lot")


def downgrade() -> None:
    # Recreated empty: the lots are in each notice's record and come back when notices are crawled again.
    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_pk", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("cpv_main", sa.String(length=8), nullable=True),
        sa.Column("estimated_amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nuts", sa.JSON(), nullable=False),
        sa.Column("reserved_participation", sa.JSON(), nullable=False),
        sa.Column("reserved_execution", sa.String(length=16), nullable=True),
        sa.Column("strategic_procurement", sa.JSON(), nullable=False),
        sa.Column("social_objective", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["notice_pk"], ["notice.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_pk", "lot_id", name="uq_lot_notice_lot"),
    )
