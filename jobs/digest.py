"""Weekly digests: per company, the week's best tenders with reasons, by SMTP or as .eml files in the outbox.

A company and ISO week get one delivery (the database enforces it). Before a message goes to SMTP its delivery is
claimed (``sending``) in a committed transaction, and marked ``sent`` after: a crash in between leaves a delivery
that is reported as ``uncertain`` and sent again only on request, never twice by accident. A failed send stays
``pending`` and is retried by later runs within a window, then ``expired`` and reported.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.engine import Engine

from jobs.companies import UnknownCompanyError
from jobs.digest_mail import build_message, collect, mail_domain
from jobs.mail_address import address_problem
from jobs.settings import Settings
from storage import repository
from storage.db import session_scope
from storage.models import Company
from storage.types import utcnow

__all__ = ["DigestRun", "UnknownCompanyError", "expire_and_retry", "send_digests"]

logger = logging.getLogger(__name__)
COUNTS = ("sent", "outbox", "already", "no_matches", "no_address", "unsubscribed", "failed", "uncertain", "expired")


@dataclass
class DigestRun:
    """What a digest run did, per outcome."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Return whether anything needs an operator: a failed send, an uncertain or an expired delivery."""
        return bool(self.counts["failed"] or self.counts["uncertain"] or self.counts["expired"])

    def add(self, other: DigestRun) -> None:
        """Add another run's counts and errors to this one."""
        for name, value in other.counts.items():
            self.counts[name] += value
        self.errors += other.errors


def message_id_for(company_id: str, week: str, domain: str) -> str:
    """Return the Message-ID of a company's digest for a week: the same on every attempt, so a resend is
    recognisable as the same message.

    >>> message_id_for("groen-noord", "2026-W49", "kansen.example")
    '<kansenradar.2026-W49.groen-noord@kansen.example>'
    """
    return f"<kansenradar.{week}.{company_id}@{domain}>"


def _send(message: EmailMessage, settings: Settings) -> None:
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: Path, week: str, company_id: str) -> Path:
    folder = outbox / week
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{company_id}.eml"
    partial = path.with_suffix(".eml.part")
    partial.write_bytes(bytes(message))
    partial.replace(path)  # a reader never sees half a message
    return path


def mark_uncertain(*, engine: Engine) -> DigestRun:
    """Report deliveries left in ``sending`` by a process that died mid-send: they may or may not have gone out.

    Call only while holding the run lock, when no other process can be sending. They are marked ``uncertain``
    and sent again only by ``digest --resend-uncertain``.
    """
    run = DigestRun()
    with session_scope(engine) as session:
        for delivery in repository.deliveries(session=session, statuses=("sending",)):
            delivery.status = "uncertain"
            delivery.error = "the sending process stopped before it recorded the outcome; the mail may have gone out"
            session.add(delivery)
            run.counts["uncertain"] += 1
            run.errors.append(f"{delivery.company_id} {delivery.iso_week}: uncertain (check the mail server's log; "
                              "`kansenradar digest --resend-uncertain` sends it again)")  # fmt: skip
            logger.error("Digest for %s, %s may or may not have been sent: the sender stopped mid-send",
                         delivery.company_id, delivery.iso_week)  # fmt: skip
    return run


def send_digests(*, engine: Engine, settings: Settings, week: str, as_of: datetime, company_id: str | None = None,
                 send: bool = False, resend_uncertain: bool = False) -> DigestRun:  # fmt: skip
    """Deliver each company's digest for ``week`` once: by SMTP when ``send`` and configured, else to the outbox.

    Hold the run lock while calling this (``digest --send``, ``run`` and ``schedule`` do).
    """
    run = mark_uncertain(engine=engine) if send else DigestRun()
    by_smtp = send and settings.smtp_host is not None
    with session_scope(engine) as session:
        company_ids = [c.id for c in repository.list_companies(session=session) if company_id in (None, c.id)]
    if company_id is not None and not company_ids:
        raise UnknownCompanyError(company_id)
    domain = mail_domain(settings)
    for cid in company_ids:
        with session_scope(engine) as session:
            company = session.get(Company, cid)
            assert company is not None
            if company.unsubscribed_at is not None:
                run.counts["unsubscribed"] += 1
                continue
            delivery = repository.get_delivery(session=session, company_id=cid, iso_week=week)
            status = delivery.status if delivery is not None else None
            if status == "sent" or (status == "outbox" and not by_smtp):
                run.counts["already"] += 1
                continue
            if status == "uncertain" and not resend_uncertain:
                continue  # reported when it was found; sent again only on request
            if status == "expired":
                continue
            bids, partners = collect(session=session, company=company, as_of=as_of, settings=settings)
            if not bids and not partners:
                run.counts["no_matches"] += 1
                continue
            if not company.email:
                run.counts["no_address"] += 1
                logger.warning("Company %s has matches but no e-mail address", cid)
                continue
            problem = address_problem(company.email)
            if problem:
                # Stored before imports checked it: this company's digest fails, not the run (the companies after
                # it would get nothing, every day).
                run.counts["failed"] += 1
                run.errors.append(f"{cid}: cannot address the digest: {problem}")
                logger.error("Digest for %s not written: %s", cid, problem)
                continue
            message = build_message(company=company, week=week, bids=bids, partners=partners, settings=settings,
                                    message_id=message_id_for(cid, week, domain), now=utcnow(),
                                    as_of=as_of)  # fmt: skip
        if by_smtp:
            _deliver_by_smtp(engine, message, settings, week, cid, run)
        else:
            _deliver_to_outbox(engine, message, settings, week, cid, run, preview=not send)
    return run


