"""Figures that read on a 390 px phone and a 1 280 px laptop (survey 51, section B): labels wrapped into
lines, the long side of a grid down the page, heights worked out from what a figure holds. Every value
below is worked out by hand from the rules in the docstrings of funnel/chart_layout.py,
funnel/audit/charts.py, funnel/ab_charts.py, funnel/velocity/charts.py, funnel/charts.py and
funnel/figure_locale.py (``log_ticks``)."""

from __future__ import annotations

from dataclasses import fields, replace

import pandas as pd

from funnel.chart_layout import line_count, text_width, wrap_label, wrap_lines


# -- wrapping ----------------------------------------------------------------------------------
def test_a_step_name_wraps_at_spaces_into_lines_of_the_width():
    """20 characters a line: «8. Предоплата» (13) + « получена» would be 22; «получена → Передан в» is exactly
    20; «производство» (12) starts the third line."""
    assert wrap_lines("8. Предоплата получена → Передан в производство", 20) == [
        "8. Предоплата", "получена → Передан в", "производство"]


def test_a_chinese_character_takes_two_and_a_word_without_spaces_is_cut():
    """«周期中位数（天）»: 8 characters, all wide (the brackets are full-width), 16 in all; lines of 6 hold 3."""
    assert text_width("收入") == 4 and text_width("Won") == 3
    assert wrap_lines("周期中位数（天）", 6) == ["周期中", "位数（", "天）"]


def test_past_the_last_line_the_name_ends_with_an_ellipsis():
    """«Identifying» (11) / «Decision» (8) / «Makers» at 12 a line is 3 lines; 2 kept: «Decision…» (9)."""
    assert wrap_lines("Identifying Decision Makers", 12, 2) == ["Identifying", "Decision…"]
    assert wrap_lines("", 12) == [""]


def test_a_wrapped_label_is_escaped_line_by_line():
    label = wrap_label("<b>Ann</b> Lee", 10)  # «<b>Ann</b>» is 10 characters: a line of its own
    assert label == "&lt;b&gt;Ann&lt;/b&gt;<br>Lee" and line_count(label) == 2


# -- the managers heatmap ----------------------------------------------------------------------
def _cells(passed: list[int]):
    from funnel.audit.gaps import GapCell

    stages = ["New", "Qualified", "Meeting", "Won"]
    return [GapCell("manager", None, i, stages[i], stages[i + 1], i + 1, 40, p, 100, 50) for i, p in enumerate(passed)]


LABELS = {"rate": "rate", "team": "team", "n": "n", "diff": "diff"}


def test_more_steps_than_managers_puts_the_steps_on_rows():
    """2 managers, 3 steps: the steps go down the page, the managers across. Ann passed 20, 30, 10 of 40
    (50 %, 75 %, 25 %) against the team's 50 of 100 (50 %): differences 0, +25, -25 points. Height:
    110 + 3 rows × 48 + 1 line of names × 14 = 268 px."""
    from funnel.audit.charts import heatmap_figure, steps_on_rows

    assert steps_on_rows(6, 10) and not steps_on_rows(6, 6) and not steps_on_rows(12, 3)
    fig = heatmap_figure([("Ann", _cells([20, 30, 10])), ("Bob", _cells([40, 40, 40]))], LABELS)
    grid, marks = fig.data
    assert list(grid.x) == ["Ann", "Bob"]
    assert list(grid.y) == ["1. New → Qualified", "2. Qualified → Meeting", "3. Meeting → Won"]
    assert [round(row[0], 2) for row in grid.z] == [0.0, 0.25, -0.25]  # Ann's column
    assert grid.textfont.size == 11  # fixed, not shrunk with the cell
    # a click still names [manager, step], whichever way the grid is drawn
    assert [list(c) for c in marks.customdata][:4] == [[0, 0], [0, 1], [0, 2], [1, 0]]
    assert list(marks.x[:4]) == ["Ann", "Ann", "Ann", "Bob"] and marks.y[1] == "2. Qualified → Meeting"
    assert fig.layout.height == 268
    assert list(fig.layout.xaxis.autotickangles) == [0, 90]  # upright names where they do not fit side by side


