"""Spend file import with its checks, and cost per lead / CAC / ROMI per source and month, by hand."""

from __future__ import annotations

import duckdb
import pytest

from funnel.audit.segments import segments_json
from funnel.audit.spend import read_spend, spend_report
from funnel.errors import FunnelError
from funnel.metrics.context import resolve
from funnel.metrics.fixture import SALES, make_dataset
from funnel.spec import FunnelSpec

DEALS = [  # January: 4 leads from ads, one won for 1000; February: one lead from seo, lost
    dict(deal_id="1", source="ads", status="won", stage="Won", furthest_pos=4, amount=1000.0,
         created_at="2024-01-05", closed_at="2024-01-20"),
    *[dict(deal_id=f"a{i}", source="ads", status="lost", stage="Lost", furthest_pos=1, created_at="2024-01-10",
           closed_at="2024-01-11") for i in range(3)],
    dict(deal_id="s1", source="seo", status="lost", stage="Lost", furthest_pos=1, created_at="2024-02-03",
         closed_at="2024-02-04"),
]
SPEND = ("Дата;Источник;Расход\n"
         "05.01.2024;ads;150\n"
         "20.01.2024;ads;50\n"
         "01.02.2024;ads;100\n"
         "02.02.2024;seo;abc\n"
         "03.02.2024;seo;-5\n"
         "04.02.2024;;10\n"
         "05.02.2024;tv;70\n"
         "05.02.2024;tv;30\n")


@pytest.fixture
def ds():
    con = duckdb.connect()
    return con, make_dataset(con, stages={"Sales": SALES}, deals=DEALS)


def test_spend_rows_are_checked_with_row_column_and_value(ds):
    con, _ = ds
    spend = read_spend(con, SPEND.encode("utf-8"), "spend.csv", known_sources={"ads", "seo"})
    assert [(d.isoformat(), s, c) for d, s, c in spend.rows] == [
        ("2024-01-05", "ads", 150.0), ("2024-01-20", "ads", 50.0), ("2024-02-01", "ads", 100.0),
        ("2024-02-05", "tv", 70.0), ("2024-02-05", "tv", 30.0)]
    issues = {(i.code, i.row, i.column, i.value) for i in spend.issues}
    assert ("bad_cost", 5, "Расход", "abc") in issues  # row 5 of the file (header is row 1)
    assert ("negative_cost", 6, "Расход", "-5") in issues
    assert ("no_source", 7, "Источник", None) in issues
    assert ("unknown_source", 8, "Источник", "tv") in issues
    assert ("duplicate", 9, "Дата", "2024-02-05 · tv") in issues


def test_cost_per_lead_cac_and_romi_by_hand(ds):
    con, info = ds
    spend = read_spend(con, SPEND.encode("utf-8"), "spend.csv")
    report = spend_report(con, resolve(con, info, FunnelSpec()), spend.rows)
    jan = next(r for r in report["months"] if r["source"] == "ads" and r["month"] == "2024-01")
    # January ads: spend 150 + 50 = 200; leads 4 -> CPL 50; won 1 -> CAC 200; ROMI (1000 - 200) / 200 = 4
    assert (jan["spend"], jan["leads"], jan["won"], jan["cpl"], jan["cac"], jan["romi"]) == (200, 4, 1, 50, 200, 4)
    feb = next(r for r in report["months"] if r["source"] == "ads" and r["month"] == "2024-02")
    assert (feb["leads"], feb["cpl"], feb["romi"]) == (0, None, -1.0)  # money spent, no lead
    ads = next(r for r in report["sources"] if r["source"] == "ads")
    assert (ads["spend"], ads["leads"], ads["cpl"]) == (300, 4, 75)


def test_a_spend_file_without_a_cost_column_is_a_clear_error(ds):
    con, _ = ds
    with pytest.raises(FunnelError) as err:
        read_spend(con, b"date,source\n2024-01-01,ads\n", "spend.csv")
    assert err.value.code == "audit.spend.missing_column"
    assert "spend.csv" in err.value.message("en") and "cost" in err.value.message("en")


