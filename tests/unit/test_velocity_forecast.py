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


@pytest.mark.parametrize("block", [None, 7])
def test_each_deal_is_won_with_its_own_probability(monkeypatch, block):
    # four deals worth 1, 2, 4 and 8, one month: a run's revenue written in binary says which were
    # won. Deal i's wins over 50,000 runs ~ Binomial(50,000, p_i); p = 1 wins every run. block = 7
    # uniforms at once: one run per block (4 deals), the same distribution.
    from funnel.velocity import forecast as fc

    if block:
        monkeypatch.setattr(fc, "UNIFORMS_AT_ONCE", block)
    p = np.array([0.001, 0.2, 0.5, 1.0])
    sims = fc._simulate_exact(p, np.ones((4, 1)), np.array([1.0, 2.0, 4.0, 8.0]), 50_000,
                              np.random.default_rng(5))[:, 0].astype(int)
    assert sims.min() >= 8 and sims.max() <= 15
    for i, pi in enumerate(p):
        wins = int(((sims >> i) & 1).sum())
        assert abs(wins - 50_000 * pi) <= 5 * np.sqrt(50_000 * pi * (1 - pi)) + 1e-9
    # the 0.2 and 0.5 deals are independent: both won in ~10 % of the runs
    both = int((((sims >> 1) & 1) & ((sims >> 2) & 1)).sum())
    assert abs(both - 5_000) <= 5 * np.sqrt(50_000 * 0.1 * 0.9)


def test_monte_carlo_with_many_deals_matches_the_binomial():
    # 20,000 deals (beyond EXACT_DEALS: most summed as a normal), p = .3, 100 each:
    # revenue = 100 × Binomial(20,000, .3): mean 600,000, sd 100 × sqrt(20,000 × .3 × .7) = 6,480.7
    from funnel.velocity.forecast import EXACT_DEALS

    n, p = 20_000, 0.3
    assert n > EXACT_DEALS
    sims = simulate(np.full(n, p), np.ones((n, 1)), np.full(n, 100.0), RUNS, seed=7)[:, 0]
    sd = 100 * np.sqrt(n * p * (1 - p))
    assert sd == pytest.approx(6480.7, abs=0.1)
    assert sims.mean() == pytest.approx(600_000, abs=4 * sd / np.sqrt(RUNS))
    assert sims.std() == pytest.approx(sd, rel=0.05)
    exact = stats.binom.sf(6099, n, p)  # P(at least 6,100 wins) = P(revenue >= 610,000)
    assert np.mean(sims >= 610_000) == pytest.approx(exact, abs=4 * np.sqrt(exact * (1 - exact) / RUNS) + 0.01)
    assert np.array_equal(sims, simulate(np.full(n, p), np.ones((n, 1)), np.full(n, 100.0), RUNS, seed=7)[:, 0])


def test_monte_carlo_with_many_deals_wins_each_deal_once():
    # 10,000 deals, p = .5, months .25 / .75: month 0 ~ Binomial(n, .125) (mean 1,250, var 1,093.75),
    # month 1 ~ Binomial(n, .375) (mean 3,750, var 2,343.75); a deal wins in one month at most, so the
    # total is Binomial(n, .5): var 2,500, less than 1,093.75 + 2,343.75 (the months move against each other)
    n = 10_000
    sims = simulate(np.full(n, 0.5), np.tile([0.25, 0.75], (n, 1)), np.ones(n), RUNS, seed=11)
    assert sims[:, 0].mean() == pytest.approx(1250, abs=4 * np.sqrt(1093.75 / RUNS))
    assert sims[:, 1].mean() == pytest.approx(3750, abs=4 * np.sqrt(2343.75 / RUNS))
    assert sims[:, 0].var() == pytest.approx(1093.75, rel=0.06)
    assert sims.sum(axis=1).var() == pytest.approx(2500, rel=0.06)


def test_old_deals_are_compared_by_their_stay_not_by_the_time_to_close():
    # stage 1, closed deals: A won (sat 5 days, closed 60 days after entering), B won (5, 80),
    # C won (60, 70), D lost (5, 55). Open now: X, 50 days in the stage.
    # Sat there longer than 50 days: C (won) and X itself -> P(won) = 1 / 2. (By the time to close
    # instead, A, B, C, D all "waited" longer than 50: 3 / 5 -- the bug that counted deals stalled in
    # a stage as likely as the winners that had left it long before.)
    from funnel.velocity.forecast import Durations

    remaining = {"won": {1: Durations.of([5.0, 5.0, 60.0], [60.0, 80.0, 70.0])},
                 "lost": {1: Durations.of([5.0], [55.0])}}
    assert age_adjusted(book([50.0]), remaining) == pytest.approx([0.5])
    # if won, it closes C's 70 - 50 = 20 days from now: months end 15 and 45 days away -> month 2
    # (by the time to close: A in 10 days, B in 30, C in 20 -> 1/3, 2/3)
    q = close_month_probabilities(book([50.0]), remaining["won"], np.array([0.0, 15.0, 45.0]))
    assert q[0] == pytest.approx([0.0, 1.0])


