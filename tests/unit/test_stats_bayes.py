"""Bayesian chance to beat control / be best, checked against seeded Monte Carlo draws."""

import numpy as np
import pytest

from funnel.stats.bayes import expected_loss, expected_loss_vs_best, prob_best, prob_greater

RNG_SEED = 20240601
DRAWS = 10**6


def _draw(rng, params):
    return [rng.beta(a, b, DRAWS) for a, b in params]


@pytest.mark.parametrize(
    ("a", "b"),
    [((1 + 12, 1 + 88), (1 + 20, 1 + 80)), ((1 + 150, 1 + 850), (1 + 120, 1 + 880)), ((1 + 0, 1 + 10), (1 + 3, 1 + 7))],
)
def test_evan_miller_closed_form_matches_monte_carlo(a, b):
    # Monte Carlo standard error <= 0.5 / sqrt(10^6) = 0.0005: agree to 3 decimals.
    pa, pb = _draw(np.random.default_rng(RNG_SEED), [a, b])
    assert prob_greater(a, b) == pytest.approx(float((pb > pa).mean()), abs=2e-3)


def test_identical_posteriors_give_one_half():
    # symmetry: P(B > A) = 1/2 when A and B have the same distribution
    assert prob_greater((5, 7), (5, 7)) == pytest.approx(0.5, abs=1e-12)


def test_evan_miller_small_case_by_hand():
    # A ~ Beta(1, 1), B ~ Beta(2, 1): P(B > A) = int_0^1 2b * b db = 2/3
    assert prob_greater((1, 1), (2, 1)) == pytest.approx(2 / 3, abs=1e-12)


def test_prob_best_two_groups_equals_closed_form():
    a, b = (1 + 150, 1 + 850), (1 + 120, 1 + 880)
    best = prob_best([a, b])
    assert best[1] == pytest.approx(prob_greater(a, b), abs=1e-6)
    assert sum(best) == pytest.approx(1.0, abs=1e-6)


def test_prob_best_three_groups_matches_monte_carlo():
    params = [(3, 9), (5, 7), (4, 4)]
    draws = np.stack(_draw(np.random.default_rng(RNG_SEED), params))
    mc = np.bincount(draws.argmax(axis=0), minlength=3) / DRAWS
    assert prob_best(params) == pytest.approx(mc.tolist(), abs=2e-3)


def test_expected_loss_matches_monte_carlo():
    chosen, other = (1 + 120, 1 + 880), (1 + 150, 1 + 850)
    pc, po = _draw(np.random.default_rng(RNG_SEED), [chosen, other])
    assert expected_loss(chosen, other) == pytest.approx(float(np.maximum(po - pc, 0).mean()), abs=2e-4)


def test_expected_loss_vs_best_matches_monte_carlo():
    params = [(3, 9), (5, 7), (4, 4)]
    draws = np.stack(_draw(np.random.default_rng(RNG_SEED), params))
    mc = (draws.max(axis=0) - draws).mean(axis=1)
    assert expected_loss_vs_best(params) == pytest.approx(mc.tolist(), abs=1e-3)
