"""The crawl retry queue: notice documents that could not be fetched or parsed, retried by later crawls."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage.models import CrawlFailure
from storage.repository.batching import batches
from storage.types import utcnow

logger = logging.getLogger(__name__)

PENDING, GAVE_UP = "pending", "gave_up"


@dataclass(frozen=True)
class FailedDocument:
    """A document a crawl could not fetch or parse, as the spider reports it."""

    key: str
    document: str
    error: str
    publication_date: date | None = None


def record_failures(
    *, session: Session, source: str, failures: Sequence[FailedDocument], limit: int, backoff: timedelta,
    now: datetime | None = None,
) -> list[CrawlFailure]:  # fmt: skip
    """Queue (or count another attempt of) each failed document; return those that reached ``limit`` attempts.

    The wait before the next attempt doubles with each attempt, starting at ``backoff``. An entry that has been
    tried ``limit`` times is marked ``gave_up``: it is reported, never dropped silently.
    """
    now = now or utcnow()
    gave_up = []
    # One attempt per document and crawl, however often the crawl met it.
    unique = {failure.key: failure for failure in failures}
    keys = list(unique)
    # The queued entries read in batches, not one SELECT each: an outage fails thousands at once.
    queued: dict[str, CrawlFailure] = {}
    for batch in batches(keys):
        chosen = select(CrawlFailure).where(CrawlFailure.source == source, col(CrawlFailure.key).in_(batch))
        queued.update((entry.key, entry) for entry in session.exec(chosen))
    for key, failure in unique.items():
        entry = queued.get(key)
        if entry is None:
            entry = CrawlFailure(source=source, key=failure.key, document=failure.document,
                                 publication_date=failure.publication_date, last_error=failure.error,
                                 first_failed_at=now)  # fmt: skip
        entry.attempts += 1
        entry.last_error = failure.error[:2000]
        entry.last_attempt_at = now
        entry.publication_date = entry.publication_date or failure.publication_date
        entry.next_attempt_at = now + backoff * 2 ** (entry.attempts - 1)
        if entry.attempts >= limit and entry.status != GAVE_UP:
            entry.status = GAVE_UP
            gave_up.append(entry)
        session.add(entry)
    session.flush()
    return gave_up


def resolve_failures(*, session: Session, source: str, keys: Sequence[str]) -> int:
    """Remove queued documents that were fetched and parsed after all; return how many went."""
    removed = 0
    for batch in batches(keys):  # a crawl may resolve tens of thousands
        statement = delete(CrawlFailure).where(col(CrawlFailure.source) == source, col(CrawlFailure.key).in_(batch))
        removed += int(session.exec(statement).rowcount or 0)  # type: ignore[call-overload]
    return removed


def due_failures(*, session: Session, source: str, now: datetime | None = None) -> Sequence[CrawlFailure]:
    """Return the pending documents of a source whose back-off has passed, oldest first."""
    statement = (
        select(CrawlFailure)
        .where(CrawlFailure.source == source, CrawlFailure.status == PENDING)
        .where(col(CrawlFailure.next_attempt_at) <= (now or utcnow()))
        .order_by(col(CrawlFailure.first_failed_at), col(CrawlFailure.id))
    )
    return session.exec(statement).all()


def earliest_pending_date(*, session: Session, source: str) -> tuple[bool, date | None]:
    """Return whether a source has pending documents, and the earliest publication date among them."""
    row = session.exec(
        select(func.count(), func.min(CrawlFailure.publication_date)).where(
            CrawlFailure.source == source, CrawlFailure.status == PENDING
        )
    ).one()
    return bool(row[0]), row[1]


def list_failures(*, session: Session, source: str | None = None) -> Sequence[CrawlFailure]:
    """Return queued and given-up documents, given-up first, then by source and age."""
    statement = select(CrawlFailure)
    if source is not None:
        statement = statement.where(CrawlFailure.source == source)
    order = (col(CrawlFailure.status) != GAVE_UP, col(CrawlFailure.source), col(CrawlFailure.first_failed_at))
    return session.exec(statement.order_by(*order)).all()
