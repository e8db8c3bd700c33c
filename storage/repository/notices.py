"""Notices, their lots and clause findings."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select

from storage.exceptions import StorageError
from storage.models import Notice
from storage.records import NoticeRecord
from storage.repository.batching import batches
from storage.types import utcnow

logger = logging.getLogger(__name__)
# eForms notice types (codelist notice-type) that report what happened, not an opportunity to bid: awards,
# modifications, completions, voluntary ex-ante transparency and European company notices.
RESULT_TYPES = frozenset({"can-standard", "can-social", "can-desg", "can-tran", "can-modif", "compl", "veat",
                          "brin-ecs", "brin-eeig"})  # fmt: skip
# Notices that correct another notice rather than open a tender: a TED XML corrigendum (F14) or a TenderNed
# rectification. They carry the title and codes of the tender they correct: counted or offered beside it, one tender
# would count or be offered twice. (An eForms change notice, whatever its type, is a new version of the notice it
# changes: ``superseded_by`` links them.)
CORRECTION_TYPES = frozenset({"corr"})
# Results that are no tender even looking back: a contract's modification or completion, and the registration of
# a European company or grouping. (An award or a voluntary ex-ante notice still shows what was bought and how.)
NOT_A_TENDER_TYPES = frozenset({"can-modif", "compl", "brin-ecs", "brin-eeig"})


def not_a_stored_correction() -> Any:
    """Return a condition on notices: not a correction of a notice that is stored.

    A corrigendum names the notice it corrects (``refers_to``); a TenderNed rectification keeps its tender's TenderNed
    number (``procedure_id``). A correction whose notice is not stored (published before the crawled period, or
    unreadable) is the only record of its tender, so it stands for it. What it changes (a later deadline) is not
    applied to the notice it corrects.
    """
    corrected = aliased(Notice)
    stored = select(corrected.id).where(
        col(corrected.source) == col(Notice.source),
        col(corrected.id) != col(Notice.id),
        or_(col(corrected.notice_type).is_(None), col(corrected.notice_type).not_in(CORRECTION_TYPES)),
    )
    # Two EXISTS rather than one with an OR inside: each can use its column's index.
    by_number = stored.where(col(corrected.publication_number) == col(Notice.refers_to)).exists()
    by_tender = stored.where(col(Notice.format) == "tenderned",
                             col(corrected.procedure_id) == col(Notice.procedure_id)).exists()  # fmt: skip
    return or_(col(Notice.notice_type).is_(None), col(Notice.notice_type).not_in(CORRECTION_TYPES),
               ~or_(by_number, by_tender))  # fmt: skip


def not_a_stored_copy() -> Any:
    """Return a condition on notices: not a TenderNed publication of a tender whose TED notice is stored.

    TenderNed sends a Dutch tender above the EU thresholds on to TED, and the TED notice links to its TenderNed page
    (``tenderned_id``): crawled from both, one tender would be two entries and count twice. The TED notice stands
    for that publication (it has the lots, codes and regions in full), and for the rectifications with the same
    TenderNed number. Another publication of the tender (the call after a prior information notice on TED) stays
    until TED publishes it too, and a tender on TenderNed alone, below the EU thresholds, stays as it is.
    """
    ted, linked = aliased(Notice), aliased(Notice)
    on_ted = select(ted.id).where(col(ted.format) != "tenderned", col(ted.tenderned_id) == col(Notice.notice_id))
    same_tender = select(linked.id).where(
        col(Notice.notice_type).in_(CORRECTION_TYPES),
        col(linked.format) == "tenderned",
        col(linked.procedure_id) == col(Notice.procedure_id),
        select(ted.id).where(col(ted.format) != "tenderned", col(ted.tenderned_id) == col(linked.notice_id)).exists(),
    )
    return or_(col(Notice.format) != "tenderned", ~or_(on_ted.exists(), same_tender.exists()))


def not_a_result() -> Any:
    """Return a condition on notices: neither a result nor a correction of a stored notice (an award, modification
    or completion notice reports on a tender that another notice opened, a corrigendum corrects one; counted too,
    one tender would count twice)."""
    return and_(_not_reporting(), not_a_stored_correction(), not_a_stored_copy())


def _not_reporting() -> Any:
    return or_(col(Notice.notice_type).is_(None), col(Notice.notice_type).not_in(RESULT_TYPES))


def tender_of_record() -> Any:
    """Return a condition on notices: the notice that stands for its tender when tenders are counted.

    That is the current notice, unless it is a result: once a procedure's award (or modification) is the newest
    notice, every earlier notice is superseded by it, and the newest notice that opened the tender stands for it,
    so that an awarded tender still counts once and with what it asked of bidders. An OCDS notice is every release
    of its contracting process in one (its tender section is what was announced): awarded, it still stands for a
    tender it announced as a call (one with a deadline).
    """
    newest, other = aliased(Notice), aliased(Notice)
    # Newer as the procedure linking orders notices: by publication date (undated last), then version, then id.
    same_date = or_(
        col(other.publication_date) == col(Notice.publication_date),
        and_(col(other.publication_date).is_(None), col(Notice.publication_date).is_(None)),
    )
    mine, theirs = func.coalesce(col(Notice.version), ""), func.coalesce(col(other.version), "")
    newer = or_(
        col(other.publication_date) > col(Notice.publication_date),
        and_(col(other.publication_date).is_not(None), col(Notice.publication_date).is_(None)),
        and_(same_date, func.length(theirs) > func.length(mine)),  # "10" after "9"; eForms pads versions alike
        and_(same_date, func.length(theirs) == func.length(mine), theirs > mine),
        and_(same_date, theirs == mine, col(other.id) > col(Notice.id)),
    )  # fmt: skip
    opened_since = (
        select(other.id)
        .where(
            col(other.superseded_by) == col(Notice.superseded_by),
            or_(col(other.notice_type).is_(None), col(other.notice_type).not_in(RESULT_TYPES)),
            newer,
        )
        .exists()
    )
    superseded_by_result = (
        select(newest.id)
        .where(col(newest.id) == col(Notice.superseded_by), col(newest.notice_type).in_(RESULT_TYPES))
        .exists()
    )
    # (An OCDS process announced as a call, with a deadline: not a direct award nor a contract without a tender.)
    compiled = and_(col(Notice.format) == "ocds", col(Notice.superseded_by).is_(None),
                    col(Notice.deadline).is_not(None))  # fmt: skip
    opened = and_(not_a_result(), or_(col(Notice.superseded_by).is_(None), and_(superseded_by_result, ~opened_since)))
    return or_(opened, compiled)


def opportunity_conditions(*, as_of: datetime, undated_days: int, include_closed: bool = False) -> list[Any]:
    """Return the WHERE conditions of the notices that are an opportunity on ``as_of``: the current version of a notice
    published by then, not a correction of a stored notice nor a TenderNed copy of a stored TED notice, and, unless
    ``include_closed`` (looking back: then any notice of a tender, awards too, but no modification or completion of a
    contract), a call that is still open. A notice without a deadline counts as open for
    ``undated_days`` after its publication (or when that is unknown): a prior information notice of two years ago is no
    opportunity now. Match runs and digests share this one rule."""
    published = or_(col(Notice.publication_date).is_(None), col(Notice.publication_date) <= as_of.date())
    conditions = [col(Notice.superseded_by).is_(None), published, not_a_stored_correction(), not_a_stored_copy()]
    if not include_closed:
        recent = (as_of - timedelta(days=undated_days)).date()
        undated = and_(col(Notice.closes_at).is_(None), or_(col(Notice.publication_date).is_(None),
                                                             col(Notice.publication_date) >= recent))  # fmt: skip
        # Open until its last lot closes: the notice's own deadline is its earliest lot's.
        conditions += [_not_reporting(), or_(undated, col(Notice.closes_at) >= as_of)]
    else:
        # Unless it stands for its procedure: a modification that superseded the call and the award is the current
        # notice of the tender, and leaving it out would leave the tender out.
        earlier = aliased(Notice)
        stands_for = select(earlier.id).where(col(earlier.superseded_by) == col(Notice.id)).exists()
        conditions.append(or_(col(Notice.notice_type).is_(None), col(Notice.notice_type).not_in(NOT_A_TENDER_TYPES),
                              stands_for))  # fmt: skip
    return conditions


class Outcome(StrEnum):
    """What an upsert did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    # An older version arriving after a newer one (a re-crawl of an old page): kept out.
    STALE = "stale"


