"""A report's Definitions fit what the dataset is: an ad report's or web funnel's visitors and steps, not deals.

Before, every report defined «Deals», «Lost here», «Still open here», win rates, revenue, deal sizes and the sales
cycle, and said «Deals counted in this report: all deals, open ones included. Money and sales cycle use won deals
only» even for Facebook's ad report (impressions → clicks → conversions) or an event log of visitors. Now a counts
table defines its numbers step by step (the first step's count, step conversion = the step's count ÷ the step
before's), a web funnel its visitors who reached a step and converted; a CRM's deals keep their definitions. The HTML
and the PDF are rendered from the same section.
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from tests.unit.test_report import report_of
from tests.unit.test_report_headline48 import page_text

FB_ADS = ("ad_id,campaign_id,age,impressions,clicks,total_conversion,approved_conversion\n"
          "1,916,30-34,7000,10,2,1\n2,916,35-39,18000,20,4,0\n3,936,30-34,700,5,1,0\n")
EVENTS = ("user_id,event,timestamp\n"
          "u1,visit,2024-03-01 10:00\nu1,signup,2024-03-01 10:05\nu1,purchase,2024-03-01 10:09\n"
          "u2,visit,2024-03-02 11:00\nu2,signup,2024-03-02 11:02\nu3,visit,2024-03-03 12:00\n")
DEALS = ("ID,Stage,Amount,Created,Closed\n1,Closed Won,100,2024-01-01,2024-01-11\n"
         "2,Closed Lost,50,2024-01-02,2024-01-05\n3,Lead,70,2024-01-03,\n")

# the deals' own terms: none of them may be defined for visitors or counts
DEAL_TERMS = {
    "en": ("Deals", "Lost here", "Still open here", "Win rate (won / closed)", "Revenue", "Sales cycle"),
    "ru": ("Сделки", "Проиграны здесь", "Открыты здесь", "Доля выигранных (выиграно / закрыто)", "Выручка",
           "Цикл сделки"),
    "zh": ("交易", "在此输单", "在此仍进行", "赢单率（赢单 / 已关闭）", "收入", "销售周期"),
}
COUNTS_TERMS = {
    "en": ["At the first step", "Reached", "Step conversion", "Cumulative conversion", "Drop-off"],
    "ru": ["На первом шаге", "Дошли", "Конверсия шага", "Сквозная конверсия", "Отвал"],
    "zh": ["第一步", "到达"],
}
WEB_TERMS = {
    "en": ["Visitors", "Reached", "Step conversion", "Cumulative conversion", "Drop-off", "Converted",
           "Previous period"],
    "ru": ["Посетители", "Дошли", "Конверсия шага", "Сквозная конверсия", "Отвал", "Конвертировались",
           "Предыдущий период"],
    "zh": ["访客", "到达"],
}


def _definitions(store, text: str, name: str, lang: str):
    info, _built, _ = import_file(store, text.encode(), name)
    report = report_of(store, info, lang=lang)
    table = report.section("definitions").tables[0]
    return info, report, list(table.column("term")), list(table.column("definition"))


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_an_ad_report_defines_its_steps_counts(mem_store, lang):
    info, report, terms, meanings = _definitions(mem_store, FB_ADS, "fb_ads.csv", lang)
    assert info.capabilities.counts_visitors
    assert terms[:len(COUNTS_TERMS[lang])] == COUNTS_TERMS[lang] and len(terms) == 5
    assert not set(terms) & set(DEAL_TERMS[lang])
    said = " ".join([*meanings, *report.section("definitions").paragraphs])
    visitors = {"en": "visitors", "ru": "посетител", "zh": "访客"}[lang]
    assert visitors in said.lower()
    assert not any(w in said.lower() for w in {"en": ("deal",), "ru": ("сделк",), "zh": ("交易",)}[lang]), said
    page = page_text(report)
    assert all(term in page for term in COUNTS_TERMS[lang])
    caveats = " ".join(report.section("caveats").bullets).lower()
    assert visitors in caveats and not any(w in caveats for w in ("deal", "сделк", "交易")), caveats


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_a_web_funnel_defines_visitors_and_steps(mem_store, lang):
    info, report, terms, meanings = _definitions(mem_store, EVENTS, "events.csv", lang)
    assert info.capabilities.is_web_funnel
    assert terms[:len(WEB_TERMS[lang])] == WEB_TERMS[lang] and len(terms) == 7
    assert not set(terms) & set(DEAL_TERMS[lang])
    said = " ".join([*meanings, *report.section("definitions").paragraphs]).lower()
    assert not any(w in said for w in {"en": ("deal",), "ru": ("сделк",), "zh": ("交易",)}[lang]), said


def test_a_crm_table_of_stage_counts_is_defined_by_its_numbers_not_as_visitors(mem_store):
    _info, _report, terms, meanings = _definitions(mem_store, "Stage,Count\nNew lead,120\nQualified,60\nWon,9\n",
                                                   "crm_counts.csv", "en")
    assert terms == COUNTS_TERMS["en"]
    assert "visitors" not in meanings[1].lower() and "as the table counts them" in meanings[1]


def test_crm_deals_keep_the_deals_definitions(mem_store):
    _info, report, terms, _meanings = _definitions(mem_store, DEALS, "deals.csv", "en")
    assert terms[0] == "Deals" and "Lost here" in terms and "Win rate (won / closed)" in terms
    assert report.section("definitions").paragraphs[0].startswith("Deals counted in this report")