def test_an_untested_cell_writes_its_base_on_a_second_line_in_the_figure_only():
    from funnel.audit.charts import cell_text
    from funnel.audit.gaps import GapCell

    cell = GapCell("manager", None, 0, "A", "B", 1, 24, 24, 100, 50)  # 24 of 24: 100 %, untested
    assert cell_text(cell, "ru") == "100\u00a0% (n 24)"
    assert cell_text(cell, "ru", "<br>") == "100\u00a0%<br>(n 24)"


def test_ten_steps_and_six_managers_take_their_rows_height():
    """10 step rows under 6 names of 2 lines («Мария<br>Кузнецова», 12 a line): 110 + 10 × 48 + 2 × 14 = 618 px;
    «8. Предоплата получена → Передан в производство» on 3 lines of 20."""
    from funnel.audit.charts import heatmap_figure

    names = ["Мария Кузнецова", "Анна Смирнова", "Игорь Лебедев", "Елена Соколова", "Дмитрий Волков", "Олег Петров"]
    stages = ["Новая заявка", "Квалифицирован", "Встреча назначена", "Встреча проведена", "Передан в работу",
              "Макет согласован", "Счёт выставлен", "Предоплата получена", "Передан в производство", "Заказ доставлен",
              "Акты подписаны, оплачено"]
    from funnel.audit.gaps import GapCell

    cells = [GapCell("manager", None, i, stages[i], stages[i + 1], i + 1, 40, 20, 100, 50) for i in range(10)]
    fig = heatmap_figure([(n, cells) for n in names], LABELS, "ru")
    assert fig.layout.height == 618
    assert fig.layout.xaxis.ticktext[0] == "Мария<br>Кузнецова"
    assert fig.layout.yaxis.ticktext[7] == "8. Предоплата<br>получена → Передан в<br>производство"


# -- the segments' small multiples -------------------------------------------------------------
def test_small_multiples_two_a_row_with_the_stage_names_once_a_row():
    """5 segments of 11 stages, 2 panels a row: 3 rows; 3 × (11 × 22 + 70) + 50 = 986 px."""
    from funnel.audit.charts import small_multiples, small_multiples_height
    from funnel.metrics.stages import StageRow

    assert small_multiples_height(3, 11) == 986
    stages = [StageRow(f"Stage {k}", k, 100 - k, None, 0.9, None, None, None) for k in range(11)]
    names = ["Выставка", "Рекомендация", "Сайт", "Холодный звонок по рекомендации", "Яндекс Директ"]
    fig = small_multiples({n: stages for n in names}, {"reached": "Reached"}, "ru")
    assert fig.layout.height == 986
    titles = [a.text for a in fig.layout.annotations]
    assert titles[3] == "Холодный звонок по<br>рекомендации"  # 22 characters a line
    # the second panel of a row shares the first one's stage axis: its names are not written twice
    assert fig.layout.yaxis2.matches == "y" and fig.layout.yaxis2.showticklabels is False
    assert fig.layout.xaxis2.domain[0] > fig.layout.xaxis.domain[1]  # side by side, two to a row


# -- the A/B chart per step --------------------------------------------------------------------
def _three_steps():
    from funnel.ab_results import DatasetABResult
    from funnel.stats import analyze_counts

    base = analyze_counts({"A": (200, 40), "B": (200, 60)})
    steps = tuple(replace(base, stage_from=f, stage_to=t) for f, t in
                  (("Новая заявка", "Квалифицирован"), ("Квалифицирован", "Встреча назначена"),
                   ("Встреча назначена", "Встреча проведена")))
    return DatasetABResult(**{f.name: getattr(base, f.name) for f in fields(base)}, steps=steps)


