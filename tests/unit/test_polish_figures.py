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
    kind, values, text = _ticks("en")
    assert kind == "log"
    # 1-2-5 steps from below the shortest stay (0.3 d) to above the longest wait (80 d)
    assert values == [0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    assert text == ["0.2", "0.5", "1", "2", "5", "10", "20", "50", "100"]


def test_log_axis_ticks_use_the_languages_decimal_sign():
    assert _ticks("ru")[2][:3] == ["0,2", "0,5", "1"]
    assert _ticks("zh")[2][:3] == ["0.2", "0.5", "1"]
