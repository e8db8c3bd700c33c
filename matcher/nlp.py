"""spaCy pipelines and compiled rules, built once per language.

``spacy.blank(lang)`` with a sentencizer and the lookup lemmatizer from spacy-lookups-data: no trained pipeline is
needed. All rules of a language go into one ``Matcher`` (lower-case token patterns, regular expressions for
compounds); plain-word cues also go into a ``PhraseMatcher`` on lemmas, so "verplichtingen" finds "verplichting".
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import ahocorasick
import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from matcher.hints import Hints, Index, hints_of
from matcher.pipes import Parser
from matcher.rules import Rule, de, en, fr, nl, rules_of, tokens
from matcher.stems import automaton

logger = logging.getLogger(__name__)

RULE_MODULES: dict[str, ModuleType] = {"nl": nl, "en": en, "de": de, "fr": fr}


@dataclass(frozen=True)
class Compiled:
    """Everything ``detect`` needs for one language; built once, never changed."""

    nlp: Language
    matcher: Matcher  # rule and veto patterns: run only on text ``may_match`` lets through
    # The vetoes of a whole sentence alone: they veto the model, which reads sentences no rule can match (run on
    # text ``may_veto`` lets through; far fewer patterns than ``matcher``).
    veto_matcher: Matcher
    cue_matcher: Matcher  # cue phrases in rule syntax: the model reads them in every sentence ``may_cue`` passes
    lemma_cues: PhraseMatcher
    lower_cues: PhraseMatcher
    rules: tuple[Rule, ...]
    vetoes: tuple[Rule, ...]
    neg_before: frozenset[str]
    boundary: frozenset[str]
    # After "geldt niet voor perceel 1": "wel" and a part word (the clause holds for another part; ``clauses``).
    reassert: tuple[tuple[str, ...], ...]
    parts: frozenset[str]
    reassert_not_after: frozenset[str]  # "dan wel" is "or", not "but"
    compliance: frozenset[str]
    answer_no: frozenset[str]  # "nee" in "Social return: nee." (``matcher.clauses``)
    # The rule patterns' literal hints (``matcher.hints``: a match contains one option of each required token);
    # None when some pattern has no literal to look for.
    rule_index: Index | None
    screen: tuple[str, ...]
    cue_index: Index | None = None  # the same for the cue patterns in rule syntax
    veto_index: Index | None = None  # the same for the vetoes of a whole sentence

    @functools.cached_property
    def _screen(self) -> ahocorasick.Automaton | None:
        # Aho-Corasick looks for every stem in one pass over the text.
        return automaton({stem: stem for stem in self.screen})

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
        return self.rule_index is None or self.rule_index.possible(text.lower())

    def may_veto(self, text: str) -> bool:
        """Return False only when no veto of a whole sentence can match ``text``."""
        return self.veto_index is None or self.veto_index.possible(text.lower())

    def may_cue(self, text: str) -> bool:
        """Return False only when no cue pattern of ``cue_matcher`` can match ``text`` (nearly every text)."""
        return self.cue_index is None or self.cue_index.possible(text.lower())


def _index(hints: Hints | None) -> Index | None:
    return None if hints is None else Index(hints)


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
def rule_literals(lang: str) -> Index | None:
    """Return the literal hints of ``lang``'s rule patterns (see ``Compiled.may_match``), without the pipeline that
    ``compiled`` builds (seconds and some 100 MB a language): enough to tell that no rule can match a text."""
    return _index(hints_of(pattern for rule in rules_of(RULE_MODULES[lang]) for pattern in rule["patterns"]))


def rules_may_match(lang: str, lowered: str) -> bool:
    """Return False only when no rule of ``lang`` can match the lower-cased text (``Compiled.may_match``, without
    building the pipeline)."""
    index = rule_literals(lang)
    return index is None or index.possible(lowered)


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
    veto_matcher = Matcher(nlp.vocab, validate=True)
    for index, veto in enumerate(vetoes):
        matcher.add(f"V{index}", veto["patterns"])
        if veto["scope"] == "sentence":
            veto_matcher.add(f"V{index}", veto["patterns"])
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
    sentence_vetoes = [veto for veto in vetoes if veto["scope"] == "sentence"]
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
        reassert=tuple(tuple(t.lower_ for t in nlp.make_doc(p)) for p in negation.get("reassert", [])),
        parts=frozenset(negation.get("parts", [])),
        reassert_not_after=frozenset(negation.get("reassert_not_after", [])),
        compliance=frozenset(negation["compliance"]),
        answer_no=frozenset(negation.get("answer_no", [])),
        rule_index=rule_literals(lang),
        veto_matcher=veto_matcher,
        veto_index=_index(hints_of(pattern for veto in sentence_vetoes for pattern in veto["patterns"])),
        cue_index=_index(hints_of(cue_patterns)),
        screen=tuple(module.screen()),
    )
