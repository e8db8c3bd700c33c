"""Text similarity between what a company does and what a tender asks: TF-IDF over word and character n-grams.

The vectoriser is fitted on the stored notice corpus (``fit_text_model``), so term weights follow what buyers
actually write; character n-grams catch Dutch compounds ("groenonderhoud" ~ "onderhoud van groen").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion

DUTCH_STOP_WORDS = frozenset(
    {
        "aan",
        "al",
        "alle",
        "als",
        "bij",
        "binnen",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "het",
        "hun",
        "in",
        "is",
        "maar",
        "met",
        "na",
        "naar",
        "niet",
        "nog",
        "of",
        "om",
        "onder",
        "op",
        "over",
        "te",
        "tegen",
        "ten",
        "ter",
        "tot",
        "uit",
        "van",
        "voor",
        "waar",
        "wat",
        "wel",
        "wordt",
        "worden",
        "zijn",
        "zal",
        "zo",
        "ook",
        "we",
        "wij",
        "jullie",
        "u",
        "opdracht",
        "opdrachtgever",
        "opdrachtnemer",
        "inschrijver",
        "gemeente",
        "levering",
        "diensten",
        "dienst",
        "werkzaamheden",
    }
)
STOP_WORDS = sorted(DUTCH_STOP_WORDS | ENGLISH_STOP_WORDS)


@dataclass(frozen=True)
class TextModel:
    """A fitted vectoriser; treat as immutable (refit to refresh it as the corpus grows)."""

    vectorizer: FeatureUnion
    documents: int

    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Return L2-normalised TF-IDF rows for ``texts``."""
        matrix = sparse.csr_matrix(self.vectorizer.transform(list(texts)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def fit_text_model(corpus: Sequence[str]) -> TextModel:
    """Fit the vectoriser on notice texts (an empty corpus still gives a usable, if uninformed, model)."""
    documents = [text for text in corpus if text and text.strip()] or ["aanbesteding"]
    union = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    stop_words=STOP_WORDS,
                    min_df=1,
                    sublinear_tf=True,
                    max_features=200_000,
                    token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(4, 5), min_df=1, sublinear_tf=True, max_features=200_000
                ),
            ),
        ]  # fmt: skip
    )
    union.fit(documents)
    return TextModel(union, len(documents))


def similarities(model: TextModel, queries: Sequence[str], documents: Sequence[str]) -> np.ndarray:
    """Return the cosine similarity of every query (company) with every document (tender), as a dense array."""
    if not queries or not documents:
        return np.zeros((len(queries), len(documents)))
    product = model.vectors(queries) @ model.vectors(documents).T
    return np.asarray(product.todense())
