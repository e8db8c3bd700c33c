"""Sentences as the clause rules and model read them: rough pieces worth spaCy, the readable text, each sentence's
view."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SentenceView:
    """One sentence as the model sees it: where it is, its text, its lemmas and the rules' signals in it.

    ``signals`` are language-independent names: ``cue:<group>`` (a cue group of the rules occurs), ``cand:<label>``
    (a rule pattern of the label matched), ``rule:<label>`` (a rule finding), ``neg:<label>`` (a negated one),
    ``veto:<label>`` (a false friend of the label, ``veto:*`` of every label, holds for the sentence).
    """

    start: int
    end: int
    text: str
    lemmas: str
    signals: frozenset[str]


# Characters the rules are not written with, read as those they are, one for one so that every offset still points
# into the text as given: no-break spaces ("social\u00a0return", "10\u202f%": to spaCy a token of their own, which
# breaks every phrase they stand in) and the typographic apostrophe ("d’insertion", a quarter of French texts).
_READABLE = (("\u00a0", " "), ("\u2007", " "), ("\u202f", " "), ("\u2019", "'"))


def readable(text: str) -> str:
    """Return ``text`` as the rules and the model read it (``_READABLE``); same length, same offsets.

    >>> readable("heures d\u2019insertion\u00a0: 5\u202f%")
    "heures d'insertion : 5 %"
    """
    # str.replace per character, not str.translate: translate looks every character up in Python, ten times slower.
    for old, new in _READABLE:
        if old in text:
            text = text.replace(old, new)
    return text


# A sentence ends at . ! ? ; or a line break followed by a capital, digit, bullet or quote. Only for choosing
# the pieces worth spaCy: each chosen piece is parsed (and split again, properly) by the pipeline.
_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=[\W\d]*[A-ZÀ-ÖØ-ÞΑ-Ω0-9•\-–(\"'“‘])|\n\s*\n|\n(?=\s*[-•–*\d])")


def pieces(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` character spans of a text's sentences, roughly, with a regular expression.

    >>> text = "Eerste zin. Tweede zin; en meer.\\n- een opsomming"
    >>> [text[start:end] for start, end in pieces(text)]
    ['Eerste zin.', 'Tweede zin; en meer.', '- een opsomming']
    """
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
