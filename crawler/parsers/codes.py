"""Code tables the parsers need: ISO country and language codes, TED XML forms."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from babel.core import get_global

# ISO 3166-1 alpha-3 -> alpha-2 for the countries that publish on TED and their neighbours. eForms writes
# alpha-3 ("NLD"); the record keeps alpha-2 ("NL") like TED XML, OCDS and TenderNed do.
COUNTRY_ALPHA2 = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
    "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE", "ISL": "IS", "LIE": "LI", "NOR": "NO", "CHE": "CH", "GBR": "GB",
    "ALB": "AL", "AND": "AD", "ARM": "AM", "AZE": "AZ", "BIH": "BA", "BLR": "BY", "GEO": "GE", "MDA": "MD",
    "MCO": "MC", "MNE": "ME", "MKD": "MK", "SMR": "SM", "SRB": "RS", "TUR": "TR", "UKR": "UA", "VAT": "VA",
    "XKX": "XK", "RUS": "RU", "USA": "US", "CAN": "CA", "AUS": "AU", "NZL": "NZ", "JPN": "JP", "CHN": "CN",
    "IND": "IN", "BRA": "BR", "MEX": "MX", "ARG": "AR", "CHL": "CL", "COL": "CO", "PER": "PE", "PRY": "PY",
    "URY": "UY", "ZAF": "ZA", "MAR": "MA", "TUN": "TN", "EGY": "EG", "ISR": "IL", "SGP": "SG", "KOR": "KR",
}  # fmt: skip

# TED XML uses "UK" and "EL" where ISO has "GB" and "GR" (as NUTS does: a whole country is a NUTS code too).
COUNTRY_ALPHA2_FIXES = {"UK": "GB", "EL": "GR"}
NUTS_COUNTRY = {iso: nuts for nuts, iso in COUNTRY_ALPHA2_FIXES.items()}

# EU language codes (three letters, as eForms writes them) -> ISO 639-1.
LANGUAGE_ALPHA2 = {
    "BUL": "bg", "CES": "cs", "DAN": "da", "DEU": "de", "ELL": "el", "ENG": "en", "EST": "et", "FIN": "fi",
    "FRA": "fr", "GLE": "ga", "HRV": "hr", "HUN": "hu", "ITA": "it", "LAV": "lv", "LIT": "lt", "MLT": "mt",
    "NLD": "nl", "POL": "pl", "POR": "pt", "RON": "ro", "SLK": "sk", "SLV": "sl", "SPA": "es", "SWE": "sv",
    "NOR": "no", "ISL": "is", "TUR": "tr", "MKD": "mk", "SRP": "sr", "SQI": "sq", "UKR": "uk", "RUS": "ru",
    # The bibliographic forms of the same languages (ISO 639-2/B), as other systems write them.
    "DUT": "nl", "GER": "de", "FRE": "fr", "GRE": "el", "CZE": "cs", "SLO": "sk", "RUM": "ro", "ALB": "sq",
    "MAC": "mk",
}  # fmt: skip


def nuts_country(code: str | None) -> str | None:
    """Return the NUTS code of a whole country ("NLD" or "NL" -> "NL", "GRC" -> "EL"), or ``None``.

    >>> nuts_country("NLD"), nuts_country("GRC"), nuts_country("GB"), nuts_country(None)
    ('NL', 'EL', 'UK', None)
    """
    alpha2 = country_alpha2(code)
    return NUTS_COUNTRY.get(alpha2, alpha2) if alpha2 else None


def country_alpha2(code: str | None) -> str | None:
    """Return the alpha-2 country code for an alpha-3 or alpha-2 code, or ``None`` when unknown."""
    if not code:
        return None
    code = code.strip().upper()
    if len(code) == 2:
        return COUNTRY_ALPHA2_FIXES.get(code, code)
    return COUNTRY_ALPHA2.get(code)


def language_alpha2(code: str | None) -> str | None:
    """Return the ISO 639-1 code for an EU three-letter or two-letter language code."""
    if not code:
        return None
    code = code.strip()
    if len(code) == 2:
        return code.lower()
    return LANGUAGE_ALPHA2.get(code.upper())


# Where CLDR's first (European) zone of a country is not its capital's: Famagusta kept UTC+3 in 2016-17, Astrakhan
# is UTC+4; Kosovo has no CLDR territory zones.
CAPITAL_ZONES = {"CY": "Asia/Nicosia", "RU": "Europe/Moscow", "XK": "Europe/Belgrade"}


@functools.cache
def country_zone(alpha2: str | None) -> ZoneInfo | None:
    """Return the time zone of a country's capital region (CLDR's zones of the territory, the European one first),
    or ``None`` for an unknown country.

    >>> str(country_zone("BG")), str(country_zone("ES")), str(country_zone("CY")), country_zone("XX")
    ('Europe/Sofia', 'Europe/Madrid', 'Asia/Nicosia', None)
    """
    code = country_alpha2(alpha2) or ""
    zones = get_global("territory_zones").get(code, [])
    chosen = CAPITAL_ZONES.get(code) or next(
        (z for z in zones if z.startswith("Europe/")), zones[0] if zones else None
    )
    return ZoneInfo(chosen) if chosen else None
