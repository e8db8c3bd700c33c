"""Find inclusive clauses in a text: rules from ``matcher.rules``, evidence sentences, negation and false friends."""

from __future__ import annotations

import functools
import json
import logging
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.tokens import Doc, Span

from matcher.clause_model import ClauseModel, Example, decide, from_state, vetoed_in
from matcher.langdetect import detect_language, language_ranking
from matcher.nlp import Compiled, compiled, rules_may_match
from matcher.sentences import SentenceView, pieces, readable
from matcher.stems import unanchored
from matcher.types import LABELS, LANGUAGES, Finding

logger = logging.getLogger(__name__)

NEGATION_WINDOW = 7  # tokens before a clause that a negation may govern
ANSWER_ENDS = frozenset({".", ";", ",", ")", "!"})  # what may follow a form's answer on its line
AFTER_WINDOW = 8  # tokens after a clause in which "niet van toepassing" and the like still govern it
PIECE_CACHE = 8192  # pieces of text whose rule pass is kept (up to some 15 MB)


@dataclass
class _Matches:
    candidates: list[tuple[int, Span]] = field(default_factory=list)
    vetoes: list[tuple[int, Span]] = field(default_factory=list)
    after: list[Span] = field(default_factory=list)
    before: list[Span] = field(default_factory=list)
    cues: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def _collect(doc: Doc, c: Compiled, rules: bool, cues: bool, vetoes: bool = False) -> _Matches:
    """Gather the matches in ``doc``; rule and veto patterns only when ``rules`` (some rule's literals occur), cue
    patterns in rule syntax only when ``cues``."""
    found = _Matches()
    strings = doc.vocab.strings
    # Cues are keyed by their sentence's first token; Token.sent builds a Span each time, a bisection does not.
    starts = [sent.start for sent in doc.sents]

    def sentence_of(token: int) -> int:
        return starts[bisect_right(starts, token) - 1]

    # Without rules to apply, only the vetoes of a whole sentence (``vetoes``): they still veto the model.
    for match_id, start, end in c.matcher(doc) if rules else c.veto_matcher(doc) if vetoes else ():
        key = strings[match_id]
        span = doc[start:end]
        if key[0] == "R":
            found.candidates.append((int(key[1:]), span))
        else:
            found.vetoes.append((int(key[1:]), span))
    for match_id, start, _end in c.cue_matcher(doc) if cues else ():
        found.cues[sentence_of(start)].add(strings[match_id][1:])
    for match_id, start, end in c.lower_cues(doc):
        key = strings[match_id]
        if key == "NA":
            found.after.append(doc[start:end])
        elif key == "NB":
            found.before.append(doc[start:end])
        else:
            found.cues[sentence_of(start)].add(key[1:])
    for match_id, start, _end in c.lemma_cues(doc):
        found.cues[sentence_of(start)].add(strings[match_id][1:])
    return found


def _vetoed(label: str, span: Span, found: _Matches, c: Compiled) -> bool:
    for index, veto_span in found.vetoes:
        veto = c.vetoes[index]
        if "*" not in veto["labels"] and label not in veto["labels"]:
            continue
        if veto["scope"] == "sentence" and veto_span.sent.start == span.sent.start:
            return True
        if veto_span.start < span.end and span.start < veto_span.end:
            return True
    return False


def _negated(span: Span, found: _Matches, c: Compiled) -> bool:
    doc, sent = span.doc, span.sent
    low = max(sent.start, span.start - NEGATION_WINDOW)
    for i in range(span.end - 1, low - 1, -1):
        text = doc[i].lower_
        if i < span.start and text in c.boundary:
            break
        if text in c.neg_before:
            # "niet voldoen aan de SROI-eis" negates compliance, not the clause.
            between = doc[i + 1 : span.start]
            return not any(t.lower_ in c.compliance or t.lemma_.lower() in c.compliance for t in between)
    if any(sent.start <= before.start and before.end <= span.start for before in found.before):
        return True
    # A form's answer: "Social return: nee." / "Reserved contract: No", the field's line ending there. Not "Social
    # return: no less than 5 %", nor the options of a blank form ("Social return: nee / ja").
    answer = span.end + 1
    if answer < sent.end and doc[span.end].text in (":", "?") and doc[answer].lower_ in c.answer_no:
        after = doc[answer + 1] if answer + 1 < len(doc) else None
        if after is None or after.is_space or after.text in ANSWER_ENDS or after.sent.start != sent.start:
            return True
    limit = min(sent.end, span.end + AFTER_WINDOW)
    return any(span.start <= after.start < limit and after.sent.start == sent.start
               and not _reasserted(doc[span.end : sent.end], after.end - span.end, c)
               for after in found.after)  # fmt: skip


