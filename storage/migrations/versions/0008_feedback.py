"""feedback: what companies say about their matches (relevant or not), one row per company, notice and lot.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.String(100), sa.ForeignKey("company.id", ondelete="CASCADE"), nullable=False),
        sa.Column("notice_pk", sa.Integer(), sa.ForeignKey("notice.id", ondelete="CASCADE"), nullable=False),
        sa.Column("lot_id", sa.String(64), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("company_id", "notice_pk", "lot_id", name="uq_feedback_company_notice_lot"),
    )
    op.create_index("ix_feedback_company_id", "feedback", ["company_id"])
    op.create_index("ix_feedback_updated_at", "feedback", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_updated_at", table_name="feedback")
    op.drop_index("ix_feedback_company_id", table_name="feedback")
    op.drop_table("feedback")
