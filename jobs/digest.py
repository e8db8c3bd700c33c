"""Weekly digests: per company, the week's best tenders with reasons, by SMTP or as .eml files in the outbox.

A company and ISO week get one delivery (the database enforces it). A failed send stays pending and is tried
again on the next run; a company with no matches gets no mail.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from sqlalchemy.engine import Engine

from jobs.settings import Settings
from jobs.templating import TEMPLATES
from storage import repository
from storage.db import session_scope
from storage.models import Company, Delivery
from storage.types import utcnow

logger = logging.getLogger(__name__)
SOON_DAYS = 14

TEXTS = {
    "nl": {"greeting": "Beste",
           "intro": "Kansenradar vond in week {week} {count} aanbesteding(en) die bij jullie passen.",
           "bids": "Om zelf op in te schrijven", "partners": "Kansen als partner",
           "partners_intro": "Te groot om alleen te doen, maar de winnaar moet sociale doelen halen: jullie kunnen de "
                             "partner zijn die daarbij helpt.",
           "soon": "Deadlines binnenkort", "lot": "perceel", "deadline": "deadline", "score": "score",
           "why": "Waarom", "arrange": "Nog te regelen",
           "footer": "Deze samenvatting komt van Kansenradar: aanbestedingen voor bewonersbedrijven.",
           "unsubscribe": "Afmelden", "subject": "Kansenradar {week}: {count} kans(en) voor {name}"},
    "en": {"greeting": "Dear", "intro": "Kansenradar found {count} tender(s) that fit you in week {week}.",
           "bids": "To bid on yourselves", "partners": "Partner opportunities",
           "partners_intro": "Too large to take on alone, but the winner must meet social goals: you can be the "
                             "partner who helps.",
           "soon": "Deadlines soon", "lot": "lot", "deadline": "deadline", "score": "score", "why": "Why",
           "arrange": "To arrange", "footer": "This digest comes from Kansenradar: tenders for resident companies.",
           "unsubscribe": "Unsubscribe", "subject": "Kansenradar {week}: {count} opportunit(ies) for {name}"},
}  # fmt: skip


def iso_week(day: date) -> str:
    """Return the ISO week of a date as ``2026-W48``."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """Return the Monday of an ISO week written ``YYYY-Www``, or raise ``ValueError``."""
    try:
        year, number = week.split("-W")
        return date.fromisocalendar(int(year), int(number), 1)
    except (ValueError, TypeError):
        raise ValueError(f"{week!r} is not an ISO week such as 2026-W48") from None


@dataclass(frozen=True)
class DigestItem:
    """One tender in a digest."""

    title: str
    buyer: str
    lot_id: str | None
    deadline: str | None
    deadline_at: datetime | None
    score: str
    url: str | None
    why: str
    reasons: tuple[str, ...]
    to_arrange: tuple[str, ...] = ()


@dataclass
class DigestRun:
    """What a digest run did, per outcome."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("sent", "outbox", "already", "no_matches", "no_address", "failed"), 0))  # fmt: skip
    errors: list[str] = field(default_factory=list)


def _one_line(value: str | None) -> str:
    # Header values and subjects must never carry a line break from notice or company text.
    return " ".join((value or "").split())


