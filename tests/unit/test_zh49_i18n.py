"""Session 49: Chinese sentences without stray spaces (a date before a Chinese word, sentences of one caption)."""

from __future__ import annotations

from datetime import date

from funnel.i18n import sentences, t


def test_a_date_is_followed_by_the_chinese_word_without_a_space():
    """Templates «{date} 的管道», «完成 {month} 计划的概率», «数据从 {first} 才开始»: the space between the date's last
    character (日 / 月) and the next Chinese character goes; the one before the date's digits stays."""
    assert t("velocity.ui.snapshot", "zh", date=date(2026, 12, 1)) == "2026年12月1日的管道"
    assert t("velocity.kpi.p_meet_plan", "zh", month="2026年12月") == "完成 2026年12月计划的概率"
    assert t("velocity.kpi.median_month", "zh", month="2026年12月") == "2026年12月预期赢单（中位数）"
    assert t("capabilities.previous_not_covered", "zh", date_from=date(2026, 6, 4), date_to=date(2026, 9, 2),
             first=date(2026, 8, 3)) == "不与上一时间段（2026年6月4日 – 2026年9月2日）比较：数据从 2026年8月3日才开始。"
    assert t("audit.data_range", "zh", date_from=date(2026, 8, 3), date_to=date(2026, 12, 1)) \
        == "数据范围 2026年8月3日至 2026年12月1日"


def test_names_numbers_and_other_languages_keep_their_spaces():
    """Only a date's trailing space is dropped: a name (百度推广) or a number keeps the template's spaces, and so do
    English and Russian."""
    assert t("ab.headline.winner", "zh", group="官网", control="百度推广").count(" ") == \
        t("ab.headline.winner", "zh", group="A", control="B").count(" ")
    assert t("velocity.ui.snapshot", "en", date=date(2026, 12, 1)) == "Pipeline on Dec 1, 2026"
    assert t("velocity.ui.window_only", "zh", start=date(2026, 9, 2), end=date(2026, 12, 1), days=90) \
        == "窗口：2026年9月2日至 2026年12月1日的 90 天。"


def test_sentences_after_a_chinese_full_stop_take_no_space():
    assert sentences("zh", "与“漏斗”页一致）。", "点击数字。", None, "") == "与“漏斗”页一致）。点击数字。"
    assert sentences("en", "Same as the Funnel page.", "Click a number.") == "Same as the Funnel page. Click a number."
    assert sentences("zh", "p 值 0.05", "(n …)") == "p 值 0.05 (n …)"  # no full stop: the space stays


def test_nothing_expected_after_the_horizon_is_zero_not_minus_zero(mem_store):
    """The 40-deal 销售易 file: every open deal's close falls in the next six months, so the amount expected after
    them is 0 by definition (Σ age-adjusted − Σ by month over the same deals). Rounding left −5e-11, which the
    Pipeline page printed «未来六个月不预期：-0»."""
    import math
    from datetime import datetime
    from pathlib import Path

    from funnel.importer import import_file
    from funnel.spec import FunnelSpec
    from funnel.velocity.forecast import forecast

    data = (Path(__file__).parent / "data" / "xiaoshouyi_deals_gb18030.csv").read_bytes()
    info, _built, _ = import_file(mem_store, data, "销售易_商机.csv")
    with mem_store.connect() as con:
        info = mem_store.info(info.id)
        fc = forecast(con, info, FunnelSpec(), datetime(2026, 12, 1, 14), runs=200, seed=1)
    assert fc.beyond == 0.0 and math.copysign(1.0, fc.beyond) == 1.0
