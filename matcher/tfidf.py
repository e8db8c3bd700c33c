"""Fitted ``TfidfVectorizer``s: their rows times weights without scikit-learn's per-call overhead, and their state
as data.

``TfidfVectorizer.transform`` validates its input and output on every call; when the clause detector asks for the
few sentences of one text at a time, that costs more than the counting itself. ``LeanTfidf`` does the same
arithmetic with the vectorizer's vocabulary and idf (raw or sublinear tf, l2 norm) and nothing else, counting with
the vectorizer's own analyzer, or for ``char_wb`` n-grams with an automaton of the vocabulary, and multiplies
them with weights at once; a test holds its rows equal to ``transform``'s.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Sequence
from typing import Any

import ahocorasick
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from matcher.stems import automaton


class LeanTfidf:
    """The TF-IDF rows of one fitted vectorizer, times weights (l2 norm, idf, no binary counts)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.binary:
            raise ValueError("LeanTfidf reproduces l2-normed idf weighting of counts only")
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self._grams = _char_grams(vectorizer)

    @property
    def width(self) -> int:
        return len(self.idf)

    def weighted(self, docs: Sequence[str], weights: np.ndarray) -> np.ndarray:
        """Return ``transform(docs) @ weights`` (documents x outputs) without building the sparse rows: for the few
        sentences of one text, scipy's construction and checks cost more than the product."""
        cols, values, bounds = self._entries(docs)
        products = weights[cols] * values[:, None]
        result = np.zeros((len(docs), weights.shape[1]))
        filled = bounds[:-1] < bounds[1:]
        if filled.any():
            result[filled] = np.add.reduceat(products, bounds[:-1][filled], axis=0)
        return result

    def _entries(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the rows of ``docs`` as CSR parts: columns, l2-normed TF-IDF values, row bounds."""
        columns: list[int] = []
        counts: list[int] = []
        indptr = [0]
        vocabulary, grams = self.vocabulary, self._grams
        for doc in docs:
            if grams is not None:
                found = Counter([column for _end, column in grams.iter(" " + "  ".join(doc.lower().split()) + " ")])
            else:
                found = Counter(map(vocabulary.get, self.analyze(doc)))  # counted in C; unknown features are None
                found.pop(None, None)
            columns += found.keys()
            counts += found.values()
            indptr.append(len(columns))
        cols = np.asarray(columns, dtype=np.int64)
        tf = np.asarray(counts, dtype=np.float64)
        if self.sublinear:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols] if cols.size else tf
        bounds = np.asarray(indptr, dtype=np.int64)
        rows = np.repeat(np.arange(len(docs)), np.diff(bounds))
        norms = np.sqrt(np.bincount(rows, weights=values**2, minlength=len(docs)))
        norms[norms == 0.0] = 1.0
        return cols, values / norms[rows], bounds


def _char_grams(vectorizer: TfidfVectorizer) -> ahocorasick.Automaton | None:
    """Return an automaton of a ``char_wb`` vectorizer's vocabulary, or None where it would not count the same.

    ``char_wb`` n-grams are the substrings of each word padded with one space; none holds a space inside. So every
    occurrence of a vocabulary n-gram in the words joined by two spaces (and padded) is one of them, and one pass of
    the automaton finds them all, where the analyzer builds every n-gram of the text in Python first. A vocabulary
    given by hand may hold an n-gram with an inner space, which the analyzer never makes: the analyzer counts then.
    """
    plain = vectorizer.lowercase and vectorizer.preprocessor is None and vectorizer.strip_accents is None
    if vectorizer.analyzer != "char_wb" or not plain:
        return None
    if any(" " in gram.strip(" ") or not gram.strip(" ") for gram in vectorizer.vocabulary_):
        return None
    return automaton(dict(vectorizer.vocabulary_))


def fit_keeping(vectorizers: list[tuple[str, TfidfVectorizer]], texts: Sequence[str],
                named: Sequence[str]) -> tuple[FeatureUnion, sparse.csr_matrix]:  # fmt: skip
    """Fit ``vectorizers`` on ``texts`` as a union, keeping every term of ``named`` (texts among ``texts``); return
    the union and the rows of ``texts`` (what its ``transform`` would give).

    ``min_df`` and ``max_features`` keep the one-off terms of the bulk out (and cap only those), but a word that
    names a class once ("buurtbus", most Dutch CPV label words: each language has one label per code) is exactly
    what a user writes; without it, the one example that teaches the word teaches nothing. The texts are counted
    once per vectorizer (the terms kept are columns of those counts): counting is most of the cost of a fit.
    """
    fitted, blocks = [], []
    for name, vectorizer in vectorizers:
        if not isinstance(vectorizer.min_df, int) or vectorizer.max_df not in (1.0, None) or vectorizer.binary:
            raise ValueError("fit_keeping reads an integer min_df, no max_df and counts (not binary)")
        analyse = vectorizer.build_analyzer()
        counter = CountVectorizer(analyzer=analyse, dtype=np.float64)
        counts = sparse.csr_matrix(counter.fit_transform(texts))
        terms = _common_terms(counter.vocabulary_, counts, vectorizer)
        terms = sorted(set(terms).union(*(analyse(text) for text in named)))
        missing = [term for term in terms if term not in counter.vocabulary_]
        if missing:
            raise ValueError(f"named texts must be among the texts: {missing[0]!r} is in none of them")
        chosen = counts[:, [counter.vocabulary_[term] for term in terms]]
        del counts, counter  # every term's counts: the largest matrix of the fit, not needed past this point
        weighting = TfidfTransformer(
            norm=vectorizer.norm,
            use_idf=vectorizer.use_idf,
            smooth_idf=vectorizer.smooth_idf,
            sublinear_tf=vectorizer.sublinear_tf,
        )
        blocks.append(weighting.fit_transform(chosen))
        del chosen
        vectorizer.set_params(min_df=1, max_features=None)
        vectorizer.vocabulary_ = {term: index for index, term in enumerate(terms)}
        vectorizer.idf_ = weighting.idf_
        fitted.append((name, vectorizer))
    rows = sparse.csr_matrix(sparse.hstack(blocks))
    blocks.clear()
    return FeatureUnion(fitted), rows


def _common_terms(vocabulary: dict[str, int], counts: sparse.csr_matrix, vectorizer: TfidfVectorizer) -> list[str]:
    """Return the terms ``vectorizer`` would keep of ``counts``: in at least ``min_df`` texts, then the
    ``max_features`` most frequent (ties by term, so that the choice does not depend on a sort's stability)."""
    by_column = np.empty(len(vocabulary), dtype=object)
    for term, column in vocabulary.items():
        by_column[column] = term
    documents = np.bincount(counts.indices, minlength=len(vocabulary))
    kept = np.flatnonzero(documents >= vectorizer.min_df)
    if vectorizer.max_features is not None and len(kept) > vectorizer.max_features:
        total = np.asarray(counts.sum(axis=0)).ravel()
        kept = np.array(sorted(kept, key=lambda c: (-total[c], by_column[c]))[: vectorizer.max_features])
    return [str(term) for term in by_column[kept]]


def union_state(union: FeatureUnion) -> dict[str, dict[str, Any]]:
    """Return each fitted vectoriser of a union as data: its terms in column order and its idf (base64 ``<f8``).

    Stored models keep this instead of a pickle, which would run whatever code the file names.
    """
    parts = {}
    for name, vectorizer in union.transformer_list:
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        idf = np.ascontiguousarray(np.asarray(vectorizer.idf_, dtype="<f8"))
        parts[name] = {"terms": terms, "idf": base64.b64encode(idf.tobytes()).decode("ascii")}
    return parts


def restore_union(vectorizers: list[tuple[str, TfidfVectorizer]], parts: dict[str, dict[str, Any]]) -> FeatureUnion:
    """Return unfitted ``vectorizers`` given the terms and idf ``union_state`` wrote, as a fitted union."""
    for name, vectorizer in vectorizers:
        part = parts[name]
        vectorizer.vocabulary_ = {term: index for index, term in enumerate(part["terms"])}
        vectorizer.idf_ = np.frombuffer(base64.b64decode(part["idf"]), dtype="<f8").copy()
    return FeatureUnion(vectorizers)
