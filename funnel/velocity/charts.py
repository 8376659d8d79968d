"""Figures of the Velocity and Pipeline & Forecast pages: engine results -> plotly figures.

Pure functions (no streamlit, no queries). Pages pass the translated words in ``labels``; stage
names are user data and go through :func:`funnel.charts.esc` (plotly renders a subset of HTML).
Every figure's points are in a known order so a click can be mapped back to its deals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..chart_layout import DATE_TICKS, line_count, spaced, tick_step, wrap_label
from ..charts import esc
from ..figure_locale import STRICT, log_ticks, percent_ticks, separators, value_ticks
from ..formats import fmt_cohort, fmt_compact, fmt_date, fmt_int, fmt_num, fmt_pct

BLUE, ORANGE, GREY, RED, GREEN = "#2563eb", "#f59e0b", "#94a3b8", "#dc2626", "#16a34a"
# a stage's name on a row (the time-in-stage and stage-probability charts): characters a line, lines at most
# (16 a line: ~100 px of 12 px text, a third of a phone's figure; the hover has the whole name)
STAGE_CHARS, STAGE_LINES = 16, 2
# the time-in-stage chart's log axis: ticks at most (a phone's ~220 px plot holds about seven upright)
DAY_TICKS = 7
# the stage-probability chart (:func:`probability_height`): px of its axis and margins, of a bar, of a line
# of a stage's name
PROB_BASE_PX, PROB_BAR_PX, PROB_LINE_PX = 70, 14, 12
PROB_TEXT_SHIFT_PX = 5  # the share this far right of its whisker's cap
# the back-test's amounts over its bars: this size or hidden (the hover has them), never shrunk to ~5 px
BAR_TEXT_PX = 11


def _l(labels: Mapping[str, str], key: str) -> str:
    return esc(labels.get(key, key))


def _base(fig: go.Figure, height: int = 340, lang: str | None = None) -> go.Figure:
    """Layout shared by the figures: the legend above the plot (below it, it covered the rotated
    date labels of the time axes), axes that make room for their labels, plotly's own numbers in
    the language's signs and written out (no SI "k"/"M", which reads English on every screen)."""
    fig.update_layout(margin={"l": 10, "r": 20, "t": 30, "b": 10}, height=height, dragmode=False,
                      clickmode="event+select", autotypenumbers=STRICT,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"})
    fig.update_xaxes(automargin=True, exponentformat="none")
    fig.update_yaxes(automargin=True, exponentformat="none")
    if lang is not None:
        fig.update_layout(separators=separators(lang))
    return fig


def time_in_stage_figure(rows: Sequence, labels: Mapping[str, str], lang: str = "en",
                         unit_days: float = 1.0) -> go.Figure:
    """A box per stage from the finished stays' percentiles (whiskers p10–p90) and a red diamond at
    the median age of the deals still waiting there. Trace 0 = boxes, trace 1 = waiting deals.
    ``unit_days``: the length of the axis' unit in days (a web funnel's minutes; ``labels["days"]``
    names it)."""
    timed = [r for r in rows]
    names = [esc(r.stage) for r in timed]

    def x(values):
        return [None if v is None else v / unit_days for v in values]

    def few(r) -> bool:  # too few finished stays for a p90 (a row without the field: a p90 it had)
        return getattr(r, "p90_reason", None) is not None
    fig = go.Figure()
    fig.add_trace(go.Box(
        y=names, q1=x(r.p25_days for r in timed), median=x(r.median_days for r in timed),
        # a stage with too few finished stays for a p90 (cycle_rules): no whiskers, the box alone
        q3=x(r.p75_days for r in timed), lowerfence=x(r.p25_days if few(r) else r.p10_days for r in timed),
        upperfence=x(r.p75_days if few(r) else r.p90_days for r in timed), mean=x(r.mean_days for r in timed), orientation="h",
        name=_l(labels, "finished"), marker_color=BLUE, boxmean=True, hoverinfo="x+y"))
    fig.add_trace(go.Scatter(
        y=names, x=x(r.open_median_age for r in timed), mode="markers", name=_l(labels, "waiting"),
        marker={"symbol": "diamond", "color": RED, "size": [8 + min(r.open_n, 40) / 2 for r in timed]},
        showlegend=any(r.open_n for r in timed),  # nobody waiting (a web funnel): no legend entry for it
        hovertext=[f"{esc(r.stage)}<br>{_l(labels, 'waiting')}: {fmt_int(r.open_n, lang)}"
                   f"<br>{_l(labels, 'over_p90')}: {fmt_int(r.open_over_p90, lang)}" for r in timed],
        hoverinfo="text"))
    days = x(v for r in timed for v in (r.p25_days if few(r) else r.p10_days, r.p90_days, r.p75_days,
                                          r.median_days, r.open_median_age))
    fig.update_xaxes(title_text=_l(labels, "days"), type="log", **log_ticks(days, lang, most=DAY_TICKS))
    fig.update_yaxes(autorange="reversed", automargin=True, tickmode="array", tickvals=names,
                     ticktext=[wrap_label(r.stage, STAGE_CHARS, STAGE_LINES) for r in timed])
    return _base(fig, max(300, 60 + 45 * len(timed)), lang)


def cycle_trend_figure(trend: Sequence, labels: Mapping[str, str], lang: str = "en") -> go.Figure:
    """Median won cycle by created month (line) over the deals won (bars); months too young to judge
    are drawn hollow and grey. Trace 0 = bars (won deals), trace 1 = the median."""
    months = [fmt_cohort(m.month, "month", lang) for m in trend]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=months, y=[m.won for m in trend], name=_l(labels, "won"), yaxis="y2",
                         marker_color=["#e2e8f0" if m.too_young else "#cbd5e1" for m in trend], opacity=0.7))
    fig.add_trace(go.Scatter(
        x=months, y=[m.median_days for m in trend], mode="lines+markers", name=_l(labels, "median"),
        line={"color": BLUE},
        marker={"size": 9, "color": [GREY if m.too_young else BLUE for m in trend],
                "symbol": ["circle-open" if m.too_young else "circle" for m in trend]},
        hovertext=[f"{fmt_cohort(m.month, 'month', lang)}: {fmt_num(m.median_days, lang, 1)} · {_l(labels, 'won')} {fmt_int(m.won, lang)}"
                   + (f"<br>{_l(labels, 'young')}" if m.too_young else "") for m in trend],
        hoverinfo="text"))
    fig.update_layout(yaxis={"title": _l(labels, "days"), "rangemode": "tozero"},
                      yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero",
                              "title": _l(labels, "won"), **value_ticks([m.won for m in trend], lang, money=False)})
    ticks = spaced(months, WEEKLY_TICKS)  # «май 2025 г.» every month ran together on a phone
    fig.update_xaxes(tickangle=-30, tickmode="array", tickvals=ticks, ticktext=ticks)
    return _base(fig, lang=lang)


