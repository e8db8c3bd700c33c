"""Matches: written and pruned in bulk, read per company with their notices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, null, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.deadlines import next_deadline
from storage.models import Match, Notice
from storage.repository.batching import batches
from storage.repository.notices import opportunity_conditions
from storage.types import utcnow


@dataclass(frozen=True)
class MatchRow:
    """One stored match to write."""

    company_id: str
    notice_pk: int
    lots: list[str]  # the lots that fit, when the notice has several
    kind: str
    score: float
    parts: dict[str, float]
    reasons: list[str]
    to_arrange: list[str]


def match_scores(*, session: Session, company_ids: Iterable[str] | None = None) -> list[tuple[str, int, float]]:
    """Return ``(company_id, notice_pk, score)`` of the stored matches (of some companies)."""
    statement = select(Match.company_id, Match.notice_pk, Match.score)
    if company_ids is not None:
        statement = statement.where(col(Match.company_id).in_(list(company_ids)))
    return [(c, int(n), float(s)) for c, n, s in session.exec(statement)]


def write_matches(*, session: Session, rows: Sequence[MatchRow]) -> None:
    """Insert or update matches keyed by company and notice, in one executemany."""
    if not rows:
        return
    table = Match.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    now = utcnow()
    values = [{"company_id": r.company_id, "notice_pk": r.notice_pk, "lots": r.lots, "kind": r.kind,
               "score": r.score, "parts": r.parts, "reasons": r.reasons, "to_arrange": r.to_arrange,
               "computed_at": now} for r in rows]  # fmt: skip
    statement = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).values(
        {name: bindparam(name) for name in values[0]}
    )
    changing = ("lots", "kind", "score", "parts", "reasons", "to_arrange", "computed_at")
    statement = statement.on_conflict_do_update(
        index_elements=["company_id", "notice_pk"],
        set_={name: statement.excluded[name] for name in changing},
    )
    session.execute(statement, values)


def delete_matches(*, session: Session, keys: Sequence[tuple[str, int]]) -> None:
    """Delete the matches with these ``(company_id, notice_pk)`` keys, in one executemany."""
    if keys:
        statement = text("DELETE FROM match WHERE company_id = :c AND notice_pk = :n")
        session.execute(statement, [{"c": c, "n": n} for c, n in keys])


def delete_company_matches(*, session: Session, company_ids: Sequence[str]) -> None:
    """Delete every stored match of these companies."""
    for batch in batches(company_ids):
        session.exec(delete(Match).where(col(Match.company_id).in_(batch)))  # type: ignore[call-overload]


def delete_matches_of_notices(*, session: Session, notice_pks: Sequence[int]) -> None:
    """Delete every stored match of these notices (changed or superseded ones, about to be scored again)."""
    for batch in batches(notice_pks):
        session.exec(delete(Match).where(col(Match.notice_pk).in_(batch)))  # type: ignore[call-overload]


def delete_superseded_matches(*, session: Session) -> None:
    """Delete matches of notices that a newer notice of their procedure replaced."""
    superseded = select(Notice.id).where(col(Notice.superseded_by).is_not(None))
    session.exec(delete(Match).where(col(Match.notice_pk).in_(superseded)))  # type: ignore[call-overload]


def replaced_notices(*, session: Session) -> list[int]:
    """Return the ids of superseded notices that still have matches."""
    statement = select(Notice.id).where(col(Notice.superseded_by).is_not(None), col(Notice.id).in_(
        select(Match.notice_pk)))  # fmt: skip
    return [int(pk) for pk in session.exec(statement)]


def dated_since(*, as_of: datetime) -> Any:
    """Return a condition on notices: they have a deadline and a stored match computed before ``as_of``.

    Such a match's days to the deadline, and with them its time part and its reasons ("nog 22 dagen"), have moved
    since; an incremental run scores it again as if the notice had changed.
    """
    stored = select(Match.notice_pk).where(col(Match.computed_at) < as_of)
    return and_(col(Notice.deadline).is_not(None), col(Notice.id).in_(stored))


def _no_longer_open(as_of: datetime, undated_days: int) -> Any:
    # NOT IN the opportunities (ids are never NULL), not NOT(conditions): a NULL deadline would make that NULL.
    open_ids = select(Notice.id).where(*opportunity_conditions(as_of=as_of, undated_days=undated_days))
    return col(Match.notice_pk).not_in(open_ids)


def closed_notices(*, session: Session, as_of: datetime, undated_days: int) -> list[int]:
    """Return the ids of notices that still have matches but are no opportunity on ``as_of`` any more (deadline
    passed, undated for too long, an award: ``opportunity_conditions``)."""
    statement = select(Match.notice_pk).where(_no_longer_open(as_of, undated_days)).distinct()
    return [int(pk) for pk in session.exec(statement)]


def delete_closed_matches(*, session: Session, as_of: datetime, undated_days: int) -> None:
    """Delete the matches of notices that are no opportunity on ``as_of`` any more: nobody can bid on them."""
    session.exec(delete(Match).where(_no_longer_open(as_of, undated_days)))  # type: ignore[call-overload]


def matches_of(*, session: Session, company_id: str | None = None,
               conditions: Sequence[Any] = ()) -> Sequence[tuple[Match, Notice]]:  # fmt: skip
    """Return stored matches with their notices, best first; ``conditions`` on the notices (e.g.
    ``opportunity_conditions``) keep only some."""
    statement = select(Match, Notice).where(col(Match.notice_pk) == col(Notice.id), *conditions)
    if company_id is not None:
        statement = statement.where(Match.company_id == company_id)
    return session.exec(statement.order_by(col(Match.company_id), col(Match.score).desc())).all()


def match_listing(*, session: Session, company_ids: Sequence[str] | None = None, open_on: datetime | None = None,
                  undated_days: int | None = None,
                  as_of: datetime | None = None) -> list[dict[str, object]]:  # fmt: skip
    """Return stored matches as listings need them, best first per company; with ``open_on``, only those still an
    opportunity then (``opportunity_conditions`` with ``undated_days``; stored matches stay until the next match run,
    deadlines pass in between). With ``open_on`` or ``as_of``, each has the deadline ahead on that day among its lots
    (the notice records are read for it), else the notice's own."""
    moment = open_on or as_of
    statement = select(Match.company_id, Notice.notice_id, Match.lots, Match.kind, Match.score, Match.parts,
                       Match.reasons, Notice.title, Notice.deadline, Notice.url, Notice.source, Notice.format,
                       Notice.publication_number, Notice.language, Notice.record if moment else null()).where(
        col(Match.notice_pk) == col(Notice.id))  # fmt: skip
    if company_ids is not None:
        statement = statement.where(col(Match.company_id).in_(list(company_ids)))
    if open_on is not None:
        if undated_days is None:
            raise ValueError("open_on needs undated_days: how long a notice without a deadline stays open")
        statement = statement.where(*opportunity_conditions(as_of=open_on, undated_days=undated_days))
    statement = statement.order_by(col(Match.company_id), col(Match.score).desc(), col(Notice.notice_id))
    # "source" completes the notice's identity (with notice_id), as signed feedback links carry it; format,
    # publication number and language say where a person reads the notice (``jobs.tender_view.notice_link``).
    found = []
    for c, n, lots, k, score, parts, r, t, d, u, src, fmt, number, language, record in session.exec(statement):
        if moment is not None:
            # The deadline ahead among the lots that fit: the notice's own (its earliest lot's) may have passed, or be
            # a lot's the company does not fit; a match naming only closed lots waits for the next run to go.
            d = next_deadline(record or {}, lots or [], moment)
            if open_on is not None and d is not None and d < open_on:
                continue
        found.append({"company_id": c, "notice_id": n, "lots": list(lots or []), "kind": k,
                      "score": round(float(score), 4),
                      "parts": {name: round(v, 4) for name, v in (parts or {}).items()},
                      "reasons": list(r or []), "title": t, "deadline": d, "url": u, "source": src, "format": fmt,
                      "publication_number": number, "language": language})  # fmt: skip
    return found
