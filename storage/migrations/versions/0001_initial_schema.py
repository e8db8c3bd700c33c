"""Initial schema: notices, lots, companies, clause findings, matches, deliveries, job runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 09:25:17.784969
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cpv", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("max_contract_value", sa.Float(), nullable=True),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("preparation_days", sa.Integer(), nullable=False),
        sa.Column("partner", sa.Boolean(), nullable=False),
        sa.Column("min_score", sa.Float(), nullable=False),
        sa.Column("max_items", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("watermark", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_run_name"), ["name"], unique=False)

    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("notice_id", sa.String(length=128), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("publication_number", sa.String(length=32), nullable=True),
        sa.Column("procedure_id", sa.String(length=128), nullable=True),
        sa.Column("version", sa.String(length=16), nullable=True),
        sa.Column("notice_type", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("buyer_name", sa.Text(), nullable=True),
        sa.Column("buyer_country", sa.String(length=8), nullable=True),
        sa.Column("cpv_main", sa.String(length=8), nullable=True),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("estimated_amount", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "notice_id", name="uq_notice_source_notice_id"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_cpv_main"), ["cpv_main"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_procedure_id"), ["procedure_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_publication_date"), ["publication_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_publication_number"), ["publication_number"], unique=False)

    op.create_table(
        "clause_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_pk", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=48), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=True),
        sa.Column("end_char", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("detector_version", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_pk"], ["notice.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("clause_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clause_finding_label"), ["label"], unique=False)
        batch_op.create_index(batch_op.f("ix_clause_finding_notice_pk"), ["notice_pk"], unique=False)

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=100), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "iso_week", name="uq_delivery_company_week"),
    )
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
    op.create_table(
        "match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.String(length=100), nullable=False),
        sa.Column("notice_pk", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["notice_pk"], ["notice.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "notice_pk", "lot_id", name="uq_match_company_notice_lot"),
    )
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_company_id"), ["company_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_company_id"))

    op.drop_table("match")
    op.drop_table("lot")
    op.drop_table("delivery")
    with op.batch_alter_table("clause_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clause_finding_notice_pk"))
        batch_op.drop_index(batch_op.f("ix_clause_finding_label"))

    op.drop_table("clause_finding")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_publication_number"))
        batch_op.drop_index(batch_op.f("ix_notice_publication_date"))
        batch_op.drop_index(batch_op.f("ix_notice_procedure_id"))
        batch_op.drop_index(batch_op.f("ix_notice_deadline"))
        batch_op.drop_index(batch_op.f("ix_notice_cpv_main"))

    op.drop_table("notice")
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_run_name"))

    op.drop_table("job_run")
    op.drop_table("company")
