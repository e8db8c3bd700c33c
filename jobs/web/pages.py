"""The pages behind the links of a digest: feedback, unsubscribe and the company's own page.

The token in the path is the whole authority (no login, no cookie, so no CSRF to guard against). GET only shows
a page: mail scanners follow links, so only a POST changes anything. A tampered or expired token gets 403 and
changes nothing; a valid token whose company or notice is gone gets 404.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from jobs.clock import now_in
from jobs.language import catalog, reader_language
from jobs.settings import Settings
from jobs.tender_view import notice_link
from jobs.web import tokens
from jobs.web.rendering import COMPANY_REMOVED, error_page, page
from matcher import i18n
from matcher.codelists import cpv_label, region_label
from storage import repository
from storage.db import session_scope
from storage.deadlines import next_deadline
from storage.models import Company, Notice
from storage.repository import NoticeNotFoundError

logger = logging.getLogger(__name__)

# A one-click unsubscribe body is 26 bytes; nothing else is read from a request.
MAX_BODY = 4096


class Gone(LookupError):
    """Raised when a valid token names a company or notice that is not stored (any more)."""

    def __init__(self, what: str, *, company: bool = False) -> None:
        super().__init__(what)
        self.company = company


def _gone(exc: Gone) -> Response:
    # A signed company id names a company that was stored: it was removed, which its reader should be told.
    if exc.company:
        # Said to the operator too: a service reading another database than the one that sent the mail (a restore,
        # a shared key) would tell a stored company the same.
        logger.warning("A valid link names %s, which is not stored: removed, or not this database's", exc)
        return error_page(410, COMPANY_REMOVED)
    return error_page(404)


def _language(company: Company) -> str:
    return reader_language(company.language)


def _company(session: Any, company_id: str) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise Gone(f"company {company_id!r}", company=True)
    return company


def _refused(purpose: str, exc: tokens.TokenError) -> Response:
    # Logged without the token: paths and tokens never reach the logs.
    logger.info("Refused a %s link: %s", purpose, "expired" if exc.expired else "not valid")
    return error_page(403)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


# --- feedback -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FeedbackView:
    company: Company
    notice: Notice


def _feedback(engine: Engine, claim: tokens.FeedbackClaim, *, record: bool) -> _FeedbackView:
    with session_scope(engine) as session:
        company = _company(session, claim.company_id)
        try:
            notice = repository.find_notice(session=session, notice_id=claim.notice_id, source=claim.source)
        except NoticeNotFoundError:
            raise Gone(f"notice {claim.source}/{claim.notice_id}") from None
        if record:
            assert notice.id is not None
            repository.set_feedback(session=session, company_id=company.id, notice_pk=notice.id,
                                    lot_id=claim.lot_id, relevant=claim.relevant, channel="web")  # fmt: skip
            logger.info("Feedback from %s on %s/%s: %s", company.id, claim.source, claim.notice_id,
                        "relevant" if claim.relevant else "not relevant")  # fmt: skip
        return _FeedbackView(company, notice)


async def feedback(request: Request) -> Response:
    """GET: ask "Past dit bij jullie?" with the answer the link carries; POST: record it (channel "web")."""
    settings = _settings(request)
    try:
        claim = tokens.read_feedback_token(settings, request.path_params["token"])
    except tokens.TokenError as exc:
        return _refused("feedback", exc)
    done = request.method == "POST"
    try:
        view = await run_in_threadpool(_feedback, _engine(request), claim, record=done)
    except Gone as exc:
        return _gone(exc)
    lang = _language(view.company)
    company_link = "../company/" + tokens.company_token(settings, company_id=view.company.id)
    lots = [claim.lot_id] if claim.lot_id else []
    deadline = i18n.moment(next_deadline(view.notice.record, lots, _moment(request)), settings.zone, lang)
    return page("feedback.html.j2", lang=lang, done=done, claim=claim, company=view.company, notice=view.notice,
                notice_url=notice_link(view.notice.record, view.notice.url), company_link=company_link,
                deadline=deadline)  # fmt: skip


# --- unsubscribe ----------------------------------------------------------------------------------------------


def _unsubscribe(engine: Engine, company_id: str, *, record: bool) -> Company:
    with session_scope(engine) as session:
        company = _company(session, company_id)
        if record:
            repository.unsubscribe(session=session, company_id=company_id)
        return company


async def _one_click(request: Request) -> bool:
    """Return whether the body is RFC 8058's ``List-Unsubscribe=One-Click`` (a mail client, not a person)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return False
    if kind == "multipart/form-data":
        # RFC 8058 allows multipart too; its one field's name and value are enough to recognise it.
        return b'name="List-Unsubscribe"' in body and b"One-Click" in body
    return parse_qs(body.decode("utf-8", "replace")).get("List-Unsubscribe") == ["One-Click"]