def update_if_changed(session: Session, row: SQLModel, values: dict[str, Any], *, stamp: str) -> Outcome:
    """Give ``row`` the new ``values`` and a fresh ``stamp`` time when any differs; else leave it as it is."""
    if all(getattr(row, name) == value for name, value in values.items()):
        return Outcome.UNCHANGED
    for name, value in values.items():
        setattr(row, name, value)
    setattr(row, stamp, utcnow())
    session.add(row)
    session.flush()
    return Outcome.UPDATED


def version_key(version: str | None) -> tuple[int, str]:
    if version is None:
        return (-1, "")
    return (int(version), "") if version.isdigit() else (0, version)


def get_notice(*, session: Session, source: str, notice_id: str) -> Notice | None:
    """Return the stored notice with this identity, or ``None``."""
    statement = select(Notice).where(Notice.source == source, Notice.notice_id == notice_id)
    return session.exec(statement).first()


def upsert_notice(*, session: Session, record: NoticeRecord, content_hash: str | None = None) -> Outcome:
    """Store one notice record keyed by ``(source, notice_id)`` (see ``store_notices``, which does the work).

    ``content_hash`` is the hash of the raw document when the caller has it; an unchanged hash is a no-op. A new
    version replaces the stored content and drops clause findings made from the old text so that they are analysed
    again. Raises ``StorageError`` when the notice cannot be stored.
    """
    from storage.repository.ingest import store_notices

    (stored,) = store_notices(session=session, items=[(record, content_hash)])
    if stored.outcome is None:
        raise StorageError(f"{record.source}/{record.notice_id} not stored: {stored.error}")
    return stored.outcome


