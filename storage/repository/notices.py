"""Notices, their lots and clause findings."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, insert, or_, update
from sqlmodel import Session, SQLModel, col, select

from storage.models import ClauseFinding, Lot, Match, Notice
from storage.records import NoticeRecord
from storage.types import utcnow

logger = logging.getLogger(__name__)


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


def record_hash(record: NoticeRecord) -> str:
    """Return the SHA-256 of a record's canonical JSON, for when no raw-document hash is at hand."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _version_key(version: str | None) -> tuple[int, str]:
    if version is None:
        return (-1, "")
    return (int(version), "") if version.isdigit() else (0, version)


def _notice_columns(record: NoticeRecord) -> dict[str, Any]:
    value = record.estimated_value
    return {
        "format": record.format,
        "publication_number": record.publication_number,
        "procedure_id": record.procedure_id,
        "version": record.version,
        "notice_type": record.notice_type,
        "language": record.language,
        "title": record.title,
        "buyer_name": record.buyer.name,
        "buyer_country": record.buyer.country,
        "cpv_main": record.cpv_main,
        "publication_date": record.publication_date,
        "deadline": record.deadline,
        "estimated_amount": value.amount if value else None,
        "currency": value.currency if value else None,
        "url": record.url,
        "record": record.model_dump(mode="json"),
    }


def _lots(record: NoticeRecord, notice_pk: int) -> list[dict[str, Any]]:
    # Plain rows for one executemany: a notice can have hundreds of lots, and ORM objects cost ~10x more.
    return [
        {
            "notice_pk": notice_pk,
            "lot_id": lot.lot_id,
            "title": lot.title,
            "cpv_main": lot.cpv_main,
            "estimated_amount": lot.estimated_value.amount if lot.estimated_value else None,
            "currency": lot.estimated_value.currency if lot.estimated_value else None,
            "deadline": lot.deadline,
            "nuts": list(lot.nuts),
            "reserved_participation": list(lot.reserved_participation),
            "reserved_execution": lot.reserved_execution,
            "strategic_procurement": list(lot.strategic_procurement),
            "social_objective": list(lot.social_objective),
        }
        for lot in record.lots
    ]


def _insert_lots(session: Session, record: NoticeRecord, notice_pk: int) -> None:
    rows = _lots(record, notice_pk)
    if rows:
        session.execute(insert(Lot), rows)


def get_notice(*, session: Session, source: str, notice_id: str) -> Notice | None:
    """Return the stored notice with this identity, or ``None``."""
    statement = select(Notice).where(Notice.source == source, Notice.notice_id == notice_id)
    return session.exec(statement).first()


def _link_procedure(session: Session, notice: Notice) -> None:
    """Mark every notice of the procedure but the newest as superseded by the newest.

    Only eForms procedure identifiers (BT-04, a UUID) are trusted to be unique; TED XML reference numbers are the
    buyer's own and collide across buyers.
    """
    if notice.format != "eforms" or not notice.procedure_id:
        return
    columns = (Notice.id, Notice.publication_date, Notice.version, Notice.superseded_by)
    siblings = session.execute(
        select(*columns).where(Notice.source == notice.source, Notice.procedure_id == notice.procedure_id)
    ).all()
    if len(siblings) < 2 and notice.superseded_by is None:
        return
    newest = max(siblings, key=lambda n: (n.publication_date or date.min, _version_key(n.version), n.id or 0))
    for sibling in siblings:
        wanted = None if sibling.id == newest.id else newest.id
        if sibling.superseded_by != wanted:
            session.execute(update(Notice).where(col(Notice.id) == sibling.id).values(superseded_by=wanted))
    session.expire_all()


def upsert_notice(*, session: Session, record: NoticeRecord, content_hash: str | None = None) -> Outcome:
    """Store a notice record keyed by ``(source, notice_id)``.

    ``content_hash`` is the hash of the raw document when the caller has it; an unchanged hash is a no-op. A new
    version replaces the stored content and lots, and drops clause findings made from the old text so that they
    are analysed again.
    """
    digest = content_hash or record_hash(record)
    existing = get_notice(session=session, source=record.source, notice_id=record.notice_id)
    if existing is None:
        notice = Notice(
            source=record.source, notice_id=record.notice_id, content_hash=digest, **_notice_columns(record)
        )
        session.add(notice)
        session.flush()
        assert notice.id is not None
        _insert_lots(session, record, notice.id)
        _link_procedure(session, notice)
        return Outcome.NEW
    if existing.content_hash == digest:
        return Outcome.UNCHANGED
    if _version_key(record.version) < _version_key(existing.version):
        logger.info(
            "Kept version %s of %s/%s over older %s", existing.version, record.source, record.notice_id, record.version
        )
        return Outcome.STALE
    for name, value in _notice_columns(record).items():
        setattr(existing, name, value)
    existing.content_hash = digest
    existing.clauses_version = None
    existing.updated_at = utcnow()
    assert existing.id is not None
    session.exec(delete(Lot).where(col(Lot.notice_pk) == existing.id))  # type: ignore[call-overload]
    session.exec(delete(ClauseFinding).where(col(ClauseFinding.notice_pk) == existing.id))  # type: ignore[call-overload]
    session.add(existing)
    session.flush()
    _insert_lots(session, record, existing.id)
    _link_procedure(session, existing)
    return Outcome.UPDATED


