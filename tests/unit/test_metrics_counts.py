"""Aggregate-count datasets (input shape E): reached = n, drop-off = difference, no lost/open, no money."""

from __future__ import annotations

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.metrics import Selection, cohorts, deals_behind, metrics_json, outcomes, outcomes_by_group
from funnel.metrics.fixture import make_dataset
from funnel.spec import FunnelSpec

# Seed 002: 1000 requests, 900 reached, only 30 proposals sent (overall rows, grp = '').
SEED_002 = [("Web", "Requests", 1, "", 1000), ("Web", "Reached", 2, "", 900), ("Web", "Proposals", 3, "", 30)]
# Only group rows: variant A 100 -> 50 -> 10, variant B 120 -> 40 -> 20.
BY_VARIANT = [("Ads", "Visits", 1, "A", 100), ("Ads", "Leads", 2, "A", 50), ("Ads", "Sales", 3, "A", 10),
              ("Ads", "Visits", 1, "B", 120), ("Ads", "Leads", 2, "B", 40), ("Ads", "Sales", 3, "B", 20)]
# Ad platform numbers, not one funnel: 1000 impressions, 50 clicks, 60 enquiries, 5 purchases.
FACEBOOK = [("FB", "Impressions", 1, "", 1000), ("FB", "Clicks", 2, "", 50),
            ("FB", "Enquiries", 3, "", 60), ("FB", "Purchases", 4, "", 5)]


def counts_dataset(rows, group_column=None):
    con = duckdb.connect()
    meta = {"group_column": group_column} if group_column else {}
    return con, make_dataset(con, stages={}, counts=rows, shape="counts", meta=meta)


def test_monotone_counts_funnel():
    con, info = counts_dataset(SEED_002)
    out = outcomes(con, info, FunnelSpec(fit_from="Requests", fit_to="Reached"))
    assert [(r.stage, r.reached) for r in out.stages] == [("Requests", 1000), ("Reached", 900), ("Proposals", 30)]
    # step: 1, 900/1000, 30/900; cumulative: 1, 0.9, 0.03
    assert [r.step_conversion for r in out.stages] == pytest.approx([1.0, 0.9, 30 / 900])
    assert [r.cumulative_conversion for r in out.stages] == pytest.approx([1.0, 0.9, 0.03])
    assert [r.drop_off for r in out.stages] == [100, 870, None]
    assert all(r.lost_here is None and r.open_here is None for r in out.stages)
    assert out.deals == 1000 and out.fit_rate == pytest.approx(0.9)
    assert (out.won, out.lost, out.open, out.win_rate, out.revenue) == (None, None, None, None, None)
    assert out.reasons["won"] == "metrics.reason.counts_no_outcome"
    assert out.reasons["revenue"] == "metrics.reason.counts_no_money"
    assert out.findings == []


def test_group_rows_only_sum_to_the_overall():
    con, info = counts_dataset(BY_VARIANT, "variant")
    out = outcomes(con, info, FunnelSpec())
    assert [r.reached for r in out.stages] == [220, 90, 30]  # 100+120, 50+40, 10+20
    groups = outcomes_by_group(con, info, FunnelSpec(), "variant")
    assert [r.reached for r in groups["A"].stages] == [100, 50, 10]
    assert groups["B"].stages[2].cumulative_conversion == pytest.approx(20 / 120)
    only_b = outcomes(con, info, FunnelSpec(filters={"variant": ["B"]}))
    assert [r.reached for r in only_b.stages] == [120, 40, 20]
    with pytest.raises(FunnelError):
        outcomes_by_group(con, info, FunnelSpec(), "source")


def test_non_monotone_counts_are_reported_as_they_are():
    con, info = counts_dataset(FACEBOOK)
    out = outcomes(con, info, FunnelSpec())
    # enquiries / clicks = 60 / 50 = 1.2: reported, not capped
    assert out.stages[2].step_conversion == pytest.approx(1.2)
    assert out.stages[1].drop_off == -10  # 50 - 60
    assert out.findings == [{"code": "metrics.finding.counts_non_monotone", "stage": "Enquiries",
                             "position": 3, "n": 60, "n_prev": 50}]


def test_deal_filters_do_not_apply_to_counts():
    con, info = counts_dataset(SEED_002)
    out = outcomes(con, info, FunnelSpec(date_from="2024-01-01", filters={"manager": ["Ann"]}))
    assert out.deals == 1000 and out.reasons["filters"] == "metrics.reason.counts_filter_ignored"
    assert cohorts(con, info, FunnelSpec()).reason == "metrics.reason.counts_no_dates"
    assert deals_behind(con, info, FunnelSpec(), Selection()).reason == "metrics.reason.counts_no_deals"


def test_counts_json_has_no_nan():
    con, info = counts_dataset(BY_VARIANT, "variant")
    data = metrics_json(con, info, FunnelSpec(), by="variant")
    assert data["pipeline"] == "Ads" and data["deals"] == 220 and data["won"] is None
    assert set(data["groups"]) == {"A", "B"}
