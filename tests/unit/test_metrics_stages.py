"""Stage funnel and outcomes on a story-told dataset (hand-computed expectations)."""

from __future__ import annotations

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.metrics import biggest_drop_offs, drop_offs, outcomes, pipeline_of, stage_funnel
from funnel.metrics.fixture import SALES, make_dataset, story_dataset
from funnel.spec import FunnelSpec


@pytest.fixture
def story():
    con = duckdb.connect()
    info = story_dataset(con)
    yield con, info
    con.close()


def test_default_pipeline_is_the_one_with_most_deals(story):
    con, info = story
    # Sales has 10 deals, Partners 2.
    assert pipeline_of(con, info, FunnelSpec()) == "Sales"


def test_stage_funnel_reached_conversions_and_drop_off(story):
    con, info = story
    rows = stage_funnel(con, info, FunnelSpec())
    assert [r.stage for r in rows] == ["Lead", "Qualified", "Proposal", "Won"]  # "Lost" is no step
    # furthest positions: 1: D5 D8 D10 | 2: D3 D6 | 3: D4 D7 | 4: D1 D2 D9
    # reached(k) = deals with furthest >= k: 10, 7, 5, 3
    assert [r.reached for r in rows] == [10, 7, 5, 3]
    # step: 1.0, 7/10, 5/7, 3/5
    assert [r.step_conversion for r in rows] == pytest.approx([1.0, 0.7, 5 / 7, 0.6])
    # cumulative: 10/10, 7/10, 5/10, 3/10
    assert [r.cumulative_conversion for r in rows] == pytest.approx([1.0, 0.7, 0.5, 0.3])
    # drop-off = reached(k) - reached(k+1): 3, 2, 2, none after the last stage
    assert [r.drop_off for r in rows] == [3, 2, 2, None]
    # lost there: pos1 D8 D10, pos2 D3, pos3 D4; open there: D5, D6, D7
    assert [r.lost_here for r in rows] == [2, 1, 1, 0]
    assert [r.open_here for r in rows] == [1, 1, 1, 0]


def test_outcomes_of_the_story(story):
    con, info = story
    out = outcomes(con, info, FunnelSpec(close_rate_stage="Proposal", fit_from="Lead", fit_to="Qualified"))
    assert (out.deals, out.won, out.lost, out.open) == (10, 3, 4, 3)
    assert out.win_rate == pytest.approx(3 / 7)  # won / (won + lost)
    assert out.win_rate_all == pytest.approx(0.3)  # 3 won / 10 deals
    assert out.revenue == pytest.approx(6000.0)  # 1000 + 3000 + 2000
    assert out.avg_deal_size == pytest.approx(2000.0)  # 6000 / 3
    assert out.median_deal_size == pytest.approx(2000.0)  # middle of 1000, 2000, 3000
    assert out.median_cycle_days == pytest.approx(20.0)  # cycles 10, 30, 20 days -> median 20
    # p90, R type 7: h = (3 - 1) * 0.9 = 1.8 -> 20 + 0.8 * (30 - 20) = 28, not said on 3 cycles (cycle_rules: 10)
    assert out.p90_cycle_days is None and out.reasons["p90_cycle_days"] == "cycle49.p90.few_won"
    assert out.close_rate == pytest.approx(0.6)  # 3 won / 5 reached Proposal
    assert out.fit_rate == pytest.approx(0.7)  # 7 reached Qualified / 10 reached Lead
    assert out.lost_stage_unknown == 1  # D8
    assert out.findings == [{"code": "metrics.finding.lost_stage_unknown", "n": 1}]
    assert out.reasons == {"p90_cycle_days": "cycle49.p90.few_won"}  # the p90 of 3 cycles above


def test_close_and_fit_rate_reasons(story):
    con, info = story
    out = outcomes(con, info, FunnelSpec(close_rate_stage="Nope", fit_from="Lead"))
    assert out.close_rate is None and out.reasons["close_rate"] == "metrics.reason.unknown_stage"
    assert out.fit_rate is None and out.reasons["fit_rate"] == "metrics.reason.stage_not_chosen"


def test_two_pipelines_are_kept_apart(story):
    con, info = story
    rows = stage_funnel(con, info, FunnelSpec(pipeline="Partners"))
    # P1 furthest 3, P2 furthest 1 -> reached 2, 1, 1
    assert [(r.stage, r.reached) for r in rows] == [("Applied", 2), ("Signed", 1), ("Live", 1)]
    out = outcomes(con, info, FunnelSpec(pipeline="Partners"))
    assert (out.deals, out.won, out.revenue) == (2, 1, 99999.0)
    sales = outcomes(con, info, FunnelSpec(pipeline="Sales"))
    assert sales.revenue == pytest.approx(6000.0)  # Partners' 99999 not mixed in


def test_closed_only_view(story):
    con, info = story
    out = outcomes(con, info, FunnelSpec(closed_only=True))
    # without the open D5 D6 D7: 7 deals; furthest 4,4,2,3,1,4,1
    assert [r.reached for r in out.stages] == [7, 5, 4, 3]
    assert (out.deals, out.won, out.lost, out.open) == (7, 3, 4, 0)
    assert out.win_rate_all == pytest.approx(3 / 7)


