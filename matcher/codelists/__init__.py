"""Labels for the code lists people see: every CPV code, NUTS region and the eForms social codes, in nl/en/de/fr.

The table ``labels.tsv.gz`` is derived by ``jobs.codelist_build`` (``make codelists``) from the Publications Office's
eForms label files (CC BY 4.0, Publications Office of the European Union; see ``README.md`` here), so users get a
Dutch label for every code without a setting.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from collections.abc import Sequence
from importlib import resources

from matcher.i18n import locale

LANGUAGES = ("nl", "en", "de", "fr")
# The two countries whose NUTS (and TED XML) code is not their ISO 3166 code.
NUTS_COUNTRY = {"GR": "EL", "GB": "UK"}
ISO_COUNTRY = {nuts: iso for iso, nuts in NUTS_COUNTRY.items()}
COLUMNS = ("list", "code", "check", *LANGUAGES)
# Dutch NUTS 2021 codes that NUTS 2024 (the shipped list) renamed: the same region, by name, under a new code.
# Notices published before 2024, and profiles written from them, still carry the old ones (NL310 Utrecht, NL33C
# Groot-Rijnmond). Level 2 first, then level 3; other countries' codes are compared as published.
NUTS_RENAMED = {
    "NL31": "NL35", "NL33": "NL36",
    "NL111": "NL114", "NL113": "NL115", "NL124": "NL127", "NL125": "NL128", "NL324": "NL32A", "NL329": "NL32B",
    "NL310": "NL350", "NL332": "NL361", "NL333": "NL362", "NL337": "NL363", "NL33A": "NL364", "NL33B": "NL365",
    "NL33C": "NL366", "NL412": "NL415", "NL413": "NL416",
}  # fmt: skip
# The lists the product shows (reports, digests, reasons) or learns from (CPV labels as text for the CPV model).
SHIPPED_LISTS = frozenset({
    "cpv", "nuts", "country", "buyer-legal-type", "contract-nature", "notice-type", "procurement-procedure-type",
    "reserved-procurement", "social-objective", "strategic-procurement", "award-criterion-type",
    "main-activity", "language", "currency",
})  # fmt: skip


@functools.cache
def _table() -> dict[tuple[str, str], tuple[str, ...]]:
    raw = gzip.decompress(resources.files(__package__).joinpath("labels.tsv.gz").read_bytes()).decode("utf-8")
    rows = csv.reader(io.StringIO(raw), delimiter="\t")
    header = next(rows)
    if tuple(header) != COLUMNS:
        raise ValueError(f"labels.tsv.gz has columns {header}, expected {list(COLUMNS)}")
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def label(list_name: str, code: str, lang: str = "nl") -> str | None:
    """Return the label of ``code`` in ``list_name`` in ``lang`` (English when that language has none), or None.

    >>> label("cpv", "77310000-6"), label("nuts", "NL32", "nl"), label("reserved-procurement", "res-ws", "en")[:38]
    ('Beplanten en onderhouden van groengebieden', 'Noord-Holland', 'Participation is reserved to sheltered')
    """
    key = code.split("-")[0] if list_name == "cpv" else code
    row = _table().get((list_name, key))
    if row is None:
        return None
    by_lang = dict(zip(LANGUAGES, row[1:], strict=True))
    return by_lang.get(lang) or by_lang["en"] or None


def current_nuts(code: str) -> str:
    """Return a NUTS code in upper case as the shipped (2024) list spells it.

    >>> current_nuts("nl310"), current_nuts("NL33C"), current_nuts("NL33"), current_nuts("NL329"), current_nuts("BE2")
    ('NL350', 'NL366', 'NL36', 'NL32B', 'BE2')
    >>> current_nuts("NL335")  # an older level 3 code of Zuid-Holland, not in the table: the province it is in
    'NL36'
    """
    upper = code.strip().upper()
    if len(upper) >= 5 and upper[:5] in NUTS_RENAMED:
        return NUTS_RENAMED[upper[:5]] + upper[5:]
    return NUTS_RENAMED.get(upper[:4], upper)


def cpv_label(code: str, lang: str = "nl") -> str | None:
    """Return the label of a CPV code (with or without check digit) in ``lang``."""
    return label("cpv", code, lang)


def cpv_with_check_digit(code: str) -> str:
    """Return ``77310000-6`` for ``77310000`` (unchanged when the code is not in the CPV list)."""
    digits = code.split("-")[0]
    row = _table().get(("cpv", digits))
    return f"{digits}-{row[0]}" if row and row[0] else code


def codes(list_name: str) -> list[str]:
    """Return every code of ``list_name`` in the table, sorted."""
    return sorted(code for (name, code) in _table() if name == list_name)


def region_label(code: str | None, lang: str = "nl") -> str | None:
    """Return the name of a NUTS region, of its nearest labelled parent, or of its country.

    >>> region_label("NL32"), region_label("NL32Z", "en"), region_label("NL"), region_label(None)
    ('Noord-Holland', 'Noord-Holland', 'Nederland', None)
    >>> region_label("NL310"), region_label("NL33C")  # NUTS 2021 codes, renamed in 2024
    ('Utrecht', 'Groot-Rijnmond')
    """
    if not code:
        return None
    code = current_nuts(code)
    for length in range(len(code), 2, -1):
        found = label("nuts", code[:length], lang)
        if found:
            return found
    return country_label(code[:2], lang)


def significant(code: str) -> str:
    """Return a CPV code without its check digit and trailing zeros, keeping at least the division.

    >>> significant("77310000-6"), significant("03000000"), significant("7731")
    ('7731', '03', '7731')
    """
    digits = code.split("-")[0].strip()
    trimmed = digits.rstrip("0")
    return trimmed if len(trimmed) >= 2 else digits[:2]


def unknown_codes(*, regions: Sequence[str] = (), cpv: Sequence[str] = ()) -> list[str]:
    """Return the codes no shipped list knows: regions that are neither a NUTS code (any version) nor a country of
    the NUTS list, CPV codes or prefixes that start no CPV code. A well-formed typo ("NK32") would otherwise match
    nothing, unsaid. The United Kingdom's codes (NUTS 2016, before it left) are taken as they are.

    >>> unknown_codes(regions=["NL329", "NL", "nl33c", "BE2", "UKI3", "NK32", "NL99", "ZZ"])
    ['NK32', 'NL99', 'ZZ']
    >>> unknown_codes(cpv=["7731", "77310000", "03450000", "999", "10000000", "4"])
    ['999', '10000000', '4']
    """
    found = [code for code in regions
             if not (label("nuts", current_nuts(code), "en") or code.upper().startswith("UK"))]  # fmt: skip
    prefixes = _cpv_prefixes()
    return found + [code for code in cpv if significant(code) not in prefixes]


@functools.cache
def _cpv_prefixes() -> frozenset[str]:
    # Every start of every CPV code from its division on: "77310000" gives "77", "773" and "7731".
    found = set()
    for code in codes("cpv"):
        start = significant(code)
        found.update(start[:n] for n in range(2, len(start) + 1))
    return frozenset(found)


def country_label(code: str | None, lang: str = "nl") -> str | None:
    """Return a country's name for an ISO alpha-2 code (TED XML's "UK" and "EL" too).

    >>> country_label("NL"), country_label("UK", "en"), country_label("??")
    ('Nederland', 'United Kingdom', '??')
    """
    if not code:
        return None
    code = ISO_COUNTRY.get(code.upper(), code.upper())
    return locale(lang).territories.get(code, code)
