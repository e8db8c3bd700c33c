"""What a company's own words say about its CPV codes: the branches of works and services a description points
to (``suggest``), with the words that led there, as ``companies import`` infers codes and ``companies suggest-cpv``
prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from matcher.cpv_model import LEVELS, CpvModel, predict
from matcher.langdetect import detect_language
from matcher.rules.trades import HOW_NOT_WHAT, NOT_THE_WORK, REJOINED, WORKFORCE

_WORD = re.compile(r"[^\W\d_]+")  # a word of a company's description, as ``own_work`` reads it
GROUP_TRUST = 0.8  # a suggested group beside its refined code: work in the group fits, its own branch fits best
REFINE_FLOOR = 0.1  # a refined code needs at least this cosine with one of its labels


@dataclass(frozen=True)
class Suggestion:
    """A CPV branch suggested for a text: its significant digits, a confidence in (0, 1] and the words behind it."""

    code: str  # "909" (a group) or "90921" (a code under it, in significant digits)
    confidence: float
    words: tuple[str, ...]


def refine(model: CpvModel, text: str, group: str) -> tuple[str, float] | None:
    """Return the code under ``group`` whose label (or trade words) is closest to ``text``, with the cosine; none
    when the group's own label or trade words are closest (bicycle repair is the vehicle-repair group itself, not
    its car or motorcycle repair codes)."""
    names, rows = model.label_rows
    inside = np.flatnonzero(np.array([name.startswith(group) for name in names]))
    if not inside.size:
        return None
    query = sparse.csr_matrix(normalize(sparse.csr_matrix(model.vectorizer.transform([text]), dtype=np.float32)))
    cosine = np.asarray((rows[inside] @ query.T).toarray()).ravel()
    best = int(np.argmax(cosine))
    name = names[inside[best]]
    return (name, float(cosine[best])) if cosine[best] >= REFINE_FLOOR and name != group else None


def description_language(text: str) -> str:
    """Return the language of a company's description among those with word lists; Dutch when it cannot be told."""
    lang = detect_language(text, default="nl") or "nl"
    return lang if lang in NOT_THE_WORK else "nl"


def own_work(text: str, lang: str | None = None) -> str:
    """Return a company's description without the words for whom, where and when it works (``NOT_THE_WORK`` of
    the description's language ``lang``, detected when not given), nor those for how it is organised and who works
    there (``WORKFORCE``)."""
    words = NOT_THE_WORK[lang or description_language(text)]
    text = REJOINED.sub(r"\1", WORKFORCE.sub(" ", text))
    return _WORD.sub(lambda m: " " if m.group(0).lower() in words else m.group(0), text)


def described_groups(model: CpvModel, text: str, *, most: int = 4, floor: float = 0.3,
                     lang: str | None = None) -> tuple[str, tuple[tuple[str, float], ...]]:  # fmt: skip
    """Return what of a company's description names its work (``own_work``) and the groups it points to, best
    first: how ``suggest`` reads a description, and what ``eval cpv`` scores."""
    work = own_work(text, lang)
    groups = predict(model, [work], work_only=True, floor=floor, most=most, relative=True)[0]
    if groups and not words_for(model, work, groups[0][0]):
        # Whom it works for is all the company says ("oppas voor kinderen"): then that is what its work is about.
        work = text
        groups = predict(model, [work], work_only=True, floor=floor, most=most, relative=True)[0]
    return work, groups


def suggest(model: CpvModel, text: str, *, most: int = 4, floor: float = 0.3) -> list[Suggestion]:
    """Return the branches of works and services a company's own words point to, best first.

    Per likely group, the code under it whose labels are closest to the words (full confidence), then the group
    itself (``GROUP_TRUST`` of it); each with the words that led there.
    """
    lang = description_language(text)
    work, groups = described_groups(model, text, most=most, floor=floor, lang=lang)
    # In the description's language: "surveillance" says how in French, and is security work in Dutch.
    how = HOW_NOT_WHAT[lang]
    found: list[Suggestion] = []
    read = [(group, confidence, words_for(model, work, group)) for group, confidence in groups]
    # Not on the model's prior for a group alone, nor on words that say how rather than what ("herstellen",
    # "onderhouden": bicycles are maintained too, not only parks); the likeliest group stays when no group has more
    # to go on: a description says something.
    kept = [entry for entry in read if not how.issuperset(entry[2])] or read[:1]
    # Relative to the likeliest group kept, as ``described_groups`` gives them: its work fits fully.
    scale = 1.0 / kept[0][1] if kept else 1.0
    for group, likely, words in kept:
        confidence = round(min(1.0, likely * scale), 4)
        # Within a group, whom the work is for does tell codes apart (welfare for the elderly, for children).
        fine = refine(model, text, group)
        if fine is not None:
            found.append(Suggestion(fine[0], confidence, words))
            found.append(Suggestion(group, round(confidence * GROUP_TRUST, 4), words))
        else:
            found.append(Suggestion(group, confidence, words))
    return sorted(found, key=lambda s: -s.confidence)


def words_for(model: CpvModel, text: str, code: str, limit: int = 5) -> tuple[str, ...]:
    """Return the words of ``text`` that weigh most toward ``code`` (a group)."""
    level = LEVELS.index(len(code)) if len(code) in LEVELS else -1
    if level < 0 or code not in model.classes[level]:
        return ()
    words = model.vectorizer.transformer_list[0][1]
    row = sparse.csr_matrix(normalize(sparse.csr_matrix(model.vectorizer.transform([text]), dtype=np.float32)))
    weights = model.weights[level].getrow(model.classes[level].index(code))
    contribution = row.multiply(weights).tocsr()
    width = len(words.vocabulary_)
    scored = {int(c): float(v) for c, v in zip(contribution.indices, contribution.data, strict=True)
              if c < width and v > 0}  # fmt: skip
    terms = {index: term for term, index in words.vocabulary_.items() if index in scored}
    return tuple(terms[c] for c in sorted(scored, key=lambda c: -scored[c])[:limit])
