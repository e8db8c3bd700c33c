"""company.unsubscribed_at: when a company unsubscribed from the weekly digest (one-click link or page); NULL while
it gets them. Re-importing the company file leaves it alone, so an import never subscribes anyone again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.add_column(sa.Column("unsubscribed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("unsubscribed_at")
