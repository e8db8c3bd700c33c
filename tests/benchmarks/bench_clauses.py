"""Clause detection speed on every text field of the shared real notices, against bare spaCy tokenisation.

Floor: ``nlp.make_doc`` (the tokenizer alone) of the same texts in the same languages. Measured: ``detect`` on each
field (sentences, lemmas, matchers, negation). Goal: at most 2x the floor.
"""

from __future__ import annotations

import time

from crawler.parsers import parse_document
from matcher import detect
from matcher.nlp import compiled
from matcher.notice import notice_fields
from tests.shared import SHARED_DATA

REPEAT = 5


def _texts() -> list[tuple[str, str]]:
    texts = []
    for folder in ("eforms-real", "ted-xml"):
        for path in sorted((SHARED_DATA / "notices" / folder).glob("*.xml")):
            (record,) = parse_document(path.read_bytes(), name=path.name)
            data = record.model_dump(mode="json")
            lang = data["language"] if data["language"] in ("nl", "en", "de", "fr") else "en"
            texts += [(f.text, lang) for f in notice_fields(data)]
    return texts


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"clauses: skipped, {SHARED_DATA} not found"]
    texts = _texts()
    for lang in ("nl", "en", "de", "fr"):
        compiled(lang)  # build once, outside the timing
    start = time.perf_counter()
    for _ in range(REPEAT):
        for text, lang in texts:
            compiled(lang).nlp.make_doc(text)
    floor = time.perf_counter() - start
    start = time.perf_counter()
    found = 0
    for _ in range(REPEAT):
        for text, lang in texts:
            found += len(detect(text, lang))
    elapsed = time.perf_counter() - start
    chars = sum(len(t) for t, _ in texts)
    return [
        f"clauses: {len(texts)} text fields ({chars / 1000:.0f} k characters) of the shared real notices, x{REPEAT}",
        f"  floor, nlp.make_doc:  {len(texts) * REPEAT / floor:8.0f} fields/s",
        f"  detect:               {len(texts) * REPEAT / elapsed:8.0f} fields/s  ({elapsed / floor:.1f}x floor); "
        f"{found // REPEAT} findings",
    ]
