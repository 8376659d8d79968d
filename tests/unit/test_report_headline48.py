"""The report carries the Overview's headline numbers: the median won deal beside the mean, the cycle's p90
beside its median, the cycle's basis when some won deals lack a date, and why a number cannot be given; a table of
stage counts is not said to hold «0 deals». Values worked out by hand in each docstring."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pandas as pd
import pytest

from funnel.importer import import_file
from funnel.report import render
from funnel.sample_datasets import SAMPLE_DIR, manifest
from tests.conftest import shared_path
from tests.unit.test_report import report_of

# Six deals: four won, one lost, one open.
SIX = ("ID,Stage,Amount,Created,Closed,Owner\n"
       "1,Closed Won,100,2024-01-01,2024-01-11,Ann\n"
       "2,Closed Won,200,2024-01-01,2024-01-21,Ann\n"
       "3,Closed Won,300,2024-01-01,2024-01-31,Bob\n"
       "4,Closed Won,1000,2024-01-01,2024-02-10,Bob\n"
       "5,Closed Lost,50,2024-01-02,2024-01-05,Bob\n"
       "6,Lead,70,2024-01-03,,Ann\n")
STAGES = ["Lead", "Proposal", "Closed Won"]


def imported(store, tmp_path, text: str, name: str | None = None):
    path = tmp_path / "six.csv"
    path.write_text(text, encoding="utf-8")
    info, _built, _draft = import_file(store, path, path.name, stages=STAGES, name=name)
    return info


def page_text(report) -> str:
    """The HTML report as one line of visible text (tags and scripts out, spaces squeezed)."""
    page = render(report, "html").decode("utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("\xa0", " ").replace("\u202f", " ")


def key_figures(report) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = book[book.sheetnames[1]]
    return {row[0].value: (row[1].value, row[4].value) for row in sheet.iter_rows(min_row=2)}


def summary_cells(report) -> str:
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    title = report.section("summary").title
    return " ".join(str(r[1].value) for r in book[book.sheetnames[0]].iter_rows() if r[0].value == title)


def test_six_deals_median_deal_and_cycle_p90_by_hand(mem_store, tmp_path):
    """Won amounts 100, 200, 300, 1000: mean 1600 / 4 = 400, median (200 + 300) / 2 = 250. Won cycles 10, 20, 30,
    40 days (Jan 1 to Jan 11, 21, 31, Feb 10): median 25; p90 interpolated between order statistics
    (position 1 + 0.9 × 3 = 3.7: 30 + 0.7 × 10) = 37, not said on 4 won deals (session 49: a p90 needs 10, as on the
    Overview): «—» and the Overview's sentence. Win rate 4 / (4 + 1) = 80 %."""
    info = imported(mem_store, tmp_path, SIX)
    report = report_of(mem_store, info, lang="en")
    text = page_text(report)
    assert "average won deal: 400; median won deal: 250" in text
    few = "p90 not shown: 4 won deals have both dates (it needs at least 10)."
    assert "Sales cycle of won deals, days: median 25.0, 90th percentile —. " + few in text
    assert "Median deal size 250" in text and "Sales cycle, 90th percentile (days) — — — " + few in text
    cells = key_figures(report)
    assert cells["Average deal size"][0] == 400 and cells["Median deal size"][0] == 250
    assert cells["Sales cycle, median (days)"][0] == 25 and cells["Sales cycle, 90th percentile (days)"] == (None, few)
    assert cells["Win rate (won / closed)"][0] == pytest.approx(0.8)
    assert "median won deal: 250" in summary_cells(report)
    ru = page_text(report_of(mem_store, info, lang="ru"))
    assert "медианная выигранная сделка: 250" in ru and "медиана 25,0, 90-й перцентиль —. p90 не показан: обе даты " \
        "есть у 4 выигранных сделок (нужно не меньше 10)." in ru
    zh = page_text(report_of(mem_store, info, lang="zh"))
    assert "赢单金额中位数：250" in zh and "中位数 25.0，第 90 百分位 —。未显示 p90：只有 4 笔赢单同时有两个日期（至少需要 10 笔）。" in zh


