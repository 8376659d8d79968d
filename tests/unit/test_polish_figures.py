"""Axis labels of the Velocity and Pipeline figures (issue 15 polish): what a reader sees on the ticks."""

from __future__ import annotations

from types import SimpleNamespace

from funnel.velocity.charts import time_in_stage_figure


def _stage(name, p10, p25, median, p75, p90, waiting=None):
    return SimpleNamespace(stage=name, p10_days=p10, p25_days=p25, median_days=median, p75_days=p75, p90_days=p90,
                           mean_days=median, open_median_age=waiting, open_n=0 if waiting is None else 3,
                           open_over_p90=0)


ROWS = [_stage("A", 0.3, 0.5, 1.0, 2.0, 4.0), _stage("B", 1.0, 3.0, 6.0, 11.0, 40.0, waiting=80.0)]


def _ticks(lang):
    axis = time_in_stage_figure(ROWS, {"days": "days"}, lang).layout.xaxis
    return axis.type, list(axis.tickvals), list(axis.ticktext)


def test_log_axis_reads_half_a_day_as_half_not_five():
    from funnel.figure_locale import log_ticks

    # 1-2-5 steps from below the shortest stay (0.3 d) to above the longest wait (80 d): nine ticks
    assert log_ticks([0.3, 80.0], "en")["tickvals"] == [0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    # the figure writes seven at most (a phone): 1-5 steps, from 0.1 (the one at or below 0.3) to 100
    kind, values, text = _ticks("en")
    assert kind == "log"
    assert values == [0.1, 0.5, 1, 5, 10, 50, 100]
    assert text == ["0.1", "0.5", "1", "5", "10", "50", "100"]


def test_log_axis_ticks_use_the_languages_decimal_sign():
    assert _ticks("ru")[2][:3] == ["0,1", "0,5", "1"]
    assert _ticks("zh")[2][:3] == ["0.1", "0.5", "1"]


def _weekly_frame():
    import pandas as pd

    weeks = pd.date_range("2025-04-06", periods=60, freq="W")
    rows = [{"week": w, "position": p, "stage": s, "open_deals": 10 + p, "amount": 1_000_000.0 * (p + 1)}
            for w in weeks for p, s in enumerate(("Новая заявка", "Счёт выставлен"))]
    return pd.DataFrame(rows)


def test_weekly_pipeline_labels_are_not_covered_by_the_legend():
    from funnel.velocity.charts import weekly_figure

    fig = weekly_figure(_weekly_frame(), {"open": "open"}, "zh")
    # the Chinese month names (2025年4月 ...) sit below the axis, the legend above the plot, the axis
    # making room for its labels (before: legend at y = -0.15 over the rotated labels, clipped)
    assert fig.layout.legend.y >= 1 and fig.layout.legend.yanchor == "bottom"
    assert fig.layout.xaxis.automargin is True and fig.layout.xaxis.tickangle == -30
    assert fig.layout.xaxis.ticktext[0] == "2025年4月"


def test_amount_axes_are_written_in_the_language_not_plotly_si():
    from funnel.velocity.charts import backtest_figure, fan_figure, weekly_figure

    # two stages of 1 M and 2 M every week: the stack reaches 3 M; about 5 ticks: 3 M / 5 = 0.6 M,
    # the next 1-2-2.5-5 step is 1 M -> 0, 1, 2, 3 M
    ru = weekly_figure(_weekly_frame(), {"amount": "amount"}, "ru", amount=True).layout.yaxis
    assert list(ru.tickvals) == [0, 1_000_000, 2_000_000, 3_000_000]
    assert ru.ticktext[1] == "1\u00a0млн" and ru.ticktext[-1] == "3\u00a0млн"
    months = [SimpleNamespace(month=__import__("datetime").date(2026, m, 1), forecast=4e6, actual=6e6) for m in (4, 5)]
    zh = backtest_figure(months, {}, "zh").layout.yaxis
    assert zh.ticktext[-1] == "600万"  # 6 M = 600 × 10,000
    from datetime import date
    fan = [{"month": date(2026, 10, 1), "p10": 7e6, "p50": 7.5e6, "p90": 8e6},
           {"month": date(2026, 11, 1), "p10": 10e6, "p50": 11e6, "p90": 12e6}]
    en = fan_figure(fan, None, {}, "en").layout.yaxis
    assert "12M" in en.ticktext and en.exponentformat == "none"


def test_cycle_trend_counts_axis_shows_whole_numbers():
    from datetime import date

    from funnel.velocity.charts import cycle_trend_figure

    trend = [SimpleNamespace(month=date(2025, m, 1), won=w, median_days=60.0, too_young=False)
             for m, w in ((5, 22), (6, 9))]
    axis = cycle_trend_figure(trend, {}, "ru").layout.yaxis2
    # up to 22 won deals a month: steps of 5 (22 / 5 = 4.4 -> 5), not 5.5 written "5", "11", "16"
    assert list(axis.tickvals) == [0, 5, 10, 15, 20, 25]
    # the bars' axis says what it counts (the left one says days)
    axis = cycle_trend_figure(trend, {"won": "Выиграно сделок", "days": "Дни"}, "ru").layout
    assert (axis.yaxis2.title.text, axis.yaxis.title.text) == ("Выиграно сделок", "Дни")


def test_cohorts_with_nothing_open_draw_no_open_bars_or_axis():
    from datetime import date

    from funnel.charts import cohort_figure
    from funnel.metrics.cohorts import Cohort, CohortTable

    closed = [Cohort(date(2026, 9, 1), 10, {1: 10, 2: 4}, 2, 8, 0, 0.25, 60, 0.0),
              Cohort(date(2026, 10, 1), 5, {1: 5, 2: 1}, 0, 5, 0, 0.0, 30, 0.0)]
    fig = cohort_figure(CohortTable("month", date(2026, 10, 31), closed), position=2)
    assert fig.data[0].visible is False and fig.layout.yaxis2.visible is False
    assert list(fig.data[1].y) == [0.4, 0.2]  # the conversion line is still curve 1: 4/10, 1/5
    some_open = [closed[0], Cohort(date(2026, 10, 1), 5, {1: 5, 2: 1}, 0, 1, 4, 0.0, 30, 0.8)]
    fig = cohort_figure(CohortTable("month", date(2026, 10, 31), some_open), position=2)
    assert fig.data[0].visible is True and fig.layout.yaxis2.visible is True
