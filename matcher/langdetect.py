"""Tiny language guesser for the four clause languages, by function words (no model needed)."""

from __future__ import annotations

import re

_WORDS = {
    "nl": {"de", "het", "een", "en", "van", "voor", "met", "op", "is", "zijn", "wordt", "worden", "niet", "dat", "die",
           "aan", "bij", "opdracht", "opdrachtnemer", "gemeente", "ook", "naar", "uit", "deze", "als", "geen"},
    "en": {"the", "and", "of", "to", "for", "with", "is", "are", "be", "will", "this", "that", "on", "by", "not",
           "contract", "shall", "must", "from", "as", "an", "or", "which", "any"},
    "de": {"der", "die", "das", "und", "für", "mit", "von", "ist", "sind", "wird", "werden", "nicht", "den", "dem",
           "des", "ein", "eine", "zu", "auf", "im", "auftrag", "auftragnehmer", "bei", "kein", "keine"},
    "fr": {"le", "la", "les", "de", "des", "du", "et", "pour", "avec", "est", "sont", "un", "une", "au", "aux", "en",
           "pas", "marché", "titulaire", "dans", "par", "sur", "ne", "qui"},
}  # fmt: skip
_TOKEN = re.compile(r"[a-zà-ÿß]+", re.IGNORECASE)


def detect_language(text: str, *, default: str | None = None) -> str | None:
    """Return "nl", "en", "de" or "fr" for a text, or ``default`` when no language is clearly ahead.

    >>> detect_language("De opdrachtnemer zet mensen met een afstand tot de arbeidsmarkt in.")
    'nl'
    """
    words = [w.lower() for w in _TOKEN.findall(text[:5000])]
    if not words:
        return default
    scores = {lang: sum(1 for w in words if w in vocabulary) for lang, vocabulary in _WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == 0 or ranked[0] == ranked[1]:
        return default
    return best
