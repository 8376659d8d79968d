"""Hostile names are just names: stage, pipeline, filter values never become SQL."""

from __future__ import annotations

import duckdb
import pytest

from funnel.metrics import Selection, deals_behind, metrics_json, outcomes, outcomes_by_group
from funnel.metrics.fixture import make_dataset
from funnel.spec import FunnelSpec

DROP = "'); DROP TABLE deals; --"
IMG = "<img src=x onerror=alert(1)>"
PIPELINE = 'Sales "B2B" $p_pipeline'


@pytest.fixture
def hostile():
    con = duckdb.connect()
    stages = {PIPELINE: [("New", "open"), (DROP, "open"), ("Won", "won")]}
    deals = [
        # H1 reached the stage with the hostile name and is still open there; its segment is IMG.
        dict(deal_id="H1", furthest_pos=2, stage=DROP, source=IMG, x_segment=IMG, manager="$p_from"),
        # H2 won; a plain segment.
        dict(deal_id="H2", status="won", furthest_pos=3, stage="Won", amount=10.0, source="ads", x_segment="SMB"),
        # H3 lost at New; segment IMG.
        dict(deal_id="H3", status="lost", furthest_pos=1, x_segment=IMG),
    ]
    info = make_dataset(con, stages=stages, deals=deals, extra_columns={"x_segment": "Segment"})
    yield con, info
    con.close()


def test_hostile_stage_name_is_a_name(hostile):
    con, info = hostile
    out = outcomes(con, info, FunnelSpec(close_rate_stage=DROP))
    assert [(r.stage, r.reached) for r in out.stages] == [("New", 3), (DROP, 2), ("Won", 1)]
    assert out.close_rate == pytest.approx(0.5)  # 1 won / 2 reached the hostile stage
    assert con.execute('SELECT count(*) FROM "ds_1"."deals"').fetchone()[0] == 3  # table still there


def test_hostile_filter_values_and_pipeline(hostile):
    con, info = hostile
    out = outcomes(con, info, FunnelSpec(pipeline=PIPELINE, filters={"x_segment": [IMG]}))
    assert (out.deals, out.lost, out.open) == (2, 1, 1)  # H1, H3
    assert outcomes(con, info, FunnelSpec(filters={"manager": ["$p_from"]})).deals == 1  # H1
    groups = outcomes_by_group(con, info, FunnelSpec(), "source")
    assert groups[IMG].deals == 1 and groups[None].deals == 1
    drill = deals_behind(con, info, FunnelSpec(), Selection("reached", position=2, by="x_segment", value=IMG))
    assert list(drill.frame["deal_id"]) == ["H1"] and drill.frame["stage"].iloc[0] == DROP


def test_json_carries_names_verbatim(hostile):
    con, info = hostile
    data = metrics_json(con, info, FunnelSpec(filters={"source": [IMG]}), by="x_segment")
    assert data["pipeline"] == PIPELINE
    assert data["filters"] == {"source": [IMG]}
    assert data["stages"][1]["stage"] == DROP
    assert set(data["groups"]) == {IMG, "SMB"}
    assert data["groups"]["SMB"]["deals"] == 0  # emptied by the filter, still shown