def test_ab_height_grows_with_steps_and_groups():
    """10 steps × 5 groups: 80 + 5 × 20 + 10 × (5 × 16 + 16) = 1 140 px (a fixed 380 px left a 60 px plot on
    a phone); 3 steps × 2 groups: 80 + 40 + 3 × 48 = 264; under 3 steps the columns' 380 px."""
    from funnel.ab_charts import ab_height

    assert ab_height(10, 5) == 1140
    assert ab_height(3, 2) == 264
    assert ab_height(2, 5) == 380 and ab_height(1, 2) == 380


def test_three_steps_are_rows_of_horizontal_bars_with_wrapped_names():
    from funnel.ab_charts import ab_figure

    fig = ab_figure(_three_steps(), {"rate": "Конверсия"}, "ru")
    a, b = fig.data
    assert a.orientation == "h" and b.x[0] == 0.3  # B: 60 / 200 on the rate axis
    assert list(b.y) == ["Новая заявка → Квалифицирован", "Квалифицирован → Встреча назначена",
                         "Встреча назначена → Встреча проведена"]
    assert b.error_x.array[0] > 0 and fig.layout.yaxis.autorange == "reversed"
    # «Новая заявка → Квалифицирован» at 22 a line: «Новая заявка →» (14) + « Квалифицирован» would be 29
    assert fig.layout.yaxis.ticktext[0] == "Новая заявка →<br>Квалифицирован"
    assert fig.layout.height == 264
    assert fig.layout.xaxis.title.text == "Конверсия"


# -- the weekly pipeline -----------------------------------------------------------------------
def test_weekly_ticks_four_months_at_most_and_the_legend_has_its_height():
    """18 months → a tick every 5th (months 1, 6, 11, 16); 8 → every 2nd; 4 → each. Height: 300 + 20 a
    stage; 10 stages 500 px."""
    from funnel.velocity.charts import month_tick_step, weekly_figure, weekly_height

    assert [month_tick_step(m) for m in (18, 8, 4, 1)] == [5, 2, 1, 1]
    assert weekly_height(10) == 500
    weeks = pd.date_range("2025-05-04", "2026-10-25", freq="W-SUN")  # 18 months of Sundays
    frame = pd.DataFrame([{"week": w, "position": p, "stage": f"S{p}", "open_deals": 1, "amount": 1.0}
                          for w in weeks for p in range(10)])
    fig = weekly_figure(frame, {"open": "open"}, "ru")
    assert len(fig.layout.xaxis.tickvals) == 4 and fig.layout.height == 500


# -- ticks spaced on a date axis (the cycle-by-month chart, the Funnel page's cohorts) -----------
def test_a_date_axis_writes_four_ticks_at_most():
    """18 months, 4 at most: every 5th (ceil 18 / 4 = 5) → 1st, 6th, 11th, 16th; 16 → every 4th → 1, 5, 9, 13;
    3 → each one; none → none."""
    from funnel.chart_layout import spaced, tick_step

    assert [tick_step(n, 4) for n in (18, 16, 4, 3, 0)] == [5, 4, 1, 1, 1]
    assert spaced(list(range(1, 19)), 4) == [1, 6, 11, 16]
    assert spaced(list(range(1, 17)), 4) == [1, 5, 9, 13]
    assert spaced(["a", "b", "c"], 4) == ["a", "b", "c"] and spaced([], 4) == []


