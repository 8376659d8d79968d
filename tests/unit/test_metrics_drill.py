"""Drill-down: the number of deals behind a number equals the number, for every kind."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.metrics import Selection, cohorts, deals_behind, outcomes, outcomes_by_group
from funnel.metrics.drill import COLUMNS
from funnel.metrics.fixture import story_dataset
from funnel.spec import FunnelSpec

SPECS = [FunnelSpec(), FunnelSpec(closed_only=True), FunnelSpec(filters={"source": ["ads"]}),
         FunnelSpec(date_from="2024-02-01", date_to="2024-02-29"), FunnelSpec(pipeline="Partners")]


@pytest.fixture(scope="module")
def story():
    con = duckdb.connect()
    yield con, story_dataset(con)
    con.close()


def total(con, info, spec, **sel) -> int:
    return deals_behind(con, info, spec, Selection(**sel)).total


@pytest.mark.parametrize("spec", SPECS)
def test_every_stage_number_has_its_deals(story, spec):
    con, info = story
    out = outcomes(con, info, spec)
    for row in out.stages:
        assert total(con, info, spec, kind="reached", position=row.position) == row.reached
        assert total(con, info, spec, kind="lost_here", position=row.position) == row.lost_here
        assert total(con, info, spec, kind="open_here", position=row.position) == row.open_here
        if row.drop_off is not None:
            assert total(con, info, spec, kind="drop_off", position=row.position) == row.drop_off
    assert total(con, info, spec) == out.deals
    for kind in ("won", "lost", "open"):
        assert total(con, info, spec, kind=kind) == getattr(out, kind)
    assert total(con, info, spec, kind="lost_stage_unknown") == out.lost_stage_unknown


def test_group_numbers_have_their_deals(story):
    con, info = story
    for value, out in outcomes_by_group(con, info, FunnelSpec(), "source").items():
        assert total(con, info, FunnelSpec(), by="source", value=value) == out.deals
        for row in out.stages:
            assert total(con, info, FunnelSpec(), kind="reached", position=row.position,
                         by="source", value=value) == row.reached


def test_cohort_numbers_have_their_deals(story):
    con, info = story
    for unit in ("week", "month", "quarter"):
        for c in cohorts(con, info, FunnelSpec(), unit).cohorts:
            assert total(con, info, FunnelSpec(), kind="cohort", cohort_unit=unit, cohort_key=c.key) == c.deals
            assert total(con, info, FunnelSpec(), kind="won", cohort_unit=unit, cohort_key=c.key) == c.won
            for pos, reached in c.reached.items():
                assert total(con, info, FunnelSpec(), kind="reached", position=pos,
                             cohort_unit=unit, cohort_key=c.key) == reached


def test_frame_columns_rows_and_sorting(story):
    con, info = story
    res = deals_behind(con, info, FunnelSpec(), Selection("won"), sort="amount", descending=True)
    assert tuple(res.frame.columns) == COLUMNS
    # won deals D1 1000, D2 3000, D9 2000 -> by amount, largest first
    assert list(res.frame["deal_id"]) == ["D2", "D9", "D1"]
    assert (res.total, res.truncated) == (3, False)
    lost = deals_behind(con, info, FunnelSpec(), Selection("lost_here", position=1))
    assert sorted(lost.frame["deal_id"]) == ["D10", "D8"]
    # an unknown sort column falls back to deal_id
    assert list(deals_behind(con, info, FunnelSpec(), Selection("won"), sort="x; DROP").frame["deal_id"]) == \
        ["D1", "D2", "D9"]


def test_empty_selection_and_bad_selection(story):
    con, info = story
    res = deals_behind(con, info, FunnelSpec(), Selection("cohort", cohort_unit="month",
                                                           cohort_key=date(2030, 1, 1)))
    assert res.total == 0 and len(res.frame) == 0 and tuple(res.frame.columns) == COLUMNS
    with pytest.raises(FunnelError):
        deals_behind(con, info, FunnelSpec(), Selection("reached"))  # needs a stage
    with pytest.raises(FunnelError):
        deals_behind(con, info, FunnelSpec(), Selection("everything"))


def test_drill_stops_at_ten_thousand_rows_but_counts_all():
    from funnel.metrics.fixture import SALES, make_dataset

    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES})
    # 10,005 open deals at Lead
    con.execute("""INSERT INTO ds_1.deals (deal_id, status, pipeline, furthest_pos)
                   SELECT 'D' || i, 'open', 'Sales', 1 FROM range(10005) AS t(i)""")
    res = deals_behind(con, info, FunnelSpec(), Selection("open_here", position=1))
    assert (res.total, len(res.frame), res.truncated) == (10005, 10000, True)
    assert outcomes(con, info, FunnelSpec()).stages[0].open_here == 10005