def test_segments_json_per_source(ds):
    con, info = ds
    doc = segments_json(con, info, FunnelSpec(), "source")
    ads = next(s for s in doc["segments"] if s["value"] == "ads")
    assert (ads["deals"], ads["won"], ads["lost"], ads["win_rate"], ads["revenue"]) == (4, 1, 3, 0.25, 1000.0)
    assert ads["steps"][0] == {"stage": "Lead", "stage_to": "Qualified", "n": 4, "passed": 1, "rate": 0.25}


def _won(deal_id: str, source: str, created: str, amount: float | None, currency: str | None = None) -> dict:
    return dict(deal_id=deal_id, source=source, status="won", stage="Won", furthest_pos=4, amount=amount,
                currency=currency, created_at=created, closed_at=created)


def test_won_deals_without_an_amount_give_no_revenue_and_no_romi():
    """Olist's leads list has no amount: its won deals' revenue is unknown, not 0, so no ROMI of −100 %.

    By hand: «leads» in January has 2 won deals and no amount on either → revenue and ROMI unknown; CPL = 100 / 3
    leads and CAC = 100 / 2 still stand. «mixed» has one won deal of 500 and one without an amount → unknown too
    (its revenue would read 500 of a larger sum). «zero» has no won deal → revenue 0 and ROMI (0 − 40) / 40 = −1."""
    con = duckdb.connect()
    deals = [_won("l1", "leads", "2024-01-05", None), _won("l2", "leads", "2024-01-06", None),
             dict(deal_id="l3", source="leads", status="lost", stage="Lost", furthest_pos=1,
                  created_at="2024-01-07", closed_at="2024-01-08"),
             _won("m1", "mixed", "2024-01-05", 500.0), _won("m2", "mixed", "2024-01-09", None),
             dict(deal_id="z1", source="zero", status="lost", stage="Lost", furthest_pos=1,
                  created_at="2024-01-07", closed_at="2024-01-08")]
    info = make_dataset(con, stages={"Sales": SALES}, deals=deals)
    spend = read_spend(con, b"date,source,cost\n2024-01-01,leads,100\n2024-01-01,mixed,60\n2024-01-01,zero,40\n",
                       "spend.csv")
    report = spend_report(con, resolve(con, info, FunnelSpec()), spend.rows)
    for key in ("months", "sources"):
        rows = {r["source"]: r for r in report[key]}
        assert (rows["leads"]["revenue"], rows["leads"]["romi"], rows["leads"]["reason"]) == (None, None, "no_amount")
        assert rows["leads"]["cpl"] == pytest.approx(100 / 3) and rows["leads"]["cac"] == 50
        assert (rows["mixed"]["revenue"], rows["mixed"]["romi"], rows["mixed"]["reason"]) == (None, None, "no_amount")
        assert (rows["zero"]["revenue"], rows["zero"]["romi"], rows["zero"]["reason"]) == (0, -1.0, None)


def test_won_deals_in_two_currencies_give_no_revenue_across_months():
    """Amounts in RUB and USD do not add up: January's won deal is in RUB and February's in USD, so each month
    has one currency (revenue 1000 and 20, ROMI (1000 − 100) / 100 = 9 and (20 − 10) / 10 = 1) but the source's
    total over both months has two: its revenue and ROMI are unknown (``mixed_currencies``)."""
    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES}, deals=[_won("r", "ads", "2024-01-05", 1000.0, "RUB"),
                                                             _won("u", "ads", "2024-02-05", 20.0, "USD")])
    spend = read_spend(con, b"date,source,cost\n2024-01-01,ads,100\n2024-02-01,ads,10\n", "spend.csv")
    report = spend_report(con, resolve(con, info, FunnelSpec()), spend.rows)
    assert [(r["month"], r["revenue"], r["romi"]) for r in report["months"]] == [("2024-01", 1000, 9), ("2024-02", 20, 1)]
    (ads,) = report["sources"]
    assert (ads["revenue"], ads["romi"], ads["reason"]) == (None, None, "mixed_currencies")