def test_cycle_basis_when_a_won_deal_has_no_creation_date(mem_store, tmp_path):
    """Deal 4 loses its creation date: the cycle is measured on 3 of 4 won deals (10, 20, 30 days): median 20,
    p90 at position 1 + 0.9 × 2 = 2.8: 20 + 0.8 × 10 = 28, not said on 3 cycles (session 49). The Overview says
    «3 of 4» under the tile; so does the report, beside the median and in the summary; the p90 says why not."""
    info = imported(mem_store, tmp_path, SIX.replace("4,Closed Won,1000,2024-01-01", "4,Closed Won,1000,"))
    report = report_of(mem_store, info, lang="en")
    cells = key_figures(report)
    assert cells["Sales cycle, median (days)"] == (20, "Won deals with a creation and a close date: 3 of 4")
    few = "p90 not shown: 3 won deals have both dates (it needs at least 10)."
    assert cells["Sales cycle, 90th percentile (days)"] == (None, few)
    assert "median 20.0, 90th percentile — (won deals with a creation and a close date: 3 of 4). " + few \
        in page_text(report)


def test_cycle_basis_when_a_won_deal_closed_before_it_was_created(mem_store, tmp_path):
    """Deal 4 created Mar 1 and closed Feb 10: no cycle for it; 10, 20, 30 days give median 20 (and a p90 of 28 not
    said on 3 cycles, session 49), and the note counts the reversed deal apart: 3 of 4, 1 left out."""
    info = imported(mem_store, tmp_path, SIX.replace("4,Closed Won,1000,2024-01-01", "4,Closed Won,1000,2024-03-01"))
    report = report_of(mem_store, info, lang="en")
    note = "Cycle measured on 3 of 4 won deals; closed before they were created (left out): 1"
    assert key_figures(report)["Sales cycle, median (days)"] == (20, note)
    assert key_figures(report)["Sales cycle, 90th percentile (days)"] == (
        None, "p90 not shown: 3 won deals have both dates (it needs at least 10).")
    assert "median 20.0, 90th percentile — (measured on 3 of 4 won deals; closed before they were created, " \
           "left out: 1)" in " ".join(report.section("summary").paragraphs)
    ru = " ".join(report_of(mem_store, info, lang="ru").section("summary").paragraphs)
    assert "посчитан по выигранным сделкам: 3 из 4; закрыты раньше, чем созданы, не учтены: 1" in ru


def test_no_creation_column_says_why_instead_of_a_dash(mem_store, tmp_path):
    """Maven's shape: a close date and no creation date. Money is there (mean 400, median 250), the cycle cannot be:
    the summary and the managers' table say why; no «median sales cycle, days: —»."""
    text = SIX.replace(",Created", "").replace(",2024-01-01,", ",").replace(",2024-01-02,", ",") \
        .replace(",2024-01-03,", ",")
    info = imported(mem_store, tmp_path, text)
    report = report_of(mem_store, info, lang="en")
    summary = " ".join(report.section("summary").paragraphs)
    assert "median won deal: 250" in summary and ": —" not in summary
    assert "Sales cycle: not computed." in summary and "no creation date" in summary
    managers = " ".join(report.section("managers").paragraphs)
    assert "Sales cycle, median (days): no number for any manager." in managers and "no creation date" in managers
    ru = report_of(mem_store, info, lang="ru")
    assert "Цикл сделки не посчитан." in " ".join(ru.section("summary").paragraphs)


def test_counts_table_is_no_deal_list(mem_store):
    """The counts sample: 20 rows, 40,000 impressions at the first step (12,943 + 11,278 + 6,954 + 3,099 + 5,726),
    no single deals: not «deals imported: 0», not «Deals analysed», and no «Deals counted» on the cover."""
    path = SAMPLE_DIR / "web_counts_by_source.csv"
    info, _built, _draft = import_file(mem_store, path, path.name, stages=["impression", "click", "lead", "sale"])
    for lang, words in (("en", ("stage counts: 20 rows", "At the first step: 40,000")),
                        ("ru", ("численность по этапам: строк 20", "На первом шаге: 40 000")),
                        ("zh", ("阶段计数：20 行", "首步数量：40,000"))):
        report = report_of(mem_store, info, lang=lang)
        text = page_text(report)
        quality = " ".join(report.section("quality").paragraphs)
        assert words[0] in quality and words[1] in text, lang
        assert not re.search(r"(deals imported|импортировано сделок|导入的交易)", text), lang
        assert len(report.cover) == 5, report.cover  # dataset, source, period, filters, date: no «deals counted»


