"""Stage probability P(won | reached) and the key stage on the ten-deal story (hand-computed)."""

from __future__ import annotations

import math

import duckdb
import pytest

from funnel.metrics.fixture import make_dataset, story_dataset
from funnel.metrics.probability import key_stage, stage_probability
from funnel.spec import FunnelSpec


def wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out from Wilson (1927), independent of the engine's helper."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.fixture
def story():
    con = duckdb.connect()
    info = story_dataset(con)
    yield con, info
    con.close()


def test_probability_counts_closed_deals_that_reached_each_stage(story):
    con, info = story
    result = stage_probability(con, info, FunnelSpec())
    # Closed deals of "Sales" and their furthest stage: won D1 D2 D9 (4); lost D3 (2), D4 (3), D8 (1,
    # stage unknown), D10 (1). Open D5 D6 D7 are left out.
    # Lead: 7 closed reached it, 3 won; Qualified: D1 D2 D9 D3 D4 = 5, 3 won; Proposal: D1 D2 D9 D4 = 4;
    # Won: 3 of 3.
    assert [r.stage for r in result.rows] == ["Lead", "Qualified", "Proposal", "Won"]
    assert [(r.won, r.n) for r in result.rows] == [(3, 7), (3, 5), (3, 4), (3, 3)]
    assert [r.p_won for r in result.rows] == pytest.approx([3 / 7, 3 / 5, 3 / 4, 1.0])
    low, high = wilson(3, 7)  # ~ (0.158, 0.750)
    assert (result.rows[0].ci_low, result.rows[0].ci_high) == pytest.approx((low, high))
    assert result.rows[0].ci_low == pytest.approx(0.1582, abs=1e-4)
    assert result.lost_stage_unknown == 1  # D8


def test_key_stage_is_the_largest_rise_between_intermediate_stages(story):
    con, info = story
    probs = stage_probability(con, info, FunnelSpec())
    # the story's stages have at most 7 closed deals, fewer than the 30 a key stage needs
    # (tests/unit/test_key_stage_min_deals.py): none is named; the rule itself, without that minimum:
    assert probs.key is None
    key = key_stage(probs.rows, probs.lost_stage_unknown, min_n=0)
    # Rises: Lead -> Qualified is measured without D8 (lost, its stage not recorded: it may have
    # reached Qualified): 3/5 - 3/6 = 0.10 (with D8 3/5 - 3/7 = 0.1714, the rise would win);
    # Qualified -> Proposal 3/4 - 3/5 = 0.15. Proposal -> Won (+0.25) is not a candidate: the won
    # stage is always 1.0.
    assert key is not None
    assert (key.previous_stage, key.stage) == ("Qualified", "Proposal")
    assert key.jump == pytest.approx(3 / 4 - 3 / 5)


def test_filters_apply_and_empty_stages_have_no_probability(story):
    con, info = story
    rows = stage_probability(con, info, FunnelSpec(filters=(("manager", ("Ann",)),))).rows
    # Ann's closed deals: D1 won (4), D9 won (4), D3 lost (2).
    assert [(r.won, r.n) for r in rows] == [(2, 3), (2, 3), (2, 2), (2, 2)]
    con2 = duckdb.connect()
    info2 = make_dataset(con2, stages={"Sales": [("Lead", "open"), ("Won", "won")]},
                         deals=[dict(deal_id="A", status="open", stage="Lead", furthest_pos=1)])
    # no deal has closed yet: the dataset records no outcomes, so there is no probability to show
    assert stage_probability(con2, info2, FunnelSpec()).rows == []
    assert stage_probability(con2, info2, FunnelSpec()).key is None
    # closed deals exist but none reached the second stage: that stage has n = 0 and no probability
    con3 = duckdb.connect()
    info3 = make_dataset(con3, stages={"Sales": [("Lead", "open"), ("Demo", "open"), ("Won", "won"), ("Lost", "lost")]},
                         deals=[dict(deal_id="A", status="lost", stage="Lost", furthest_pos=1)])
    rows3 = stage_probability(con3, info3, FunnelSpec()).rows
    assert [(r.n, r.p_won) for r in rows3] == [(1, 0.0), (0, None), (0, None)]
    assert (rows3[1].ci_low, rows3[1].ci_high) == (None, None)


def test_probability_as_of_a_date_counts_only_deals_closed_by_then(story):
    from datetime import datetime

    con, info = story
    result = stage_probability(con, info, FunnelSpec(), as_of=datetime(2024, 1, 31, 23, 59))
    # closed by Jan 31 in "Sales": D1 won (Jan 11), D3 lost at 2 (Jan 20); D2 (Feb 4), D4 (Feb 1) later
    assert [(r.won, r.n) for r in result.rows] == [(1, 2), (1, 2), (1, 1), (1, 1)]
