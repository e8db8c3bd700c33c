"""spaCy pipelines and compiled rules, built once per language.

``spacy.blank(lang)`` with a sentencizer and the lookup lemmatizer from spacy-lookups-data: no trained pipeline is
needed. All rules of a language go into one ``Matcher`` (lower-case token patterns, regular expressions for
compounds); plain-word cues also go into a ``PhraseMatcher`` on lemmas, so "verplichtingen" finds "verplichting".
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, NamedTuple

import ahocorasick
import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from matcher.pipes import Parser
from matcher.rules import Rule, de, en, fr, nl, rules_of, tokens

logger = logging.getLogger(__name__)

RULE_MODULES: dict[str, ModuleType] = {"nl": nl, "en": en, "de": de, "fr": fr}
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Compiled:
    """Everything ``detect`` needs for one language; built once, never changed."""

    nlp: Language
    matcher: Matcher  # rule and veto patterns: run only on text ``may_match`` lets through
    cue_matcher: Matcher  # cue phrases in rule syntax: the model reads them in every sentence ``may_cue`` passes
    lemma_cues: PhraseMatcher
    lower_cues: PhraseMatcher
    rules: tuple[Rule, ...]
    vetoes: tuple[Rule, ...]
    neg_before: frozenset[str]
    boundary: frozenset[str]
    compliance: frozenset[str]
    # Per rule pattern, the literal options of each required token (a match contains one of each); None when
    # some pattern has no literal to look for.
    hints: tuple[tuple[Options, ...], ...] | None
    screen: tuple[str, ...]
    cue_hints: tuple[tuple[Options, ...], ...] | None = None  # the same for the cue patterns in rule syntax

    @functools.cached_property
    def _screen(self) -> ahocorasick.Automaton | None:
        # Aho-Corasick looks for every stem in one pass over the text.
        return _automaton({stem: stem for stem in self.screen})

    @functools.cached_property
    def _rule_index(self) -> _Index | None:
        return None if self.hints is None else _Index(self.hints)

    @functools.cached_property
    def _cue_index(self) -> _Index | None:
        return None if self.cue_hints is None else _Index(self.cue_hints)

    @functools.cached_property
    def _parser(self) -> Parser:
        return Parser(self.nlp)

    def parse(self, text: str) -> Doc:
        """Return ``nlp(text)``: the same sentences and lemmas, computed from token arrays (``matcher.pipes``)."""
        return self._parser.parse(text)

    def may_concern(self, text: str) -> bool:
        """Return False when ``text`` holds none of the model's screening stems (then nothing reads it)."""
        return self._screen is not None and next(self._screen.iter(text.lower()), None) is not None

    def may_match(self, text: str) -> bool:
        """Return False only when no rule can match ``text`` (most notice texts), without running spaCy."""
        return self._rule_index is None or self._rule_index.possible(text.lower())

    def may_cue(self, text: str) -> bool:
        """Return False only when no cue pattern of ``cue_matcher`` can match ``text`` (nearly every text)."""
        return self._cue_index is None or self._cue_index.possible(text.lower())


class _Index:
    """Patterns' hints by the literals of their first token: a text is checked only against the patterns whose
    first token's literal it holds (most hold none: one Aho-Corasick pass over the text says so)."""

    def __init__(self, hints: tuple[tuple[Options, ...], ...]) -> None:
        self.hints = hints
        # literal -> (patterns whose first token holds it anywhere, patterns whose first token is it as a word)
        patterns: dict[str, tuple[list[int], list[int]]] = {}
        for index, pattern in enumerate(hints):
            for part in pattern[0].parts:
                patterns.setdefault(part, ([], []))[0].append(index)
            for word in pattern[0].words:
                patterns.setdefault(word, ([], []))[1].append(index)
        self.first = _automaton({literal: (literal, *found) for literal, found in patterns.items()})

    def possible(self, lowered: str) -> bool:
        """Return whether some pattern's literals are all in ``lowered``."""
        hits = list(self.first.iter(lowered)) if self.first is not None else []
        if not hits:
            return False
        words = set(WORD.findall(lowered))
        candidates: set[int] = set()
        for _end, (literal, anywhere, whole) in hits:
            candidates.update(anywhere)
            if whole and literal in words:
                candidates.update(whole)
        return any(all(o.found(lowered, words) for o in self.hints[i][1:]) for i in sorted(candidates))


def _automaton(values: dict[str, Any]) -> ahocorasick.Automaton | None:
    """Return an automaton that finds every key of ``values`` (reporting its value), or None when there are none."""
    if not values:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in values.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


_SPECIAL = set("^$()[]{}|?*+.\\")


def _literal(text: str) -> str:
    """Return the literal start of a regular expression branch ("social-?return" -> "social")."""
    out = []
    for ch in text:
        if ch in "?*{":
            return "".join(out[:-1])
        if ch in _SPECIAL:
            break
        out.append(ch)
    return "".join(out)


