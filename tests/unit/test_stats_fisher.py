"""Fisher's exact test (funnel/stats/fisher.py): hand-counted hypergeometric tables, and scipy's
``fisher_exact`` (an independent implementation) on many tables, including large ones."""

from __future__ import annotations

import math
import random

import pytest
from scipy import stats

from funnel.stats.fisher import fisher_exact


def test_tea_tasting_by_hand():
    # margins 4/4, 4/4: P(x) = C(4,x) C(4,4-x) / C(8,4) = 1, 16, 36, 16, 1 over 70 for x = 0..4;
    # observed x = 3 (16/70): tables no more likely are x = 0, 1, 3, 4 -> 34/70 (R: 0.4857)
    odds, p = fisher_exact(3, 1, 1, 3)
    assert p == pytest.approx(34 / 70, rel=1e-12)
    assert odds == pytest.approx(9.0)


def test_ties_on_the_other_side_are_counted():
    # margins 5/5, 5/5: C(5,x) C(5,5-x) = 1, 25, 100, 100, 25, 1 (sum 252); observed x = 1 ties x = 4
    odds, p = fisher_exact(1, 4, 4, 1)
    assert p == pytest.approx(52 / 252, rel=1e-12)
    assert odds == pytest.approx(1 / 16)
    assert fisher_exact(2, 3, 3, 2)[1] == pytest.approx(1.0)  # the mode ties the other mode: p = 1


def test_degenerate_tables():
    assert math.isnan(fisher_exact(0, 0, 3, 4)[0]) and fisher_exact(0, 0, 3, 4)[1] == 1.0  # an empty row
    assert math.isnan(fisher_exact(0, 5, 0, 7)[0]) and fisher_exact(0, 5, 0, 7)[1] == 1.0  # an empty column
    assert fisher_exact(3, 0, 1, 4)[0] == math.inf  # b = 0
    with pytest.raises(ValueError):
        fisher_exact(-1, 2, 3, 4)


def test_agrees_with_scipy_on_small_and_large_tables():
    rng = random.Random(7)
    for _ in range(300):
        n1 = rng.choice([3, 12, 80, 900, 40_000])
        n2 = rng.choice([4, 50, 700, 25_000, 1_000_000])
        x1, x2 = rng.randint(0, min(n1, 15)), rng.randint(0, min(n2, 400))
        odds, p = fisher_exact(x1, n1 - x1, x2, n2 - x2)
        ref = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])
        assert p == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-300), (x1, n1, x2, n2)
        assert odds == pytest.approx(ref.statistic, rel=1e-12, nan_ok=True) or (
            math.isinf(odds) and math.isinf(ref.statistic))
