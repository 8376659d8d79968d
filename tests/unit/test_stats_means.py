"""Revenue per lead: Welch's t from sufficient statistics, delta-method lift, MWU, bootstrap."""

import json
import math

import pytest
from scipy import stats

from funnel.stats.means import SampleMean, welch_compare
from funnel.stats.means_analysis import analyze_amounts, analyze_means

A = [1.0, 2.0, 3.0, 4.0, 5.0]
B = [2.0, 4.0, 6.0, 8.0, 10.0]


def _suff(xs):
    return (len(xs), sum(xs), sum(x * x for x in xs))


def test_welch_by_hand():
    # A: mean 3, var 2.5; B: mean 6, var 10. se^2 = 2.5/5 + 10/5 = 2.5
    # t = 3 / sqrt(2.5) = 1.897367; df = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625 = 5.882353
    out = welch_compare(SampleMean(*_suff(B)), SampleMean(*_suff(A)))
    assert out.statistic == pytest.approx(3 / math.sqrt(2.5), abs=1e-9)
    assert out.df == pytest.approx(6.25 / 1.0625, abs=1e-9)
    half = stats.t.ppf(0.975, 6.25 / 1.0625) * math.sqrt(2.5)
    assert (out.diff_ci_low, out.diff_ci_high) == pytest.approx((3 - half, 3 + half), abs=1e-9)
    # independent path: scipy on the raw values
    assert out.p_value == pytest.approx(stats.ttest_ind(B, A, equal_var=False).pvalue, abs=1e-12)


def test_welch_matches_growthbook_published_numbers():
    # gbstats tests/frequentist/test_tests.py (TestTwoSidedTTest): stat_a sum=1396.87,
    # sum_squares=52377.9767, n=3407; stat_b sum=2422.7, sum_squares=134698.29, n=3461.
    # absolute: expected 0.29, ci [0.04538, 0.53462], p 0.02016
    # relative (delta method): 0.70732, ci [-0.03526, 1.44989], stddev 0.37879
    out = welch_compare(SampleMean(3461, 2422.7, 134698.29), SampleMean(3407, 1396.87, 52377.9767))
    assert out.diff == pytest.approx(0.29, abs=1e-5)
    assert out.diff_ci_low == pytest.approx(0.04538, abs=1e-5)
    assert out.diff_ci_high == pytest.approx(0.53462, abs=1e-5)
    assert out.p_value == pytest.approx(0.02016, abs=1e-5)
    assert out.rel_lift == pytest.approx(0.70732, abs=1e-5)
    assert out.rel_lift_ci_low == pytest.approx(-0.03526, abs=1e-5)
    assert out.rel_lift_ci_high == pytest.approx(1.44989, abs=1e-5)
    assert out.rel_lift_se == pytest.approx(0.37879, abs=1e-5)


def test_analyze_means_shape_and_sd():
    out = analyze_means({"A": _suff(A), "B": _suff(B)})
    assert out.control == "A"
    assert out.groups["B"].to_json() == {"n": 5, "mean": 6.0, "sd": pytest.approx(math.sqrt(10)), "reason": None}
    assert out.comparisons["B"].p_value_adjusted == out.comparisons["B"].p_value


@pytest.mark.parametrize(
    ("groups", "reason"),
    [({"A": (0, 0, 0), "B": _suff(B)}, "no_visitors"), ({"A": (1, 5, 25), "B": _suff(B)}, "too_few"),
     ({"A": (3, 6, 12), "B": (3, 9, 27)}, "zero_variance")],
)
def test_degenerate_means_comparison_codes(groups, reason):
    out = analyze_means(groups)
    assert out.comparisons["B"].reason == reason
    json.dumps(out.to_json(), allow_nan=False)


def test_impossible_sums_are_invalid():
    # n * sumsq >= sum^2 always (Cauchy-Schwarz); 3 * 1 < 10^2 is impossible
    assert analyze_means({"A": (3, 10, 1), "B": _suff(B)}).reason == "invalid_counts"
    assert analyze_means({"A": (-3, 10, 100), "B": _suff(B)}).reason == "invalid_counts"
    assert analyze_means({"A": _suff(A)}).reason == "single_group"


def test_mann_whitney_exact_small_case():
    # B = [3, 4, 5] all above A = [1, 2]: U_B = 6 of 6 pairs; exact two-sided p = 2 * 1 / C(5, 2) = 0.2
    out = analyze_amounts({"A": [1, 2], "B": [3, 4, 5]})
    mw = out.comparisons["B"].mann_whitney
    assert mw.statistic == 6
    assert mw.p_value == pytest.approx(0.2, abs=1e-12)


def test_bootstrap_is_seeded_and_brackets_the_difference():
    groups = {"A": [0, 0, 10, 0, 50, 0, 0, 20, 0, 5] * 3, "B": [0, 30, 0, 60, 0, 0, 25, 0, 40, 0] * 3}
    first = analyze_amounts(groups, seed=7).comparisons["B"].bootstrap
    again = analyze_amounts(groups, seed=7).comparisons["B"].bootstrap
    assert first == again
    # mean A = 85/10 = 8.5, mean B = 155/10 = 15.5 -> diff 7.0 lies inside the interval
    assert first.ci_low < 7.0 < first.ci_high


def test_amounts_degenerate_json_safe():
    out = analyze_amounts({"A": [5, 5, 5], "B": [5, 5, 5], "C": []})
    assert out.comparisons["B"].mann_whitney.reason == "zero_variance"
    assert out.comparisons["C"].reason == "no_visitors"
    json.dumps(out.to_json(), allow_nan=False)
    assert analyze_amounts({"A": [1, float("nan")], "B": [1, 2]}).reason == "invalid_counts"