def list_notices(
    *, session: Session, since: date | None = None, limit: int | None = None, current_only: bool = False
) -> Sequence[Notice]:
    """Return stored notices, newest publication first; ``current_only`` leaves out superseded ones."""
    statement = select(Notice)
    if current_only:
        statement = statement.where(col(Notice.superseded_by).is_(None))
    if since is not None:
        statement = statement.where(col(Notice.publication_date) >= since)
    statement = statement.order_by(col(Notice.publication_date).desc(), col(Notice.id).desc())
    if limit is not None:
        statement = statement.limit(limit)
    return session.exec(statement).all()


def notices_to_analyse(*, session: Session, version: str, limit: int, after_id: int = 0) -> Sequence[Notice]:
    """Return notices never analysed, or analysed by another detector version, in id order after ``after_id``."""
    statement = (
        select(Notice)
        .where(or_(col(Notice.clauses_version).is_(None), col(Notice.clauses_version) != version))
        .where(col(Notice.id) > after_id)
        .order_by(col(Notice.id))
        .limit(limit)
    )
    return session.exec(statement).all()


def count_to_analyse(*, session: Session, version: str) -> int:
    """Return how many notices ``notices_to_analyse`` would go through."""
    statement = (
        select(func.count())
        .select_from(Notice)
        .where(or_(col(Notice.clauses_version).is_(None), col(Notice.clauses_version) != version))
    )
    return int(session.exec(statement).one())


def replace_findings(*, session: Session, notice: Notice, findings: Sequence[dict[str, Any]], version: str) -> None:
    """Replace a notice's clause findings with ``findings`` (dicts in the finding shape) made by ``version``."""
    assert notice.id is not None
    session.exec(delete(ClauseFinding).where(col(ClauseFinding.notice_pk) == notice.id))  # type: ignore[call-overload]
    session.add_all(
        ClauseFinding(
            notice_pk=notice.id,
            lot_id=finding.get("lot_id"),
            label=finding["label"],
            evidence=finding["evidence"],
            start_char=finding.get("start"),
            end_char=finding.get("end"),
            field=finding.get("field") or "text",
            origin=finding.get("origin") or "text",
            negated=bool(finding.get("negated")),
            detector_version=version,
        )
        for finding in findings
    )
    notice.clauses_version = version
    session.add(notice)
    session.flush()


def findings_of(*, session: Session, notice_pk: int, include_negated: bool = False) -> Sequence[ClauseFinding]:
    """Return a notice's stored clause findings."""
    statement = select(ClauseFinding).where(ClauseFinding.notice_pk == notice_pk)
    if not include_negated:
        statement = statement.where(col(ClauseFinding.negated).is_(False))
    return session.exec(statement.order_by(col(ClauseFinding.id))).all()


def lots_of(*, session: Session, notice_pk: int) -> Sequence[Lot]:
    """Return a stored notice's lots in lot-id order."""
    return session.exec(select(Lot).where(Lot.notice_pk == notice_pk).order_by(col(Lot.lot_id))).all()


def to_record(notice: Notice) -> NoticeRecord:
    """Return the notice record a stored notice was made from."""
    return NoticeRecord.model_validate(notice.record)


def upsert_match(
    *,
    session: Session,
    company_id: str,
    notice_pk: int,
    lot_id: str | None,
    kind: str,
    score: float,
    parts: dict[str, float],
    reasons: Sequence[str],
    to_arrange: Sequence[str] = (),
) -> Outcome:
    """Store a match keyed by company, notice and lot (``None``: the whole notice); a re-run updates it."""
    key = lot_id or ""
    existing = session.exec(
        select(Match).where(Match.company_id == company_id, Match.notice_pk == notice_pk, Match.lot_id == key)
    ).first()
    values = {"kind": kind, "score": float(score), "parts": dict(parts), "reasons": list(reasons),
              "to_arrange": list(to_arrange)}  # fmt: skip
    if existing is None:
        session.add(Match(company_id=company_id, notice_pk=notice_pk, lot_id=key, **values))
        session.flush()
        return Outcome.NEW
    return update_if_changed(session, existing, values, stamp="computed_at")


def prune_matches(*, session: Session, company_id: str, keep: set[tuple[int, str]]) -> int:
    """Delete a company's matches whose (notice, lot) is not in ``keep``; return how many went."""
    rows = session.exec(select(Match).where(Match.company_id == company_id)).all()
    gone = [row for row in rows if (row.notice_pk, row.lot_id) not in keep]
    for row in gone:
        session.delete(row)
    session.flush()
    return len(gone)


def matches_of(*, session: Session, company_id: str | None = None) -> Sequence[tuple[Match, Notice]]:
    """Return stored matches with their notices, best first."""
    statement = select(Match, Notice).where(col(Match.notice_pk) == col(Notice.id))
    if company_id is not None:
        statement = statement.where(Match.company_id == company_id)
    return session.exec(statement.order_by(col(Match.company_id), col(Match.score).desc())).all()
