# ruff: noqa: F811  (the story fixture is imported, then named as a test argument)
"""Forecast: Monte Carlo against closed forms, close-month and age-adjusted probabilities by hand,
the weighted pipeline on the velocity story, the back-test's shape."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from scipy import stats

from funnel.errors import FunnelError
from funnel.spec import FunnelSpec
from funnel.velocity.backtest import backtest
from funnel.velocity.forecast import (
    OpenBook,
    age_adjusted,
    close_month_probabilities,
    forecast,
    month_bounds,
    parse_month,
    simulate,
)
from tests.unit.velocity_story import AS_OF, story  # noqa: F401 (story: a fixture)

RUNS = 20_000


def book(ages, positions=None, amounts=None) -> OpenBook:
    n = len(ages)
    return OpenBook(np.array(positions or [1] * n), np.array(ages, float), np.zeros(n, bool),
                    np.array(amounts or [100.0] * n), np.array(["open"] * n, object),
                    np.array([None] * n, "datetime64[us]"))


def test_monte_carlo_matches_the_binomial():
    # 40 independent deals, each won this month with p = .3, 100 each: revenue = 100 × Binomial(40, .3)
    n, p = 40, 0.3
    sims = simulate(np.full(n, p), np.ones((n, 1)), np.full(n, 100.0), RUNS, seed=7)[:, 0]
    exact = stats.binom.sf(14, n, p)  # P(at least 15 wins) = P(revenue >= 1500)
    se = np.sqrt(exact * (1 - exact) / RUNS)
    assert np.mean(sims >= 1500) == pytest.approx(exact, abs=4 * se)
    assert sims.mean() == pytest.approx(100 * n * p, abs=4 * 100 * np.sqrt(n * p * (1 - p) / RUNS))
    for level in (0.1, 0.5, 0.9):
        assert abs(np.quantile(sims, level) - 100 * stats.binom.ppf(level, n, p)) <= 100


def test_monte_carlo_splits_the_months():
    # won with p = .5; if won, in month 0 with .25 and month 1 with .75: month 0 ~ Binomial(n, .125)
    n = 60
    sims = simulate(np.full(n, 0.5), np.tile([0.25, 0.75], (n, 1)), np.ones(n), RUNS, seed=11)
    for k, rate in ((0, 0.125), (1, 0.375)):
        assert sims[:, k].mean() == pytest.approx(n * rate, abs=4 * np.sqrt(n * rate * (1 - rate) / RUNS))
    # a deal is won in at most one month: the total never exceeds n and is Binomial(n, .5)
    assert sims.sum(axis=1).max() <= n
    assert sims.sum(axis=1).mean() == pytest.approx(n * 0.5, abs=4 * np.sqrt(n * 0.25 / RUNS))


def test_monte_carlo_is_reproducible_with_its_seed():
    p, q, a = np.full(5, 0.4), np.ones((5, 1)), np.arange(1.0, 6.0)
    assert np.array_equal(simulate(p, q, a, 500, seed=3), simulate(p, q, a, 500, seed=3))
    assert not np.array_equal(simulate(p, q, a, 500, seed=3), simulate(p, q, a, 500, seed=4))


def test_close_month_probabilities_by_hand():
    # won deals took 10, 20, 30, 40 days from entering the stage; the deal has waited 15 days on Jan 21.
    # Longer than 15: 20, 30, 40. Jan ends 11 days later (<= 26: 20); Feb 29 days after that (<= 55: 30, 40)
    as_of = datetime(2024, 1, 21)
    bounds = month_bounds(as_of, 2)
    assert bounds == pytest.approx([0.0, 11.0, 40.0], abs=1e-5)
    q = close_month_probabilities(book([15.0]), {1: np.array([10.0, 20, 30, 40])}, bounds)
    assert q[0] == pytest.approx([1 / 3, 2 / 3], abs=1e-9)


def test_age_adjusted_probability_by_hand():
    # stage 1: won after 10, 20, 30, 40 days; lost after 5, 25; open now at ages 15 and 50.
    # Age 15: waited at least as long: won 20, 30, 40; lost 25; open 15, 50 -> 3 / 6.
    # Age 50: only itself -> 0.
    remaining = {"won": {1: np.array([10.0, 20, 30, 40])}, "lost": {1: np.array([5.0, 25])}}
    assert age_adjusted(book([15.0, 50.0]), remaining) == pytest.approx([0.5, 0.0])


def test_weighted_pipeline_on_the_story(story):
    con, info = story
    fc = forecast(con, info, FunnelSpec(), AS_OF, plan=1000, runs=2000, seed=1)
    # closed by Mar 1: A, B won (reached all); C lost (furthest Proposal); G lost (Lead).
    # P(won | reached): Lead 2/4, Qualified 2/3, Proposal 2/3, Contract 2/2.
    assert [round(r.p_won, 4) for r in fc.probabilities.rows[:4]] == [0.5, 0.6667, 0.6667, 1.0]
    # open: E Lead 700, D Qualified 500, F Qualified 900 (no history: its current stage), I Contract 2000
    assert fc.weighted_pipeline == pytest.approx(700 * 0.5 + (500 + 900) * 2 / 3 + 2000)
    assert fc.open_deals == 4 and (fc.runs, fc.seed) == (2000, 1)
    assert fc.month.strftime("%Y-%m") == "2024-03" and fc.won_so_far == 0.0
    assert 0.0 <= fc.p_meet_plan <= 1.0 and fc.p10 <= fc.p50 <= fc.p90


def test_plan_month_before_as_of_is_refused(story):
    con, info = story
    with pytest.raises(FunnelError) as err:
        forecast(con, info, FunnelSpec(), AS_OF, month=parse_month("2024-01"))
    assert err.value.code == "velocity.month_past"
    with pytest.raises(FunnelError):
        parse_month("March")


def test_backtest_lists_the_last_complete_months(story):
    con, info = story
    rows = backtest(con, info, FunnelSpec(), AS_OF, months=2)
    assert [r.month.strftime("%Y-%m") for r in rows] == ["2024-01", "2024-02"]
    jan, feb = rows
    # nothing was open at Jan 1 00:00 (A and B were created that day at 00:00, so they were: open 2)
    assert jan.open_deals == 2 and jan.actual == 4000.0 and jan.actual_all == 4000.0
    # open at Feb 1 00:00: D only (G and I were created at 00:00 that day too) -> D, G, I; none won in Feb
    assert feb.open_deals == 3 and feb.actual == 0.0 and feb.actual_all == 0.0


def test_bernoulli_runs_match_their_probabilities():
    from funnel.velocity.forecast import bernoulli_runs

    rng = np.random.default_rng(5)
    pi = np.array([0.001, 0.2, 0.5, 1.0])
    deal, run = bernoulli_runs(pi, 50_000, rng)
    counts = np.bincount(deal, minlength=4)
    for i, p in enumerate(pi):  # each deal's successes ~ Binomial(50,000, p)
        assert abs(counts[i] - 50_000 * p) <= 5 * np.sqrt(50_000 * p * (1 - p)) + 1e-9
    assert counts[3] == 50_000 and len(set(zip(deal, run, strict=True))) == len(deal)  # p = 1: every run, once
    assert run.min() >= 0 and run.max() < 50_000