class Options(NamedTuple):
    """What a token matching one pattern token contains: one of ``parts`` somewhere, or one of ``words`` as a whole
    word ("ess" the token is not "ess" in "adresse")."""

    parts: frozenset[str]
    words: frozenset[str]

    def found(self, lowered: str, words: set[str]) -> bool:
        return not self.words.isdisjoint(words) or any(part in lowered for part in self.parts)


def _options(spec: dict[str, Any]) -> Options | None:
    """Return what a token matching ``spec`` contains, or None when unknown."""
    found = _literals(spec)
    if found is None:
        return None
    literals, whole = found
    # Only a literal made of word characters is a word of the text when a token equals it ("d'" is not).
    words = frozenset(literal for literal in literals if whole and WORD.fullmatch(literal))
    return Options(frozenset(literals) - words, words)


def _literals(spec: dict[str, Any]) -> tuple[set[str], bool] | None:
    """Return literals one of which a token matching ``spec`` contains, and whether the token equals it; None when
    unknown."""
    if spec.get("OP") in ("?", "*") or "LOWER" not in spec:
        return None
    value = spec["LOWER"]
    if isinstance(value, str):
        return {value}, True
    if "IN" in value:
        return set(value["IN"]), True
    full = value.get("REGEX", "")
    anchored, regex = full.startswith("^"), full.lstrip("^")
    if regex.startswith("("):
        depth, end = 0, 0
        for index, ch in enumerate(regex):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                end = index
                break
        branches = regex[1:end].split("|")
        if any(set(b) & _SPECIAL for b in branches):
            return None
        tail = regex[end + 1 :]
        rest = _literal(tail) if tail[:1] not in ("?", "*") else ""
        return {b + rest for b in branches}, anchored and tail == rest + "$"
    literal = _literal(regex)
    whole = anchored and regex == literal + "$"
    # A short literal found anywhere says little; as a whole word ("ea", entreprise adaptée) it is a fine hint.
    return ({literal}, whole) if len(literal) >= 3 or (whole and literal) else None


def _hints(patterns: Iterable[list[dict[str, Any]]]) -> tuple[tuple[Options, ...], ...] | None:
    hints = []
    for pattern in patterns:
        choices = tuple(o for o in (_options(spec) for spec in pattern) if o)
        if not choices:
            return None
        hints.append(choices)
    return tuple(hints)


def _pipeline(lang: str) -> Language:
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (OSError, ValueError, KeyError) as exc:  # spacy-lookups-data has no table for this language
        logger.warning("No lookup lemmatizer for %s (%s); matching on lower case only", lang, exc)
        nlp.remove_pipe("lemmatizer")
    return nlp


def _is_plain(phrase: str) -> bool:
    return not any(ch in phrase for ch in "/|?_") and phrase.strip() != ""


@functools.cache
def compiled(lang: str) -> Compiled:
    """Return the compiled pipeline and rules for ``lang`` ("nl", "en", "de" or "fr")."""
    module = RULE_MODULES[lang]
    nlp = _pipeline(lang)
    matcher = Matcher(nlp.vocab, validate=True)
    cue_matcher = Matcher(nlp.vocab, validate=True)
    rules = tuple(rules_of(module))
    vetoes = tuple(module.vetoes())
    for index, rule in enumerate(rules):
        matcher.add(f"R{index}", rule["patterns"])
    for index, veto in enumerate(vetoes):
        matcher.add(f"V{index}", veto["patterns"])
    lemma_cues = PhraseMatcher(nlp.vocab, attr="LEMMA" if "lemmatizer" in nlp.pipe_names else "LOWER")
    lower_cues = PhraseMatcher(nlp.vocab, attr="LOWER")
    cue_patterns = []
    for group, phrases in module.cues().items():
        # Plain words go through the tokenizer (so "sub-contract" splits as the text will); rule syntax to the Matcher.
        plain = [p for p in phrases if _is_plain(p)]
        special = [tokens(p) for p in phrases if not _is_plain(p)]
        if special:
            cue_matcher.add(f"C{group}", special)
            cue_patterns += special
        if plain:
            lemma_cues.add(f"C{group}", list(nlp.pipe(plain)))
            lower_cues.add(f"C{group}", [nlp.make_doc(p) for p in plain])
    negation: dict[str, Any] = module.negation()
    lower_cues.add("NA", [nlp.make_doc(p) for p in negation["after"]])
    lower_cues.add("NB", [nlp.make_doc(p) for p in negation.get("before_phrases", [])])
    return Compiled(
        nlp=nlp,
        matcher=matcher,
        cue_matcher=cue_matcher,
        lemma_cues=lemma_cues,
        lower_cues=lower_cues,
        rules=rules,
        vetoes=vetoes,
        neg_before=frozenset(negation["before"]),
        boundary=frozenset(negation["boundary"]),
        compliance=frozenset(negation["compliance"]),
        hints=_hints(pattern for rule in rules for pattern in rule["patterns"]),
        cue_hints=_hints(cue_patterns),
        screen=tuple(module.screen()),
    )
