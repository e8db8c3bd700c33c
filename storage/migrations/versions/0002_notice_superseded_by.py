"""Notice.superseded_by: a change notice or award replaces the earlier notices of its procedure.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notice_superseded_by"), ["superseded_by"], unique=False)
        batch_op.create_foreign_key(
            "fk_notice_superseded_by_notice", "notice", ["superseded_by"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_constraint("fk_notice_superseded_by_notice", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notice_superseded_by"))
        batch_op.drop_column("superseded_by")
