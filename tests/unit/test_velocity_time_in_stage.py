# ruff: noqa: F811  (the story fixture is imported, then named as a test argument)
"""Time in stage, cycle and sales velocity on the velocity story (every value worked out by hand)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np
import pytest

from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.common import parse_when
from funnel.velocity.cycle import cycle
from funnel.velocity.sales_velocity import DAYS_PER_MONTH, sales_velocity, what_if
from funnel.velocity.time_in_stage import km_median, time_in_stage
from tests.unit.velocity_story import AS_OF, story, velocity_story  # noqa: F401 (story: a fixture)


def by_stage(result):
    return {r.stage: r for r in result.rows}


def test_finished_stays_count_revisits_backward_moves_and_losses(story):
    con, info = story
    rows = by_stage(time_in_stage(con, info, FunnelSpec(), AS_OF))
    assert list(rows) == ["Lead", "Qualified", "Proposal", "Contract"]  # open stages only, in order
    # Lead: A 2, B 1, C 2, D 1, G 3 (ends when it closed: no Lost row), I 1 -> [1,1,1,2,2,3]
    lead = rows["Lead"]
    assert lead.n == 6
    assert lead.median_days == pytest.approx(1.5)  # type 7: x[2] + .5 (x[3] - x[2])
    assert lead.p75_days == pytest.approx(2.0)
    # its p90 (type 7: 2 + .5 (3 - 2) = 2.5) is not said on 6 finished stays (cycle_rules: at least 10)
    assert lead.p90_days is None and lead.p90_reason == "cycle49.p90.few_stays"
    assert lead.mean_days == pytest.approx(10 / 6)
    # Qualified: A 3, B 2 and B again 1 (the revisit after the backward move), I 1; C skipped it.
    qual = rows["Qualified"]
    assert qual.n == 4
    assert (qual.median_days, qual.p75_days) == pytest.approx((1.5, 2.25)) and qual.p90_days is None
    # Proposal: A 5, B 4 (ended by the move back), B 12, C 8 (ended by the Lost row), I 7.
    prop = rows["Proposal"]
    assert prop.n == 5
    assert (prop.median_days, prop.p75_days, prop.mean_days) == pytest.approx((7, 8, 7.2)) and prop.p90_days is None


def test_open_deals_are_censored_and_compared_with_p90(story):
    con, info = story
    result = time_in_stage(con, info, FunnelSpec(), AS_OF)
    rows = by_stage(result)
    # E waits at Lead 5 days; D at Qualified 50 days; F has no history: not counted. No stage has 10 finished stays,
    # so there is no p90 to say they waited longer than (cycle_rules): None, and no stage is «most stuck».
    assert (rows["Lead"].open_n, rows["Lead"].open_over_p90) == (1, None)
    assert (rows["Qualified"].open_n, rows["Qualified"].open_over_p90) == (1, None)
    assert rows["Qualified"].open_median_age == pytest.approx(50.0)
    assert (rows["Proposal"].open_n, rows["Proposal"].open_over_p90) == (0, None)
    assert result.most_stuck is None


def test_a_stage_nobody_left_has_no_percentiles_only_its_waiting_deal(story):
    con, info = story
    contract = by_stage(time_in_stage(con, info, FunnelSpec(), AS_OF))["Contract"]
    assert contract.n == 0
    assert contract.median_days is None and contract.p90_days is None and contract.km_median_days is None
    assert contract.open_n == 1 and contract.open_over_p90 is None  # no p90 to compare with
    assert contract.mean_with_open_days == pytest.approx(20.0)  # I: Feb 10 -> Mar 1 (2024 is a leap year)


def test_kaplan_meier_median_counts_the_waiting_deals(story):
    con, info = story
    rows = by_stage(time_in_stage(con, info, FunnelSpec(), AS_OF))
    # Lead: 7 at risk; at 1 day 3 leave -> S = 4/7; at 2 days 2 of 4 leave -> S = 2/7 <= .5: median 2.
    assert rows["Lead"].km_median_days == pytest.approx(2.0)
    # Qualified: 5 at risk (D censored at 50); at 1 day 2 leave -> 3/5; at 2 days 1 of 3 -> 2/5: median 2.
    assert rows["Qualified"].km_median_days == pytest.approx(2.0)
    # Proposal: no censoring; S(5) = 3/5, S(7) = 2/5: median 7.
    assert rows["Proposal"].km_median_days == pytest.approx(7.0)


def test_km_median_is_none_while_more_than_half_still_wait():
    # 1 finished at 3 days, 3 still waiting at 10: S never falls to .5.
    assert km_median(np.array([3.0, 10, 10, 10]), np.array([1, 0, 0, 0])) is None
    assert km_median(np.array([]), np.array([])) is None


def test_as_of_an_earlier_day_sees_later_exits_as_still_open(story):
    con, info = story
    rows = by_stage(time_in_stage(con, info, FunnelSpec(), parse_when("2024-01-05")))
    # By the end of Jan 5: Lead finished A 2, B 1; C entered Lead on Jan 5 and is still there.
    assert (rows["Lead"].n, rows["Lead"].open_n) == (2, 1)
    # Qualified: B finished (Jan 2 -> 4, 2 days); A still there (entered Jan 3, left Jan 6).
    assert (rows["Qualified"].n, rows["Qualified"].median_days, rows["Qualified"].open_n) == (1, pytest.approx(2.0), 1)
    assert rows["Qualified"].open_median_age == pytest.approx(3.0, abs=1e-6)  # Jan 3 00:00 -> Jan 5 24:00
    assert (rows["Proposal"].n, rows["Proposal"].open_n) == (0, 1)  # B entered Jan 4


def test_filters_apply_to_the_deals(story):
    con, info = story
    rows = by_stage(time_in_stage(con, info, FunnelSpec(filters={"manager": ["Bob"]}), AS_OF))
    # Bob: B, D, F, I. Lead: B 1, D 1, I 1.
    assert rows["Lead"].n == 3 and rows["Lead"].median_days == pytest.approx(1.0)


def test_slowest_stage_counts_the_deals_still_waiting(story):
    con, info = story
    result = time_in_stage(con, info, FunnelSpec(), AS_OF)
    # means over finished stays and open ages: Lead 15/7, Qualified 57/5, Proposal 36/5, Contract 20
    assert [round(r.mean_with_open_days, 3) for r in result.rows] == [round(15 / 7, 3), 11.4, 7.2, 20.0]
    assert result.slowest.stage == "Contract"


def test_snapshot_only_dataset_says_velocity_needs_history():
    con = duckdb.connect()
    info = velocity_story(con, history=[])
    result = time_in_stage(con, info, FunnelSpec(), AS_OF)
    assert result.rows == [] and result.reason == "velocity.reason.no_history"


def test_cycle_for_won_and_lost(story):
    con, info = story
    c = cycle(con, info, FunnelSpec(), AS_OF)
    # 10 and 20 days (won), 3 and 10 (lost): a p90 of two cycles (19, 9.3) is not said (cycle_rules: at least 10)
    assert (c.won.n, c.won.median_days, c.won.p90_days) == (2, pytest.approx(15.0), None)
    assert (c.lost.n, c.lost.median_days, c.lost.p90_days) == (2, pytest.approx(6.5), None)
    assert (c.won.p90_reason, c.lost.p90_reason) == ("cycle49.p90.few_won", "cycle49.p90.few_lost")
    assert c.young_by_longest and c.young_days == pytest.approx(20.0)  # the longest won cycle instead
    jan = next(m for m in c.trend if m.month.month == 1)
    # January: A, B (won), C (lost), D (open) created; won median 15. Jan 31 + the longest 20 days < Mar 1: mature.
    assert (jan.deals, jan.won, jan.open_at, jan.too_young) == (4, 2, 1, False)
    feb = next(m for m in c.trend if m.month.month == 2)
    assert feb.too_young  # Feb 29 + 20 days is after Mar 1


def test_sales_velocity_and_what_if(story):
    con, info = story
    v = sales_velocity(con, info, FunnelSpec(), AS_OF, days=90)
    cur = v.current
    # open at Mar 1: D, E, F, I; closed in the 90 days: won A, B; lost C, G
    assert (cur.open_deals, cur.won, cur.lost, cur.win_rate) == (4, 2, 2, 0.5)
    assert (cur.avg_deal_size, cur.avg_cycle_days) == (pytest.approx(2000.0), pytest.approx(15.0))
    assert cur.per_day == pytest.approx(4 * 0.5 * 2000 / 15)
    assert v.previous.per_day is None and v.change("per_day") is None  # nothing closed 90-180 days before
    better = what_if(cur, win_rate_pp=5)
    assert better.per_day == pytest.approx(4 * 0.55 * 2000 / 15)
    assert better.per_month - cur.per_month == pytest.approx(4 * 0.05 * 2000 / 15 * DAYS_PER_MONTH)
    assert what_if(cur, cycle_days=-5).per_day == pytest.approx(4 * 0.5 * 2000 / 10)


def test_dst_change_keeps_whole_days_through_the_import(tmp_path):
    """Europe switched to summer time on 2026-03-29: Lead Mar 28 09:00 -> Qualified Mar 29 09:00 is one
    day (23 real hours), Qualified -> Proposal Mar 30 09:00 one day: wall-clock days, as the CRM shows."""
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created,Amount\nX1,Proposal,2026-03-28 09:00:00,100\n"
                     "X2,Qualified,2026-03-28 09:00:00,100\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("Deal ID,Stage,Date Entered\nX1,Lead,2026-03-28 09:00:00\nX1,Qualified,2026-03-29 09:00:00\n"
                       "X1,Proposal,2026-03-30 09:00:00\nX2,Lead,2026-03-28 09:00:00\n"
                       "X2,Qualified,2026-03-29 09:00:00\n", encoding="utf-8")
    store = Store(":memory:")
    info, _built, _draft = import_file(store, deals, "deals.csv", history=history,
                                       stages=["Lead", "Qualified", "Proposal", "Won"])
    assert info.meta.get("stays_table")  # derived once at import
    with store.connect() as con:
        rows = by_stage(time_in_stage(con, info, FunnelSpec(), datetime(2026, 3, 31, 9)))
    assert rows["Lead"].n == 2 and rows["Lead"].median_days == pytest.approx(1.0)
    assert rows["Qualified"].n == 1 and rows["Qualified"].median_days == pytest.approx(1.0)
    assert rows["Qualified"].open_n == 1 and rows["Qualified"].open_median_age == pytest.approx(2.0)


def test_stored_stays_equal_the_derivation(tmp_path):
    """The stays table written at import gives the same numbers as deriving stays at query time."""
    from dataclasses import astuple, replace

    from funnel.sample_datasets import SAMPLE_DIR, manifest

    store = Store(":memory:")
    entry = next(e for e in manifest() if e["file"].startswith("saas"))
    info, _b, _d = import_file(store, SAMPLE_DIR / entry["file"], entry["file"],
                               history=SAMPLE_DIR / entry["history"], stages=entry["stages"], name="saas")
    inline = replace(info, meta={k: v for k, v in info.meta.items() if k != "stays_table"})
    with store.connect() as con:
        stored = time_in_stage(con, info, FunnelSpec(), with_km=False)
        derived = time_in_stage(con, inline, FunnelSpec(), with_km=False)
    assert stored.rows[0].n > 0
    for a, b in zip(stored.rows, derived.rows, strict=True):
        assert a.stage == b.stage
        assert [x for x in astuple(a)[1:] if x is not None] == pytest.approx([x for x in astuple(b)[1:] if x is not None])


def test_a_dataset_stored_before_the_durations_reads_its_stays_without_them(tmp_path):
    """Stays tables of version 3 (with deal_id and stay_rank, no stage_durations beside them) are
    still read as stored; time in stage then takes its percentiles from the stays themselves."""
    from dataclasses import astuple, replace

    from funnel.velocity.stays import stays_sql
    from funnel.velocity.time_in_stage import _query_name

    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Status,Created\nX1,Proposal,open,2026-03-28\nX2,Qualified,open,2026-03-28\n",
                     encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("Deal ID,Stage,Date Entered\nX1,Lead,2026-03-28 09:00:00\nX1,Qualified,2026-03-29 09:00:00\n"
                       "X1,Proposal,2026-03-30 09:00:00\nX2,Lead,2026-03-28 09:00:00\n"
                       "X2,Qualified,2026-03-29 09:00:00\n", encoding="utf-8")
    store = Store(":memory:")
    info, _b, _d = import_file(store, deals, "deals.csv", history=history, stages=["Lead", "Qualified", "Proposal", "Won"])
    older = replace(info, meta={**info.meta, "stays_table": 3})
    latest = datetime(2026, 3, 30, 9)
    assert _query_name(info, FunnelSpec(), latest, latest) == "velocity_time_in_stage_ranked"
    assert _query_name(older, FunnelSpec(), latest, latest) == "velocity_time_in_stage"
    assert stays_sql(older) == stays_sql(info)  # the stored table, not the derivation
    with store.connect() as con:
        new, old = (time_in_stage(con, i, FunnelSpec(), with_km=False) for i in (info, older))
    # Lead: X1 and X2 one day each; Qualified: X1 one day, X2 still there (one day old at the latest)
    rows = by_stage(old)
    assert rows["Lead"].n == 2 and rows["Lead"].median_days == pytest.approx(1.0)
    assert rows["Qualified"].n == 1 and rows["Qualified"].open_n == 1
    assert [astuple(r) for r in new.rows] == [astuple(r) for r in old.rows]
