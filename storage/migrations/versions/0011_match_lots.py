"""One match per company and notice (match.lots names the lots that fit, replacing match.lot_id); the CPV branches
inferred from a company's description (company.cpv_inferred); the parts of a match a company gave feedback on
(feedback.parts), which the learned part weights are fitted on.

Stored matches are derived data: they are deleted here and the next ``kansenradar match`` computes them again (a
new CPV model makes that run a full one).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM match")
    with op.batch_alter_table("match") as batch_op:
        batch_op.drop_constraint("uq_match_company_notice_lot", type_="unique")
        batch_op.drop_column("lot_id")
        batch_op.add_column(sa.Column("lots", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.create_unique_constraint("uq_match_company_notice", ["company_id", "notice_pk"])
    with op.batch_alter_table("company") as batch_op:
        batch_op.add_column(sa.Column("cpv_inferred", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("feedback") as batch_op:
        batch_op.add_column(sa.Column("parts", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM match")
    with op.batch_alter_table("feedback") as batch_op:
        batch_op.drop_column("parts")
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("cpv_inferred")
    with op.batch_alter_table("match") as batch_op:
        batch_op.drop_constraint("uq_match_company_notice", type_="unique")
        batch_op.drop_column("lots")
        batch_op.add_column(sa.Column("lot_id", sa.String(64), nullable=False, server_default=""))
        batch_op.create_unique_constraint("uq_match_company_notice_lot", ["company_id", "notice_pk", "lot_id"])
