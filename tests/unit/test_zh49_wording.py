"""Session 49, a Chinese reader's findings: lists and quotes written the Chinese way."""

from __future__ import annotations

import json
from pathlib import Path

from funnel.audit.wording import title, why
from tests.unit.test_audit_findings import of, run_audit, walk

CATALOG = Path(__file__).resolve().parents[2] / "funnel" / "i18n" / "catalog"


def test_reactivation_reasons_are_listed_with_the_chinese_comma():
    """200 deals enter A; 180 reach B, 162 C, 146 D, 132 are won (``walk``). The 14 lost at D (146 − 132) carry
    the reasons 价格太高 (7) and 选择竞品 (7), 100 each: lost at or after the key / middle stage with an amount,
    so the reactivation list names both reasons. By hand: «价格太高、选择竞品» in Chinese (was «价格太高, 选择竞品»),
    «价格太高, 选择竞品» still in English."""
    deals = walk("d", 200, [180, 162, 146, 132])
    late = [x for x in deals if x["status"] == "lost" and x["furthest_pos"] == 4]
    assert len(late) == 14
    for k, deal in enumerate(late):
        deal["lost_reason"] = "价格太高" if k < 7 else "选择竞品"
    _con, info, d = run_audit(deals)
    (found,) = of(d, "reactivation")
    assert "价格太高、选择竞品" in why(found, info, "zh")
    assert "价格太高, 选择竞品" in why(found, info, "en")


def test_chinese_texts_quote_with_curly_quotes_not_corner_brackets():
    """The rule (common.md, ``funnel.i18n.in_quotes``): a Chinese sentence quotes “…”. 89 texts used 「…」, so one
    Overview read «请在“数据”页确认» above «在「诊断」页查看全部发现»."""
    mixed = [key for path in CATALOG.glob("*.zh.json")
             for key, value in json.loads(path.read_text(encoding="utf-8")).items()
             for text in (value.values() if isinstance(value, dict) else [value]) if "「" in text or "」" in text]
    assert mixed == []


def test_a_finding_title_quotes_its_stage_in_curly_quotes():
    """The reactivation title of the same file: lost from stage D on: 14 deals, 14 × 100 = 1,400."""
    deals = walk("d", 200, [180, 162, 146, 132])
    for deal in deals:
        if deal["status"] == "lost" and deal["furthest_pos"] == 4:
            deal["lost_reason"] = "价格太高"
    _con, info, d = run_audit(deals)
    (found,) = of(d, "reactivation")
    assert title(found, info, "zh").startswith("值得再试——从“D”起的输单：14")


def test_pareto_rows_end_with_the_other_reasons_so_shares_add_up():
    """王芳 lost 10 deals with a reason: 无预算 4, 价格太高 3, 需求不匹配 2, 选择竞品 1. Top three, then «other»: 40 %,
    30 %, 20 %, and 1 deal (10 %) of 1 other reason; 张伟's 2 reasons need no «other» row."""
    from funnel.audit.findings import pareto_rows

    lost = [{"manager": "王芳", "lost_reason": r, "n": n} for r, n in
            (("价格太高", 3), ("无预算", 4), ("选择竞品", 1), ("需求不匹配", 2))]
    lost += [{"manager": "张伟", "lost_reason": "无预算", "n": 1}, {"manager": "张伟", "lost_reason": "联系不上", "n": 3},
             {"manager": "张伟", "lost_reason": None, "n": 5}]
    got = [(r["value"], r["reason"], r["n"], round(r["share"], 4), r["others"]) for r in pareto_rows(lost, "manager")]
    assert got == [("王芳", "无预算", 4, 0.4, 0), ("王芳", "价格太高", 3, 0.3, 0), ("王芳", "需求不匹配", 2, 0.2, 0),
                   ("王芳", None, 1, 0.1, 1), ("张伟", "联系不上", 3, 0.75, 0), ("张伟", "无预算", 1, 0.25, 0)]


def test_heatmap_colorbar_title_is_beside_the_bar_not_over_it():
    """The managers heatmap's colour bar is horizontal and pinned to the chart's bottom: a title on its «top» side was
    drawn over the bar's middle («对比团队» across the 0 % stripe, English «vs team» too). The title goes beside
    the bar, which leaves it a fifth of the width."""
    from funnel.audit.charts import heatmap_figure
    from tests.unit.test_chart_layout_phone import LABELS, _cells

    bar = heatmap_figure([("张伟", _cells([20, 30, 10])), ("李娜", _cells([40, 40, 40]))],
                         {**LABELS, "diff": "对比团队"}, "zh").data[0].colorbar
    assert bar.orientation == "h" and bar.title.text == "对比团队"
    assert bar.title.side != "top" and bar.len <= 0.8