def test_cycle_by_month_writes_four_months_at_most():
    """May 2025 … October 2026 is 18 months: «май 2025 г.», «окт. 2025 г.», «март 2026 г.», «авг. 2026 г.»
    (the 1st, 6th, 11th and 16th; CLDR puts a narrow no-break space before «г.»), at -30°."""
    from datetime import date
    from types import SimpleNamespace

    from funnel.velocity.charts import cycle_trend_figure

    trend = [SimpleNamespace(month=date(2025 + (4 + k) // 12, (4 + k) % 12 + 1, 1), won=5, median_days=20.0,
                             too_young=False) for k in range(18)]
    axis = cycle_trend_figure(trend, {}, "ru").layout.xaxis
    assert list(axis.tickvals) == ["май 2025\u202fг.", "окт. 2025\u202fг.", "март 2026\u202fг.", "авг. 2026\u202fг."]
    assert axis.tickangle == -30


def test_cohorts_write_four_ticks_at_most():
    """Six monthly cohorts, 4 at most: every 2nd (ceil 6 / 4 = 2): May, July, September 2026."""
    from datetime import date

    from funnel.charts import cohort_figure
    from funnel.metrics.cohorts import Cohort, CohortTable

    cohorts = [Cohort(date(2026, m, 1), 10, {1: 10, 2: 4}, 2, 8, 0, 0.25, 60, 0.0) for m in range(5, 11)]
    axis = cohort_figure(CohortTable("month", date(2026, 10, 31), cohorts), position=2, lang="en").layout.xaxis
    assert list(axis.ticktext) == ["May 2026", "Jul 2026", "Sep 2026"]


# -- the stage-probability chart ----------------------------------------------------------------
def _prob(stage, p, low, high, n=100):
    from types import SimpleNamespace

    return SimpleNamespace(stage=stage, p_won=p, ci_low=low, ci_high=high, n=n)


def test_stage_probability_has_its_stages_as_rows_wrapped():
    """Stages as rows, the first on top. «Предоплата получена» (19) at 16 a line: «Предоплата» / «получена»;
    «Акты подписаны, оплачено» (24): «Акты подписаны,» (15) / «оплачено». A stage without a probability
    is not drawn. Height: 70 + 3 stages × (14 + 2 lines × 12) = 184 px; ten of two lines 450, four of one 174."""
    from funnel.velocity.charts import probability_figure, probability_height

    assert probability_height(10, 2) == 450 and probability_height(4, 1) == 174
    rows = [_prob("Новая заявка", 0.07, 0.06, 0.08), _prob("Предоплата получена", 0.89, 0.85, 0.92),
            _prob("Без данных", None, None, None), _prob("Акты подписаны, оплачено", 1.0, 0.99, 1.0)]
    fig = probability_figure(rows, "Предоплата получена", {}, "ru")
    (bar,) = fig.data
    assert bar.orientation == "h" and list(bar.x) == [0.07, 0.89, 1.0]
    # each share written right of its interval's top (0.08, 0.92, 1.0), 5 px past the whisker's cap
    shares = fig.layout.annotations
    assert [(a.x, a.y, a.text) for a in shares] == [(0.08, "Новая заявка", "7\u00a0%"),
                                                   (0.92, "Предоплата получена", "89\u00a0%"),
                                                   (1.0, "Акты подписаны, оплачено", "100\u00a0%")]
    assert {(a.xanchor, a.xshift) for a in shares} == {("left", 5)}
    assert list(bar.y) == ["Новая заявка", "Предоплата получена", "Акты подписаны, оплачено"]  # whole, in the hover
    assert list(fig.layout.yaxis.ticktext) == ["Новая заявка", "Предоплата<br>получена", "Акты подписаны,<br>оплачено"]
    assert fig.layout.yaxis.autorange == "reversed"
    assert bar.marker.color[1] == "#f59e0b"  # the key stage
    assert [round(v, 2) for v in bar.error_x.array] == [0.01, 0.03, 0.0]  # up to the interval's top: 0.08 - 0.07 …
    assert fig.layout.height == 184


def test_a_chinese_stage_name_wraps_two_a_character():
    """«已签署验收单并付款» is 9 wide characters, 18: 8 a line of 16, «已签署验收单并付» / «款»."""
    from funnel.velocity.charts import probability_figure

    fig = probability_figure([_prob("已签署验收单并付款", 0.5, 0.4, 0.6)], None, {}, "zh")
    assert fig.layout.yaxis.ticktext[0] == "已签署验收单并付<br>款"
    assert fig.layout.height == 70 + 1 * (14 + 24)


# -- the back-test's amounts ---------------------------------------------------------------------
def test_backtest_amounts_are_readable_or_hidden_and_in_the_hover():
    """3.1 M forecast, 3.0 M actual in April 2026: «3,1 млн» over the grey bar at 11 px or not at all; the hover
    writes both."""
    from datetime import date
    from types import SimpleNamespace

    from funnel.velocity.charts import backtest_figure

    fig = backtest_figure([SimpleNamespace(month=date(2026, 4, 1), forecast=3.1e6, actual=3.0e6)],
                          {"forecast": "Прогноз", "actual": "Факт"}, "ru")
    assert fig.layout.uniformtext.minsize == 11 and fig.layout.uniformtext.mode == "hide"
    assert fig.data[0].text[0] == "3,1\u00a0млн"
    assert fig.data[1].hovertext[0] == "апр. 2026\u202fг.<br>Прогноз: 3,1\u00a0млн<br>Факт: 3\u00a0млн"


# -- the time-in-stage box plot ------------------------------------------------------------------
def test_time_in_stage_ends_past_its_largest_marker_with_seven_ticks_at_most():
    """Stays from 0.6 d (p10) to a 272-day wait: 1-2-5 steps 0.5 … 500 are ten ticks, more than seven: 1-5
    steps 0.5, 1, 5, 10, 50, 100, 500. The axis runs from log10 0.5 = -0.30103 to log10 500 = 2.69897
    and 5 % of those 3 decades (0.15) past each end: [-0.45103, 2.84897], so the 272-day diamond is inside,
    before the 500 tick (plotly's own range ended at it, past the last tick shown, 200). Names wrap at 16:
    «Передан в производство» → «Передан в» / «производство»."""
    from types import SimpleNamespace

    from funnel.velocity.charts import time_in_stage_figure

    def stage(name, p10, p90, waiting):
        return SimpleNamespace(stage=name, p10_days=p10, p25_days=p10, median_days=p10, p75_days=p90, p90_days=p90,
                               mean_days=p10, open_median_age=waiting, open_n=3, open_over_p90=1)

    fig = time_in_stage_figure([stage("Новая заявка", 0.6, 3.0, 2.0), stage("Передан в производство", 2.0, 40.0, 272.0)],
                               {"days": "Дни"}, "ru")
    axis = fig.layout.xaxis
    assert list(axis.tickvals) == [0.5, 1, 5, 10, 50, 100, 500]
    assert list(axis.ticktext) == ["0,5", "1", "5", "10", "50", "100", "500"]
    assert list(axis.range) == [-0.45103, 2.84897]
    assert list(fig.layout.yaxis.ticktext) == ["Новая заявка", "Передан в<br>производство"]
    assert list(fig.data[0].y) == ["Новая заявка", "Передан в производство"]  # whole in the hover


# -- the funnel's stage names --------------------------------------------------------------------
def test_the_funnel_wraps_its_stage_names():
    """«Акты подписаны, оплачено» at 16 a line: «Акты подписаны,» / «оплачено»; the bar keeps the whole name."""
    from funnel.charts import funnel_figure
    from funnel.metrics.stages import StageRow

    rows = [StageRow("Новая заявка", 0, 100, None, 1.0, 1.0, None, None),
            StageRow("Акты подписаны, оплачено", 1, 7, 0.07, 0.07, 0.07, None, None)]
    fig = funnel_figure(rows, {}, "ru")
    assert list(fig.layout.yaxis.ticktext) == ["Новая заявка", "Акты подписаны,<br>оплачено"]
    assert list(fig.data[0].y) == ["Новая заявка", "Акты подписаны, оплачено"]
