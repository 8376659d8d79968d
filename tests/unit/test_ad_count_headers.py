"""An ad report's counts are recognised by the words of their headers, not one spelling (funnel/mapping/ad_counts.py).

Facebook writes ``link_clicks`` and ``unique_clicks``, exports of other tools ``ad_clicks``, ``total_clicks``,
``impressions_count``, Yandex Direct «Клики по объявлению», Chinese platforms «点击量»: they were no visitor counts
(``\\bclicks\\b`` fails on ``ad_clicks``: an underscore is a word character) and no ad step (``^clicks?$``), so a table
whose first step was such a column was worded as leads, and ``ad_clicks`` written before «impressions» kept that order.

Hand files: two campaigns, impressions 1,000 + 2,000 = 3,000, clicks 40 + 60 = 100, conversions 3 + 5 = 8 (each row
narrows, so the stored counts are the sums). Written clicks first, the funnel reads impressions → clicks → conversions
(3,000 → 100 → 8).
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.importer.counts import of_visitors
from funnel.mapping.ad_counts import CLICKS, CONVERSIONS, IMPRESSIONS, ad_rank, in_ad_order

CLICK_HEADERS = ["ad_clicks", "link_clicks", "total_clicks", "unique_clicks", "LinkClicks", "Clicks (all)",
                 "клики_по_объявлению", "Клики", "点击量", "點擊次數"]
IMPRESSION_HEADERS = ["impressions_count", "Impr.", "ad_impressions", "Показы", "展示量", "曝光次数"]
CONVERSION_HEADERS = ["total_conversion", "approved_conversion", "Conversions", "post_click_conversions",
                      "Конверсии", "转化量"]
# a rate, a price or a money value of a count: no count of people
NOT_COUNTS = ["CTR", "Cost per click", "cost_per_link_click", "Conv. rate", "Conv. value", "点击率", "每次点击费用",
              "Стоимость клика", "Конверсия по цели (Заявка)", "Campaign", "clicked_through_rate", "Leads"]


@pytest.mark.parametrize("header", CLICK_HEADERS)
def test_click_headers_are_clicks_and_visitors(header):
    assert ad_rank(header) == CLICKS
    assert of_visitors(header)


@pytest.mark.parametrize("header", IMPRESSION_HEADERS)
def test_impression_headers_are_impressions_and_visitors(header):
    assert ad_rank(header) == IMPRESSIONS
    assert of_visitors(header)


@pytest.mark.parametrize("header", CONVERSION_HEADERS)
def test_conversion_headers_are_conversions_not_visitors(header):
    """A conversion is the ad's outcome (a lead, a purchase): a table that starts there is not said to count visitors."""
    assert ad_rank(header) == CONVERSIONS
    assert not of_visitors(header)


@pytest.mark.parametrize("header", NOT_COUNTS)
def test_rates_prices_and_other_columns_are_no_ad_count(header):
    assert ad_rank(header) is None


def test_ad_order_puts_impressions_first_and_keeps_ties_in_file_order():
    """Facebook's KAG order with clicks first: clicks(0), impressions(1), total(2), approved(3) →
    impressions, clicks, total, approved; a column that is no ad count leaves the order as it is."""
    headers = ["link_clicks", "impressions", "total_conversion", "approved_conversion", "signups"]
    assert in_ad_order(headers, [0, 1, 2, 3]) == [1, 0, 2, 3]
    assert in_ad_order(headers, [0, 1, 4]) == [0, 1, 4]


def _funnel(mem_store, text: str, name: str):
    info, _built, _ = import_file(mem_store, text.encode(), name, force=True)
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT stage, n FROM ds_{info.id}.counts WHERE grp = '' ORDER BY position").fetchall()
    return info, rows


@pytest.mark.parametrize(("clicks", "impressions", "conversions"), [
    ("ad_clicks", "impressions", "conversions"),
    ("link_clicks", "impressions_count", "total_conversion"),
    ("unique_clicks", "Impr.", "Conversions"),
    ("клики_по_объявлению", "показы", "конверсии"),
    ("点击量", "展示量", "转化量"),
])
def test_an_ad_report_with_clicks_first_reads_impressions_clicks_conversions(mem_store, clicks, impressions,
                                                                           conversions):
    text = f"campaign_id,{clicks},{impressions},{conversions}\n901,40,1000,3\n902,60,2000,5\n"
    info, rows = _funnel(mem_store, text, "ads_clicks_first.csv")
    assert rows == [(impressions, 3000), (clicks, 100), (conversions, 8)]
    assert info.capabilities.counts_visitors


@pytest.mark.parametrize("first", ["ad_clicks", "total_clicks", "impressions_count", "клики_по_объявлению", "点击量"])
def test_a_table_whose_first_step_is_an_ad_count_counts_visitors(mem_store, first):
    text = f"campaign_id,{first},conversions\n901,40,3\n902,60,5\n"
    info, rows = _funnel(mem_store, text, "ads_two_steps.csv")
    assert rows == [(first, 100), ("conversions", 8)]
    assert info.capabilities.counts_visitors and info.meta.get("counted") == "visitors"


def test_a_crm_table_of_leads_still_counts_leads(mem_store):
    info, rows = _funnel(mem_store, "source,leads,meetings,won_deals\nads,40,10,3\nseo,60,20,5\n", "crm.csv")
    assert rows == [("leads", 100), ("meetings", 30), ("won_deals", 8)]
    assert not info.capabilities.counts_visitors
