"""Notice.clauses_version: which detector version analysed the notice (NULL: not yet).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("clauses_version", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_column("clauses_version")
