"""The A/B tables' numbers in the reader's locale (issue 15): p-values, point differences, counts and
money, written by hand for each language."""

from __future__ import annotations

from dataclasses import replace

import pytest

from funnel.ab_charts import BAR_TEXT_SIZE, ab_figure, ab_rows, p_cell, revenue_rows
from funnel.stats import analyze_counts
from funnel.stats.results import GroupMean, MannWhitney, MeanComparison, MeansResult

NBSP = "\u00a0"


@pytest.mark.parametrize(("value", "lang", "text"), [
    (0.0004, "en", "< 0.001"), (0.0004, "ru", "< 0,001"), (0.0004, "zh", "< 0.001"),
    (0.9163, "ru", "0,916"), (0.005, "en", "0.005"), (None, "ru", "—")])
def test_p_values_in_the_language(value, lang, text):
    assert p_cell(value, lang) == text


def test_rows_use_the_decimal_comma_in_russian():
    # 40/200 vs 60/200: difference +10 points; two-sided z-test p = 0.02092 (see test_ab_dataset)
    result = replace(analyze_counts({"A": (200, 40), "B": (200, 60)}), stage_from="Visit", stage_to="Signup")
    row = ab_rows(result, {}, "ru")[1]
    assert row["diff"] == "+10,00" and row["p_value"] == "0,021"
    assert ab_rows(result, {}, "en")[1]["p_value"] == "0.021"


def test_revenue_counts_grouped_and_money_with_its_currency():
    rev = MeansResult(control="A", alpha=0.05,
                      groups={"A": GroupMean(n=1423, mean=24808.57), "B": GroupMean(n=675, mean=21102.22)},
                      comparisons={"B": MeanComparison(diff=-3706.35, p_value_adjusted=0.5,
                                                       mann_whitney=MannWhitney(p_value=0.0002))})
    ru = revenue_rows(rev, "RUB", "ru")
    assert ru[0]["n"] == f"1{NBSP}423" and ru[0]["mean"] == f"24{NBSP}809{NBSP}₽"
    assert ru[1]["diff"] == f"-3{NBSP}706{NBSP}₽" and ru[1]["mann_whitney"] == "< 0,001"
    en = revenue_rows(rev, "USD", "en")
    assert en[0]["n"] == "1,423" and en[0]["mean"] == "$24,809" and en[1]["diff"] == "-$3,706"
    assert revenue_rows(rev, None, "en")[0]["mean"] == "24,809"  # no currency recorded: the plain amount


def test_bar_text_is_never_shrunk_below_readable():
    fig = ab_figure(analyze_counts({"A": (200, 40), "B": (200, 60)}), lang="zh")
    assert BAR_TEXT_SIZE >= 12
    assert all(tr.textfont.size == BAR_TEXT_SIZE for tr in fig.data)
    assert fig.layout.uniformtext.minsize == BAR_TEXT_SIZE and fig.layout.uniformtext.mode == "hide"


def test_segment_small_multiples_write_counts_in_the_language():
    from funnel.audit.charts import small_multiples
    from funnel.metrics.stages import StageRow

    def row(stage, position, reached):
        return StageRow(stage, position, reached, None, None, None, None, None)

    funnels = {"google": [row("visit", 0, 12000), row("lead", 1, 3000)], "direct": [row("visit", 0, 800)]}
    fig = small_multiples(funnels, {"reached": "Reached"}, "ru")
    # 12 000 over about three ticks: a step of 5 000 (the nice step at or above 4 000), up to 15 000
    assert list(fig.layout.xaxis.ticktext) == ["0", f"5{NBSP}000", f"10{NBSP}000", f"15{NBSP}000"]
    assert not any("k" in text for text in fig.layout.xaxis.ticktext)
    assert list(fig.layout.xaxis2.tickvals)[-1] >= 800  # each panel its own scale
