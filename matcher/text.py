"""Text similarity between what a company does and what a tender asks: TF-IDF over word and character n-grams.

The vectoriser is fitted on the stored notice corpus (``fit_text_model``), so term weights follow what buyers
actually write; character n-grams catch Dutch compounds ("groenonderhoud" ~ "onderhoud van groen").
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from matcher.tfidf import restore_union, union_state

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
        """Return L2-normalised TF-IDF rows for ``texts`` (none for none: scikit-learn refuses an empty input)."""
        if not texts:
            return sparse.csr_matrix((0, self.vectorizer.transform([""]).shape[1]))
        matrix = sparse.csr_matrix(self.vectorizer.transform(list(texts)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


# Raise when the vectoriser's settings change: a stored model of another version is fitted again.
TEXT_MODEL_VERSION = "text-1"


def _vectorizers() -> list[tuple[str, TfidfVectorizer]]:
    return [
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), stop_words=STOP_WORDS, min_df=1,
                                  sublinear_tf=True, max_features=200_000, token_pattern=r"(?u)\b[^\W\d_]{2,}\b")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), min_df=1, sublinear_tf=True,
                                  max_features=200_000)),
    ]  # fmt: skip


def fit_text_model(corpus: Sequence[str]) -> TextModel:
    """Fit the vectoriser on notice texts (an empty corpus still gives a usable, if uninformed, model)."""
    documents = [text for text in corpus if text and text.strip()] or ["aanbesteding"]
    union = FeatureUnion(_vectorizers())
    union.fit(documents)
    return TextModel(union, len(documents))


def to_state(model: TextModel) -> bytes:
    """Return a fitted model as bytes to keep between runs: JSON of terms and weights, gzipped, no pickle.

    Loading pickled estimators runs whatever code the file names; this format only holds data.
    """
    state = {"version": TEXT_MODEL_VERSION, "documents": model.documents, "parts": union_state(model.vectorizer)}
    return gzip.compress(json.dumps(state, ensure_ascii=False).encode("utf-8"), compresslevel=5)


def from_state(data: bytes) -> TextModel:
    """Return the model ``to_state`` made; raise ``ValueError`` for another version or damaged data."""
    try:
        state = json.loads(gzip.decompress(data))
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"not a stored text model ({exc})") from None
    if state.get("version") != TEXT_MODEL_VERSION:
        raise ValueError(f"text model {state.get('version')!r} is not {TEXT_MODEL_VERSION!r}")
    return TextModel(restore_union(_vectorizers(), state["parts"]), int(state["documents"]))


def similarities(model: TextModel, queries: Sequence[str], documents: Sequence[str]) -> np.ndarray:
    """Return the cosine similarity of every query (company) with every document (tender), as a dense array."""
    if not queries or not documents:
        return np.zeros((len(queries), len(documents)))
    product = model.vectors(queries) @ model.vectors(documents).T
    return np.asarray(product.todense())
