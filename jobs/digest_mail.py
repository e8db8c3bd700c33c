"""What a digest says: a company's tenders of the week, one per notice, as an e-mail with a calendar attachment.

Per tender: title, buyer, place, value, deadline in local time with its zone, why it fits (the match's reasons),
what to arrange, the lots that fit, links to the notice (in its own language) and its documents, and, when
``KANSENRADAR_PUBLIC_URL`` is set, "past bij ons" / "niet voor ons" links and the company's page. Sending and its
crash safety live in ``jobs.digest``.
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlmodel import Session

from jobs import tender_view
from jobs.clock import week_start
from jobs.ics import Deadline, deadlines_calendar
from jobs.language import catalog, reader_language
from jobs.settings import Settings
from jobs.templating import templates
from jobs.web import tokens
from matcher import i18n
from storage import repository
from storage.deadlines import next_deadline
from storage.models import Company, Match, Notice

SOON_DAYS = 14
# A header set raw is written as it is: folded at 78 columns, a signed unsubscribe link (one long word) was
# MIME-encoded and no mail client could use it for one-click unsubscribe. Every other header and part is folded and
# encoded as usual (RFC 2047 words, quoted-printable lines within 76).
MAIL_POLICY = email.policy.default.clone(refold_source="none")


@dataclass(frozen=True)
class DigestItem:
    """One tender in a digest, as its reader sees it."""

    source: str
    notice_id: str
    kind: str
    title: str
    buyer: str
    place: str | None
    value: str | None
    deadline: str | None
    deadline_at: datetime | None
    score: str
    reasons: tuple[str, ...]
    to_arrange: tuple[str, ...]
    url: str | None
    documents_url: str | None
    relevant_url: str | None = None
    not_relevant_url: str | None = None


def one_line(value: str | None) -> str:
    """Return text on one line: header values and subjects never carry a line break from notice or company text."""
    return " ".join((value or "").split())


def mail_domain(settings: Settings) -> str:
    """Return the domain of the sender address, for Message-IDs and calendar UIDs."""
    return parseaddr(settings.smtp_from)[1].partition("@")[2] or "kansenradar.localhost"


def _per_notice(rows: list[tuple[Match, Notice]]) -> list[tuple[Match, Notice, list[str]]]:
    """Return one entry per notice (its best match first), with the union of the lot ids that fit."""
    grouped: dict[int, tuple[Match, Notice, list[str]]] = {}
    for match, notice in rows:
        lot_ids = list(match.lots)  # the ids of the lots that fit; none: the whole notice
        assert notice.id is not None
        if notice.id not in grouped:
            grouped[notice.id] = (match, notice, [])
        grouped[notice.id][2].extend(lot for lot in lot_ids if lot not in grouped[notice.id][2])
    return list(grouped.values())


def _item(match: Match, notice: Notice, lot_ids: list[str], company: Company, settings: Settings,
          links: bool, as_of: datetime) -> DigestItem:  # fmt: skip
    lang = reader_language(company.language)
    record = notice.record
    deadline = next_deadline(record, lot_ids, as_of)
    feedback: dict[str, str] = {}
    if links:
        for name, relevant in (("relevant_url", True), ("not_relevant_url", False)):
            # Per notice: a word on the whole notice counts for its lots too.
            feedback[name] = tokens.feedback_url(
                settings, company_id=company.id, source=notice.source, notice_id=notice.notice_id, lot_id=None,
                relevant=relevant,
            )  # fmt: skip
    return DigestItem(
        source=notice.source, notice_id=notice.notice_id, kind=match.kind,
        title=one_line(record.get("title") or notice.title or notice.notice_id), buyer=one_line(notice.buyer_name),
        place=tender_view.place(record, lang), value=tender_view.value(record, lang),
        deadline=i18n.moment(deadline, settings.zone, lang) or None, deadline_at=deadline,
        score=i18n.percent(match.score, lang), reasons=tuple(match.reasons), to_arrange=tuple(match.to_arrange),
        url=tender_view.notice_link(record, notice.url),
        documents_url=tender_view.documents_link(record, lot_ids), **feedback,
    )  # fmt: skip


def collect(*, session: Session, company: Company, as_of: datetime, settings: Settings,
            ) -> tuple[list[DigestItem], list[DigestItem]]:  # fmt: skip
    """Return a company's open bid and partner tenders for its digest, one per notice, best first."""
    # The same rule as a match run: stored matches of a run "as of" another day, awards and aged undated notices
    # are no opportunity this week.
    current = repository.opportunity_conditions(as_of=as_of, undated_days=settings.undated_days)
    rows = [(match, notice) for match, notice in repository.matches_of(session=session, company_id=company.id,
                                                                       conditions=current)
            if match.score >= company.min_score]  # fmt: skip
    links = tokens.links_enabled(settings)
    bids, partners = [], []
    for match, notice, lot_ids in _per_notice(rows):
        item = _item(match, notice, lot_ids, company, settings, links, as_of)
        if item.deadline_at is not None and item.deadline_at < as_of:
            continue  # stored before the lots it names closed (the notice is open for another lot)
        (bids if item.kind == "bid" else partners).append(item)
    # Partner opportunities are a section of their own: half as many as bids (at least 3), never more than max_items
    # (a company that asked for one tender got one bid and three partner tenders).
    return bids[: company.max_items], partners[: min(max(3, company.max_items // 2), company.max_items)]


def _unsubscribe(company: Company, settings: Settings, sender: str) -> tuple[dict[str, str], str]:
    """Return the List-Unsubscribe headers and the unsubscribe link shown in the mail."""
    mailto = settings.unsubscribe or f"mailto:{sender}?subject=unsubscribe%20{company.id}"
    if tokens.links_enabled(settings):
        # RFC 8058: the https link takes a one-click POST; the mailto stays as a second way.
        headers = tokens.list_unsubscribe_headers(settings, company_id=company.id,
                                                  mailto=mailto if mailto.startswith("mailto:") else None)  # fmt: skip
        return headers, tokens.unsubscribe_url(settings, company_id=company.id)
    return {"List-Unsubscribe": f"<{one_line(mailto)}>"}, mailto


def build_message(*, company: Company, week: str, bids: list[DigestItem], partners: list[DigestItem],
                  settings: Settings, message_id: str, now: datetime, as_of: datetime) -> EmailMessage:  # fmt: skip
    """Return the digest e-mail: plain text and HTML, the deadlines as an .ics attachment, and its headers.

    ``now`` is when it is made (its Date); ``as_of`` the day whose opportunities it offers (a past week's digest
    day), from which "deadlines soon" are counted."""
    lang = reader_language(company.language)
    sender = parseaddr(settings.smtp_from)
    week_label = i18n.week(week_start(week), lang)
    count, name = len(bids) + len(partners), one_line(company.name)
    subject = catalog(lang).ngettext("%(num)s opportunity in %(week)s for %(name)s",
                                     "%(num)s opportunities in %(week)s for %(name)s", count)  # fmt: skip
    subject %= {"num": i18n.number(count, lang), "week": week_label, "name": name}
    headers, unsubscribe = _unsubscribe(company, settings, sender[1])
    dated = [i for i in bids + partners if i.deadline_at is not None]
    soon = sorted((i for i in dated if i.deadline_at and i.deadline_at - as_of <= timedelta(days=SOON_DAYS)),
                  key=lambda i: i.deadline_at or as_of)  # fmt: skip
    calendar_file = f"kansenradar-{week}.ics"
    links = tokens.links_enabled(settings)
    context: dict[str, Any] = {
        "company": company, "name": name, "week": week_label, "count": count, "bids": bids, "partners": partners,
        "soon": soon, "subject": subject, "unsubscribe": unsubscribe, "preparation_days": company.preparation_days,
        "calendar_file": calendar_file if dated else None,
        "company_url": tokens.company_url(settings, company_id=company.id) if links else None,
    }  # fmt: skip
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject
    message["From"] = Address(display_name=one_line(sender[0]), addr_spec=sender[1])
    message["To"] = Address(display_name=name, addr_spec=company.email or "")
    message["Date"] = format_datetime(now.astimezone(settings.zone))
    message["Message-ID"] = message_id
    for header, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"{header}: a line break in a header value")
        message.set_raw(header, value)  # List-Unsubscribe: links that must stay readable as they are (RFC 2369)
    message["Content-Language"] = lang
    env = templates(lang)
    message.set_content(env.get_template("digest.txt.j2").render(context), cte="quoted-printable")
    message.add_alternative(env.get_template("digest.html.j2").render(context), subtype="html", cte="quoted-printable")
    if dated:
        deadlines = [Deadline(i.source, i.notice_id, i.title, i.deadline_at, i.buyer, i.url)
                     for i in dated if i.deadline_at is not None]  # fmt: skip
        ics = deadlines_calendar(company_id=company.id, deadlines=deadlines, domain=mail_domain(settings),
                                 preparation_days=company.preparation_days, lang=lang, now=now)  # fmt: skip
        message.add_attachment(ics, maintype="text", subtype="calendar", filename=calendar_file,
                               params={"method": "PUBLISH"}, cte="quoted-printable")  # fmt: skip
    return message
