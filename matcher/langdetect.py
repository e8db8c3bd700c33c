"""The language of a text, by py3langid (a maintained identifier with its own model), restricted to EU languages."""

from __future__ import annotations

import functools
from typing import Any

# The official languages of the EU: what public notices are written in. A text scored against fewer languages is
# less often mistaken for a close relative outside Europe (Afrikaans for Dutch).
EU_LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
                "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv")  # fmt: skip


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([lang for lang in EU_LANGUAGES if lang in identifier.labels])
    return identifier


def detect_language(text: str, *, default: str | None = None, confidence: float = 0.5) -> str | None:
    """Return the ISO 639-1 code of a text's language, or ``default`` when the text gives too little to tell.

    >>> detect_language("De opdrachtnemer zet mensen met een afstand tot de arbeidsmarkt in.")
    'nl'
    >>> detect_language("Kontrakten er forbeholdt beskyttede værksteder og virksomheder.")
    'da'
    """
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < 3:
        return default
    lang, probability = _identifier().classify(sample)
    return str(lang) if probability >= confidence else default
