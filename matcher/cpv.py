"""CPV codes: division labels in Dutch and English, and similarity over the CPV hierarchy.

The full CPV list is not shipped; these division labels are written by the project (a full code list file can be
given to ``load_labels`` to label every code). CPV digits go division (2) -> group (3) -> class (4) -> category (5)
and further; trailing zeros mean "the whole branch", so ``77310000`` is inside ``77300000`` and far from ``45000000``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

DIVISIONS: dict[str, tuple[str, str]] = {
    "03": ("Land-, tuinbouw-, bosbouw- en visserijproducten", "Agricultural, farming, fishing and forestry products"),
    "09": ("Brandstof, elektriciteit en energie", "Petroleum products, fuel, electricity and energy"),
    "14": ("Mijnbouw, basismetalen en aanverwante producten", "Mining, basic metals and related products"),
    "15": ("Voedingsmiddelen en dranken", "Food, beverages, tobacco and related products"),
    "16": ("Landbouwmachines", "Agricultural machinery"),
    "18": ("Kleding, schoeisel en accessoires", "Clothing, footwear, luggage and accessories"),
    "19": ("Leder, textiel, plastic en rubber", "Leather, textile, plastic and rubber materials"),
    "22": ("Drukwerk en aanverwante producten", "Printed matter and related products"),
    "24": ("Chemische producten", "Chemical products"),
    "30": ("Kantoor- en computerapparatuur", "Office and computing machinery and supplies"),
    "31": ("Elektrische machines en apparatuur, verlichting", "Electrical machinery, apparatus and lighting"),
    "32": ("Radio, televisie, communicatie en telecommunicatie", "Radio, television, communication and telecoms"),
    "33": ("Medische apparatuur en farmaceutica", "Medical equipment and pharmaceuticals"),
    "34": ("Vervoermaterieel", "Transport equipment and auxiliary products"),
    "35": ("Beveiligings- en defensie-uitrusting", "Security, fire-fighting, police and defence equipment"),
    "37": ("Muziek, sportartikelen en speelgoed", "Musical instruments, sport goods, games and toys"),
    "38": ("Laboratorium-, optische en precisie-instrumenten", "Laboratory, optical and precision equipment"),
    "39": ("Meubilair, apparaten en schoonmaakproducten", "Furniture, appliances and cleaning products"),
    "41": ("Opgevangen en gezuiverd water", "Collected and purified water"),
    "42": ("Industriële machines", "Industrial machinery"),
    "43": ("Mijnbouw- en bouwmachines", "Machinery for mining, quarrying and construction"),
    "44": ("Bouwconstructies en bouwmaterialen", "Construction structures and materials"),
    "45": ("Bouwwerkzaamheden", "Construction work"),
    "48": ("Software en informatiesystemen", "Software packages and information systems"),
    "50": ("Reparatie en onderhoud", "Repair and maintenance services"),
    "51": ("Installatiediensten", "Installation services"),
    "55": ("Hotel, restaurant en catering", "Hotel, restaurant and retail trade services (catering)"),
    "60": ("Vervoersdiensten", "Transport services"),
    "63": ("Ondersteunende vervoersdiensten en reisbureaus", "Supporting transport services and travel agencies"),
    "64": ("Post- en telecommunicatiediensten", "Postal and telecommunications services"),
    "65": ("Openbare nutsvoorzieningen", "Public utilities"),
    "66": ("Financiële diensten en verzekeringen", "Financial and insurance services"),
    "70": ("Vastgoeddiensten", "Real estate services"),
    "71": ("Architecten-, ingenieurs- en inspectiediensten", "Architectural, engineering and inspection services"),
    "72": ("IT-diensten", "IT services"),
    "73": ("Onderzoek en ontwikkeling", "Research and development services"),
    "75": ("Openbaar bestuur, defensie en sociale zekerheid", "Administration, defence and social security services"),
    "76": ("Diensten voor de olie- en gasindustrie", "Services related to the oil and gas industry"),
    "77": ("Land-, bos- en tuinbouwdiensten (groen)", "Agricultural, forestry, horticultural services (green)"),
    "79": ("Zakelijke diensten: juridisch, marketing, personeel", "Business services: law, marketing, staffing"),
    "80": ("Onderwijs en opleiding", "Education and training services"),
    "85": ("Gezondheidszorg en maatschappelijk werk", "Health and social work services"),
    "90": ("Afval, riolering, reiniging en milieu", "Sewage, refuse, cleaning and environmental services"),
    "92": ("Recreatie, cultuur en sport", "Recreational, cultural and sporting services"),
    "98": ("Overige gemeenschaps- en persoonlijke diensten", "Other community, social and personal services"),
}  # fmt: skip

# Similarity when the notice's code and the company's code share this many significant digits.
LEVELS = {2: 0.3, 3: 0.5, 4: 0.7, 5: 0.85}
BROADER = 0.8  # the notice's code is a wider branch (group or deeper) that contains the company's code
BROADER_DIVISION = LEVELS[2] + 0.2  # the notice names only the company's division


def significant(code: str) -> str:
    """Return a CPV code without its check digit and trailing zeros, keeping at least the division.

    >>> significant("77310000-6"), significant("03000000"), significant("7731")
    ('7731', '03', '7731')
    """
    digits = code.split("-")[0].strip()
    trimmed = digits.rstrip("0")
    return trimmed if len(trimmed) >= 2 else digits[:2]


def similarity(notice_code: str, company_code: str) -> float:
    """Return how close a notice's CPV code is to a company's code or prefix, in [0, 1].

    Inside the company's branch is a full match; a notice code one level broader still fits well; otherwise the
    deepest shared level counts.

    >>> similarity("77310000", "7731"), similarity("77300000", "77310000"), similarity("45000000", "7731")
    (1.0, 0.8, 0.0)
    """
    notice, company = significant(notice_code), significant(company_code)
    if not notice or not company:
        return 0.0
    if notice.startswith(company):
        return 1.0
    if company.startswith(notice):
        # The notice asks for a wider field that contains the company's work; a whole division says little.
        return BROADER if len(notice) >= 3 else BROADER_DIVISION
    shared = 0
    for a, b in zip(notice, company, strict=False):
        if a != b:
            break
        shared += 1
    return LEVELS.get(min(shared, 5), 0.0)


def best_similarity(notice_codes: Iterable[str], company_codes: Iterable[str]) -> tuple[float, str | None, str | None]:
    """Return the best similarity over all pairs, with the notice code and company code that gave it."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    company = list(company_codes)
    for notice_code in notice_codes:
        for company_code in company:
            score = similarity(notice_code, company_code)
            if score > best[0]:
                best = (score, notice_code, company_code)
    return best


def division_label(code: str, language: str = "nl", labels: Mapping[str, str] | None = None) -> str:
    """Return a readable label for a CPV code: the full label when a code list is loaded, else its division's."""
    digits = code.split("-")[0]
    if labels and digits in labels:
        return labels[digits]
    nl_label, en_label = DIVISIONS.get(digits[:2], ("onbekende sector", "unknown sector"))
    return nl_label if language == "nl" else en_label


def load_labels(path: Path, language: str = "nl") -> dict[str, str]:
    """Read a full CPV code list (CSV with a ``CODE`` column and one column per language, e.g. ``NL``/``EN``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        column = next((c for c in reader.fieldnames or [] if c.strip().upper() == language.upper()), None)
        if column is None:
            raise ValueError(f"{path}: no column for language {language!r}")
        return {row["CODE"].split("-")[0].strip(): row[column].strip() for row in reader if row.get("CODE")}
