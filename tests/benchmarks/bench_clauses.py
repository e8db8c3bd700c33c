"""Clause detection on the text fields of real notices: the pre-filter, then everything that reaches spaCy.

Texts: every text field of 2 000 shared real notices in Dutch, English, German and French (eForms and TED XML).
The pre-filter (literal rule hints and the model's screening stems) decides which texts reach spaCy; its pass rate
is reported apart. On the texts that pass: floor ``nlp.make_doc`` (tokenising alone), measured ``detect`` (sentences,
lemmas, matchers, negation and the model on every sentence; a piece of text seen lately is not read again).
Goal: at most 2x the floor. Also reported: the same with nothing kept between texts.
"""

from __future__ import annotations

import time

from crawler.archives import iter_path
from crawler.parsers import parse_document
from matcher.clauses import detect, forget, pieces, readable
from matcher.nlp import compiled
from matcher.notice import notice_fields
from tests.shared import SHARED_DATA

NOTICES = 2000


def _texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    seen = 0
    for part in ("eforms-real", "ted-xml", "corpus/eforms.tar.gz", "corpus/ted-xml.tar.gz"):
        for name, body in iter_path(SHARED_DATA / "notices" / part):
            if seen >= NOTICES or not isinstance(body, bytes):
                continue
            try:
                records = parse_document(body, name=name)
            except Exception:
                continue
            for record in records:
                data = record.model_dump(mode="json")
                if data["language"] in ("nl", "en", "de", "fr"):
                    seen += 1
                    texts += [(f.text, data["language"]) for f in notice_fields(data)]
    return texts


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"clauses: skipped, {SHARED_DATA} not found"]
    texts = _texts()
    for lang in ("nl", "en", "de", "fr"):
        compiled(lang)  # build once, outside the timing
    detect("Social return: 5% van de opdrachtwaarde.", "nl")  # load the model
    passing = [(t, lang) for t, lang in texts if compiled(lang).may_match(t) or compiled(lang).may_concern(t)]
    start = time.perf_counter()
    for text, lang in passing:
        compiled(lang).nlp.make_doc(text)
    floor = time.perf_counter() - start
    start = time.perf_counter()
    found = sum(len(detect(text, lang)) for text, lang in passing)
    elapsed = time.perf_counter() - start
    # Each text on its own (nothing kept from the others): what detection costs without repeated sentences.
    start = time.perf_counter()
    for text, lang in passing:
        forget()
        detect(text, lang)
    alone = time.perf_counter() - start
    forget()
    start = time.perf_counter()
    for text, lang in texts:
        detect(text, lang)
    everything = time.perf_counter() - start
    # The pieces that reach spaCy (the per-piece screen of ``rule_pass``), and how many are repeats.
    readables = [(readable(text), compiled(lang)) for text, lang in passing]
    spans = [piece for text, c in readables for a, b in pieces(text)
             if c.may_match(piece := text[a:b]) or c.may_concern(piece)]  # fmt: skip
    chars = sum(len(t) for t, _ in passing)
    return [
        f"clauses: {len(texts)} text fields of {NOTICES} real notices (nl, en, de, fr)",
        f"  pre-filter pass rate: {len(passing) / len(texts):.0%} of the fields reach spaCy "
        f"({chars / 1000:.0f} k characters)",
        f"  on those, floor nlp.make_doc: {len(passing) / floor:8.0f} fields/s",
        f"  on those, detect (rules + model): {len(passing) / elapsed:8.0f} fields/s  ({elapsed / floor:.1f}x floor); "
        f"{found} findings; {1 - len(set(spans)) / len(spans):.0%} of the pieces that reach spaCy repeat an "
        f"earlier one, whose rule pass and model rows are kept",
        f"  on those, each text alone (nothing kept between texts): {len(passing) / alone:8.0f} fields/s  "
        f"({alone / floor:.1f}x floor)",
        f"  all fields, detect with the pre-filter: {len(texts) / everything:8.0f} fields/s",
    ]
