"""Bootstrap intervals of the evaluation figures: the same arithmetic as the point figures, documents kept whole."""

from __future__ import annotations

import math

from matcher.evaluation import evaluate
from matcher.intervals import clause_intervals, mean_interval

# One document's snippets: a hit, a miss, a false finding on a negative, another label's hit, a quiet negative.
DOCUMENT = (
    [["social_return"], ["social_return"], [], ["reserved_contract"], []],
    [["social_return"], [], ["social_return"], ["reserved_contract", "right_to_challenge"], []],
)


def test_documents_alike_give_the_point_figures_as_their_interval() -> None:
    gold, predicted = DOCUMENT[0] * 6, DOCUMENT[1] * 6
    groups = [f"doc{i // 5}" for i in range(30)]  # six documents, each the same five snippets
    report = evaluate(gold, predicted)
    (low, high), (fp_low, fp_high) = clause_intervals(gold, predicted, groups)
    assert 0.0 < report.macro_f1 < 1.0 and 0.0 < report.false_positive_rate < 1.0
    assert math.isclose(low, report.macro_f1) and math.isclose(high, report.macro_f1)
    assert math.isclose(fp_low, report.false_positive_rate) and math.isclose(fp_high, report.false_positive_rate)


def test_a_document_is_resampled_whole() -> None:
    gold = [["social_return"]] * 10 + [[]] * 10
    predicted = [["social_return"]] * 10 + [["social_return"]] * 10
    # Resampled one by one, the snippets vary; as two documents (all hits, all false findings), a resample holds
    # either or both, so macro-F1 is 0 (negatives alone), 1 or in between.
    alone = clause_intervals(gold, predicted)[0]
    whole = clause_intervals(gold, predicted, ["a"] * 10 + ["b"] * 10)[0]
    assert whole[0] == 0.0 and alone[0] > 0.3
    assert all(math.isnan(v) for v in clause_intervals(gold, predicted, ["a"] * 20)[0])  # one document: no interval


def test_mean_interval_leaves_nan_out_and_holds_the_mean() -> None:
    values = [0.2, 0.9, math.nan, 0.5, 0.7, 0.4]
    low, high = mean_interval(values)
    assert low < 0.54 < high and low >= 0.2 and high <= 0.9
    assert all(math.isnan(v) for v in mean_interval([0.5, math.nan]))
