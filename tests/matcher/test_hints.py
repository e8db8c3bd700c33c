"""The pre-filter never says "impossible" where spaCy's Matcher matches, on the cases easy to get wrong."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher

from matcher.hints import Index, hints_of

CASES = [
    # (language, pattern, texts the Matcher matches, whether the pattern gives a hint at all)
    ("fr", [{"LOWER": {"REGEX": "^ess$"}}], ["structures _ESS_ du territoire", "de l'ESS.", "ESS", "l’ESS_"], True),
    ("nl", [{"LOWER": {"REGEX": "^(sub)?gunningscriteri"}}], ["Gunningscriteria", "subgunningscriterium"], False),
    ("fr", [{"LOWER": {"REGEX": "^siae$|^esat$"}}], ["un ESAT", "une SIAE"], False),
    ("fr", [{"LOWER": {"REGEX": "^(siae)|esat"}}], ["les ESATs"], False),
    ("en", [{"LOWER": "ea", "OP": "!"}, {"LOWER": "contract"}], ["the contract"], True),
    ("en", [{"LOWER": "social", "OP": "{0,1}"}, {"LOWER": "value"}], ["value added"], True),
    ("en", [{"LOWER": "in"}], ["a 10in screen"], True),
    ("en", [{"LOWER": "is"}, {"LOWER": "n't"}], ["it isn't so"], True),
    ("en", [{"LOWER": "not"}], ["we cannot"], True),
    ("en", [{"LOWER": {"REGEX": "^(ab|)c"}}], ["c"], False),
    ("de", [{"LOWER": {"IN": ["werkstätten", "werkstatt"]}}, {"LOWER": "für"}], ["Werkstätten für Menschen"], True),
    ("en", [{"LOWER": "social"}, {"LOWER": "value", "OP": "+"}], ["Social value"], True),
]


@pytest.mark.parametrize(("lang", "pattern", "texts", "hinted"), CASES)
def test_a_text_the_matcher_matches_is_possible(lang: str, pattern: list[dict], texts: list[str], hinted: bool,
                                                ) -> None:  # fmt: skip
    nlp = spacy.blank(lang)
    matcher = Matcher(nlp.vocab, validate=True)
    matcher.add("P", [pattern])
    hints = hints_of([pattern])
    assert (hints is not None) == hinted  # no hint where a literal is not certain; a hint wherever one is
    for text in texts:
        assert matcher(nlp(text)), (pattern, text)  # the case is what it says
        assert hints is None or Index(hints).possible(text.lower()), (pattern, text)


def test_a_whole_token_is_not_found_inside_a_word() -> None:
    hints = hints_of([[{"LOWER": {"REGEX": "^ess$"}}], [{"LOWER": "ea"}, {"LOWER": "x"}]])
    assert hints is not None
    index = Index(hints)
    assert not index.possible("veuillez indiquer votre adresse et la personne intéressée")
    assert not index.possible("the bearing x")  # "ea" with letters on both sides is no token
    assert index.possible("essai")  # a token edge on one side: the filter keeps it, the Matcher decides
    assert index.possible("une ea x")