def _deliver_to_outbox(engine: Engine, message: EmailMessage, settings: Settings, week: str, company_id: str,
                       run: DigestRun, *, preview: bool = False) -> None:  # fmt: skip
    path = _write_outbox(message, settings.outbox, week, company_id)
    with session_scope(engine) as session:
        delivery = repository.get_delivery(session=session, company_id=company_id, iso_week=week)
        if preview and delivery is not None:
            # A look (digest without --send) at a digest SMTP still owes, or may have sent (sending, uncertain),
            # delivers nothing: its row stays as it is, and with it the retry or the warning.
            run.counts["outbox"] += 1
            logger.info("Digest for %s written to %s; its delivery stays %s", company_id, path, delivery.status)
            return
        if delivery is None:
            delivery = repository.add_delivery(session=session, company_id=company_id, iso_week=week)
        delivery.message_id = str(message["Message-ID"])
        delivery.attempts += 1
        delivery.status, delivery.error, delivery.last_attempt_at = "outbox", None, utcnow()
        session.add(delivery)
    run.counts["outbox"] += 1
    logger.info("Digest for %s written to %s", company_id, path)


def _deliver_by_smtp(engine: Engine, message: EmailMessage, settings: Settings, week: str, company_id: str,
                     run: DigestRun) -> None:  # fmt: skip
    # The claim is committed before SMTP sees the message: after a crash the row says "sending", not "pending".
    with session_scope(engine) as session:
        claimed = repository.claim_delivery(session=session, company_id=company_id, iso_week=week,
                                            message_id=str(message["Message-ID"]))  # fmt: skip
        delivery_id = claimed.id if claimed is not None else None
    if delivery_id is None:
        run.counts["already"] += 1
        return
    try:
        _send(message, settings)
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        with session_scope(engine) as session:
            repository.finish_delivery(session=session, delivery_id=delivery_id, status="pending", error=error)
        run.counts["failed"] += 1
        run.errors.append(f"{company_id}: {error}")
        logger.error("Digest for %s not sent: %s", company_id, error)
        return
    with session_scope(engine) as session:
        repository.finish_delivery(session=session, delivery_id=delivery_id, status="sent")
    run.counts["sent"] += 1


def expire_and_retry(*, engine: Engine, settings: Settings, now: datetime, current_week: str) -> DigestRun:
    """Retry pending digests of earlier weeks within ``digest_retry_days``; expire and report older ones."""
    run = DigestRun()
    window_start = now - timedelta(days=settings.digest_retry_days)
    with session_scope(engine) as session:
        for delivery in repository.deliveries(session=session, statuses=("pending",), created_before=window_start):
            if delivery.iso_week >= current_week:
                continue  # a week's own digest does not expire before that week has come
            delivery.status = "expired"
            session.add(delivery)
            run.counts["expired"] += 1
            run.errors.append(
                f"{delivery.company_id} {delivery.iso_week}: not sent within "
                f"{settings.digest_retry_days} days ({delivery.error or 'no error recorded'})"
            )
            logger.error("Digest for %s, %s expired unsent: %s", delivery.company_id, delivery.iso_week,
                         delivery.error)  # fmt: skip
        # Earlier weeks only: a later week's digest (made ahead with --week) goes out in its own week.
        retry = [(d.company_id, d.iso_week) for d in repository.deliveries(session=session, statuses=("pending",))
                 if d.iso_week < current_week]  # fmt: skip
    for company_id, week in retry:
        logger.info("Retrying the digest of %s for %s", company_id, week)
        run.add(send_digests(engine=engine, settings=settings, week=week, as_of=now, company_id=company_id,
                             send=True))  # fmt: skip
    return run
