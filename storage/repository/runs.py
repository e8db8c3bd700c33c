"""Digest deliveries and job runs."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Delivery, JobRun
from storage.types import utcnow

logger = logging.getLogger(__name__)

RUN_STATUSES = ("running", "success", "failed", "skipped", "abandoned")


def get_delivery(*, session: Session, company_id: str, iso_week: str) -> Delivery | None:
    """Return the digest delivery of a company for an ISO week (``2026-W48``), or ``None``."""
    statement = select(Delivery).where(Delivery.company_id == company_id, Delivery.iso_week == iso_week)
    return session.exec(statement).first()


def add_delivery(*, session: Session, company_id: str, iso_week: str) -> Delivery:
    """Record a pending delivery; the database refuses a second one for the same company and week."""
    delivery = Delivery(company_id=company_id, iso_week=iso_week)
    session.add(delivery)
    session.flush()
    return delivery


def claim_delivery(*, session: Session, company_id: str, iso_week: str, message_id: str) -> Delivery | None:
    """Mark a company's delivery for a week as ``sending`` (creating it if needed) and count the attempt.

    The caller commits this before handing the message to SMTP: a crash after the hand-over then leaves a
    ``sending`` row, never a second mail. Returns ``None`` when another process created the row first.
    """
    delivery = get_delivery(session=session, company_id=company_id, iso_week=iso_week)
    if delivery is None:
        try:
            with session.begin_nested():
                delivery = Delivery(company_id=company_id, iso_week=iso_week, message_id=message_id)
                session.add(delivery)
        except IntegrityError:
            return None
    delivery.status = "sending"
    delivery.message_id = delivery.message_id or message_id
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    session.add(delivery)
    session.flush()
    return delivery


def finish_delivery(*, session: Session, delivery_id: int, status: str, error: str | None = None) -> Delivery:
    """Record how a delivery attempt ended (``sent``, ``outbox`` or ``pending`` with the error)."""
    delivery = session.get(Delivery, delivery_id)
    assert delivery is not None
    delivery.status = status
    delivery.error = error
    if status == "sent":
        delivery.sent_at = utcnow()
    session.add(delivery)
    session.flush()
    return delivery


def deliveries(
    *, session: Session, statuses: Sequence[str] | None = None, company_id: str | None = None,
    created_before: datetime | None = None, created_since: datetime | None = None,
) -> Sequence[Delivery]:  # fmt: skip
    """Return deliveries, oldest first, filtered by status, company and creation time."""
    statement = select(Delivery)
    if statuses is not None:
        statement = statement.where(col(Delivery.status).in_(statuses))
    if company_id is not None:
        statement = statement.where(Delivery.company_id == company_id)
    if created_before is not None:
        statement = statement.where(col(Delivery.created_at) < created_before)
    if created_since is not None:
        statement = statement.where(col(Delivery.created_at) >= created_since)
    return session.exec(statement.order_by(col(Delivery.created_at), col(Delivery.id))).all()


# Job runs


def start_job_run(*, session: Session, name: str, started_at: datetime | None = None) -> JobRun:
    """Record that a job step started here (this host and process), now or at ``started_at`` (a step recorded
    when it is done: its run must still say how long it took)."""
    run = JobRun(name=name, host=socket.gethostname(), pid=os.getpid())
    if started_at is not None:
        run.started_at = started_at
    session.add(run)
    session.flush()
    return run


def finish_job_run(
    *,
    session: Session,
    run: JobRun,
    status: str,
    counts: dict[str, int] | None = None,
    watermark: str | None = None,
    error: str | None = None,
) -> JobRun:
    """Record how a job step ended."""
    run.status = status
    run.finished_at = utcnow()
    run.counts = dict(counts or {})
    run.watermark = watermark
    run.error = error
    session.add(run)
    session.flush()
    return run


def last_successful_run(*, session: Session, name: str, watermark: str | None = None,
                        watermarked: bool = False) -> JobRun | None:  # fmt: skip
    """Return the newest finished run of ``name`` that succeeded (with that watermark, if given; with any
    watermark, if ``watermarked``: a partial crawl records none)."""
    statement = select(JobRun).where(JobRun.name == name, JobRun.status == "success")
    if watermark is not None:
        statement = statement.where(JobRun.watermark == watermark)
    if watermarked:
        statement = statement.where(col(JobRun.watermark).is_not(None))
    statement = statement.order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())
    return session.exec(statement).first()


def job_runs(
    *, session: Session, limit: int = 20, since: datetime | None = None, name: str | None = None,
    statuses: Sequence[str] | None = None,
) -> Sequence[JobRun]:  # fmt: skip
    """Return recent job runs, newest first, optionally only those of one job or some statuses."""
    statement = select(JobRun)
    if name is not None:
        statement = statement.where(JobRun.name == name)
    if since is not None:
        statement = statement.where(col(JobRun.started_at) >= since)
    if statuses is not None:
        statement = statement.where(col(JobRun.status).in_(statuses))
    return session.exec(statement.order_by(col(JobRun.id).desc()).limit(limit)).all()
