"""A tender as companies read it: where it is, what it is worth, its lots, and links to its notice and documents.

The digest and the web pages show tenders alike through these functions; codes are shown by their labels in the
reader's language (``matcher.codelists``, Babel's territory names), never as bare codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from babel.lists import format_list

from jobs.language import catalog
from matcher import i18n
from matcher.codelists import country_label, region_label
from storage.records import safe_url

# A notice done in many regions names the first few and counts the rest: a digest line must stay one line.
MAX_PLACES = 3
TED_NOTICE = "https://ted.europa.eu/{lang}/notice/-/detail/{number}"
# The languages TED shows its notice pages in (the EU's official languages).
TED_LANGUAGES = frozenset({"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
                           "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"})  # fmt: skip


def notice_link(record: Mapping[str, Any], url: str | None = None) -> str | None:
    """Return the notice's page for a person: TED's page in the notice's own language, else the stored page.

    >>> notice_link({"format": "eforms", "publication_number": "12-2026", "language": "nl"})
    'https://ted.europa.eu/nl/notice/-/detail/12-2026'
    >>> notice_link({"format": "tenderned", "url": "https://www.tenderned.nl/aankondigingen/overzicht/1"})
    'https://www.tenderned.nl/aankondigingen/overzicht/1'
    """
    number = record.get("publication_number")
    if number and record.get("format") in ("eforms", "ted-xml"):
        lang = str(record.get("language") or "en").lower()
        return TED_NOTICE.format(lang=lang if lang in TED_LANGUAGES else "en", number=number)
    return safe_url(url or record.get("url"))


def documents_link(record: Mapping[str, Any], lot_ids: Iterable[str] = ()) -> str | None:
    """Return where the tender documents are (eForms BT-15, TED XML URL_DOCUMENT, OCDS documents), if given."""
    lots = {lot.get("lot_id"): lot for lot in record.get("lots") or []}
    for lot_id in lot_ids:
        found = safe_url((lots.get(lot_id) or {}).get("documents_url"))
        if found:
            return found
    return safe_url(record.get("documents_url"))


def place(record: Mapping[str, Any], lang: str = "nl") -> str | None:
    """Return where the work is done: the places of performance (the first ``MAX_PLACES`` named, then how many
    more), else the buyer's region, city or country.

    >>> place({"nuts": ["NL35", "NL36", "NL35"]})
    'Utrecht en Zuid-Holland'
    >>> place({"nuts": ["NL35", "NL36", "NL32", "NL41", "NL42"]}, "en")
    'Utrecht, Zuid-Holland, Noord-Holland and 2 more regions'
    """
    names = list(dict.fromkeys(filter(None, (region_label(code, lang) for code in record.get("nuts") or []))))
    if names:
        shown, rest = names[:MAX_PLACES], len(names) - MAX_PLACES
        if rest > 0:
            more = catalog(lang).ngettext("%(count)d more region", "%(count)d more regions", rest)
            shown.append(more % {"count": rest})
        return format_list(shown, locale=i18n.locale(lang))
    buyer = record.get("buyer") or {}
    return region_label(buyer.get("nuts"), lang) or buyer.get("city") or country_label(buyer.get("country"), lang)


def value(record: Mapping[str, Any], lang: str = "nl") -> str | None:
    """Return the estimated value as the reader writes money, or ``None`` when the notice gives none."""
    money = record.get("estimated_value") or {}
    return i18n.money(money["amount"], money.get("currency"), lang) if money.get("amount") is not None else None
