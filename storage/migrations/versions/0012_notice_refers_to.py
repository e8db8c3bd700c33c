"""Notice.refers_to: the publication number of the earlier notice a notice refers to (TED XML REF_NOTICE), so that
a corrigendum whose notice is stored is neither counted nor offered as a tender of its own.

Filled as notices are parsed; a re-crawl fills it for stored ones (the parser version changed with it).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("refers_to", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_column("refers_to")
