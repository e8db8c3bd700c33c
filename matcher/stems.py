"""Many literals found in one pass over a text (Aho-Corasick, pyahocorasick).

Clause detection looks for hundreds of stems in every text: cue stems, screening stems, the literals rule patterns
need, the character n-grams of the clause model's vocabulary. Python's regular expressions try an alternation's
branches one after another; an automaton finds all literals, overlapping ones too, in one pass.
"""

from __future__ import annotations

import functools
from typing import Any

import ahocorasick


def automaton(values: dict[str, Any]) -> ahocorasick.Automaton | None:
    """Return an automaton whose ``iter(text)`` yields ``(end, value)`` for every occurrence of a key of ``values``;
    None when there are no keys. Empty keys are refused: the automaton would never report them."""
    if not values:
        return None
    found = ahocorasick.Automaton()
    for key, value in values.items():
        if not key:
            raise ValueError("an empty literal cannot be looked for")
        found.add_word(key, value)
    found.make_automaton()
    return found


@functools.cache
def _concepts() -> tuple[tuple[str, ...], ahocorasick.Automaton]:
    from matcher.rules.concepts import concepts

    found = sorted(concepts().items())
    signals: dict[str, set[str]] = {}
    for name, stems in found:
        for stem in stems:
            signals.setdefault(stem, set()).add(f"concept:{name}")
    finder = automaton({stem: frozenset(names) for stem, names in signals.items()})
    assert finder is not None  # the concepts are data shipped with the package, never empty
    return tuple(name for name, _stems in found), finder


def concept_names() -> tuple[str, ...]:
    """Return the cross-language concepts (``matcher.rules.concepts``) by name, in a fixed order."""
    return _concepts()[0]


@functools.lru_cache(maxsize=4096)  # a sentence is read for its anchors, then by the model: look once
def concept_signals(text: str) -> frozenset[str]:
    """Return ``concept:<name>`` for every cross-language concept a text mentions (a stem anywhere in it)."""
    found: set[str] = set()
    for _end, names in _concepts()[1].iter(f" {text.lower()} "):
        found |= names
    return frozenset(found)


@functools.cache
def _anchors() -> tuple[tuple[str, frozenset[str]], ...]:
    from matcher.rules.concepts import anchors

    return tuple((label, frozenset(f"concept:{name}" for name in names)) for label, names in anchors().items())


def unanchored(text: str) -> frozenset[str]:
    """Return ``veto:<label>`` for each label whose anchor concepts (``matcher.rules.concepts.anchors``) ``text``
    names none of: the model may not find that label there, as where a negation or a false friend stands."""
    found = concept_signals(text)
    return frozenset(f"veto:{label}" for label, needed in _anchors() if not found & needed)