REASSERT_REACH = 4  # words after "wel" in which the part it holds for is named ("wel voor het perceel 2")


def _reasserted(rest: Span, cue_end: int, c: Compiled) -> bool:
    """Return whether the sentence after a clause (``rest``; its negation ends at ``cue_end``) denies it for one
    part of the contract and states it for another: "SROI geldt niet voor perceel 1, wel voor perceel 2" is social
    return for lot 2. Not "niet van toepassing; wel ..." (a new clause), nor "dan wel" ("or"), nor a "wel" without
    a part after it ("wel wordt duurzaamheid meegewogen")."""
    words = [t.lower_ for t in rest]
    end = words.index(";") if ";" in words else len(words)
    for phrase in c.reassert:
        for i in range(cue_end, end - len(phrase) + 1):
            if words[i : i + len(phrase)] != list(phrase) or (i and words[i - 1] in c.reassert_not_after):
                continue
            after = words[i + len(phrase) : i + len(phrase) + REASSERT_REACH]
            if any(word in c.parts for word in words[:i]) and any(word in c.parts for word in after):
                return True
    return False


def rule_pass(text: str, lang: str, *, context: tuple[str, ...] = (), screened: bool = True,
              ) -> tuple[list[Finding], list[SentenceView]]:  # fmt: skip
    """Run the rules of ``lang`` on ``text``: their findings (negated ones too) and every sentence with its signals.

    With ``screened``, a text no rule and no model cue can concern returns nothing without running spaCy.
    """
    if not text or not text.strip():
        return [], []
    text, context = readable(text), tuple(context)  # a list given as context too: it keys the pieces kept
    c = compiled(lang)
    if screened and not (c.may_match(text) or c.may_concern(text)):
        return [], []
    if not screened:
        rules, cues, vetoes = c.may_match(text), c.may_cue(text), c.may_veto(text)
        return _rules_on(text, c.parse(text), c, context, 0, rules=rules, cues=cues, vetoes=vetoes)
    # Only sentences that a rule or the model could concern go through the whole pipeline: in a long description
    # most do not, and every rule and cue is scoped to its sentence anyway.
    findings: list[Finding] = []
    sentences: list[SentenceView] = []
    for start, end in pieces(text):
        found, views = _piece(text[start:end], lang, context)
        findings += [replace(f, start=f.start + start, end=f.end + start) for f in found]
        sentences += [replace(v, start=v.start + start, end=v.end + start) for v in views]
    return findings, sentences


@functools.lru_cache(maxsize=PIECE_CACHE)
def _piece(piece: str, lang: str, context: tuple[str, ...]) -> tuple[tuple[Finding, ...], tuple[SentenceView, ...]]:
    """Return the rule findings and sentence views of one piece of a text, offsets from the piece's start.

    Kept for the most recent pieces: notices repeat their sentences (every lot's text, a buyer's standard
    paragraphs), a third of the pieces in the benchmark's real notices, and a piece reads the same wherever it is.
    """
    c = compiled(lang)
    rules = c.may_match(piece)
    if not (rules or c.may_concern(piece)):
        return (), ()
    cues, vetoes = c.may_cue(piece), not rules and c.may_veto(piece)
    found, views = _rules_on(piece, c.parse(piece), c, context, 0, rules=rules, cues=cues, vetoes=vetoes)
    return tuple(found), tuple(views)


