"""Outcomes by group, the previous equal period, and cohorts on the story dataset (fixture.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.metrics import cohorts, outcomes_by_group, previous_period
from funnel.metrics.fixture import story_dataset
from funnel.metrics.periods import previous_range
from funnel.spec import FunnelSpec


@pytest.fixture
def story():
    con = duckdb.connect()
    yield con, story_dataset(con)
    con.close()


def test_by_source(story):
    con, info = story
    groups = outcomes_by_group(con, info, FunnelSpec(), "source")
    assert list(groups) == ["ads", "seo", None]  # values sorted, "no value" last
    ads, seo, none = groups["ads"], groups["seo"], groups[None]
    # ads: D1(4 won 1000) D3(2 lost) D5(1 open) D7(3 open) D9(4 won 2000)
    assert [r.reached for r in ads.stages] == [5, 4, 3, 2]
    assert (ads.deals, ads.won, ads.lost, ads.open, ads.revenue) == (5, 2, 1, 2, 3000.0)
    assert ads.win_rate == pytest.approx(2 / 3)
    # seo: D2(4 won 3000) D4(3 lost) D6(2 open) D10(1 lost)
    assert [r.reached for r in seo.stages] == [4, 3, 2, 1]
    assert (seo.won, seo.lost, seo.open) == (1, 2, 1)
    assert seo.win_rate == pytest.approx(1 / 3)
    # no source: D8, lost with no recorded stage
    assert (none.deals, none.lost, none.lost_stage_unknown) == (1, 1, 1)


def test_empty_segment_still_shows(story):
    con, info = story
    # from February on, segment "Enterprise" (D2, D4: both created in January) has no deals
    groups = outcomes_by_group(con, info, FunnelSpec(date_from="2024-02-01"), "x_segment")
    ent = groups["Enterprise"]
    assert (ent.deals, ent.won, ent.win_rate, ent.win_rate_all) == (0, 0, None, None)
    assert [r.reached for r in ent.stages] == [0, 0, 0, 0]
    assert groups["SMB"].deals == 6  # D5..D10


def test_by_unknown_column_is_refused(story):
    con, info = story
    with pytest.raises(FunnelError):
        outcomes_by_group(con, info, FunnelSpec(), "x_nope")


def test_previous_range_has_equal_length():
    # a calendar month -> the previous calendar month (issue 15: "this month" vs the month before)
    assert previous_range(date(2024, 2, 1), date(2024, 2, 29)) == (date(2024, 1, 1), date(2024, 1, 31))
    # any other range -> the same number of days right before (Feb 2..29 is 28 days: Jan 5 .. Feb 1)
    assert previous_range(date(2024, 2, 2), date(2024, 2, 29)) == (date(2024, 1, 5), date(2024, 2, 1))
    # a single day -> the day before
    assert previous_range(date(2024, 3, 1), date(2024, 3, 1)) == (date(2024, 2, 29), date(2024, 2, 29))


def test_previous_period_kpis(story):
    con, info = story
    cmp = previous_period(con, info, FunnelSpec(date_from="2024-02-01", date_to="2024-02-29"))
    assert (cmp.previous_from, cmp.previous_to) == (date(2024, 1, 1), date(2024, 1, 31))
    # now: D5..D10 = 6 deals, won D9 (2000), lost D8 D10; before (January): D1 won 1000, D2 won 3000,
    # D3, D4 lost
    deals = cmp.kpis["deals"]
    assert (deals.current, deals.previous, deals.change_abs, deals.change_rel) == (6, 4, 2, 0.5)
    win = cmp.kpis["win_rate"]
    assert win.current == pytest.approx(1 / 3) and win.previous == pytest.approx(1 / 2)
    assert win.change_abs == pytest.approx(-1 / 6)
    rev = cmp.kpis["revenue"]
    assert (rev.current, rev.previous, rev.change_abs) == (2000.0, 4000.0, -2000.0)
    assert rev.change_rel == pytest.approx(-1 / 2)
    assert cmp.reason is None


def test_previous_period_needs_both_dates(story):
    con, info = story
    cmp = previous_period(con, info, FunnelSpec())
    assert cmp.reason == "metrics.reason.no_period"
    assert cmp.kpis["deals"].current == 10 and cmp.kpis["deals"].previous is None


def test_monthly_cohorts_with_maturity(story):
    con, info = story
    table = cohorts(con, info, FunnelSpec(), "month")
    # as-of = latest created or closed date: D10 closed 2024-02-22
    assert table.as_of == date(2024, 2, 22)
    jan, feb = table.cohorts
    # January: D1(4 won) D2(4 won) D3(2 lost) D4(3 lost)
    assert (jan.key, jan.deals, jan.won, jan.lost, jan.open) == (date(2024, 1, 1), 4, 2, 2, 0)
    assert jan.reached == {1: 4, 2: 4, 3: 3, 4: 2}
    assert jan.win_rate == 0.5 and jan.share_open == 0.0
    assert jan.age_days == 52  # Jan 1 -> Feb 22: 31 + 21
    # February: D5(1 open) D6(2 open) D7(3 open) D8(1 lost) D9(4 won) D10(1 lost)
    assert (feb.deals, feb.won, feb.lost, feb.open) == (6, 1, 2, 3)
    assert feb.reached == {1: 6, 2: 3, 3: 2, 4: 1}
    assert feb.share_open == 0.5 and feb.age_days == 21
    assert table.undated == 0


def test_weekly_cohorts_start_on_monday(story):
    con, info = story
    table = cohorts(con, info, FunnelSpec(), "week")
    # 2024-01-01 is a Monday: D1 (Mon 01-01) and D2 (Fri 01-05) share that week
    first = table.cohorts[0]
    assert (first.key, first.deals) == (date(2024, 1, 1), 2)
    assert sum(c.deals for c in table.cohorts) == 10
    quarter = cohorts(con, info, FunnelSpec(), "quarter")
    assert [(c.key, c.deals) for c in quarter.cohorts] == [(date(2024, 1, 1), 10)]
    with pytest.raises(FunnelError):
        cohorts(con, info, FunnelSpec(), "day'); DROP TABLE x; --")


def test_overview_bundle(story):
    from funnel.metrics import overview

    con, info = story
    ov = overview(con, info, FunnelSpec(date_from="2024-02-01", date_to="2024-02-29"))
    # February: D5..D10, furthest 1,2,3,1,4,1 -> reached 6, 3, 2, 1
    assert [r.reached for r in ov.outcomes.stages] == [6, 3, 2, 1]
    assert ov.comparison.kpis["deals"].previous == 4  # D1, D2, D3, D4 (January, the previous month)
    # drops: Lead->Qualified 3 (3/6), Qualified->Proposal 1 (1/3), Proposal->Won 1 (1/2)
    assert [(d["stage_from"], d["count"]) for d in ov.drop_offs] == [("Lead", 3), ("Proposal", 1), ("Qualified", 1)]
    # of Lead's 3: D5 still open, D10 lost there, D8 lost with no recorded stage (only counted there);
    # Proposal's 1 is D7 still open, Qualified's 1 is D6 still open
    assert [(d["lost_here"], d["open_here"], d["lost_unknown"]) for d in ov.drop_offs] == [(2, 1, 1), (0, 1, 0),
                                                                                         (0, 1, 0)]


def test_deals_with_close_dates_but_no_created_dates_say_why_there_is_no_cohort():
    from funnel.i18n import t
    from funnel.metrics.fixture import SALES, make_dataset

    con = duckdb.connect()
    # three deals, closed on dates but never given a created date (a sheet with only "expected close")
    deals = [dict(deal_id=f"D{k}", status="won", stage="Won", furthest_pos=4, closed_at="2024-03-0" + str(k))
             for k in (1, 2, 3)]
    info = make_dataset(con, stages={"Sales": SALES}, deals=deals)
    assert info.capabilities.can("dates")  # close dates: periods work, cohorts cannot
    table = cohorts(con, info, FunnelSpec(), "month")
    assert (table.cohorts, table.undated, table.reason) == ([], 3, "metrics.reason.no_created_dates")
    assert "Map the creation date column" in t(table.reason, "en")
