"""Power and sample size in R power.prop.test convention."""

import pytest

from funnel.stats.power import mde_for_n, n_more_needed, power_for_n, sample_size


def test_sample_size_r_documented_example():
    # R ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) -> n = 76.7 per group.
    # By hand (Fleiss eq. 4.14 = R's p.body solved for n): z_.975 = 1.959964, z_.90 = 1.281552,
    # (1.959964 * sqrt(2 * .625 * .375) + 1.281552 * sqrt(.25 + .1875))^2 / .25^2 = 76.7069
    out = sample_size(0.50, 0.25, alpha=0.05, power=0.90)
    assert out.n_per_group_exact == pytest.approx(76.7069, abs=1e-3)
    assert out.n_per_group == 77


def test_brief_value_7665_is_the_arcsine_method_not_r():
    # The 76.65294 quoted for this example is statsmodels' NormalIndPower with Cohen's h
    # (arcsine effect size), a different convention from R power.prop.test.
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = proportion_effectsize(0.75, 0.50)
    assert NormalIndPower().solve_power(h, power=0.9, alpha=0.05) == pytest.approx(76.65294, abs=1e-4)
    assert sample_size(0.5, 0.25, power=0.9).n_per_group_exact != pytest.approx(76.65294, abs=1e-2)


def test_power_r_documented_example():
    # R ?power.prop.test: power.prop.test(n = 50, p1 = .50, p2 = .75) -> power = 0.7401659
    assert power_for_n(0.50, 0.25, 50).power == pytest.approx(0.7401659, abs=1e-7)


def test_relative_mde_means_multiplied_baseline():
    # 0.5 * (1 + 0.5) = 0.75: same as the absolute example above
    assert sample_size(0.5, 0.5, relative=True, power=0.9).n_per_group_exact == pytest.approx(76.7069, abs=1e-3)


def test_mde_for_n_inverts_power():
    # power.prop.test(n = 50, p1 = .5, power = .7401659) would return p2 = .75 -> mde 0.25
    assert mde_for_n(0.5, 50, power=0.7401659).mde_abs == pytest.approx(0.25, abs=1e-5)


def test_n_more_needed_subtracts_current_traffic():
    # 77 needed (see R example) - 30 already there = 47 more
    out = n_more_needed(0.5, 0.25, 30, power=0.9)
    assert (out.n_needed_per_group, out.n_more_per_group, out.reason) == (77, 47, None)
    assert n_more_needed(0.5, 0.25, 500, power=0.9).n_more_per_group == 0


@pytest.mark.parametrize(
    ("args", "reason"),
    [((0.1, 0.0), "zero_effect"), ((0.9, 0.2), "invalid_effect"), ((1.5, 0.1), "invalid_parameters"),
     ((float("nan"), 0.1), "invalid_parameters")],
)
def test_sample_size_degenerate_inputs_have_codes(args, reason):
    out = sample_size(*args)
    assert out.n_per_group is None and out.reason == reason


def test_power_and_mde_degenerate():
    assert power_for_n(0.1, 0.02, 0).reason == "no_visitors"
    assert sample_size(0.1, 0.02, alpha=1.5).reason == "invalid_parameters"
    assert mde_for_n(0.5, 1).reason == "unreachable"  # n = 1 cannot reach 80 % power
