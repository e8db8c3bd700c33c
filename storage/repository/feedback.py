"""Feedback: a company's word on a tender, the latest per company, notice and lot."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from storage.models import Feedback, Match, Notice
from storage.types import utcnow


class NoticeNotFoundError(LookupError):
    """Raised when no stored notice has the given id (or several sources have it), from ``find_notice``."""


def find_notice(*, session: Session, notice_id: str, source: str | None = None) -> Notice:
    """Return the stored notice a person means by its id (as ``notices --format jsonl`` prints it).

    An id that two sources share needs ``source``. A notice replaced by a newer one of its procedure is still found:
    a word on it counts for the newer one (``feedback_pairs``).
    """
    statement = select(Notice).where(Notice.notice_id == notice_id)
    if source is not None:
        statement = statement.where(Notice.source == source)
    found = list(session.exec(statement))
    if not found:
        raise NoticeNotFoundError(f"no notice with id {notice_id!r}" + (f" from {source}" if source else ""))
    sources = {n.source for n in found}
    if len(sources) > 1:
        raise NoticeNotFoundError(f"notice {notice_id!r} is stored from {', '.join(sorted(sources))}: name the source")
    return found[0]


def set_feedback(*, session: Session, company_id: str, notice_pk: int, lot_id: str | None, relevant: bool,
                 reason: str | None = None, channel: str = "cli") -> Feedback:  # fmt: skip
    """Record a company's word on a notice (or one lot of it); a later word replaces an earlier one.

    The stored match's parts (what the company saw) are kept with it: part weights are learned from them.
    """
    key = lot_id or ""
    row = session.exec(
        select(Feedback).where(
            Feedback.company_id == company_id, Feedback.notice_pk == notice_pk, Feedback.lot_id == key
        )  # fmt: skip
    ).first()
    now = utcnow()
    if row is None:
        row = Feedback(company_id=company_id, notice_pk=notice_pk, lot_id=key, relevant=relevant, created_at=now)
    row.relevant, row.reason, row.channel, row.updated_at = relevant, reason, channel, now
    shown = select(Match.parts).where(Match.company_id == company_id, Match.notice_pk == notice_pk)
    seen = session.exec(shown).first()
    if seen:
        row.parts = dict(seen)
    session.add(row)
    session.flush()
    if not relevant:
        _drop_refused_match(session, company_id, notice_pk)
    return row


def refused_lots(words: Iterable[tuple[str, bool]], lots: Collection[str] = ()) -> set[str]:
    """Return what a company's words on one notice turn down: lot ids, and "" for the whole notice.

    ``words`` are ``(lot_id or "", relevant)``, oldest first; ``lots`` the notice's lot ids. A later word overrules
    an earlier one, and "this lot fits" said after "the notice is not for us" takes that lot back, not the others.

    >>> sorted(refused_lots([("", False), ("LOT-2", True)], ["LOT-1", "LOT-2", "LOT-3"]))
    ['LOT-1', 'LOT-3']
    >>> sorted(refused_lots([("LOT-2", True), ("", False)]))
    ['']
    """
    refused: set[str] = set()
    for lot, relevant in words:
        if not relevant:
            refused.add(lot)
            continue
        if lot and "" in refused:
            refused |= set(lots) - {lot}
        refused -= {lot, ""}
    return refused


def turned_down(refused: Collection[str], lots: Collection[str]) -> bool:
    """Return whether ``refused`` (``refused_lots``) turns a notice down whole: itself, or each of its ``lots``."""
    return "" in refused or (bool(lots) and set(lots) <= set(refused))


def _drop_refused_match(session: Session, company_id: str, notice_pk: int) -> None:
    """Delete the stored match of a tender the company has now turned down as a whole (the notice, or each lot of
    its current version), read as ``match`` reads the words (every version's, the latest per lot): a digest sent
    before the next match run must not offer it again."""
    notice = session.get(Notice, notice_pk)
    if notice is None:
        return
    current = session.get(Notice, notice.superseded_by) if notice.superseded_by is not None else None
    current = current or notice
    lots = {str(lot.get("lot_id")) for lot in (current.record or {}).get("lots") or []}
    versions = select(Notice.id).where(or_(col(Notice.id) == current.id, col(Notice.superseded_by) == current.id))
    words = session.exec(select(Feedback.lot_id, Feedback.relevant)
                         .where(Feedback.company_id == company_id, col(Feedback.notice_pk).in_(versions))
                         .order_by(col(Feedback.updated_at), col(Feedback.id))).all()  # fmt: skip
    refused = refused_lots(words, lots)
    # The stored match's own lots are those that fit: with each turned down, nothing it offers is wanted.
    shown = session.exec(
        select(Match.lots).where(Match.company_id == company_id, col(Match.notice_pk).in_(versions))
    ).all()
    fitting = {str(lot) for found in shown for lot in (found or [])}
    if turned_down(refused, lots) or (fitting and fitting <= refused):
        pks = {notice_pk, current.id}
        session.execute(delete(Match).where(col(Match.company_id) == company_id, col(Match.notice_pk).in_(pks)))


@dataclass(frozen=True)
class FeedbackRow:
    """One company's word on one notice or lot, with the notice as people know it."""

    company_id: str
    notice_pk: int
    notice_id: str
    source: str
    lot_id: str | None
    relevant: bool
    reason: str | None
    channel: str
    updated_at: datetime
    title: str | None


def list_feedback(*, session: Session, company_id: str | None = None) -> list[FeedbackRow]:
    """Return the stored feedback (of one company), newest first."""
    statement = select(Feedback, Notice.notice_id, Notice.source, Notice.title).where(
        col(Feedback.notice_pk) == col(Notice.id))  # fmt: skip
    if company_id is not None:
        statement = statement.where(Feedback.company_id == company_id)
    statement = statement.order_by(col(Feedback.updated_at).desc(), col(Feedback.id).desc())
    return [FeedbackRow(f.company_id, f.notice_pk, notice_id, source, f.lot_id or None, f.relevant, f.reason,
                        f.channel, f.updated_at, title)
            for f, notice_id, source, title in session.exec(statement)]  # fmt: skip


def feedback_pairs(*, session: Session, company_ids: Sequence[str] | None = None) -> list[tuple[str, int, str, bool]]:
    """Return ``(company_id, notice_pk, lot_id, relevant)`` of all feedback (of some companies), oldest word first.

    A word on a notice that a newer one of its procedure has replaced since (an eForms change notice is a notice of
    its own) is given for the newer one: a company judged the tender, not one publication of it.
    """
    current = func.coalesce(col(Notice.superseded_by), col(Feedback.notice_pk))
    statement = (select(Feedback.company_id, current, Feedback.lot_id, Feedback.relevant)
                 .join(Notice, col(Notice.id) == col(Feedback.notice_pk))
                 .order_by(col(Feedback.updated_at), col(Feedback.id)))  # fmt: skip
    if company_ids is not None:
        statement = statement.where(col(Feedback.company_id).in_(list(company_ids)))
    return [(c, int(n), lot, bool(r)) for c, n, lot, r in session.exec(statement)]


def feedback_parts(*, session: Session) -> list[tuple[str, dict[str, float], bool]]:
    """Return ``(company_id, parts, relevant)`` of every feedback row that kept the parts of the match it was about."""
    # In a fixed order: the weights learned from them must come out the same from the same marks.
    statement = (select(Feedback.company_id, Feedback.parts, Feedback.relevant)
                 .where(col(Feedback.parts).is_not(None)).order_by(col(Feedback.id)))  # fmt: skip
    return [(company, dict(parts), bool(relevant)) for company, parts, relevant in session.exec(statement) if parts]


def companies_with_feedback_since(*, session: Session, since: datetime) -> set[str]:
    """Return the companies whose feedback changed after ``since`` (their matches are due for a full look)."""
    statement = select(Feedback.company_id).where(col(Feedback.updated_at) > since).distinct()
    return set(session.exec(statement))