def collect(*, session: object, company: Company, as_of: datetime) -> tuple[list[DigestItem], list[DigestItem]]:
    """Return a company's open bid and partner matches for its digest, best first, within its preferences."""
    bids, partners = [], []
    for match, notice in repository.matches_of(session=session, company_id=company.id):  # type: ignore[arg-type]
        if notice.superseded_by is not None or match.score < company.min_score:
            continue
        if notice.deadline is not None and notice.deadline < as_of:
            continue
        record = notice.record
        lot = next((lot for lot in record.get("lots") or [] if lot.get("lot_id") == match.lot_id), None)
        title = record.get("title") or notice.notice_id
        if lot and lot.get("title"):
            title = f"{title} — {lot['title']}"
        deadline = notice.deadline
        item = DigestItem(
            title=_one_line(title), buyer=_one_line(notice.buyer_name), lot_id=match.lot_id or None,
            deadline=deadline.strftime("%d-%m-%Y %H:%M") if deadline else None, deadline_at=deadline,
            score=f"{match.score:.0%}", url=notice.url, why=match.reasons[0] if match.reasons else "",
            reasons=tuple(match.reasons[1:]),
            to_arrange=tuple(match.to_arrange),
        )  # fmt: skip
        (bids if match.kind == "bid" else partners).append(item)
    return bids[: company.max_items], partners[: max(3, company.max_items // 2)]


def build_message(*, company: Company, week: str, bids: list[DigestItem], partners: list[DigestItem],
                  settings: Settings, message_id: str, now: datetime) -> EmailMessage:  # fmt: skip
    """Return the digest e-mail: plain text and HTML alternatives, with Date, Message-ID and List-Unsubscribe."""
    lang = "en" if company.language == "en" else "nl"
    texts = TEXTS[lang]
    sender = parseaddr(settings.smtp_from)
    unsubscribe = settings.unsubscribe or f"mailto:{sender[1]}?subject=unsubscribe%20{company.id}"
    soon = sorted((i for i in bids + partners if i.deadline_at and i.deadline_at - now <= timedelta(days=SOON_DAYS)),
                  key=lambda i: i.deadline_at or now)  # fmt: skip
    subject = texts["subject"].format(week=week, count=len(bids) + len(partners), name=_one_line(company.name))
    context = {"company": company, "week": week, "bids": bids, "partners": partners, "soon": soon, "t": texts,
               "lang": lang, "unsubscribe": unsubscribe, "subject": subject}  # fmt: skip
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(display_name=_one_line(sender[0]), addr_spec=sender[1])
    message["To"] = Address(display_name=_one_line(company.name), addr_spec=company.email or "")
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{_one_line(unsubscribe)}>"
    message["Content-Language"] = lang
    message.set_content(TEMPLATES.get_template("digest.txt.j2").render(context))
    message.add_alternative(TEMPLATES.get_template("digest.html.j2").render(context), subtype="html")
    return message


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


def send_digests(*, engine: Engine, settings: Settings, week: str, as_of: datetime, company_id: str | None = None,
                 send: bool = False) -> DigestRun:  # fmt: skip
    """Deliver each company's digest for ``week`` once: by SMTP when ``send`` and configured, else to the outbox."""
    run = DigestRun()
    by_smtp = send and settings.smtp_host is not None
    with session_scope(engine) as session:
        company_ids = [c.id for c in repository.list_companies(session=session) if company_id in (None, c.id)]
    domain = parseaddr(settings.smtp_from)[1].partition("@")[2] or "kansenradar.localhost"
    for cid in company_ids:
        with session_scope(engine) as session:
            company = session.get(Company, cid)
            assert company is not None
            delivery = repository.get_delivery(session=session, company_id=cid, iso_week=week)
            if delivery is not None and (delivery.status == "sent" or (delivery.status == "outbox" and not by_smtp)):
                run.counts["already"] += 1
                continue
            bids, partners = collect(session=session, company=company, as_of=as_of)
            if not bids and not partners:
                run.counts["no_matches"] += 1
                continue
            if not company.email:
                run.counts["no_address"] += 1
                logger.warning("Company %s has matches but no e-mail address", cid)
                continue
            if delivery is None:
                delivery = repository.add_delivery(session=session, company_id=cid, iso_week=week)
            delivery.message_id = delivery.message_id or make_msgid(idstring=f"{cid}.{week}", domain=domain)
            message = build_message(company=company, week=week, bids=bids, partners=partners, settings=settings,
                                    message_id=delivery.message_id, now=datetime.now(UTC))  # fmt: skip
            _deliver(delivery, message, settings, week, cid, by_smtp, run)
            session.add(delivery)
    return run


def _deliver(delivery: Delivery, message: EmailMessage, settings: Settings, week: str, company_id: str,
             by_smtp: bool, run: DigestRun) -> None:  # fmt: skip
    delivery.attempts += 1
    if not by_smtp:
        path = _write_outbox(message, settings.outbox, week, company_id)
        delivery.status, delivery.error = "outbox", None
        run.counts["outbox"] += 1
        logger.info("Digest for %s written to %s", company_id, path)
        return
    try:
        _send(message, settings)
    except (OSError, smtplib.SMTPException) as exc:
        # Left pending: the next run tries again with the same Message-ID.
        delivery.status, delivery.error = "pending", f"{type(exc).__name__}: {exc}"
        run.counts["failed"] += 1
        run.errors.append(f"{company_id}: {delivery.error}")
        logger.error("Digest for %s not sent: %s", company_id, delivery.error)
        return
    delivery.status, delivery.error, delivery.sent_at = "sent", None, utcnow()
    run.counts["sent"] += 1
