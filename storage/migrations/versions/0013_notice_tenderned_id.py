"""Notice.tenderned_id: the TenderNed publication of the same tender that a TED notice links to, so that a Dutch
tender crawled from both TED and TenderNed is one tender, not two, in match lists and the coverage report.

Filled as notices are parsed; a re-crawl fills it for stored ones (the parser version changed with it).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("tenderned_id", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_notice_tenderned_id"), ["tenderned_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_tenderned_id"))
        batch_op.drop_column("tenderned_id")
