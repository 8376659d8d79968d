"""Figures as pure functions: engine results -> plotly ``go.Figure`` (no streamlit, no queries).

Pages pass the translated words (``labels``) and the language for number formats; everything else
is data. Stage and group names are user data: plotly renders a subset of HTML in text, hover and
tick labels, so every name is escaped with :func:`html.escape` before it reaches a figure (plotly
turns the entities back into the literal characters on screen). ``None`` is drawn as "—", never NaN.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .capabilities import Capabilities
from .chart_layout import DATE_TICKS, spaced, wrap_label
from .figure_locale import STRICT, percent_ticks, separators
from .formats import fmt_cohort, fmt_int, fmt_pct
from .metrics.cohorts import CohortTable
from .metrics.stages import StageRow

COLORS = ("#2563eb", "#f59e0b")
# the funnel's stage names: characters a line, lines (a 60 px row holds two; the hover has the whole name)
STAGE_CHARS, STAGE_LINES = 16, 2


def esc(name: Any) -> str:
    """A user-supplied name made safe for plotly text (``<b>`` shows as ``<b>``, never bold)."""
    return html.escape("" if name is None else str(name), quote=True)


def _label(labels: Mapping[str, str] | None, key: str) -> str:
    return esc((labels or {}).get(key, key))


def bar_texts(rows: Sequence[StageRow], labels: Mapping[str, str] | None = None, lang: str = "en") -> list[str]:
    """One text per bar, three short lines (they fit inside wide bars and beside narrow ones):
    the count, the step conversion, the cumulative conversion."""
    step, cum = _label(labels, "step"), _label(labels, "cumulative")
    return [f"<b>{fmt_int(r.reached, lang)}</b><br>{step} {fmt_pct(r.step_conversion, lang)}"
            f"<br>{cum} {fmt_pct(r.cumulative_conversion, lang)}" for r in rows]


def _hover(rows: Sequence[StageRow], labels: Mapping[str, str] | None, lang: str, prefix: str = "") -> list[str]:
    reached = _label(labels, "reached")
    step, cum = _label(labels, "step"), _label(labels, "cumulative")
    return [f"{prefix}<b>{esc(r.stage)}</b><br>{reached}: {fmt_int(r.reached, lang)}"
            f"<br>{step}: {fmt_pct(r.step_conversion, lang)}<br>{cum}: {fmt_pct(r.cumulative_conversion, lang)}"
            for r in rows]


def _funnel_trace(rows: Sequence[StageRow], labels: Mapping[str, str] | None, lang: str,
                  name: str | None = None, color: str = COLORS[0]) -> go.Funnel:
    prefix = f"{esc(name)}<br>" if name is not None else ""
    return go.Funnel(
        y=[esc(r.stage) for r in rows],
        x=[r.reached for r in rows],
        text=bar_texts(rows, labels, lang),
        textinfo="text",
        textposition="auto",
        textfont={"size": 11},
        constraintext="none",
        cliponaxis=False,
        hovertext=_hover(rows, labels, lang, prefix),
        hoverinfo="text",
        name=esc(name) if name is not None else None,
        marker={"color": color},
        connector={"line": {"color": "#cbd5e1", "width": 1}},
    )


def _layout(fig: go.Figure, rows: Sequence[StageRow], n_stages: int, lang: str) -> go.Figure:
    # The right margin leaves room for the labels Plotly puts beside bars too short for them
    # (in a narrow column they were cut at the figure's edge). The stage names are wrapped
    # (STAGE_CHARS a line): whole on one line, «Акты подписаны, оплачено» took 2/5 of a phone's width.
    fig.update_layout(
        margin={"l": 10, "r": 80, "t": 30, "b": 10},
        height=max(280, 40 + 60 * n_stages),
        separators=separators(lang), autotypenumbers=STRICT,
        yaxis={"automargin": True, "tickmode": "array", "tickvals": [esc(r.stage) for r in rows],
               "ticktext": [wrap_label(r.stage, STAGE_CHARS, STAGE_LINES) for r in rows]},
        clickmode="event+select",
        dragmode=False,
    )
    return fig


def funnel_figure(rows: Sequence[StageRow], labels: Mapping[str, str] | None = None,
                  lang: str = "en") -> go.Figure:
    """The funnel: one bar per stage (deals that reached it), count and both conversions on each."""
    fig = go.Figure(_funnel_trace(rows, labels, lang))
    fig.update_layout(showlegend=False)
    return _layout(fig, rows, len(rows), lang)


def overlay_figure(rows_a: Sequence[StageRow], rows_b: Sequence[StageRow], name_a: str, name_b: str,
                   labels: Mapping[str, str] | None = None, lang: str = "en") -> go.Figure:
    """Two funnels side by side per stage (two periods or two segments); stages of ``rows_a`` lead."""
    by_stage = {r.stage: r for r in rows_b}
    aligned_b = [by_stage.get(r.stage) or StageRow(r.stage, r.position, 0, None, None, None, None, None)
                 for r in rows_a]
    fig = go.Figure([_funnel_trace(rows_a, labels, lang, name_a, COLORS[0]),
                     _funnel_trace(aligned_b, labels, lang, name_b, COLORS[1])])
    fig.update_traces(connector={"visible": False})  # two traces' connectors would cross each other
    fig.update_layout(funnelmode="group", showlegend=True, bargap=0.25,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    return _layout(fig, rows_a, round(1.7 * len(rows_a)), lang)


def cohort_points(table: CohortTable, position: int) -> list[dict[str, Any]]:
    """Per cohort: conversion to the stage at ``position`` (reached / deals), maturity and age."""
    points = []
    for c in table.cohorts:
        reached = c.reached.get(position)
        points.append({
            "key": c.key,
            "deals": c.deals,
            "conversion": (reached / c.deals) if c.deals and reached is not None else None,
            "share_open": c.share_open,
            "age_days": c.age_days,
        })
    return points


def cohort_figure(table: CohortTable, position: int, labels: Mapping[str, str] | None = None,
                  lang: str = "en") -> go.Figure:
    """Conversion to one stage by created cohort (line) with the share still open (bars, right axis).

    Young cohorts have many open deals, so their conversion is not final yet; the bars show how
    far from final each point is. The axis writes :data:`funnel.chart_layout.DATE_TICKS` cohorts at most
    (every other month stood upright and took half the figure's height on a phone); the hover names each.
    """
    points = cohort_points(table, position)
    keys = [fmt_cohort(p["key"], table.unit, lang) for p in points]
    conv_label, open_label = _label(labels, "conversion"), _label(labels, "share_open")
    hover = [f"{_label(labels, 'cohort')} {k}<br>{_label(labels, 'age')}: {fmt_int(p['age_days'], lang)}"
             f"<br>{_label(labels, 'deals')}: {fmt_int(p['deals'], lang)}"
             f"<br>{conv_label}: {fmt_pct(p['conversion'], lang)}<br>{open_label}: {fmt_pct(p['share_open'], lang)}"
             for k, p in zip(keys, points, strict=True)]
    # nothing open in any cohort (a web funnel's visitors, a closed history): no bars, no right axis;
    # the trace stays (hidden) so a click on the line is still curve 1
    any_open = any(p["share_open"] for p in points)
    fig = go.Figure([
        go.Bar(x=keys, y=[p["share_open"] for p in points], name=open_label, yaxis="y2", visible=any_open,
               marker={"color": "#cbd5e1"}, hovertext=hover, hoverinfo="text", opacity=0.6),
        go.Scatter(x=keys, y=[p["conversion"] for p in points], name=conv_label, mode="lines+markers",
                   line={"color": COLORS[0], "width": 3}, hovertext=hover, hoverinfo="text",
                   text=[fmt_pct(p["conversion"], lang) for p in points]),
    ])
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=360,
        xaxis={"type": "category", "title": _label(labels, "cohort"), "tickmode": "array",
               "tickvals": spaced(keys, DATE_TICKS), "ticktext": spaced(keys, DATE_TICKS), "tickangle": -30},
        separators=separators(lang), autotypenumbers=STRICT,
        yaxis={**percent_ticks([p["conversion"] for p in points], lang), "title": conv_label, "rangemode": "tozero"},
        yaxis2={**percent_ticks([], lang, n=4, top=1.0), "title": open_label, "overlaying": "y", "side": "right",
                "range": [0, 1], "showgrid": False, "visible": any_open},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        dragmode=False,
    )
    return fig


STAGE_TABLE_COLUMNS = ("stage", "reached", "step_conversion", "cumulative_conversion", "drop_off",
                       "lost_here", "open_here")


OUTCOME_COLUMNS = ("lost_here", "open_here")


def stage_table_columns(caps: Capabilities) -> tuple[str, ...]:
    """The stage table's columns for this dataset: a web funnel (visitors and steps) or aggregate
    counts record no lost or still-open deals, so those two columns are left out, not shown empty."""
    if caps.is_web_funnel or caps.aggregate:
        return tuple(c for c in STAGE_TABLE_COLUMNS if c not in OUTCOME_COLUMNS)
    return STAGE_TABLE_COLUMNS


def stage_table(rows: Sequence[StageRow], lang: str = "en") -> list[dict[str, str]]:
    """The funnel table as display strings ("—" for a missing value), one dict per stage."""
    return [{
        "stage": str(r.stage),
        "reached": fmt_int(r.reached, lang),
        "step_conversion": fmt_pct(r.step_conversion, lang),
        "cumulative_conversion": fmt_pct(r.cumulative_conversion, lang),
        "drop_off": fmt_int(r.drop_off, lang),
        "lost_here": fmt_int(r.lost_here, lang),
        "open_here": fmt_int(r.open_here, lang),
    } for r in rows]
