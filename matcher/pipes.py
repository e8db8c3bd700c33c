"""spaCy's sentencizer and lookup lemmatizer, the same answers from token arrays instead of Token objects.

Both spaCy components visit every token as a Python ``Token`` (the sentencizer reads ``token.text`` and
``token.is_punct``, the lemmatizer looks ``token.text`` up and writes ``token.lemma_``): for the short sentences
clause detection reads, building those objects costs more than tokenising. Here both read ``Doc.to_array`` and write
with ``Doc.from_array``, and lemmas are looked up once per distinct word form. ``Parser`` keeps the pipeline's own
components as the reference; a test holds the two equal on the labelled corpus.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_PUNCT, LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

CACHE_LIMIT = 200_000  # distinct word forms whose lemma is remembered; beyond it the memory starts afresh


class Parser:
    """``parse(text)``: ``nlp(text)`` for a blank pipeline with a default sentencizer and a lookup lemmatizer."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        strings = nlp.vocab.strings
        if "sentencizer" not in nlp.pipe_names or not set(nlp.pipe_names) <= {"sentencizer", "lemmatizer"}:
            raise ValueError(f"Parser reproduces a sentencizer and a lemmatizer only, not {nlp.pipe_names}")
        punct = nlp.get_pipe("sentencizer").punct_chars
        if punct != set(Sentencizer.default_punct_chars):
            raise ValueError("Parser reproduces the sentencizer with its default punctuation only")
        self._punct = frozenset(strings.add(ch) for ch in punct)
        self._lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        if self._lemmatizer is not None and self._lemmatizer.mode != "lookup":
            raise ValueError("Parser reproduces the lookup lemmatizer only")
        self._lemmas: dict[int, int] = {}

    def parse(self, text: str) -> Doc:
        """Return the text tokenised, split into sentences and (when the pipeline has lemmas) lemmatised."""
        doc = self.nlp.make_doc(text)
        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, IS_PUNCT])
        doc.from_array([SENT_START], self._sentence_starts(columns).reshape(-1, 1))
        if self._lemmatizer is not None:
            doc.from_array([LEMMA], self._lemma_ids(doc, columns[:, 0]).reshape(-1, 1))
        return doc

    def _sentence_starts(self, columns: np.ndarray) -> np.ndarray:
        # Sentencizer.predict: after a token of the punctuation set, the first token that is neither punctuation
        # nor of the set starts a sentence.
        punct_chars = self._punct
        starts = np.full(len(columns), -1, dtype=np.int64)
        starts[0] = 1
        seen = False
        for i, (orth, punct) in enumerate(columns.tolist()):
            marked = orth in punct_chars
            if seen and not punct and not marked:
                starts[i] = 1
                seen = False
            elif marked:
                seen = True
        return starts.astype(np.uint64)

    def _lemma_ids(self, doc: Doc, orths: np.ndarray) -> np.ndarray:
        # In lookup mode a lemma depends on the word form alone (the Dutch lemmatizer lower-cases it first): the
        # pipeline's own lemmatizer answers once per form, on the first token that has it.
        strings, known = self.nlp.vocab.strings, self._lemmas
        lemmatize = self._lemmatizer.lemmatize  # type: ignore[union-attr]
        if len(known) > CACHE_LIMIT:
            known.clear()
        ids = []
        for i, orth in enumerate(orths.tolist()):
            lemma = known.get(orth)
            if lemma is None:
                lemma = known[orth] = strings.add(lemmatize(doc[i])[0])
            ids.append(lemma)
        return np.asarray(ids, dtype=np.uint64)
