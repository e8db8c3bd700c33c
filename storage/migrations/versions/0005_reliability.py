"""Reliability: a retry queue for notices that failed, job runs with host and pid, delivery attempts, longer versions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # OCDS versions are release dates ("2026-11-05T10:00:00Z"); 16 characters held only eForms' "01".
    with op.batch_alter_table("notice") as batch_op:
        batch_op.alter_column("version", existing_type=sa.String(16), type_=sa.String(64), existing_nullable=True)
    with op.batch_alter_table("job_run") as batch_op:
        batch_op.add_column(sa.Column("host", sa.String(255), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(sa.Column("last_attempt_at", UTCDateTime(), nullable=True))
    op.create_table(
        "crawl_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("first_failed_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("source", "key", name="uq_crawl_failure_source_key"),
    )
    op.create_index("ix_crawl_failure_source", "crawl_failure", ["source"])


def downgrade() -> None:
    op.drop_index("ix_crawl_failure_source", table_name="crawl_failure")
    op.drop_table("crawl_failure")
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_column("last_attempt_at")
    with op.batch_alter_table("job_run") as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
    with op.batch_alter_table("notice") as batch_op:
        batch_op.alter_column("version", existing_type=sa.String(64), type_=sa.String(16), existing_nullable=True)