def test_filters_and_extra_column(story):
    con, info = story
    out = outcomes(con, info, FunnelSpec(filters={"source": ["ads"]}))
    # ads: D1(4,won) D3(2,lost) D5(1,open) D7(3,open) D9(4,won)
    assert [r.reached for r in out.stages] == [5, 4, 3, 2]
    assert (out.won, out.lost, out.open) == (2, 1, 2)
    seg = outcomes(con, info, FunnelSpec(filters={"x_segment": ["Enterprise"]}))
    assert (seg.deals, seg.won, seg.lost, seg.revenue) == (2, 1, 1, 3000.0)  # D2 won, D4 lost
    none = outcomes(con, info, FunnelSpec(filters={"source": [None]}))
    assert none.deals == 1 and none.lost_stage_unknown == 1  # D8 has no source


def test_date_filter_is_inclusive(story):
    con, info = story
    # created 2024-02-01 .. 2024-02-10: D5 (02-01), D6 (02-03), D7 (02-10), D9 (02-01)
    out = outcomes(con, info, FunnelSpec(date_from="2024-02-01", date_to="2024-02-10"))
    assert out.deals == 4
    # closed in January: D1 (01-11), D3 (01-20)
    closed = outcomes(con, info, FunnelSpec(date_field="closed", date_from="2024-01-01", date_to="2024-01-31"))
    assert closed.deals == 2


def test_unknown_filter_column_is_refused(story):
    con, info = story
    with pytest.raises(FunnelError) as err:
        outcomes(con, info, FunnelSpec(filters={"source) OR (1=1": ["x"]}))
    assert err.value.code == "metrics.unknown_column"
    with pytest.raises(FunnelError):
        outcomes(con, info, FunnelSpec(filters={"deal_name": ["x"]}))  # not a groupable column


def test_biggest_drop_offs(story):
    con, info = story
    top = drop_offs(con, info, FunnelSpec())
    # drops: Lead->Qualified 3 (3/10), Qualified->Proposal 2 (2/7), Proposal->Won 2 (2/5);
    # ranked by count, then rate: 3, then 2 at 0.4, then 2 at 0.286
    assert [(d["stage_from"], d["stage_to"], d["count"]) for d in top] == [
        ("Lead", "Qualified", 3), ("Proposal", "Won", 2), ("Qualified", "Proposal", 2)]
    assert top[0]["rate"] == pytest.approx(0.3)
    assert top[0]["code"] == "metrics.dropoff.step"
    assert biggest_drop_offs([]) == []


def test_single_deal():
    con = duckdb.connect()
    # the only deal is open at Lead
    info = make_dataset(con, stages={"Sales": SALES}, deals=[dict(deal_id="A", furthest_pos=1)])
    out = outcomes(con, info, FunnelSpec())
    assert [r.reached for r in out.stages] == [1, 0, 0, 0]
    # step: first 1.0; 0/1 = 0.0; then 0/0 -> None
    assert [r.step_conversion for r in out.stages] == [1.0, 0.0, None, None]
    assert out.win_rate is None and out.reasons["win_rate"] == "metrics.reason.no_closed"
    assert out.win_rate_all == 0.0
    assert out.avg_deal_size is None and out.median_cycle_days is None


def test_zero_deals_gives_none_not_nan():
    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES}, deals=[])
    out = outcomes(con, info, FunnelSpec(pipeline="Sales", close_rate_stage="Proposal"))
    assert [r.reached for r in out.stages] == [0, 0, 0, 0]
    assert all(r.step_conversion is None and r.cumulative_conversion is None for r in out.stages)
    assert (out.deals, out.won, out.win_rate, out.win_rate_all) == (0, 0, None, None)
    assert out.reasons["win_rate_all"] == "metrics.reason.no_deals"
    assert out.close_rate is None and out.reasons["close_rate"] == "metrics.reason.zero_denominator"
    assert out.revenue == 0.0 and out.avg_deal_size is None


def test_mixed_currencies_leave_money_out():
    con = duckdb.connect()
    deals = [dict(deal_id="A", status="won", furthest_pos=4, amount=100.0, currency="USD"),
             dict(deal_id="B", status="won", furthest_pos=4, amount=100.0, currency="RUB")]
    info = make_dataset(con, stages={"Sales": SALES}, deals=deals)
    out = outcomes(con, info, FunnelSpec())
    assert out.revenue is None and out.reasons["revenue"] == "metrics.reason.mixed_currencies"
    usd = outcomes(con, info, FunnelSpec(filters={"currency": ["USD"]}))
    assert usd.revenue == 100.0


def test_a_rise_between_two_steps_is_no_drop_off():
    """Counts 1,000 impressions → 40 clicks → 41 conversions (a report's conversions counted apart from its clicks):
    the only loss is 1,000 − 40 = 960 at the first step (rate 0.96); the second step's −1 is no loss to list."""
    from funnel.metrics.stages import StageRow, biggest_drop_offs

    rows = [StageRow("impressions", 1, 1000, None, 1.0, 960, None, None),
            StageRow("clicks", 2, 40, 0.04, 0.04, -1, None, None),
            StageRow("conversions", 3, 41, 1.025, 0.041, None, None, None)]
    found = biggest_drop_offs(rows)
    assert [(d["stage_from"], d["count"]) for d in found] == [("impressions", 960)]
    assert found[0]["rate"] == 0.96
