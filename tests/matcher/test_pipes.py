"""The array-based sentencizer and lemmatizer (``matcher.pipes``) answer as spaCy's own components."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from jobs.clause_corpus import load_corpus
from matcher.clauses import pieces
from matcher.nlp import compiled
from matcher.pipes import Parser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "clauses"
EDGES = ["", " ", "...", "Hallo. . ! Wereld", "«Oui», dit-il… Non ?! Fin", "A.\n\nB", "Dienstverlening IT § 2.2.3."]


def _reading(doc: spacy.tokens.Doc) -> tuple[list[tuple[int, int]], list[str], list[bool]]:
    return [(s.start, s.end) for s in doc.sents], [t.lemma_ for t in doc], [bool(t.is_sent_start) for t in doc]


@pytest.mark.parametrize("lang", ["nl", "en", "de", "fr"])
def test_parse_gives_the_pipelines_sentences_and_lemmas(lang: str) -> None:
    c = compiled(lang)
    texts = [s.text for s in load_corpus(CORPUS, shared=None) if s.lang == lang]
    texts += [text[start:end] for text in texts[:200] for start, end in pieces(text)] + EDGES
    assert len(texts) > 200
    for text in texts:
        assert _reading(c.parse(text)) == _reading(c.nlp(text)), text


def test_the_lemma_memory_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.pipes

    monkeypatch.setattr(matcher.pipes, "CACHE_LIMIT", 1)
    c = compiled("nl")
    parser = Parser(c.nlp)
    texts = ["De opdrachtnemers zetten werkzoekenden in.", "Werkzoekenden worden ingezet.", "De opdrachtnemers."]
    for text in texts * 2:
        assert _reading(parser.parse(text)) == _reading(c.nlp(text)), text
        assert len(parser._lemmas) <= 1 + len(c.nlp.make_doc(text))  # cleared before each text beyond the limit


def test_parse_refuses_what_it_does_not_reproduce() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": ["|"]})
    with pytest.raises(ValueError, match="default punctuation"):
        Parser(nlp)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "rule"})
    with pytest.raises(ValueError, match="lookup"):
        Parser(nlp)
    for pipes in ([], ["sentencizer", "entity_ruler"]):
        nlp = spacy.blank("en")
        for pipe in pipes:
            nlp.add_pipe(pipe)
        with pytest.raises(ValueError, match="only"):
            Parser(nlp)
