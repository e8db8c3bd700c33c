"""Whom a service is for: a company's branches of work for a named audience fit fully only where a notice names it.

The CPV part compares codes, and codes do not say whom a service is for (``matcher.rules.audiences``). For a
company whose description names an audience, its codes in that audience's branches fit a notice that does not
name the audience only ``UNNAMED`` as well: vocational courses for anyone stay related work for a re-integration
company, not its work. A company whose main work is for the audience is held to it in every branch; a cleaning
company that names the people it employs keeps its cleaning whole, and companies that name no audience are
untouched. Where a notice does name an audience of ``ALIKE``, the company's branches for it count alike, each as its
likeliest one: buyers code one service for jobseekers as job search, secondment, social work or training, so a
company read as mainly seconding people (7962) is as fit for coaching jobseekers coded as training (8053). Care for
children, the elderly or disabled people is coded by what it is, so there the codes keep their weights. Whom a
notice names is read once from its whole text (``named``) and holds for its lots too.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick
import numpy as np

from matcher.codelists import significant
from matcher.cpv import Weighted, fit_matrix
from matcher.rules.audiences import ALIKE, AUDIENCE_PHRASES, AUDIENCE_WORDS, AUDIENCE_WORK
from matcher.stems import automaton

UNNAMED = 0.4  # how well an audience's branch fits a notice that does not name the audience (chosen on dev)


@functools.cache
def _finder() -> ahocorasick.Automaton:
    stems: dict[str, tuple[set[str], bool]] = {}
    for whole, table in ((False, AUDIENCE_WORDS), (True, AUDIENCE_PHRASES)):
        for audience, words in table.items():
            for word in words:
                stems.setdefault(word, (set(), whole))[0].add(audience)
    finder = automaton({stem: (frozenset(names), whole, len(stem)) for stem, (names, whole) in stems.items()})
    assert finder is not None  # the words are data shipped with the package, never empty
    return finder


def named(text: str) -> frozenset[str]:
    """Return the audiences a text names: a stem anywhere in a word, a phrase as whole words (any language).

    >>> sorted(named("Prestations d'accompagnement des demandeurs d'emploi")), sorted(named("Schoonmaak"))
    (['jobseekers'], [])
    >>> sorted(named("Jobseekers back into work.")), sorted(named("Put the machines back into working order"))
    (['jobseekers'], [])
    """
    found: set[str] = set()
    lowered = text.lower()
    for end, (names, whole, length) in _finder().iter(lowered):
        start = end - length + 1
        if whole and (lowered[start - 1 : start].isalnum() or lowered[end + 1 : end + 2].isalnum()):
            continue  # "into work" inside "into workflows"
        found |= names
    return frozenset(found)


def serves(code: str, audience: str) -> bool:
    """Return whether a company's code is (in, or above) a branch of work for ``audience``.

    >>> serves("85312510", "jobseekers"), serves("805", "jobseekers"), serves("90910000", "jobseekers")
    (True, True, False)
    """
    digits = significant(code)
    return any(digits.startswith(branch) or branch.startswith(digits) for branch in AUDIENCE_WORK.get(audience, ()))


@functools.lru_cache(maxsize=4096)  # a company's description is read again for every block of tenders
def _described(description: str) -> frozenset[str]:
    return named(description)


@dataclass(frozen=True)
class Held:
    """A company's codes as they count for notices that name the audiences it serves, and for those that do not."""

    audiences: frozenset[str]
    unnamed: Weighted  # ``UNNAMED`` of each code for them, of every code when its main one is
    named: Weighted  # each code for an ``ALIKE`` audience as its likeliest one (the others as they are)

    def counted(self, audiences: frozenset[str]) -> Weighted:
        """Return the codes as they count for a notice that names ``audiences``."""
        return self.named if self.audiences & audiences else self.unnamed


def held(description: str, codes: Weighted) -> Held | None:
    """Return how a company's codes count when its description names an audience, or None when nothing changes."""
    audiences = _described(description)
    alike = audiences & ALIKE
    pairs = [(code, weight, any(serves(code, a) for a in audiences), any(serves(code, a) for a in alike))
             for code, weight in codes]  # fmt: skip
    if not any(bound for _code, _weight, bound, _alike in pairs):
        return None
    # Its main work (the first code it gave, or the likeliest read from its words) is for these people: every
    # branch is a means to that work (the workshop where they learn).
    every = pairs[0][2]
    low = np.float32(UNNAMED)
    top = max(weight for _code, weight, bound, _alike in pairs if bound)
    unnamed = tuple((code, float(weight * low) if every or bound else weight) for code, weight, bound, _a in pairs)
    return Held(audiences, unnamed, tuple((code, top if same else weight) for code, weight, _b, same in pairs))


def audience_fit(descriptions: Sequence[str], companies: Sequence[Weighted], tenders: Sequence[Weighted],
                 audiences: Sequence[frozenset[str]], fit: np.ndarray) -> np.ndarray:  # fmt: skip
    """Return ``fit`` (``matcher.cpv.fit_matrix`` of ``companies`` x ``tenders``) with each company's codes held
    to the audiences its description names (``held``): lowered where a tender (its ``audiences``) names none of
    them, its branches for them alike where a tender names one."""
    changed = [(row, found) for row, (d, codes) in enumerate(zip(descriptions, companies, strict=True))
               if codes and (found := held(d, codes)) is not None]  # fmt: skip
    if not changed:
        return fit
    # Setting the weights of codes is the rule itself: the fit is the best code's weight times its level. Where a
    # tender names the audience, codes that count as they are (no ``ALIKE`` branch raised) fit as ``fit`` says.
    low = fit_matrix([found.unnamed for _row, found in changed], tenders)
    raised = [index for index, (row, found) in enumerate(changed) if tuple(found.named) != tuple(companies[row])]
    high = dict(zip(raised, fit_matrix([changed[index][1].named for index in raised], tenders), strict=True))
    naming = {a: np.array([a in n for n in audiences], dtype=bool) for a in {a for n in audiences for a in n}}
    result = fit.copy()
    for index, (row, found) in enumerate(changed):
        says = np.zeros(len(tenders), dtype=bool)
        for audience in found.audiences:
            if audience in naming:
                says |= naming[audience]
        result[row] = np.where(says, high[index] if index in high else fit[row], low[index])
    return result
