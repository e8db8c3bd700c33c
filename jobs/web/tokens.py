"""Signed, expiring tokens for the links in digests, and the addresses built from them.

A token is the whole authority of a link: it names the company (and for feedback the notice, lot and answer), is
signed with HMAC under ``KANSENRADAR_SECRET_KEY`` (itsdangerous) and carries its signing time. Each purpose has
its own salt, so a company-page token cannot be replayed as an unsubscribe token. Nothing is stored per link:
a new secret key voids every link sent before it.

The digest calls the ``*_url`` functions and ``list_unsubscribe_headers``; ``kansenradar serve`` reads the tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from jobs.settings import Settings, SettingsError

FEEDBACK, UNSUBSCRIBE, COMPANY = "feedback", "unsubscribe", "company"
# Salts name the purpose and a version, so the payload shapes can change later without accepting old shapes.
SALTS = {FEEDBACK: "kansenradar.feedback.v1", UNSUBSCRIBE: "kansenradar.unsubscribe.v1",
         COMPANY: "kansenradar.company.v1"}  # fmt: skip
# People unsubscribe from old mails too; RFC 8058 asks that the link keeps working.
UNSUBSCRIBE_MIN_DAYS = 365
ONE_CLICK = "List-Unsubscribe=One-Click"


class LinkConfigError(SettingsError):
    """Raised when signed links are asked for without the settings they need, from the token and URL functions."""


class TokenError(Exception):
    """Raised when a token was tampered with, made for another purpose or has expired, from the ``read_*`` functions.

    The message never repeats the token (it would end up in logs).
    """

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class FeedbackClaim:
    """What a feedback link says: this company finds this notice (or lot) relevant, or not."""

    company_id: str
    source: str
    notice_id: str
    lot_id: str | None
    relevant: bool


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    if settings.secret_key is None:
        raise LinkConfigError(
            "KANSENRADAR_SECRET_KEY is not set: it signs the links of digests and `serve` (make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    return URLSafeTimedSerializer(settings.secret_key.get_secret_value(), salt=SALTS[purpose])


def lifetime_days(settings: Settings, purpose: str) -> int:
    """Return how many days a link of ``purpose`` stays valid."""
    return max(settings.link_days, UNSUBSCRIBE_MIN_DAYS) if purpose == UNSUBSCRIBE else settings.link_days


def _load(settings: Settings, purpose: str, token: str) -> Any:
    try:
        return _serializer(settings, purpose).loads(token, max_age=lifetime_days(settings, purpose) * 86400)
    except SignatureExpired:
        raise TokenError(f"{purpose} link has expired", expired=True) from None
    except BadData:
        raise TokenError(f"{purpose} link is not valid (altered, cut off, or made for something else)") from None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TokenError("link carries an unexpected value")
    return value


def feedback_token(settings: Settings, *, company_id: str, source: str, notice_id: str, lot_id: str | None,
                   relevant: bool) -> str:  # fmt: skip
    """Return a token that records ``relevant`` for this company and notice (or lot) when its page is confirmed."""
    # A list rather than a mapping keeps the token, and so the link in the mail, short.
    return str(_serializer(settings, FEEDBACK).dumps([company_id, source, notice_id, lot_id or "", int(relevant)]))


def read_feedback_token(settings: Settings, token: str) -> FeedbackClaim:
    """Return what a feedback token says, or raise ``TokenError``."""
    payload = _load(settings, FEEDBACK, token)
    if not isinstance(payload, list) or len(payload) != 5 or payload[4] not in (0, 1):
        raise TokenError("feedback link carries an unexpected value")
    company_id, source, notice_id = _text(payload[0]), _text(payload[1]), _text(payload[2])
    lot_id = payload[3] if isinstance(payload[3], str) else ""
    return FeedbackClaim(company_id, source, notice_id, lot_id or None, bool(payload[4]))


def unsubscribe_token(settings: Settings, *, company_id: str) -> str:
    """Return a token that unsubscribes this company from its digests."""
    return str(_serializer(settings, UNSUBSCRIBE).dumps(company_id))


def read_unsubscribe_token(settings: Settings, token: str) -> str:
    """Return the company an unsubscribe token names, or raise ``TokenError``."""
    return _text(_load(settings, UNSUBSCRIBE, token))


def company_token(settings: Settings, *, company_id: str) -> str:
    """Return a token that opens this company's page (its matches, feedback buttons and profile)."""
    return str(_serializer(settings, COMPANY).dumps(company_id))


def read_company_token(settings: Settings, token: str) -> str:
    """Return the company a company-page token names, or raise ``TokenError``."""
    return _text(_load(settings, COMPANY, token))


def require_key(settings: Settings) -> None:
    """Raise ``LinkConfigError`` naming ``KANSENRADAR_SECRET_KEY`` when it is not set."""
    _serializer(settings, COMPANY)


def links_enabled(settings: Settings) -> bool:
    """Return whether digests carry web links: ``KANSENRADAR_PUBLIC_URL`` is set (and then the key must be)."""
    if settings.public_url is None:
        return False
    require_key(settings)
    return True


def require_public_url(settings: Settings) -> str:
    """Return ``KANSENRADAR_PUBLIC_URL``; raise ``LinkConfigError`` naming it when it is not set."""
    if settings.public_url is None:
        raise LinkConfigError("KANSENRADAR_PUBLIC_URL is not set: links need the address people reach `serve` at")
    return settings.public_url


def _url(settings: Settings, path: str, token: str) -> str:
    return f"{require_public_url(settings)}/{path}/{token}"


def feedback_url(settings: Settings, *, company_id: str, source: str, notice_id: str, lot_id: str | None,
                 relevant: bool) -> str:  # fmt: skip
    """Return the "past bij ons" (``relevant``) or "niet voor ons" link for one match in a digest."""
    token = feedback_token(
        settings, company_id=company_id, source=source, notice_id=notice_id, lot_id=lot_id, relevant=relevant
    )
    return _url(settings, "feedback", token)


def unsubscribe_url(settings: Settings, *, company_id: str) -> str:
    """Return the unsubscribe link: a confirmation page on GET, and the RFC 8058 one-click target on POST."""
    return _url(settings, "unsubscribe", unsubscribe_token(settings, company_id=company_id))


def company_url(settings: Settings, *, company_id: str) -> str:
    """Return the link to a company's own page."""
    return _url(settings, "company", company_token(settings, company_id=company_id))


def list_unsubscribe_headers(settings: Settings, *, company_id: str, mailto: str | None = None) -> dict[str, str]:
    """Return the RFC 8058 one-click unsubscribe headers of a digest (the https link, then ``mailto`` if given).

    Call only when ``links_enabled``; without a public address the digest keeps its mailto ``List-Unsubscribe``.
    """
    targets = [unsubscribe_url(settings, company_id=company_id), *([mailto] if mailto else [])]
    return {"List-Unsubscribe": ", ".join(f"<{target}>" for target in targets), "List-Unsubscribe-Post": ONE_CLICK}
