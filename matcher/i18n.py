"""What people read, in their language: gettext catalogs and locale formatting, both done by Babel.

Catalogs are ``<package>/locale/<lang>/LC_MESSAGES/<domain>.po`` files shipped as package data. They are read
with Babel and compiled in memory on first use, so no binary ``.mo`` file is kept in the repository. Message ids
are English: English needs no translation, and a language without a catalog reads the English ids.

Numbers, money, dates, weeks and plurals follow the reader's locale (CLDR data in Babel): "€ 280.000" for Dutch
readers, "€280,000" for English ones. Times are shown in a given zone, with the zone, because a deadline without
it is ambiguous by an hour across Europe.
"""

from __future__ import annotations

import functools
import io
from datetime import date, datetime, tzinfo
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent, parse_pattern
from babel.support import NullTranslations, Translations

__all__ = ["LOCALES", "N_", "date_text", "locale", "money", "moment", "number", "percent", "translations", "week"]

# The languages people read Kansenradar in, and the locale whose conventions they expect. English readers are
# European (en_GB writes "18 Dec 2026", not "Dec 18, 2026").
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (a label table translated where it is shown).

    >>> N_("Social return")
    'Social return'
    """
    return message


def locale(lang: str) -> Locale:
    """Return the Babel locale for a reader's language ("nl" -> nl_NL); unknown languages read Dutch conventions."""
    return Locale.parse(LOCALES.get(lang, LOCALES["nl"]))


@functools.cache
def translations(lang: str, domain: str, package: str = "matcher") -> NullTranslations:
    """Return the catalog of ``domain`` in ``lang`` from ``package``'s ``locale`` folder, compiled in memory.

    Untranslated and fuzzy entries are left out (gettext then returns the English id); a missing catalog gives
    the English ids throughout.
    """
    path = resources.files(package).joinpath("locale", lang, "LC_MESSAGES", f"{domain}.po")
    if not path.is_file():
        return NullTranslations()
    catalog = read_po(io.BytesIO(path.read_bytes()), locale=lang, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def money(amount: float | None, currency: str | None = "EUR", lang: str = "nl") -> str:
    """Return an amount as the reader writes it, in whole units (tender values are estimates, cents are noise).

    Dutch puts a no-break space after the sign, so "€ 280.000" never breaks across lines.

    >>> money(280000, "EUR", "nl"), money(280000.0, "EUR", "en"), money(None), money(1500, None, "nl")
    ('€\xa0280.000', '€280,000', '', '€\xa01.500')
    """
    if amount is None:
        return ""
    where = locale(lang)
    pattern = parse_pattern(where.currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)
    return pattern.apply(round(amount), where, currency=(currency or "EUR").upper(), currency_digits=False)


def number(value: float | int, lang: str = "nl") -> str:
    """Return a number with the reader's grouping and decimal signs.

    >>> number(12345.5, "nl"), number(12345.5, "en")
    ('12.345,5', '12,345.5')
    """
    return format_decimal(value, locale=locale(lang))


def percent(share: float, lang: str = "nl") -> str:
    """Return a share in [0, 1] as a whole percentage.

    >>> percent(0.753, "nl"), percent(0.5, "en")
    ('75%', '50%')
    """
    return format_percent(share, locale=locale(lang))


def date_text(day: date | None, lang: str = "nl", form: str = "medium") -> str:
    """Return a date as the reader writes it (``form``: short, medium, long, or a CLDR pattern such as "MMM y").

    >>> date_text(date(2026, 10, 5), "nl"), date_text(date(2026, 10, 5), "en"), date_text(None)
    ('5 okt 2026', '5 Oct 2026', '')
    """
    if day is None:
        return ""
    return format_date(day, form, locale=locale(lang))


def moment(when: datetime | None, zone: tzinfo, lang: str = "nl") -> str:
    """Return a moment in ``zone`` with its weekday, date, time and the zone's abbreviation.

    >>> from zoneinfo import ZoneInfo
    >>> from datetime import UTC
    >>> moment(datetime(2026, 12, 18, 11, 0, tzinfo=UTC), ZoneInfo("Europe/Amsterdam"), "nl")
    'vr 18 dec 2026 12:00 (CET)'
    >>> moment(datetime(2026, 7, 1, 10, 30, tzinfo=UTC), ZoneInfo("Europe/Amsterdam"), "en")
    'Wed 1 Jul 2026 12:30 (CEST)'
    """
    if when is None:
        return ""
    local = when.astimezone(zone)
    shown = format_datetime(local, "EEE d MMM y HH:mm", tzinfo=zone, locale=locale(lang))
    return f"{shown} ({local.tzname()})"


def week(day: date, lang: str = "nl") -> str:
    """Return the ISO week a date falls in, as the reader says it.

    >>> week(date(2026, 12, 1), "nl"), week(date(2027, 1, 1), "en")
    ('week 49', 'week 53')
    """
    # CLDR's "w" counts weeks by the locale's rules; both locales here use ISO weeks (Monday, four-day rule).
    return format_date(day, "'week' w", locale=locale(lang))