def test_close_month_counting_table_by_hand():
    # won deals (stay, to close): (2, 3), (4, 30), (6, 7), (8, 40), (10, 12). A deal 5 days in:
    # stayed longer: (6, 7), (8, 40), (10, 12) -> closes in 2, 35, 7 days; months end 5 and 20 days away
    # -> month 1: 2 (1 of 3), month 2: 7 (1 of 3); 35 is beyond -> q = [1/3, 1/3].
    # A deal 9 days in: only (10, 12) -> in 3 days -> [1, 0]. A deal 11 days in: none -> [0, 0] (undated).
    from funnel.velocity.forecast import Durations

    won = {1: Durations.of([8.0, 2, 10, 4, 6], [40.0, 3, 12, 30, 7])}
    q = close_month_probabilities(book([5.0, 9.0, 11.0]), won, np.array([0.0, 5.0, 20.0]))
    assert q == pytest.approx(np.array([[1 / 3, 1 / 3], [1.0, 0.0], [0.0, 0.0]]))


def test_backtest_gives_a_stalled_deal_no_chance(tmp_path):
    # W won: Proposal on Jan 2, left it on Jan 4, won Feb 20 (49 days after entering Proposal).
    # S entered Proposal on Jan 20 and never moved. Back-test of March 2024 (as of Mar 1 00:00):
    # S has sat 40.6 days in Proposal; no deal ever sat there longer -> P(won) = 0, forecast 0 = actual.
    # (By the time to close, W "waited" 49 > 40.6 days: P = 1/2 and the whole 1,000 forecast in March.)
    from funnel.importer import import_file
    from funnel.store import Store

    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Amount,Created Date,Actual Close Date\n"
                     "W,Won,500,2024-01-01 09:00:00,2024-02-20 09:00:00\n"
                     "S,Proposal,1000,2024-01-10 09:00:00,\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("Deal ID,Stage,Date Entered\nW,Lead,2024-01-01 09:00:00\nW,Proposal,2024-01-02 09:00:00\n"
                       "W,Contract,2024-01-04 09:00:00\nW,Won,2024-02-20 09:00:00\n"
                       "S,Lead,2024-01-10 09:00:00\nS,Proposal,2024-01-20 09:00:00\n", encoding="utf-8")
    store = Store(":memory:")
    info, _b, _d = import_file(store, deals, "deals.csv", history=history,
                               stages=["Lead", "Proposal", "Contract", "Won"])
    with store.connect() as con:
        (march,) = backtest(con, info, FunnelSpec(), datetime(2024, 4, 15), months=1)
    assert march.month.isoformat() == "2024-03-01" and march.open_deals == 1
    assert march.forecast == 0.0 and march.actual == 0.0


def test_backtest_error_by_hand():
    from datetime import date

    from funnel.velocity.backtest import BacktestMonth, backtest_error

    def month(m, f, a):
        return BacktestMonth(date(2024, m, 1), f, a, a, 3)

    # forecast 300, 100, 0, 50 against actual 100, 200, 0, 0: the third month counts for nothing,
    # the fourth is a miss; ratio = 450 / 300 = 1.5, months 3.0 and 0.5 -> not reliable (3 > 2)
    err = backtest_error([month(1, 300, 100), month(2, 100, 200), month(3, 0, 0), month(4, 50, 0)])
    assert (err.months, err.ratio, err.low, err.high, err.missed) == (3, 1.5, 0.5, 3.0, 1)
    assert not err.reliable
    good = backtest_error([month(1, 110, 100), month(2, 90, 100)])  # 200 / 200 = 1; 1.1 and 0.9
    assert good.ratio == pytest.approx(1.0) and good.reliable
    assert backtest_error([month(1, 0, 0)]) is None


def test_a_close_date_without_a_time_on_the_first_counts_in_its_month(mem_store):
    # close dates without a time of day are stored at 00:00: a deal won "2024-02-01" was won in
    # February, the month whose first instant that is (it fell in no month while months were (start, end])
    from funnel.importer import import_file

    text = ("Deal ID,Stage,Amount,Created,Closed\n"
            "1,Won,100,2024-01-10,2024-02-01\n"   # won on Feb 1 (00:00)
            "2,Won,200,2024-01-15,2024-02-15\n"   # won mid-February
            "3,Won,400,2024-02-20,2024-03-01\n"   # won on Mar 1 (00:00)
            "4,Lead,800,2024-03-02,\n")           # open
    info, _built, _ = import_file(mem_store, text.encode(), "dated.csv", stages=["Lead", "Won"])
    with mem_store.connect() as con:
        info = mem_store.info(info.id)
        fc = forecast(con, info, FunnelSpec(), datetime(2024, 3, 10, 12), runs=200, seed=1)
        # won so far in March (Mar 1 00:00 .. Mar 10 12:00): deal 3
        assert fc.won_so_far == 400.0
        jan, feb = backtest(con, info, FunnelSpec(), datetime(2024, 3, 10, 12), months=2)
    # everything won in February: deals 1 (Feb 1) and 2 (Feb 15); nothing in January
    assert (jan.actual_all, feb.actual_all) == (0.0, 300.0)