def test_reproducibility_names_a_sample_in_the_reports_language(mem_store, tmp_path):
    """A dataset named as the bundled B2B sample is written «B2B-услуги (amoCRM)» in a Russian report, as on its
    cover; the command keeps the stored name (it must run)."""
    info = imported(mem_store, tmp_path, SIX, name=manifest()[0]["name"])
    report = report_of(mem_store, info, lang="ru")
    lines = dict(report.section("reproducibility").tables[0].rows[i][:2] for i in range(2))
    assert lines["Набор данных"].startswith(f"{manifest()[0]['name_ru']} (№ ")


def test_maven_headline_numbers_equal_pandas():
    """Maven's sales_pipeline.csv read with pandas: won 4,238, lost 2,473 → win rate 0.63150; won close_value
    mean 2,360.91, median 1,117; no creation date: no cycle, and the reason beside it."""
    from funnel.store import Store

    path = shared_path("datasets", "maven_crm_sales_opportunities", "sales_pipeline.csv")
    frame = pd.read_csv(path)
    won = frame[frame.deal_stage == "Won"].close_value
    lost = int((frame.deal_stage == "Lost").sum())
    store = Store(":memory:")
    info, _built, _draft = import_file(store, path, path.name)
    cells = key_figures(report_of(store, info, lang="en"))
    assert cells["Won"][0] == len(won) == 4238 and cells["Lost"][0] == lost == 2473
    assert cells["Win rate (won / closed)"][0] == pytest.approx(len(won) / (len(won) + lost))
    assert cells["Average deal size"][0] == pytest.approx(won.mean()) == pytest.approx(2360.909, abs=1e-3)
    assert cells["Median deal size"][0] == won.median() == 1117
    assert cells["Sales cycle, 90th percentile (days)"][0] is None
    assert "no creation date" in cells["Sales cycle, 90th percentile (days)"][1]


def test_web_funnel_speaks_of_visitors_as_the_overview(mem_store, tmp_path):
    """An event log of 10 visitors: 10 saw the page, 4 clicked, 1 bought. The Overview's first tiles are «Visitors» 10
    and «Converted» 1 / 10 = 10 %; its biggest drop-off «6 visitors stopped between “view” and “click” (60.0 %…)»,
    not «deals stopped: 6; lost: 6, still open: 0»."""
    rows = ["visitor,step,time"]
    for v in range(10):
        rows.append(f"v{v},view,2024-01-01 10:0{v}:00")
        if v < 4:
            rows.append(f"v{v},click,2024-01-01 10:0{v}:30")
        if v < 1:
            rows.append(f"v{v},buy,2024-01-01 10:0{v}:50")
    path = tmp_path / "events.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    info, _built, _draft = import_file(mem_store, path, path.name, stages=["view", "click", "buy"])
    assert info.capabilities.is_web_funnel
    report = report_of(mem_store, info, lang="en")
    kpis = {row[0]: row[1].value for row in report.section("kpis").tables[0].rows}
    assert kpis["Visitors"] == 10 and kpis["Converted"] == pytest.approx(0.1)
    summary = " ".join(report.section("summary").paragraphs)
    assert summary.startswith("Visitors analysed: 10")
    assert "between “view” and “click”: visitors stopped there: 6 (60.0% of those who reached “view”)" in summary
    drops = report.section("drop_offs")
    assert drops.bullets[0] == "6 visitors stopped between “view” and “click” (60.0% of those who reached “view”)."
    assert [c.key for c in drops.tables[0].columns] == ["stage_from", "stage_to", "count", "rate"]
    assert "visitors imported: 10" in report.section("quality").paragraphs[0]