async def unsubscribe(request: Request) -> Response:
    """GET: ask to confirm; POST: unsubscribe (from the page, or RFC 8058 one-click without a page)."""
    settings = _settings(request)
    try:
        company_id = tokens.read_unsubscribe_token(settings, request.path_params["token"])
    except tokens.TokenError as exc:
        return _refused("unsubscribe", exc)
    done = request.method == "POST"
    one_click = done and await _one_click(request)
    try:
        company = await run_in_threadpool(_unsubscribe, _engine(request), company_id, record=done)
    except Gone as exc:
        if not one_click:
            return _gone(exc)
        # Removed: nothing more goes to it, which is what an unsubscribe asks (a mail client wants a 2xx).
        logger.warning("One-click unsubscribe of %s, which is not stored: granted, as nothing is sent to it", exc)
        return PlainTextResponse("Unsubscribed.\n")
    if one_click:
        return PlainTextResponse("Unsubscribed.\n")
    lang = _language(company)
    since = i18n.moment(company.unsubscribed_at, settings.zone, lang) if company.unsubscribed_at else None
    return page("unsubscribe.html.j2", lang=lang, company=company, done=done, since=since)


# --- the company's page ---------------------------------------------------------------------------------------


Said = dict[tuple[str, str, str], bool]  # (source, notice_id, lot_id or "") -> relevant


def _moment(request: Request) -> datetime:
    """The moment the pages judge what is still open: ``serve --as-of`` (a demo's day), else now where the companies
    live, as digests and runs do (a notice published today, local time, is today's until local midnight)."""
    as_of: datetime | None = request.app.state.as_of
    return as_of if as_of is not None else now_in(_settings(request).zone)


def _company_page(engine: Engine, company_id: str, open_on: datetime,
                  undated_days: int) -> tuple[Company, list[dict[str, Any]], Said]:  # fmt: skip
    with session_scope(engine) as session:
        company = _company(session, company_id)
        # Open tenders only, as in the digest: a deadline may have passed since the last match run stored these.
        matches = repository.match_listing(session=session, company_ids=[company_id], open_on=open_on,
                                           undated_days=undated_days)  # fmt: skip
        said = {(f.source, f.notice_id, f.lot_id or ""): f.relevant
                for f in repository.list_feedback(session=session, company_id=company_id)}  # fmt: skip
        return company, matches, said


def _capacity(company: Company, lang: str) -> str:
    _ = catalog(lang).gettext
    parts = []
    if company.max_contract_value is not None:
        value = i18n.money(company.max_contract_value, "EUR", lang)
        parts.append(_("contracts up to %(value)s") % {"value": value})
    if company.staff is not None:
        parts.append(_("%(staff)s staff") % {"staff": company.staff})
    return ", ".join(parts)


def _labelled(codes: list[str], lang: str) -> list[tuple[str, str]]:
    """Return CPV codes and prefixes with their labels: "7731" is the branch of 77310000."""
    return [(code, cpv_label(code.ljust(8, "0"), lang) or code) for code in codes]


async def company_page(request: Request) -> Response:
    """The company's current matches with their reasons and feedback buttons, and its profile."""
    settings = _settings(request)
    try:
        company_id = tokens.read_company_token(settings, request.path_params["token"])
    except tokens.TokenError as exc:
        return _refused("company", exc)
    try:
        company, matches, said = await run_in_threadpool(
            _company_page, _engine(request), company_id, _moment(request), settings.undated_days
        )
    except Gone as exc:
        return _gone(exc)
    lang, profile = _language(company), repository.to_profile(company)
    shown = []
    for m in matches:
        key = (m["source"], m["notice_id"])
        actions = {}
        for name, relevant in (("relevant_action", True), ("not_relevant_action", False)):
            token = tokens.feedback_token(settings, company_id=company.id, source=m["source"],
                                          notice_id=m["notice_id"], lot_id=None, relevant=relevant)  # fmt: skip
            actions[name] = "../feedback/" + token
        # One entry per notice: its word is the one on the whole notice.
        word = said.get((*key, ""))
        shown.append({**m, **actions, "title": m["title"] or m["notice_id"], "url": notice_link(m, m["url"]),
                      "deadline": i18n.moment(m["deadline"], settings.zone, lang), "said": word})  # fmt: skip
    cpv = _labelled(profile.cpv, lang)
    # A company without codes is matched on the branches read from its description: it must see them to correct them.
    guessed = _labelled([code for code, _sure in company.cpv_inferred or []], lang)
    regions = [(code, region_label(code, lang) or code) for code in profile.regions]
    since = i18n.moment(company.unsubscribed_at, settings.zone, lang) if company.unsubscribed_at else None
    return page("company.html.j2", lang=lang, company=company, profile=profile, matches=shown, cpv=cpv,
                guessed=guessed, regions=regions, capacity=_capacity(company, lang), since=since,
                contact=_contact(settings))  # fmt: skip


def _contact(settings: Settings) -> str | None:
    """Return the address a company can write to: the digests' sender, unless it is the placeholder on localhost
    or a no-reply mailbox."""
    address = parseaddr(settings.smtp_from)[1]
    local, _at, domain = address.lower().rpartition("@")
    if not domain or domain == "localhost" or domain.endswith(".localhost"):
        return None
    return None if local.replace("-", "").replace("_", "") in ("noreply", "donotreply") else address


ROUTES = [
    Route("/feedback/{token}", feedback, methods=["GET", "POST"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"]),
    Route("/company/{token}", company_page, methods=["GET"]),
]
