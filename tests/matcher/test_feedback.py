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


def test_part_weights_are_learned_only_from_enough_marks() -> None:
    rng = np.random.default_rng(7)
    parts, relevant = [], []
    for _ in range(60):
        cpv, region = float(rng.random()), float(rng.random())
        parts.append(dict.fromkeys(WEIGHTS, 0.5) | {"cpv": cpv, "region": region})
        relevant.append(cpv > 0.5)  # what these companies say follows the CPV part only
    assert learn_weights(parts[: MIN_MARKS - 1], relevant[: MIN_MARKS - 1], WEIGHTS) is None
    assert learn_weights(parts, [True] * len(parts), WEIGHTS) is None  # one answer teaches nothing
    learned = learn_weights(parts, relevant, WEIGHTS)
    assert learned is not None and set(learned) == set(WEIGHTS)
    assert abs(sum(learned.values()) - sum(WEIGHTS.values())) < 1e-6
    assert learned["cpv"] > WEIGHTS["cpv"] and learned["region"] < WEIGHTS["region"]
