"""The stable JSON of the CLI: exact keys, fractions, None instead of NaN."""

from __future__ import annotations

import json
import math

import duckdb
import pytest

from funnel.metrics import metrics_json
from funnel.metrics.fixture import SALES, make_dataset, story_dataset
from funnel.metrics.report import METRIC_KEYS, STAGE_KEYS
from funnel.spec import FunnelSpec

TOP = {"pipeline", "filters", "period", "closed_only", "stages", "deals", "won", "lost", "open", "win_rate",
       "win_rate_all", "lost_stage_unknown", "revenue", "avg_deal_size", "median_cycle_days", "cycle_deals",
       "cycle_reversed", "order_guessed", "no_lost_recorded", "won_unmarked", "won_unmarked_reason", "outcome_guesses", "pipelines",
       "open_off_order", "median_deal_size", "p90_cycle_days", "reasons"}  # pipelines: a dataset of several, none asked for (the story has two)
STAGE = {"stage", "position", "reached", "step_conversion", "cumulative_conversion", "lost_here", "open_here"}


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def test_shape_and_values_of_the_story():
    con = duckdb.connect()
    info = story_dataset(con)
    data = metrics_json(con, info, FunnelSpec(filters={"source": ["ads", "seo"]}))
    assert set(data) == TOP and set(STAGE_KEYS) == STAGE and set(METRIC_KEYS) | {"stages", "reasons"} < TOP
    assert all(set(s) == STAGE for s in data["stages"])
    # ads + seo leaves out D8 (no source): 9 deals, won 3, lost 3, open 3
    assert (data["deals"], data["won"], data["lost"], data["open"]) == (9, 3, 3, 3)
    assert data["win_rate"] == pytest.approx(0.5)  # 3 / (3 + 3), a fraction, not a percent
    assert data["win_rate_all"] == pytest.approx(3 / 9)
    assert data["revenue"] == 6000.0 and data["avg_deal_size"] == 2000.0 and data["median_cycle_days"] == 20.0
    assert data["pipeline"] == "Sales" and data["filters"] == {"source": ["ads", "seo"]}
    assert data["closed_only"] is False and data["lost_stage_unknown"] == 0
    assert [s["reached"] for s in data["stages"]] == [9, 7, 5, 3]  # furthest: 4 4 2 3 1 2 3 4 1
    json.dumps(data, allow_nan=False)


def test_groups_and_no_nan_on_empty_data():
    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES}, deals=[], extra_columns={"x_region": "Region"})
    data = metrics_json(con, info, FunnelSpec(closed_only=True), by="x_region")
    assert data["groups"] == {} and data["closed_only"] is True
    assert data["win_rate"] is None and data["avg_deal_size"] is None and data["median_cycle_days"] is None
    assert [s["step_conversion"] for s in data["stages"]] == [None] * 4
    assert not any(isinstance(v, float) and math.isnan(v) for v in _walk(data))
    json.dumps(data, allow_nan=False)


def test_groups_keys_are_the_same_metric_keys():
    con = duckdb.connect()
    info = story_dataset(con)
    data = metrics_json(con, info, FunnelSpec(), by="source")
    assert set(data["groups"]) == {"ads", "seo", ""}  # "" = deals with no source (D8)
    for block in data["groups"].values():
        assert set(block) == set(METRIC_KEYS) | {"stages", "reasons"}
    assert data["groups"]["seo"]["won"] == 1 and data["groups"][""]["lost_stage_unknown"] == 1
    json.dumps(data, allow_nan=False)