def _rules_on(whole: str, doc: Doc, c: Compiled, context: tuple[str, ...], offset: int, *, rules: bool, cues: bool,
              vetoes: bool = False) -> tuple[list[Finding], list[SentenceView]]:  # fmt: skip
    """Apply the compiled rules to a text ``whole`` parsed as ``doc``; character offsets are shifted by ``offset``.

    ``rules`` False skips the rule patterns (``may_match`` said none can match) and keeps the cues for the model;
    ``cues`` False skips the cue patterns in rule syntax (``may_cue`` said none can match); ``vetoes`` (without
    ``rules``) looks for the vetoes of a whole sentence alone.
    """
    found = _collect(doc, c, rules, cues, vetoes)
    best: dict[tuple[str, int], Finding] = {}  # keyed by label and sentence start (token index)
    candidates: dict[int, set[str]] = defaultdict(set)
    for index, span in sorted(found.candidates, key=lambda item: (item[1].start, -len(item[1]))):
        rule = c.rules[index]
        label, sent = rule["label"], span.sent
        candidates[sent.start].add(label)
        groups = found.cues.get(sent.start, set()) | set(context)
        if rule["requires"] and not groups.intersection(rule["requires"]):
            continue
        if rule["forbids"] and groups.intersection(rule["forbids"]) and "obligation" not in groups:
            continue
        if _vetoed(label, span, found, c):
            continue
        finding = Finding(label=label, evidence=sent.text, start=offset + sent.start_char,
                          end=offset + sent.end_char, negated=_negated(span, found, c), trigger=span.text,
                          rule=rule["id"])  # fmt: skip
        key = (label, sent.start)
        # One finding per label and sentence; a clause stated plainly wins over a negated mention.
        if key not in best or (best[key].negated and not finding.negated):
            best[key] = finding
    # Inside a reservation, "30% workers with disabilities" defines who may bid; it is not a recruitment clause.
    reserved = {start for (label, start), f in best.items() if label == "reserved_contract" and not f.negated}
    kept = [
        f for (label, start), f in best.items()
        if not (label == "employment_of_disadvantaged" and start in reserved and f.rule.endswith("target-groups"))
    ]  # fmt: skip
    # A false friend for the whole sentence ("bleibt vorbehalten", "reserves the right") vetoes the model there too.
    vetoed: dict[int, set[str]] = defaultdict(set)
    for index, span in found.vetoes:
        if c.vetoes[index]["scope"] == "sentence":
            vetoed[span.sent.start].update(f"veto:{label}" for label in c.vetoes[index]["labels"])
    sentences = []
    # Token attributes read from one array: a Token object per word costs more than the lookups themselves.
    # A span's text too: Span.text (and Doc.text) join a Token per word; the slice of the text parsed is the same.
    table, strings = doc.to_array([LEMMA, LOWER, IS_SPACE, IS_PUNCT]).tolist(), doc.vocab.strings
    for sent in doc.sents:
        text = whole[sent.start_char : sent.end_char]
        signals = {f"cue:{g}" for g in found.cues.get(sent.start, set()) | set(context)} | vetoed[sent.start]
        signals |= unanchored(text)
        signals |= {f"cand:{label}" for label in candidates.get(sent.start, set())}
        for f in kept:
            if f.start == offset + sent.start_char:
                signals.add(f"{'neg' if f.negated else 'rule'}:{f.label}")
        words = [strings[lemma or lower] for lemma, lower, space, punct in table[sent.start : sent.end]
                 if not (space or punct)]  # fmt: skip
        lemmas = " ".join(words).lower()
        sentences.append(SentenceView(offset + sent.start_char, offset + sent.end_char, text, lemmas,
                                      frozenset(signals)))  # fmt: skip
    return sorted(kept, key=lambda f: (f.start, f.label)), sentences


@functools.cache
def shipped_model() -> ClauseModel | None:
    """Return the clause model shipped with the package (``matcher/models/``), loaded once, or ``None``."""
    folder = resources.files("matcher") / "models"
    try:
        arrays = (folder / "clauses.npz").read_bytes()
        meta = json.loads((folder / "clauses.json").read_text(encoding="utf-8"))
        return from_state(arrays, meta)
    except (OSError, ValueError) as exc:
        logger.warning("No clause model (%s): rules only", exc)
        return None


