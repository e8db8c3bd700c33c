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


@dataclass(frozen=True)
class Requirements:
    """What a notice asks for: certificate families and, if stated, a minimum yearly turnover."""

    certificates: tuple[str, ...]
    turnover: float | None


def _amount(digits: str, unit: str | None) -> float:
    value = float(re.sub(r"[.,\s]", "", digits))
    factor = {"mln": 1e6, "miljoen": 1e6, "million": 1e6, "k": 1e3, "duizend": 1e3}.get((unit or "").lower(), 1)
    return value * factor


def extract(texts: Iterable[str | None]) -> Requirements:
    """Return the certificates and minimum turnover named in a notice's texts.

    >>> extract(["Inschrijver beschikt over VCA** en ISO 9001.", "Minimale jaaromzet € 500.000."])
    Requirements(certificates=('VCA', 'ISO 9001'), turnover=500000.0)
    """
    found: dict[str, None] = {}
    turnover: float | None = None
    for text in texts:
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
