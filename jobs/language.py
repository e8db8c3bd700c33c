"""The reader's language in jobs: the ``kansenradar`` catalog and Jinja2 environments that speak it.

Companies and buyers read Dutch first and English as an option (a company's ``language: en``, ``report --lang
en``); command-line help and operator output stay English and are not in the catalog. Templates use Jinja2's
i18n extension (``{% trans %}``, ``_()``) with the catalog of one language installed per environment, so a page
rendered in one thread never borrows another reader's language.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from babel.support import NullTranslations
from jinja2 import BaseLoader, Environment, select_autoescape
from jinja2.ext import i18n

from matcher import i18n as formats
from matcher.i18n import translations

DOMAIN = "kansenradar"


def reader_language(value: str | None) -> str:
    """Return the language a reader gets: English when asked for, Dutch otherwise.

    >>> reader_language("en"), reader_language("nl"), reader_language(None), reader_language("de")
    ('en', 'nl', 'nl', 'nl')
    """
    return "en" if value == "en" else "nl"


def catalog(lang: str) -> NullTranslations:
    """Return the ``kansenradar`` catalog of a reader's language (English: the message ids themselves)."""
    return translations(reader_language(lang), DOMAIN, package="jobs")


def environment(loader: BaseLoader, lang: str, *, html_only: bool = False) -> Environment:
    """Return a Jinja2 environment over ``loader`` speaking ``lang``: the catalog and formatting filters installed.

    ``html_only`` escapes only ``*.html.j2`` templates (digests have a plain-text part that must stay unescaped);
    otherwise every template is escaped.
    """
    lang = reader_language(lang)
    escape = select_autoescape(enabled_extensions=("html.j2",), default_for_string=False) if html_only else True
    env = Environment(loader=loader, autoescape=escape, trim_blocks=True, lstrip_blocks=True, extensions=[i18n])
    # Whitespace inside {% trans %} collapses, as the extraction (babel.cfg, trimmed) sees it.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(catalog(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    env.filters.update(_filters(lang))
    return env


def _filters(lang: str) -> dict[str, Any]:
    def money(amount: float | None, currency: str | None = "EUR") -> str:
        return formats.money(amount, currency, lang)

    def number(value: float | int) -> str:
        return formats.number(value, lang)

    def percent(share: float) -> str:
        return formats.percent(share, lang)

    def day(value: date | None, form: str = "medium") -> str:
        return formats.date_text(value, lang, form)

    def moment(value: datetime | None, zone: tzinfo) -> str:
        return formats.moment(value, zone, lang)

    return {"money": money, "number": number, "percent": percent, "day": day, "moment": moment}