def snapshot_figure(rows: Sequence, labels: Mapping[str, str], lang: str = "en", priced: bool = True) -> go.Figure:
    """Open deals per stage on the date (bars, amount in the text unless the open deals carry no amount:
    ``priced`` False). One trace, one bar per row."""
    names = [_l(labels, "unknown") if r.stage is None
             else f"{esc(r.stage)} ({_l(labels, 'off_order')})" if r.off_order
             else esc(r.stage) for r in rows]
    money = [f" · {fmt_compact(r.amount, lang)}" if priced else "" for r in rows]
    fig = go.Figure(go.Bar(  # a stage the order leaves out (a paused status) and the unknown stage in grey: no steps
        y=names, x=[r.open_deals for r in rows], orientation="h",
        marker_color=[BLUE if r.position is not None else GREY for r in rows],
        text=[f"{fmt_int(r.open_deals, lang)}{m}" for r, m in zip(rows, money, strict=True)],
        textposition="auto", hoverinfo="text",
        hovertext=[f"{n}<br>{_l(labels, 'open')}: {fmt_int(r.open_deals, lang)}"
                   + (f"<br>{_l(labels, 'amount')}: {fmt_num(r.amount, lang)}" if priced else "")
                   for n, r in zip(names, rows, strict=True)]))
    fig.update_yaxes(autorange="reversed", automargin=True)
    if rows and max(r.open_deals for r in rows) <= 8:  # whole deals on the axis, not 0.5
        fig.update_xaxes(dtick=1)
    return _base(fig, max(260, 50 + 40 * len(rows)), lang)


