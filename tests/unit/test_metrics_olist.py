"""The real Olist marketing funnel (8,000 MQLs, 842 won), built into a fixture store in the test.

Deals are built here with pandas from the two CSVs: one deal per MQL, created = first contact,
source = origin, won (closed at won_date) when the MQL has a closed-deal row, else open (the data
records wins only). Stages: "MQL" -> "Won". Every expectation is computed independently with pandas.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from funnel.metrics import Selection, deals_behind, metrics_json, outcomes, outcomes_by_group
from funnel.metrics.fixture import make_dataset
from funnel.spec import FunnelSpec

pytestmark = pytest.mark.shared
OLIST = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "olist_marketing_funnel"


@pytest.fixture(scope="module")
def olist():
    mql_file = OLIST / "olist_marketing_qualified_leads_dataset.csv"
    won_file = OLIST / "olist_closed_deals_dataset.csv"
    if not (mql_file.exists() and won_file.exists()):
        pytest.skip("shared Olist dataset absent")
    mql = pd.read_csv(mql_file)
    won = pd.read_csv(won_file)
    deals = mql.merge(won[["mql_id", "won_date", "sr_id", "business_segment"]], on="mql_id", how="left")
    deals["created_at"] = pd.to_datetime(deals["first_contact_date"])
    deals["closed_at"] = pd.to_datetime(deals["won_date"])
    deals["is_won"] = deals["closed_at"].notna()
    deals["cycle_days"] = (deals["closed_at"] - deals["created_at"]).dt.total_seconds() / 86400
    frame = pd.DataFrame({
        "deal_id": deals["mql_id"], "created_at": deals["created_at"], "closed_at": deals["closed_at"],
        "stage": deals["is_won"].map({True: "Won", False: "MQL"}),
        "status": deals["is_won"].map({True: "won", False: "open"}),
        "source": deals["origin"], "variant": deals["landing_page_id"], "manager": deals["sr_id"],
        "furthest_pos": deals["is_won"].map({True: 2, False: 1}), "cycle_days": deals["cycle_days"],
        "x_segment": deals["business_segment"],
    })
    con = duckdb.connect()
    info = make_dataset(con, stages={"Olist": [("MQL", "open"), ("Won", "won")]},
                        extra_columns={"x_segment": "Segment"})
    con.register("olist_frame", frame)
    con.execute("""INSERT INTO ds_1.deals (deal_id, created_at, closed_at, stage, status, source, variant,
                   manager, pipeline, furthest_pos, cycle_days, x_segment)
                   SELECT deal_id, created_at, closed_at, stage, status, source, variant, manager, 'Olist',
                          furthest_pos, cycle_days, x_segment FROM olist_frame""")
    yield con, info, deals
    con.close()


def test_totals(olist):
    con, info, deals = olist
    out = outcomes(con, info, FunnelSpec())
    assert (out.deals, out.won, out.open, out.lost) == (8000, 842, 7158, 0)
    assert out.win_rate_all == pytest.approx(842 / 8000)  # 0.10525
    assert [r.reached for r in out.stages] == [8000, 842]
    assert out.stages[1].step_conversion == pytest.approx(0.10525)
    # median cycle of won deals, pandas on the same timestamps (~14.65 days; one deal is negative)
    assert out.median_cycle_days == pytest.approx(deals.loc[deals["is_won"], "cycle_days"].median())
    assert out.p90_cycle_days == pytest.approx(deals.loc[deals["is_won"], "cycle_days"].quantile(0.9))


def test_won_per_origin(olist):
    con, info, deals = olist
    groups = outcomes_by_group(con, info, FunnelSpec(), "source")
    expected = deals.groupby("origin")["is_won"].sum()
    assert groups["paid_search"].won == expected["paid_search"] == 195
    assert groups["organic_search"].won == expected["organic_search"] == 271
    for origin, n_won in expected.items():
        assert groups[origin].won == n_won
    # 60 MQLs have no origin (distinct from the literal "unknown")
    assert groups[None].deals == int(deals["origin"].isna().sum()) == 60
    assert groups[None].won == int(deals.loc[deals["origin"].isna(), "is_won"].sum())


def test_filter_by_origin_and_drill(olist):
    con, info, deals = olist
    spec = FunnelSpec(filters={"source": ["paid_search"]})
    data = metrics_json(con, info, spec)
    paid = deals[deals["origin"] == "paid_search"]
    assert data["deals"] == len(paid) and data["won"] == int(paid["is_won"].sum())
    assert deals_behind(con, info, spec, Selection("won")).total == data["won"]
    # created in the first quarter of 2018 (dates inclusive)
    q1 = deals[(deals["created_at"] >= "2018-01-01") & (deals["created_at"] < "2018-04-01")]
    assert outcomes(con, info, FunnelSpec(date_from="2018-01-01", date_to="2018-03-31")).deals == len(q1)
