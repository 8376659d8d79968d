"""Figures of funnel/charts.py, checked on fig.data / fig.layout against hand-made stage rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from funnel.charts import bar_texts, cohort_figure, funnel_figure, overlay_figure, stage_table
from funnel.formats import fmt_compact, fmt_int, fmt_pct, kpi_delta
from funnel.markdown_escape import md_escape
from funnel.metrics.cohorts import Cohort, CohortTable
from funnel.metrics.periods import Change
from funnel.metrics.stages import StageRow

LABELS = {"reached": "Reached", "step": "step", "cumulative": "of first"}
EVIL = "<img src=x onerror=alert(1)>"


def rows(*reached: int, names: tuple[str, ...] | None = None) -> list[StageRow]:
    """Stage rows built from the definitions: step = r_k / r_(k-1), cumulative = r_k / r_1."""
    names = names or tuple(f"S{i + 1}" for i in range(len(reached)))
    out = []
    for i, (name, r) in enumerate(zip(names, reached, strict=True)):
        prev = reached[i - 1] if i else reached[0]
        nxt = reached[i + 1] if i + 1 < len(reached) else None
        out.append(StageRow(name, i + 1, r, r / prev if prev else None, r / reached[0] if reached[0] else None,
                            None if nxt is None else r - nxt, 0, 0))
    return out


def test_funnel_bars_carry_counts_and_both_conversions():
    fig = funnel_figure(rows(100, 40, 10), LABELS)
    trace = fig.data[0]
    assert trace.type == "funnel"
    assert list(trace.x) == [100, 40, 10]
    assert list(trace.y) == ["S1", "S2", "S3"]
    # S2: 40 reached, step 40/100 = 40.0 %, cumulative 40/100 = 40.0 %
    assert trace.text[1] == "<b>40</b><br>step 40.0%<br>of first 40.0%"
    # S3: 10 reached, step 10/40 = 25.0 %, cumulative 10/100 = 10.0 %
    assert "step 25.0%" in trace.text[2] and "of first 10.0%" in trace.text[2]
    assert trace.textinfo == "text"


def test_missing_conversion_is_a_dash_never_nan():
    # an empty first stage: 0 / 0 has no value
    texts = bar_texts([StageRow("A", 1, 0, None, None, 0, 0, 0)], LABELS)
    assert texts == ["<b>0</b><br>step —<br>of first —"]
    assert "nan" not in texts[0].lower()
    assert fmt_pct(float("nan")) == "—" and fmt_int(None) == "—"


def test_overlay_has_two_traces_aligned_by_stage():
    a = rows(100, 50, 20, names=("Lead", "Demo", "Won"))
    b = rows(80, 8, names=("Lead", "Won"))  # segment B never had a "Demo" row
    fig = overlay_figure(a, b, "This period", "Previous", LABELS)
    assert len(fig.data) == 2
    assert [t.name for t in fig.data] == ["This period", "Previous"]
    assert list(fig.data[0].x) == [100, 50, 20]
    # B aligned on A's stages: Lead 80, Demo missing -> 0, Won 8
    assert list(fig.data[1].x) == [80, 0, 8]
    assert fig.layout.funnelmode == "group"


def test_html_in_names_is_escaped_everywhere():
    fig = overlay_figure(rows(10, 5, names=(EVIL, "b")), rows(10, 5, names=(EVIL, "b")), EVIL, "<b>x</b>", LABELS)
    for trace in fig.data:
        assert trace.y[0] == "&lt;img src=x onerror=alert(1)&gt;"
        for text in [*trace.y, *trace.hovertext, trace.name]:
            assert "<img" not in text and "<b>x" not in text
    assert fig.data[1].name == "&lt;b&gt;x&lt;/b&gt;"


def test_stage_table_strings():
    table = stage_table(rows(200, 50), "ru")
    # 50 / 200 = 25 %; Russian decimal comma and a no-break space before %
    assert table[1]["step_conversion"] == "25,0\u00a0%"
    assert table[1]["drop_off"] == "—"  # no drop-off after the last stage
    assert table[0]["reached"] == "200"


def test_cohort_figure_conversion_and_maturity():
    cohorts = [
        Cohort(date(2026, 1, 1), 10, {1: 10, 2: 4}, 2, 6, 2, 0.25, 300, 0.2),
        Cohort(date(2026, 2, 1), 5, {1: 5, 2: 1}, 0, 1, 4, 0.0, 270, 0.8),
    ]
    fig = cohort_figure(CohortTable("month", date(2026, 10, 28), cohorts), position=2)
    bars, line = fig.data
    # conversion to stage 2 = reached(2) / deals: 4/10 = 0.4 and 1/5 = 0.2
    assert list(line.y) == [0.4, 0.2]
    assert list(bars.y) == [0.2, 0.8]  # share still open, as given
    assert list(line.x) == ["Jan 2026", "Feb 2026"]  # cohorts named in the language, never ISO
    assert fig.layout.yaxis2.overlaying == "y"
    ru = cohort_figure(CohortTable("month", date(2026, 10, 28), cohorts), position=2, lang="ru")
    quarters = [replace(cohorts[0], key=date(2026, 1, 1)), replace(cohorts[1], key=date(2026, 4, 1))]
    zh = cohort_figure(CohortTable("quarter", date(2026, 10, 28), quarters), position=2, lang="zh")
    assert list(ru.data[1].x) == ["янв. 2026\u202fг.", "февр. 2026\u202fг."]  # CLDR: narrow no-break space
    assert list(zh.data[1].x) == ["2026年第1季度", "2026年第2季度"]


def test_kpi_delta():
    # rates: absolute change in points: 0.10 -> 0.133 is +3.3 pp
    assert kpi_delta("win_rate", Change(0.133, 0.10, 0.033, 0.33)) == "+3.3 pp"
    # counts: relative change: 110 vs 100 = +10.0 %
    assert kpi_delta("deals", Change(110, 100, 10, 0.1)) == "+10.0%"
    assert kpi_delta("revenue", Change(90.0, 100.0, -10.0, -0.1)) == "-10.0%"
    # previous 0: no relative change -> the absolute one
    assert kpi_delta("deals", Change(5, 0, 5, None)) == "+5"
    assert kpi_delta("deals", Change(5, None, None, None)) is None


def test_markdown_escape_neutralises_links_and_latex():
    text = md_escape("[click](javascript:alert(1)) $x$ **b**")
    assert "\\[" in text and "\\$" in text and "\\*" in text
    assert "[click](" not in text


def test_compact_money_keeps_three_significant_digits():
    nb = "\u00a0"
    assert fmt_compact(79_806_500, "en") == "79.8M"
    assert fmt_compact(79_806_500, "ru") == f"79,8{nb}млн"
    assert fmt_compact(293_412, "en") == "293K"  # not 293.4K: a Russian tile has no room for it
    assert fmt_compact(293_412, "ru") == f"293{nb}тыс."
    assert fmt_compact(99_960, "en") == "100K"
    assert fmt_compact(1_260, "ru") == f"1,3{nb}тыс."
    assert fmt_compact(950, "en") == "950"
    assert fmt_compact(None) == "—"


def test_stage_names_that_look_like_numbers_stay_names():
    """A HubSpot pipeline's custom stages are ids («95211147»): Plotly read them as numbers and drew
    the funnel on a linear axis of millions. Every figure reads numeric strings as categories."""
    import plotly.graph_objects as go

    from funnel.velocity.charts import _base

    names = ("appointmentscheduled", "95211147", "95180904", "closedwon")
    for fig in (funnel_figure(rows(200, 62, 45, 31, names=names), LABELS),
                overlay_figure(rows(10, 5, names=names[1:3]), rows(8, 4, names=names[1:3]), "A", "B", LABELS),
                _base(go.Figure())):
        assert fig.layout.autotypenumbers == "strict"
    assert list(funnel_figure(rows(200, 62, names=names[1:3]), LABELS).data[0].y) == ["95211147", "95180904"]