def weekly_figure(frame: pd.DataFrame, labels: Mapping[str, str], lang: str = "en", amount: bool = False) -> go.Figure:
    """Stacked areas: what each stage held at the end of every week."""
    fig = go.Figure()
    value = "amount" if amount else "open_deals"
    fmt = (lambda x: fmt_compact(x, lang)) if amount else (lambda x: fmt_int(x, lang))
    for _position, part in frame.groupby("position", sort=True):
        name = esc(part["stage"].iloc[0])
        custom = [[fmt_date(w.date(), lang), fmt(v)] for w, v in zip(part["week"], part[value], strict=True)]
        # invisible markers: plotly selects a clicked point of a trace only where it has markers (lines alone are
        # never selected), and a click on a week opens that stage's deals then (pages/pipeline.py)
        fig.add_trace(go.Scatter(x=part["week"], y=part[value], stackgroup="one", mode="lines+markers", name=name,
                                 marker={"size": 8, "opacity": 0}, customdata=custom,
                                 hovertemplate=f"%{{customdata[0]}} · {name}: %{{customdata[1]}}<extra></extra>"))
    fig.update_yaxes(title_text=_l(labels, "amount" if amount else "open"))
    if amount and len(frame):  # the stack's height: every stage of a week together
        fig.update_yaxes(**value_ticks(frame.groupby("week")[value].sum(), lang))
    weeks = pd.Series(sorted(frame["week"].unique()))
    if len(weeks):  # month names in the page's language on the axis (plotly's own are English)
        firsts = weeks.groupby(weeks.dt.to_period("M")).first()
        picked = firsts.iloc[::month_tick_step(len(firsts))]
        fig.update_xaxes(tickvals=list(picked), ticktext=[fmt_cohort(w.date().replace(day=1), "month", lang)
                                                          for w in picked], tickangle=-30)
    return _base(fig, weekly_height(frame["position"].nunique()), lang=lang)


# the weekly chart (:func:`weekly_figure`): at most this many month ticks (:data:`funnel.chart_layout.DATE_TICKS`),
# the plot's own px and px a legend line (one stage a line on a phone)
WEEKLY_TICKS, WEEKLY_PLOT_PX, WEEKLY_LEGEND_PX = DATE_TICKS, 300, 20


def month_tick_step(months: int) -> int:
    """Every how many months the weekly chart (and the cycle-by-month one) writes one: no more than
    :data:`WEEKLY_TICKS` (18 months → every 5th: 1, 6, 11, 16, four ticks; 4 months → every one)."""
    return tick_step(months, WEEKLY_TICKS)


def weekly_height(stages: int) -> int:
    """The plot's :data:`WEEKLY_PLOT_PX` + :data:`WEEKLY_LEGEND_PX` a stage: the legend above it takes a
    line a stage on a phone (10 stages: 300 + 200 = 500 px), where it was a scroll box taller than the
    plot at the fixed 340 px; on a laptop the same legend takes two lines and the plot the rest."""
    return WEEKLY_PLOT_PX + WEEKLY_LEGEND_PX * max(1, stages)


WATERFALL_BARS = ("start", "new", "won", "lost", "end")
# the sign of each bar of the waterfall's trace 0 (the totals are absolute)
_SIGNS = {"new": 1, "changed": 1, "won": -1, "lost": -1, "removed": -1}


