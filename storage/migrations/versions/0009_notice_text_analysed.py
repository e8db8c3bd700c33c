"""Notice.text_analysed: whether clause analysis read the text, or only the structured codes (no rules for its
language), so coverage shares are never quietly computed over text nobody read.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("text_analysed", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_column("text_analysed")
