"""The language of a text, by py3langid (a maintained identifier with its own model), restricted to EU languages; and
the function words of those languages, from spaCy's lists."""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Any

# The official languages of the EU: what public notices are written in. A text scored against fewer languages is
# less often mistaken for a close relative outside Europe (Afrikaans for Dutch).
EU_LANGUAGES = ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
                "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv")  # fmt: skip
# Every EU language of the corpus but Maltese, for which spaCy has no stop word list.
STOP_LANGUAGES = tuple(lang for lang in EU_LANGUAGES if lang != "mt")


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


def language_ranking(text: str) -> list[tuple[str, float]]:
    """Return the EU languages from the likeliest to the least likely for ``text``, with their probabilities."""
    return [(str(lang), float(probability)) for lang, probability in _identifier().rank(text[:5000])]


def _spacy_stop_words(lang: str) -> set[str]:
    """Return spaCy's stop words of ``lang``, read from their own module file.

    Importing ``spacy.lang.<lang>.stop_words`` runs the language package first, whose tokenizer rules take seconds
    to compile (French alone ~3 s): too much for a list of words on every ``match``. The file is plain data.
    """
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        raise ImportError("spaCy is not installed")
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    loaded = importlib.util.spec_from_file_location(f"_kansenradar_stop_words_{lang}", path)
    if loaded is None or loaded.loader is None:
        raise ImportError(f"no spaCy stop words for {lang}")
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return set(module.STOP_WORDS)


@functools.cache
def stop_words() -> tuple[str, ...]:
    """Return the function words of the EU languages spaCy lists: they say nothing about the kind of work."""
    words: set[str] = set()
    for lang in STOP_LANGUAGES:
        words |= _spacy_stop_words(lang)
    # Only whole tokens of the word analyser ("a.d." would not be one, and scikit-learn warns about it).
    return tuple(sorted(w for w in words if re.fullmatch(r"[^\W\d_]{3,}", w)))
