"""LeanTfidf gives what TfidfVectorizer.transform gives, row for row, on the vectorizers the models use; fit_keeping
fits as TfidfVectorizer does, with the named terms kept."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.clause_model import char_vectorizer, word_vectorizer
from matcher.tfidf import LeanTfidf, fit_keeping

TRAIN = [
    "De opdrachtnemer zet mensen met een afstand tot de arbeidsmarkt in.",
    "Social return: 5% van de opdrachtwaarde, SROI-verplichting volgens de Prestatieladder.",
    "Der Auftrag ist Werkstätten für Menschen mit Behinderungen vorbehalten.",
    "Marché réservé aux entreprises adaptées et aux ESAT.",
    "The contractor shall deliver social value and community benefits; sub-contract to social enterprises.",
    "Onderhoud van groen en maaien van gras in de wijk, met mensen uit de wijk.",
]
UNSEEN = [
    "Social return geldt voor deze opdracht: 5% van de opdrachtwaarde.",
    "",  # an empty text is a row of zeros
    "zzzz qqqq",  # nothing in the vocabulary: also zeros, not a division by zero
    "Werkstätten für behinderte Menschen; marché réservé; reserved contract. Werkstätten!",
    "maaien maaien maaien gras",  # repeated words: sublinear tf
    "a b\tc\n\nd  e\u00a0f x",  # one-letter words, tabs, line breaks, a no-break space: char_wb's own word split
    "Werkstätten für behinderte Menschen",  # upper case, as the analyzer lower-cases
]


@pytest.mark.parametrize("make", [word_vectorizer, char_vectorizer, lambda: TfidfVectorizer(sublinear_tf=False)])
def test_lean_rows_equal_sklearn(make) -> None:
    vectorizer = make().set_params(min_df=1).fit(TRAIN)
    lean = LeanTfidf(vectorizer)
    # char_wb vocabularies are found with an automaton instead of the analyzer: both ways are held to sklearn here
    assert (lean._grams is not None) == (vectorizer.analyzer == "char_wb")
    rows = np.eye(lean.width)  # weighted by the identity: the TF-IDF rows themselves
    assert lean.weighted([], rows).shape == (0, len(vectorizer.vocabulary_))
    for docs in (UNSEEN, TRAIN, UNSEEN[:1]):
        expected = vectorizer.transform(docs).toarray()
        got = lean.weighted(docs, rows)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert not lean.weighted(["zzzz qqqq"], rows).any()


@pytest.mark.parametrize("make", [word_vectorizer, char_vectorizer])
def test_lean_weighted_equals_the_product_of_its_rows(make) -> None:
    vectorizer = make().set_params(min_df=1).fit(TRAIN)
    lean = LeanTfidf(vectorizer)
    weights = np.random.default_rng(0).normal(size=(lean.width, 3))
    assert lean.weighted([], weights).shape == (0, 3)
    for docs in (UNSEEN, TRAIN, UNSEEN[1:3]):
        expected = np.asarray(vectorizer.transform(docs) @ weights).reshape(len(docs), 3)
        np.testing.assert_allclose(lean.weighted(docs, weights), expected, rtol=1e-12, atol=1e-12)
    assert not lean.weighted(["", "zzzz qqqq"], weights).any()  # rows without a known feature score zero


def test_lean_refuses_weighting_it_does_not_reproduce() -> None:
    with pytest.raises(ValueError, match="l2"):
        LeanTfidf(TfidfVectorizer(norm="l1").fit(TRAIN))


def test_fit_keeping_counts_once_as_a_fit_would_and_keeps_the_named_terms() -> None:
    texts = ["groen groen maaien", "groen snoeien", "maaien schoonmaak", "buurtbus", "snoeien maaien groen"]
    plain = TfidfVectorizer(min_df=2, max_features=2, sublinear_tf=True)
    union, rows = fit_keeping([("words", plain)], texts, named=["buurtbus"])
    fitted = union.transformer_list[0][1]
    # min_df 2 leaves groen (4 times), maaien (3), snoeien (2); the cap keeps the two most frequent; the named
    # text's word stays although it is in one text only.
    assert sorted(fitted.vocabulary_) == ["buurtbus", "groen", "maaien"]
    assert abs(rows - union.transform(texts)).max() < 1e-12
    same = TfidfVectorizer(vocabulary=["buurtbus", "groen", "maaien"], sublinear_tf=True).fit(texts)
    assert np.allclose(fitted.idf_, same.idf_)
    # Equal counts: the term decides, not the order the sort met them in.
    tied = ["bb aa", "aa bb", "cc"]
    union, _rows = fit_keeping([("words", TfidfVectorizer(min_df=1, max_features=1))], tied, named=[])
    assert list(union.transformer_list[0][1].vocabulary_) == ["aa"]


def test_fit_keeping_refuses_settings_it_does_not_reproduce() -> None:
    with pytest.raises(ValueError, match="min_df"):
        fit_keeping([("words", TfidfVectorizer(min_df=0.1))], ["aa bb", "bb cc"], named=[])
    with pytest.raises(ValueError, match="binary"):
        fit_keeping([("words", TfidfVectorizer(binary=True))], ["aa bb", "bb cc"], named=[])
    with pytest.raises(ValueError, match="'dd' is in none"):
        fit_keeping([("words", TfidfVectorizer())], ["aa bb", "bb cc"], named=["dd"])