def forget() -> None:
    """Drop what detection keeps between calls (pieces' rule passes, the shipped model's rows): for measuring."""
    _piece.cache_clear()
    model = shipped_model()
    if model is not None:
        model.forget()


def examples(sentences: Sequence[SentenceView], lang: str) -> list[Example]:
    """Return the model's view of sentences."""
    return [Example(s.lemmas, s.text, s.signals, lang) for s in sentences]


def clause_language(text: str, declared: str | None = None, *, context: tuple[str, ...] = ()) -> str | None:
    """Return the language to read ``text``'s clauses in: ``declared`` when it has rules, else the detected one.

    A text without a declared language that the identifier cannot place (a few words: "Reserved contract.") is read
    in the likeliest rule language whose rules find a clause in it, stated or negated, with ``context`` (an award
    criterion's cue): its words are that language's clause words. ``None`` when nothing tells.
    """
    if declared in LANGUAGES:
        return declared
    lang = detect_language(text)
    if lang is not None or declared is not None or sum(ch.isalpha() for ch in text) < 3:
        return lang
    lowered = readable(text).lower()  # as rule_pass reads it
    # The rules' literals first: a language's pipeline is built only for a text its rules could match.
    possible = [lang for lang, _p in language_ranking(text) if lang in LANGUAGES and rules_may_match(lang, lowered)]
    return next((lang for lang in possible if rule_pass(text, lang, context=context)[0]), None)


def detect(text: str, lang: str | None = None, *, context: tuple[str, ...] = (), mode: str = "combined",
           model: ClauseModel | None = None) -> tuple[Finding, ...]:  # fmt: skip
    """Return the inclusive-clause findings in ``text``: rules and the learned model, combined per label.

    ``lang`` is "nl", "en", "de" or "fr" (else see ``clause_language``; another language gives nothing: see
    ``matcher.notice`` and ``kansenradar clauses`` for how that is reported). ``context`` names cue groups that hold
    for the whole text, e.g. ``("award",)`` for an award criterion's text. ``mode`` is ``combined`` (each label as
    the dev split showed best), ``rules`` or ``model`` (to compare them). Each finding's evidence is its sentence,
    with a confidence and its source; negated mentions are kept (``negated``) for audit.
    """
    lang = clause_language(text, lang, context=tuple(context))
    if lang not in LANGUAGES:
        return ()
    findings, sentences = rule_pass(text, lang, context=context)
    model = model or shipped_model()
    if mode == "rules" or model is None or not sentences:
        return _verbatim(text, findings) if mode != "model" else ()
    probabilities = model.remembered(examples(sentences, lang))
    result: list[Finding] = []
    for row, sentence in enumerate(sentences):
        for column, label in enumerate(LABELS):
            here = [f for f in findings if f.start == sentence.start and f.label == label]
            stated = next((f for f in here if not f.negated), None)
            negated = next((f for f in here if f.negated), None)
            policy = "model" if mode == "model" else model.policies[column]
            p = float(probabilities[row, column])
            vetoed = stated is None and (negated is not None or vetoed_in(sentence.signals, label))
            if decide(policy, stated is not None, vetoed, p, model.thresholds[column]):
                if stated is not None and policy != "model":
                    result.append(replace(stated, confidence=max(p, model.rule_precision[column]), source="rule"))
                else:
                    result.append(Finding(label=label, evidence=sentence.text, start=sentence.start, end=sentence.end,
                                          trigger="", rule="model", confidence=p, source="model"))  # fmt: skip
            elif negated is not None:
                result.append(negated)
    return _verbatim(text, sorted(result, key=lambda f: (f.start, f.label)))


def _verbatim(text: str, findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Return the findings with their evidence quoted from ``text`` as given (``rule_pass`` read it ``readable``)."""
    return tuple(replace(f, evidence=text[f.start : f.end]) if f.evidence != text[f.start : f.end] else f
                 for f in findings)  # fmt: skip
