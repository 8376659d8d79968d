"""Conversion-rate tests against published or hand-computed values."""

import math

import pytest

from funnel.stats.proportions import (
    Proportion,
    difference_interval,
    omnibus_chi_square,
    relative_lift_interval,
    two_proportion_test,
    wilson_interval,
)


def test_wilson_interval_matches_newcombe_1998():
    # Newcombe (1998) Table I / R binom::binom.wilson(81, 263): 0.3080 [0.2553, 0.3662]
    low, high = wilson_interval(Proportion(263, 81))
    assert low == pytest.approx(0.2553, abs=5e-5)
    assert high == pytest.approx(0.3662, abs=5e-5)


def test_wilson_interval_zero_conversions_starts_at_zero():
    # Wilson upper bound for 0/10: z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.2775
    low, high = wilson_interval(Proportion(10, 0))
    assert low == 0.0
    assert high == pytest.approx(3.841459 / 13.841459, abs=1e-6)


def test_wilson_interval_without_visitors_is_none():
    assert wilson_interval(Proportion(0, 0)) == (None, None)


def test_newcombe_difference_interval_published_example():
    # Newcombe (1998) example (56/70 vs 48/80), method 10: diff 0.2000, 95% CI [0.0524, 0.3339]
    out = difference_interval(Proportion(70, 56), Proportion(80, 48))
    assert out["diff"] == pytest.approx(0.2, abs=1e-12)
    assert out["diff_ci_low"] == pytest.approx(0.0524, abs=5e-5)
    assert out["diff_ci_high"] == pytest.approx(0.3339, abs=5e-5)
    assert out["diff_ci_method"] == "newcombe_hybrid_score"


def test_katz_log_ratio_interval_by_hand():
    # RR = 0.15 / 0.12 = 1.25; se(log RR) = sqrt(1/150 - 1/1000 + 1/120 - 1/1000) = sqrt(0.013) = 0.1140175
    # RR CI = 1.25 * exp(+-1.959964 * 0.1140175) = [0.999673, 1.563011] -> lift CI [-0.000327, 0.563011]
    out = relative_lift_interval(Proportion(1000, 150), Proportion(1000, 120))
    assert out["rel_lift"] == pytest.approx(0.25)
    se = math.sqrt(0.013)
    assert out["rel_lift_ci_low"] == pytest.approx(1.25 * math.exp(-1.959964 * se) - 1, abs=1e-5)
    assert out["rel_lift_ci_high"] == pytest.approx(1.25 * math.exp(1.959964 * se) - 1, abs=1e-5)
    assert out["rel_lift_ci_low"] == pytest.approx(-0.000327, abs=2e-6)


def test_relative_lift_undefined_when_control_converts_nobody():
    out = relative_lift_interval(Proportion(100, 5), Proportion(100, 0))
    assert out["rel_lift"] is None and out["rel_lift_ci_low"] is None


def test_pooled_z_test_by_hand():
    # pooled p = 270/2000 = 0.135; se = sqrt(0.135 * 0.865 * (1/1000 + 1/1000)) = 0.0152824
    # z = 0.03 / 0.0152824 = 1.96304; R prop.test(c(150,120), c(1000,1000), correct=FALSE):
    # X-squared = 3.8535 (= z^2), p-value = 0.04965
    out = two_proportion_test(Proportion(1000, 150), Proportion(1000, 120))
    assert out["test"] == "z"
    assert out["statistic"] == pytest.approx(0.03 / math.sqrt(0.135 * 0.865 * 0.002), abs=1e-9)
    assert out["statistic"] ** 2 == pytest.approx(3.8535, abs=1e-4)
    assert out["p_value"] == pytest.approx(0.04965, abs=1e-5)


def test_fisher_exact_tea_tasting():
    # R: fisher.test(matrix(c(3, 1, 1, 3), nrow = 2)) -> p-value = 0.4857 (two-sided);
    # expected cells are 2 (< 5), so Fisher replaces the z-test.
    out = two_proportion_test(Proportion(4, 3), Proportion(4, 1))
    assert out["test"] == "fisher"
    assert out["p_value"] == pytest.approx(0.4857, abs=5e-5)


def test_fisher_used_when_one_expected_cell_is_below_five():
    # 2x2 [[4, 96], [1, 99]]: conversions column total 5 -> expected 5 * 100 / 200 = 2.5 < 5
    assert two_proportion_test(Proportion(100, 4), Proportion(100, 1))["test"] == "fisher"
    # [[10, 90], [5, 95]]: expected conversions 7.5 each, all cells >= 5 -> z
    assert two_proportion_test(Proportion(100, 10), Proportion(100, 5))["test"] == "z"


def test_omnibus_chi_square_r_smokers_example():
    # R ?prop.test: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82)
    # prop.test(smokers, patients): X-squared = 12.6, df = 3, p-value = 0.005585
    groups = [Proportion(86, 83), Proportion(93, 90), Proportion(136, 129), Proportion(82, 70)]
    out = omnibus_chi_square(groups)
    assert out.chi2 == pytest.approx(12.6, abs=0.05)
    assert out.df == 3
    assert out.p_value == pytest.approx(0.005585, abs=5e-7)


def test_omnibus_without_any_conversion_has_reason():
    out = omnibus_chi_square([Proportion(50, 0), Proportion(60, 0)])
    assert out.reason == "zero_variance" and out.chi2 is None and out.p_value is None
