"""Whom a service is for: a company's branches of work for a named audience fit fully only where a notice names it.

The CPV part compares codes, and codes do not say whom a service is for (``matcher.rules.audiences``). For a
company whose description names an audience, its codes in that audience's branches fit a notice that does not
name the audience only ``UNNAMED`` as well: vocational courses for anyone stay related work for a re-integration
company, not its work. A company whose main work is for the audience is held to it in every branch; a cleaning
company that names the people it employs keeps its cleaning whole, and companies that name no audience are
untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import ahocorasick
import numpy as np

from matcher.codelists import significant
from matcher.cpv import Weighted, fit_matrix
from matcher.stems import automaton

UNNAMED = 0.4  # how well an audience's branch fits a notice that does not name the audience (chosen on dev)


@functools.cache
def _finder() -> ahocorasick.Automaton | None:
    from matcher.rules.audiences import AUDIENCE_WORDS

    stems: dict[str, set[str]] = {}
    for audience, words in AUDIENCE_WORDS.items():
        for word in words:
            stems.setdefault(word, set()).add(audience)
    return automaton({stem: frozenset(names) for stem, names in stems.items()})


def named(text: str) -> frozenset[str]:
    """Return the audiences a text names (a stem anywhere in it, any language).

    >>> sorted(named("Prestations d'accompagnement des demandeurs d'emploi")), sorted(named("Schoonmaak"))
    (['jobseekers'], [])
    """
    found: set[str] = set()
    finder = _finder()
    if finder is not None:
        for _end, names in finder.iter(text.lower()):
            found |= names
    return frozenset(found)


def serves(code: str, audience: str) -> bool:
    """Return whether a company's code is (in, or above) a branch of work for ``audience``.

    >>> serves("85312510", "jobseekers"), serves("805", "jobseekers"), serves("90910000", "jobseekers")
    (True, True, False)
    """
    from matcher.rules.audiences import AUDIENCE_WORK

    digits = significant(code)
    return any(digits.startswith(branch) or branch.startswith(digits) for branch in AUDIENCE_WORK.get(audience, ()))


def audience_fit(descriptions: Sequence[str], companies: Sequence[Weighted], tenders: Sequence[Weighted],
                 texts: Sequence[str], fit: np.ndarray) -> np.ndarray:  # fmt: skip
    """Return ``fit`` (``matcher.cpv.fit_matrix`` of ``companies`` x ``tenders``) with each company's codes for
    the audiences its description names counted ``UNNAMED`` where the tender's text does not name them.

    When a company's main code (the first it gave, or the likeliest read from its words) is such a code, the
    people are what its work is about, and its other branches (the workshop where they learn) count so too.
    """
    result = fit
    read: dict[str, np.ndarray] | None = None
    for row, (description, codes) in enumerate(zip(descriptions, companies, strict=True)):
        audiences = _described(description)
        bound = {code for code, _weight in codes for audience in audiences if serves(code, audience)}
        if not bound:
            continue
        if read is None:  # the tenders' texts are read only when some company needs them, and once
            found = [named(text) for text in texts]
            read = {a: np.array([a in f for f in found], dtype=bool) for a in {a for f in found for a in f}}
            result = fit.copy()
        names = np.zeros(len(texts), dtype=bool)
        for audience in audiences:
            names |= read.get(audience, names)
        if codes[0][0] in bound:  # its main work is for these people: every branch is a means to that work
            result[row] = np.where(names, fit[row], fit[row] * np.float32(UNNAMED))
            continue
        free = fit_matrix([[(c, w) for c, w in codes if c not in bound]], tenders)[0]
        served = fit_matrix([[(c, w) for c, w in codes if c in bound]], tenders)[0]
        result[row] = np.maximum(free, np.where(names, served, served * np.float32(UNNAMED)))
    return result


@functools.lru_cache(maxsize=4096)  # a company's description is read again for every block of tenders
def _described(description: str) -> frozenset[str]:
    return named(description)
