"""Digest deliveries and job runs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Delivery, JobRun
from storage.types import utcnow

logger = logging.getLogger(__name__)


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


# Job runs


def start_job_run(*, session: Session, name: str) -> JobRun:
    """Record that a job step started."""
    run = JobRun(name=name)
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


def last_successful_run(*, session: Session, name: str) -> JobRun | None:
    """Return the newest finished run of ``name`` that succeeded, for incremental work."""
    statement = (
        select(JobRun)
        .where(JobRun.name == name, JobRun.status == "success")
        .order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())
    )
    return session.exec(statement).first()


def job_runs(
    *, session: Session, limit: int = 20, since: datetime | None = None, name: str | None = None
) -> Sequence[JobRun]:
    """Return recent job runs, newest first, optionally only those of one job."""
    statement = select(JobRun)
    if name is not None:
        statement = statement.where(JobRun.name == name)
    if since is not None:
        statement = statement.where(col(JobRun.started_at) >= since)
    return session.exec(statement.order_by(col(JobRun.id).desc()).limit(limit)).all()
