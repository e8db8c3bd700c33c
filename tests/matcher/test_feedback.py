"""Learning from feedback: similar notices move, part weights are learned once enough marks exist."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from matcher.feedback import MIN_MARKS, Marks, adjustment, learn_weights
from matcher.scoring import WEIGHTS


def test_resemblance_moves_similar_notices_more_with_more_marks() -> None:
    rows = sparse.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    codes = [(("90911200", 1.0),), (("90911200", 1.0),), (("45000000", 1.0),)]
    one = Marks(rows[:0], (), rows[[0]], (codes[0],))
    many = Marks(rows[:0], (), rows[[0, 0, 0, 0, 0, 0]], (codes[0],) * 6)
    moved_once, moved_often = adjustment(one, rows, codes), adjustment(many, rows, codes)
    assert moved_once[1] < 0 and moved_once[2] == 0  # the twin sinks, other work does not move
    assert moved_often[1] < moved_once[1]  # more marks, a bigger step
    liked = Marks(rows[[0]], (codes[0],), rows[:0], ())
    assert adjustment(liked, rows, codes)[1] > 0
    # A whole division in common is no resemblance: only specific codes say what a notice is about.
    broad = [(("45000000", 1.0),), (("45000000", 1.0),)]
    wide = Marks(rows[:0], (), rows[[2]], (broad[0],))
    assert adjustment(wide, rows[[0, 1]], broad).tolist() == [0.0, 0.0]


def _marks(answer) -> list[tuple[str, dict[str, float], bool]]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    parts = [{name: float(rng.random()) for name in WEIGHTS} for _ in range(60)]
    return [(f"company-{i // 10}", p, answer(p)) for i, p in enumerate(parts)]  # six companies, ten marks each


def test_part_weights_are_learned_only_from_enough_marks() -> None:
    said = _marks(lambda p: p["cpv"] > 0.5)  # what companies say follows the CPV part only
    assert learn_weights(said[: MIN_MARKS - 1], WEIGHTS) is None
    assert learn_weights([(c, p, True) for c, p, _yes in said], WEIGHTS) is None  # one answer teaches nothing
    learned = learn_weights(said, WEIGHTS)
    assert learned is not None and set(learned) == set(WEIGHTS)
    assert abs(sum(learned.values()) - sum(WEIGHTS.values())) < 1e-6
    assert learned["cpv"] > WEIGHTS["cpv"] and learned["region"] < WEIGHTS["region"]


def test_learned_weights_are_kept_only_where_they_order_held_out_companies_better() -> None:
    # The hand-set weights already order every pair of what these companies said: nothing learned can do better,
    # and weights fitted to a few companies' best matches may do worse on the next company's.
    said = _marks(lambda p: sum(WEIGHTS[name] * value for name, value in p.items()) > 0.5)
    assert 10 <= sum(yes for _c, _p, yes in said) <= len(said) - 10  # enough of each answer to learn from
    assert learn_weights(said, WEIGHTS) is None
    # One company only: no other company's marks to hold out, nothing shows the weights hold beyond it.
    assert learn_weights([("one", p, yes) for _c, p, yes in _marks(lambda p: p["cpv"] > 0.5)], WEIGHTS) is None