CHUNK = 500  # notices read at once when a command walks them


def iter_notices(*, session: Session, since: date | None = None, limit: int | None = None,
                 current_only: bool = False) -> Iterator[Notice]:  # fmt: skip
    """Yield stored notices, newest publication first, ``CHUNK`` records at a time.

    The order is taken from the ids alone; the records (the large part) are read a chunk at a time and let go of
    once yielded, so listing a corpus of 100,000 notices never holds them all.
    """
    statement = select(Notice.id)
    if current_only:
        statement = statement.where(col(Notice.superseded_by).is_(None))
    if since is not None:
        statement = statement.where(col(Notice.publication_date) >= since)
    statement = statement.order_by(col(Notice.publication_date).desc(), col(Notice.id).desc())
    if limit is not None:
        statement = statement.limit(limit)
    ids = list(session.exec(statement))
    # CHUNK read at call time, not bound as a default: the chunking test sets it.
    for part in batches(ids, CHUNK):
        found = {n.id: n for n in session.exec(select(Notice).where(col(Notice.id).in_(part)).limit(len(part)))}
        for pk in part:
            notice = found[pk]
            yield notice
            session.expunge(notice)


def list_notices(
    *, session: Session, since: date | None = None, limit: int | None = None, current_only: bool = False
) -> Sequence[Notice]:
    """Return stored notices, newest publication first; ``current_only`` leaves out superseded ones."""
    return list(iter_notices(session=session, since=since, limit=limit, current_only=current_only))


def to_record(notice: Notice) -> NoticeRecord:
    """Return the notice record a stored notice was made from."""
    return NoticeRecord.model_validate(notice.record)
