"""Certificates and thresholds a notice asks for, read from its text, against what a company has."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Certificate families as (canonical name, pattern). Patterns are matched case-insensitively on notice text and
# on the company's own list, so "VCA**", "VCA-VOL" and "vca" all count as VCA.
CERTIFICATES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("VCA", r"\bVCA(?:\*{1,2}|-?P|-?VOL|-?petrochemie)?\b|\bSCC\b"),
        ("ISO 9001", r"\bISO[- ]?9001\b"),
        ("ISO 14001", r"\bISO[- ]?14001\b"),
        ("ISO 45001", r"\bISO[- ]?45001\b|\bOHSAS[- ]?18001\b"),
        ("PSO", r"\bPSO\b|Prestatieladder Socialer Ondernemen"),
        ("CO2-prestatieladder", r"CO2[- ]?prestatieladder"),
        ("Keurmerk Schoon", r"Keurmerk Schoon(?:maak)?"),
        ("HACCP", r"\bHACCP\b"),
        ("Erkend Hovenier", r"Erkend Hovenier|Groenkeur"),
        ("Blik op Werk", r"Blik op Werk"),
    )
)
TURNOVER = re.compile(
    r"(?:omzet|jaaromzet|turnover|umsatz|chiffre d.affaires)[^.€$£\d]{0,60}(?:€|EUR|euro|£|GBP)?\s?"
    r"(\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:\s?(mln|miljoen|million|k|duizend))?",
    re.IGNORECASE,
)


# In a title or description a certificate counts as asked only in a sentence that asks something of the bidder;
# a sentence about obtaining or auditing one is the work bought (a buyer's own ISO 9001 certification), not a demand.
ASKING = re.compile(
    r"\b(?:beschik\w*|in het bezit|gecertificeerd|certificaat|moet\w*|dient|vereist\w*|eis\w*|verplicht\w*"
    r"|minimaal|ten minste|minimum|at least|mindestens|au moins"
    r"|must|shall|required|requirement\w*|certified|hold\w*|possess\w*|evidence of"
    r"|muss|müssen|nachweis\w*|zertifiziert\w*|verfüg\w*|vorlage"
    r"|doit|doivent|exig\w*|certifié\w*|justifi\w*|disposer)\b",
    re.IGNORECASE,
)
BUYING = re.compile(
    r"\b(?:certificering\w*|certification (?:audit|body|services?|of)|(?:re-?)?certification audit\w*"
    r"|audit\w*|implement\w*|invoer\w*|zertifizierung\w*|einführung|mise en place|accompagnement"
    # help to obtain one ("om het VCA-certificaat te behalen"); "heeft ... behaald" is a demand, so the infinitive
    r"|(?:te|het) (?:behalen|verkrijgen)|to (?:obtain|achieve)|obtaining|zu (?:erlangen|erwerben)|d.obtenir"
    r"|l.obtention)\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class Requirements:
    """What a notice asks of bidders: certificate families and, if stated, a minimum yearly turnover."""

    certificates: tuple[str, ...]
    turnover: float | None


def _amount(digits: str, unit: str | None) -> float:
    value = float(re.sub(r"[.,\s]", "", digits))
    factor = {"mln": 1e6, "miljoen": 1e6, "million": 1e6, "k": 1e3, "duizend": 1e3}.get((unit or "").lower(), 1)
    return value * factor


def _asking_sentences(texts: Iterable[str | None]) -> list[str]:
    return [s for text in texts if text for s in SENTENCE.split(text)
            if ASKING.search(s) and not BUYING.search(s)]  # fmt: skip


def extract(asked: Iterable[str | None], described: Iterable[str | None] = ()) -> Requirements:
    """Return the certificates and minimum turnover a notice asks of bidders.

    ``asked`` are texts that state conditions (selection criteria, conditions of performance): everything named
    there counts. ``described`` (descriptions) count only in sentences that ask something and do not buy it.

    >>> extract(["Inschrijver beschikt over VCA** en ISO 9001.", "Minimale jaaromzet € 500.000."])
    Requirements(certificates=('VCA', 'ISO 9001'), turnover=500000.0)
    >>> extract([], ["Certification audit of the JRC's ISO 9001 quality management system."]).certificates
    ()
    >>> extract([], ["Begeleiding van medewerkers om het VCA-certificaat te behalen, verplicht voor hun werk."])
    Requirements(certificates=(), turnover=None)
    >>> extract([], ["De inschrijver moet het VCA-certificaat hebben behaald."]).certificates
    ('VCA',)
    """
    found: dict[str, None] = {}
    turnover: float | None = None
    for text in [*asked, *_asking_sentences(described)]:
        if not text:
            continue
        for name, pattern in CERTIFICATES:
            if pattern.search(text):
                found.setdefault(name, None)
        for match in TURNOVER.finditer(text):
            amount = _amount(match.group(1), match.group(2))
            if amount >= 1000:
                turnover = max(turnover or 0.0, amount)
    order = [name for name, _ in CERTIFICATES]
    return Requirements(tuple(sorted(found, key=order.index)), turnover)


def held(certifications: Sequence[str]) -> set[str]:
    """Return the certificate families a company's own list covers ("VCA*" and "PSO trede 2" included)."""
    families = set()
    for certification in certifications:
        for name, pattern in CERTIFICATES:
            if pattern.search(certification):
                families.add(name)
    return families


def missing(required: Requirements, certifications: Sequence[str]) -> list[str]:
    """Return the certificate families the notice asks for that the company does not list."""
    have = held(certifications)
    return [name for name in required.certificates if name not in have]
