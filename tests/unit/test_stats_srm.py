"""Sample-ratio mismatch check."""

import pytest

from funnel.stats.srm import srm_check


def test_srm_hand_example():
    # 1000 vs 1200 with a 50/50 plan: expected 1100 each;
    # chi2 = 100^2/1100 + 100^2/1100 = 18.1818; df 1; p = P(chi2_1 > 18.18) = 2.0e-5
    out = srm_check([1000, 1200], [1, 1])
    assert out.chi2 == pytest.approx(20000 / 1100, abs=1e-9)
    assert out.df == 1
    assert out.p_value == pytest.approx(2.0e-5, rel=0.05)


def test_srm_uneven_plan():
    # plan 1:3 over 400 -> expected 100 / 300; observed 100 / 300 -> chi2 0, p 1
    out = srm_check([100, 300], [25, 75])
    assert out.chi2 == 0 and out.p_value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("sizes", "weights", "reason"),
    [([1, 2], [1], "invalid_split"), ([1, 2], [1, 0], "invalid_split"), ([0, 0], [1, 1], "no_visitors")],
)
def test_srm_degenerate(sizes, weights, reason):
    assert srm_check(sizes, weights).reason == reason