def waterfall_bars(bars: Mapping, amount: bool = False) -> tuple[str, ...]:
    """The keys of the waterfall's trace 0, in order: :data:`WATERFALL_BARS`, and for two snapshots
    (funnel/velocity/snapshots.py) «removed» before the end and, in amounts, «changed» after the new ones, so the
    bars add up to the end (start + new + changed − won − lost − removed = end). Without them the comparison's
    end bar was drawn at start + new − won − lost and labelled with the smaller end."""
    keys = list(WATERFALL_BARS)
    if bars.get("changed") is not None and amount:
        keys.insert(keys.index("new") + 1, "changed")
    if bars.get("removed") is not None:
        keys.insert(keys.index("end"), "removed")
    return tuple(keys)


def waterfall_figure(bars: Mapping, labels: Mapping[str, str], lang: str = "en", amount: bool = False) -> go.Figure:
    """start, + new, − won, − lost = end (trace 0, in :func:`waterfall_bars` order), and beside it
    the moves inside the pipeline (trace 1: forward, back) that change stages but not the total."""
    def v(key):
        bar = bars.get(key)
        return None if bar is None else (bar.amount if amount else bar.deals)

    fmt = (lambda x: fmt_compact(x, lang)) if amount else (lambda x: fmt_int(x, lang))
    keys = waterfall_bars(bars, amount)
    values = [v(k) * _SIGNS.get(k, 1) for k in keys]
    measure = ["absolute" if k == "start" else "total" if k == "end" else "relative" for k in keys]
    fig = go.Figure()
    fig.add_trace(go.Waterfall(
        x=[_l(labels, k) for k in keys], y=values, measure=measure,
        text=[fmt(abs(x)) if k != "changed" else fmt(x) for k, x in zip(keys, values, strict=True)],
        textposition="outside", connector={"line": {"color": GREY}},
        increasing={"marker": {"color": GREEN}}, decreasing={"marker": {"color": RED}},
        totals={"marker": {"color": BLUE}}, name=_l(labels, "pipeline")))
    moves = [v("forward"), v("back")]
    if None not in moves:
        fig.add_trace(go.Bar(x=[_l(labels, "forward"), _l(labels, "back")], y=moves, marker_color=[ORANGE, GREY],
                             text=[fmt(x) for x in moves], textposition="outside", name=_l(labels, "moves")))
    fig.update_layout(showlegend=False)
    if amount:
        running = [sum(values[:i + 1]) for i in range(len(values) - 1)]
        heights = [*running, values[-1], *(m for m in moves if m is not None)]
        fig.update_yaxes(**value_ticks(heights, lang))
    return _base(fig, lang=lang)


def probability_height(n_stages: int, lines: int) -> int:
    """The stage-probability chart with its stages as rows: :data:`PROB_BASE_PX` + for each stage
    :data:`PROB_BAR_PX` + :data:`PROB_LINE_PX` a line of its (longest) wrapped name. Ten stages of two
    lines: 70 + 10 × (14 + 24) = 450 px; four of one line: 70 + 4 × 26 = 174."""
    return PROB_BASE_PX + n_stages * (PROB_BAR_PX + PROB_LINE_PX * max(1, lines))


