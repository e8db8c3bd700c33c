"""Find inclusive clauses in a text: rules from ``matcher.rules``, evidence sentences, negation and false friends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from matcher.langdetect import detect_language
from matcher.nlp import Compiled, compiled
from matcher.types import LANGUAGES, Finding

NEGATION_WINDOW = 7  # tokens before a clause that a negation may govern
AFTER_WINDOW = 8  # tokens after a clause in which "niet van toepassing" and the like still govern it


@dataclass
class _Matches:
    candidates: list[tuple[int, Span]] = field(default_factory=list)
    vetoes: list[tuple[int, Span]] = field(default_factory=list)
    after: list[Span] = field(default_factory=list)
    before: list[Span] = field(default_factory=list)
    cues: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def _collect(doc: Doc, c: Compiled) -> _Matches:
    found = _Matches()
    strings = doc.vocab.strings
    for match_id, start, end in c.matcher(doc):
        key = strings[match_id]
        span = doc[start:end]
        if key[0] == "R":
            found.candidates.append((int(key[1:]), span))
        elif key[0] == "V":
            found.vetoes.append((int(key[1:]), span))
        else:
            found.cues[span.sent.start].add(key[1:])
    for match_id, start, end in c.lower_cues(doc):
        key = strings[match_id]
        if key == "NA":
            found.after.append(doc[start:end])
        elif key == "NB":
            found.before.append(doc[start:end])
        else:
            found.cues[doc[start].sent.start].add(key[1:])
    for match_id, start, _end in c.lemma_cues(doc):
        found.cues[doc[start].sent.start].add(strings[match_id][1:])
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
    limit = min(sent.end, span.end + AFTER_WINDOW)
    return any(span.start <= after.start < limit and after.sent.start == sent.start for after in found.after)


def detect(text: str, lang: str | None = None, *, context: tuple[str, ...] = ()) -> tuple[Finding, ...]:
    """Return the inclusive-clause findings in ``text``.

    ``lang`` is "nl", "en", "de" or "fr" (detected when ``None``; a text in another language gives nothing).
    ``context`` names cue groups that hold for the whole text, e.g. ``("award",)`` for an award criterion's text.
    Each finding's evidence is its sentence; overlapping matches of one label in one sentence give one finding.
    """
    if not text or not text.strip():
        return ()
    lang = lang if lang in LANGUAGES else detect_language(text)
    if lang is None:
        return ()
    c = compiled(lang)
    if not c.may_match(text):
        return ()
    doc = c.nlp(text)
    found = _collect(doc, c)
    best: dict[tuple[str, int], Finding] = {}  # keyed by label and sentence start (token index)
    for index, span in sorted(found.candidates, key=lambda item: (item[1].start, -len(item[1]))):
        rule = c.rules[index]
        label, sent = rule["label"], span.sent
        groups = found.cues.get(sent.start, set()) | set(context)
        if rule["requires"] and not groups.intersection(rule["requires"]):
            continue
        if rule["forbids"] and groups.intersection(rule["forbids"]) and "obligation" not in groups:
            continue
        if _vetoed(label, span, found, c):
            continue
        finding = Finding(
            label=label,
            evidence=sent.text,
            start=sent.start_char,
            end=sent.end_char,
            negated=_negated(span, found, c),
            trigger=span.text,
            rule=rule["id"],
        )
        key = (label, sent.start)
        # One finding per label and sentence; a clause stated plainly wins over a negated mention.
        if key not in best or (best[key].negated and not finding.negated):
            best[key] = finding
    # Inside a reservation, "30% workers with disabilities" defines who may bid; it is not a recruitment clause.
    reserved = {start for (label, start), f in best.items() if label == "reserved_contract" and not f.negated}
    kept = [
        f
        for (label, start), f in best.items()
        if not (label == "employment_of_disadvantaged" and start in reserved and f.rule.endswith("target-groups"))
    ]
    return tuple(sorted(kept, key=lambda f: (f.start, f.label)))
