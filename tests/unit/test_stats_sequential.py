"""Peeking-safe confidence sequences: GrowthBook's published test numbers and properties."""

import math

import pytest

from funnel.stats import analyze_counts
from funnel.stats.sequential import always_valid_p, sequential_interval


def _rel_se(ma, va, na, mb, vb, nb):
    # delta-method variance of mb / ma (GrowthBook frequentist_variance, relative=True)
    return math.sqrt(vb / (ma**2 * nb) + va * mb**2 / (ma**4 * na))


def test_growthbook_sequential_means_published():
    # gbstats tests/frequentist/test_tests.py test_sequential_test_runs: n 3000 vs 3461,
    # tuning parameter 1000 -> expected 0.50336, ci [-0.55844, 1.56516], stddev 0.33341, p = 1
    ma, mb = 1396.87 / 3000, 2422.7 / 3461
    va = (52377.9767 - 1396.87**2 / 3000) / 2999
    vb = (134698.29 - 2422.7**2 / 3461) / 3460
    se = _rel_se(ma, va, 3000, mb, vb, 3461)
    assert se == pytest.approx(0.33341, abs=1e-5)
    low, high = sequential_interval(mb / ma - 1, se, 6461, 0.05, 1000)
    assert (low, high) == pytest.approx((-0.55844, 1.56516), abs=1e-5)
    assert always_valid_p(mb / ma - 1, se, 6461, 0.05, 1000) == 1.0


def test_growthbook_sequential_proportions_published_via_analyze_counts():
    # gbstats test_sequential_test_runs_prop: 1396/3000 vs 2422/3461, default tuning 5000
    # -> expected 0.50386, ci [0.40098, 0.60675], p 0.0
    out = analyze_counts({"A": (3000, 1396), "B": (3461, 2422)}, sequential=True, target_n=5000)
    comp = out.comparisons["B"]
    assert comp.test == "sequential"
    assert comp.rel_lift == pytest.approx(0.50386, abs=1e-5)
    assert comp.rel_lift_ci_low == pytest.approx(0.40098, abs=1e-5)
    assert comp.rel_lift_ci_high == pytest.approx(0.60675, abs=1e-5)
    assert comp.p_value < 1e-5


def test_sequential_interval_is_wider_than_fixed_horizon():
    groups = {"A": (5000, 500), "B": (5000, 560)}
    fixed = analyze_counts(groups).comparisons["B"]
    seq = analyze_counts(groups, sequential=True, target_n=10000).comparisons["B"]
    assert seq.diff_ci_low < fixed.diff_ci_low and seq.diff_ci_high > fixed.diff_ci_high
    assert seq.p_value > seq.p_value_fixed


def test_sequential_narrowest_near_the_target():
    # GrowthBook test_sequential_test_tuning_as_expected: tuning near the real n beats far ones
    def width(target):
        low, high = sequential_interval(0.0, 0.01, 6461, 0.05, target)
        return high - low

    assert width(6461) < width(10000) < width(10)


def test_halfwidth_shrinks_like_fixed_interval_with_more_data():
    # for a fixed per-lead variance the half-width keeps shrinking as n grows
    widths = [sequential_interval(0.0, 1 / math.sqrt(n), n, 0.05, 5000)[1] for n in (1000, 5000, 50000)]
    assert widths[0] > widths[1] > widths[2]


def test_sequential_keys_only_in_sequential_mode():
    from funnel.stats import analyze_counts

    fixed = analyze_counts({"A": (1000, 100), "B": (1000, 150)}).to_json()["comparisons"]["B"]
    seq_ = analyze_counts({"A": (1000, 100), "B": (1000, 150)}, sequential=True).to_json()["comparisons"]["B"]
    assert "target_n" not in fixed and "p_value_fixed" not in fixed
    assert list(seq_)[-3:] == ["p_value_fixed", "test_fixed", "target_n"]
    assert seq_["test"] == "sequential" and seq_["test_fixed"] == "z" and seq_["p_value_fixed"] == fixed["p_value"]
