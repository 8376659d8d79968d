"""A count table of one row per ad whose later step counts more than the step before it in some rows (audit h3):
Facebook's KAG conversions report conversions after a view, 218 ads more than their clicks. The sums per group
still narrow, so nothing was said; now each such row is, with the two counts."""

from __future__ import annotations

import pandas as pd

from funnel.importer import import_file
from funnel.store import Store
from tests.conftest import shared_path


def _rows(store, info) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"SELECT row_no, value, n FROM ds_{info.id}.quality WHERE code = 'counts.row_not_nested' "
                           "ORDER BY row_no NULLS FIRST").fetchall()


def test_a_row_with_more_conversions_than_clicks_is_said(tmp_path):
    """By hand: row 3 (ad b) has 0 clicks and 2 conversions; row 4 (ad c) 5 clicks, 6 conversions; the sums
    (Impressions 300, Clicks 15, Conversions 9) narrow, so the table as a whole says nothing."""
    path = tmp_path / "ads.csv"
    path.write_text("campaign,Impressions,Clicks,Conversions\nA,100,10,1\nA,100,0,2\nB,100,5,6\n", encoding="utf-8")
    store = Store(":memory:")
    info, _built, _ = import_file(store, path, path.name)
    assert _rows(store, info) == [(None, None, 2), (3, "Clicks 0 → Conversions 2", 1), (4, "Clicks 5 → Conversions 6", 1)]


def test_facebook_ads_with_more_conversions_than_clicks():
    """From the file with pandas: the ads whose Total_Conversion exceeds their Clicks (the other steps narrow)."""
    path = shared_path("datasets", "facebook_ad_campaign_conversions", "KAG_conversion_data.csv")
    raw = pd.read_csv(path)
    assert int((raw.Clicks > raw.Impressions).sum()) == int((raw.Approved_Conversion > raw.Total_Conversion).sum()) == 0
    expected = int((raw.Total_Conversion > raw.Clicks).sum())
    store = Store(":memory:")
    info, _built, _ = import_file(store, path, path.name)
    assert _rows(store, info)[0] == (None, None, expected) and expected == 218