def probability_figure(rows: Sequence, key_stage: str | None, labels: Mapping[str, str], lang: str = "en") -> go.Figure:
    """P(won | reached stage) with its Wilson interval; the key stage in orange. The stages are rows
    (horizontal bars, the first on top) with their names wrapped (:data:`STAGE_CHARS` a line, the whole
    name in the hover) and the height from them (:func:`probability_height`): side by side, eleven names
    stood upright and were cut on a phone («Предоплата получ…»). One trace, one bar per shown row; an
    annotation a row writes its share right of the interval's top."""
    shown = [r for r in rows if r.p_won is not None]
    names = [esc(r.stage) for r in shown]
    ticks = [wrap_label(r.stage, STAGE_CHARS, STAGE_LINES) for r in shown]
    fig = go.Figure(go.Bar(
        y=names, x=[r.p_won for r in shown], orientation="h",
        marker_color=[ORANGE if r.stage == key_stage else BLUE for r in shown],
        error_x={"type": "data", "symmetric": False, "array": [r.ci_high - r.p_won for r in shown],
                 "arrayminus": [r.p_won - r.ci_low for r in shown], "color": GREY},
        hovertext=[f"{esc(r.stage)}: {fmt_pct(r.p_won, lang)} [{fmt_pct(r.ci_low, lang)}; {fmt_pct(r.ci_high, lang)}]"
                   f"<br>n = {fmt_int(r.n, lang)}" for r in shown], hoverinfo="text"))
    # the share right of the interval's whisker (over the bar's end, the whisker crossed it out)
    for name, r in zip(names, shown, strict=True):
        fig.add_annotation(x=r.ci_high, y=name, text=fmt_pct(r.p_won, lang, 0), showarrow=False, xanchor="left",
                           xshift=PROB_TEXT_SHIFT_PX, font={"size": 11, "color": GREY})
    fig.update_xaxes(range=[0, 1.2], **percent_ticks([], lang, top=1.0))
    fig.update_yaxes(autorange="reversed", tickmode="array", tickvals=names, ticktext=ticks)
    return _base(fig, probability_height(len(shown), max((line_count(t) for t in ticks), default=1)), lang)


def fan_figure(fan: Sequence[Mapping], plan: float | None, labels: Mapping[str, str], lang: str = "en") -> go.Figure:
    """Cumulative won amount from the start of the as-of month: the 10–90 % band and the median
    (Monte Carlo), and the plan as a line."""
    months = [fmt_cohort(f["month"], "month", lang) for f in fan]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=[f["p90"] for f in fan], mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=months, y=[f["p10"] for f in fan], mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor="rgba(37,99,235,0.2)", name=_l(labels, "range"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=months, y=[f["p50"] for f in fan], mode="lines+markers", line={"color": BLUE},
                             name=_l(labels, "median"),
                             hovertext=[f"{m}: {fmt_compact(f['p50'], lang)} ({fmt_compact(f['p10'], lang)} … "
                                        f"{fmt_compact(f['p90'], lang)})" for m, f in zip(months, fan, strict=True)],
                             hoverinfo="text"))
    if plan:
        fig.add_hline(y=plan, line_dash="dash", line_color=RED, annotation_text=_l(labels, "plan"))
    fig.update_yaxes(**value_ticks([*(f["p90"] for f in fan), plan], lang, n=8))
    return _base(fig, lang=lang)


def backtest_figure(rows: Sequence, labels: Mapping[str, str], lang: str = "en") -> go.Figure:
    """Forecast (trace 0) vs actual (trace 1) per back-tested month. The amounts over the bars are
    :data:`BAR_TEXT_PX` or hidden where a bar is too narrow for them (``uniformtext``: a phone's bars
    shrank «3,1 млн» to ~5 px); the hover writes each month's both amounts."""
    months = [fmt_cohort(r.month, "month", lang) for r in rows]
    hover = [f"{m}<br>{_l(labels, 'forecast')}: {fmt_compact(r.forecast, lang)}<br>{_l(labels, 'actual')}: "
             f"{fmt_compact(r.actual, lang)}" for m, r in zip(months, rows, strict=True)]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=months, y=[r.forecast for r in rows], name=_l(labels, "forecast"), marker_color=GREY,
                         text=[fmt_compact(r.forecast, lang) for r in rows], textposition="outside",
                         hovertext=hover, hoverinfo="text"))
    fig.add_trace(go.Bar(x=months, y=[r.actual for r in rows], name=_l(labels, "actual"), marker_color=BLUE,
                         text=[fmt_compact(r.actual, lang) for r in rows], textposition="outside",
                         hovertext=hover, hoverinfo="text"))
    fig.update_layout(barmode="group", uniformtext={"minsize": BAR_TEXT_PX, "mode": "hide"})
    fig.update_yaxes(**value_ticks([v for r in rows for v in (r.forecast, r.actual)], lang))
    return _base(fig, lang=lang)
