"""Notice.closes_at: when the last lot of a notice closes. A notice whose lots close on different days is open until
the last one, though its deadline (the first lot's, what listings show) has passed.

Filled for stored notices from their records here; new ones get it as they are stored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _latest(record: dict | None, deadline: datetime | None) -> datetime | None:
    """Return the latest of the notice's deadline and its lots' (as ``NoticeRecord.closes_at``, from stored JSON)."""
    found = [deadline] if deadline is not None else []
    for lot in (record or {}).get("lots") or []:
        value = lot.get("deadline") if isinstance(lot, dict) else None
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue
            if parsed.tzinfo is not None:
                found.append(parsed)
    return max(found, default=None)


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.add_column(sa.Column("closes_at", UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notice_closes_at"), ["closes_at"], unique=False)
    notice = sa.table("notice", sa.column("id", sa.Integer), sa.column("deadline", UTCDateTime()),
                      sa.column("record", sa.JSON), sa.column("closes_at", UTCDateTime()))  # fmt: skip
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(notice.c.id, notice.c.deadline, notice.c.record)
                            .where(notice.c.id > last).order_by(notice.c.id).limit(BATCH)).all()  # fmt: skip
        if not rows:
            break
        values = [{"pk": pk, "closes": _latest(record, deadline)} for pk, deadline, record in rows]
        values = [v for v in values if v["closes"] is not None]
        if values:
            bind.execute(notice.update().where(notice.c.id == sa.bindparam("pk"))
                         .values(closes_at=sa.bindparam("closes")), values)  # fmt: skip
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("notice") as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_closes_at"))
        batch_op.drop_column("closes_at")
