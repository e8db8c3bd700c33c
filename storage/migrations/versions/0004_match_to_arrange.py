"""Match.to_arrange: what a company still has to arrange for a tender, kept for the digest.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match") as batch_op:
        batch_op.add_column(sa.Column("to_arrange", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("match") as batch_op:
        batch_op.drop_column("to_arrange")
