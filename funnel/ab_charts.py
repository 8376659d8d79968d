"""The A/B page's figure and table as pure functions of an ``analyze_dataset`` / ``analyze_counts`` result
(:class:`~funnel.stats.results.StepResult`, or its :class:`~funnel.ab_results.DatasetABResult`).

No streamlit, no queries: the page passes the translated words and the language. Group and stage
names are user data and are escaped for plotly with :func:`funnel.charts.esc`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from .ab_results import DatasetABResult
from .chart_layout import wrap_label
from .charts import esc
from .figure_locale import STRICT, percent_ticks, separators
from .formats import DASH, fmt_int, fmt_num, fmt_pct
from .money import with_currency
from .stats.results import GroupRate, MeansResult, RateComparison, StepCore, StepResult
from .stats.wording import chance

BAR_TEXT_SIZE = 12  # px: a share inside a bar is written this size or not at all, never shrunk
# the per-step chart (:func:`ab_figure`): from this many steps on, steps are rows; px of its parts (:func:`ab_height`);
# characters a line of a step's name holds
ROWS_FROM = 3
AB_BASE_PX, AB_LEGEND_PX, AB_BAR_PX, AB_STEP_GAP_PX, AB_COLUMNS_PX = 80, 20, 16, 16, 380
STEP_CHARS = 22
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#84cc16", "#ec4899")
# the table fits the page: the deciding numbers, clickable; the intervals and tests in DETAIL_COLUMNS
TABLE_COLUMNS = ("step", "group", "n", "conversions", "rate", "diff", "p_value_adjusted", "prob_beat_control")
DETAIL_COLUMNS = ("step", "group", "ci", "diff_ci", "lift", "p_value", "test")  # the long test name last


def steps_of(result: StepResult) -> Sequence[StepResult]:
    """The analysed steps shown side by side: every step of a whole-funnel result, else the one step."""
    steps = result.steps if isinstance(result, DatasetABResult) else None
    return steps if steps else [result]


def step_label(step: StepCore) -> str:
    """``"click → lead"`` (plain text; escape it for the target)."""
    if step.stage_from is None:
        return DASH
    return f"{step.stage_from} → {step.stage_to}"


def _error(entry: GroupRate) -> tuple[float, float]:
    rate, low, high = entry.rate, entry.ci_low, entry.ci_high
    if rate is None or low is None or high is None:
        return 0.0, 0.0
    return max(0.0, high - rate), max(0.0, rate - low)


def ab_height(n_steps: int, n_groups: int) -> int:
    """The per-step chart's height with its steps as rows (:data:`ROWS_FROM` steps or more):
    ``AB_BASE_PX`` (the axis, margins) + ``AB_LEGEND_PX`` a group (the legend above wraps to one group a
    line on a phone) + for each step ``AB_BAR_PX`` a group's bar + ``AB_STEP_GAP_PX``.
    10 steps × 5 groups: 80 + 5 × 20 + 10 × (5 × 16 + 16) = 1 140 px; below ``ROWS_FROM`` steps,
    ``AB_COLUMNS_PX``. A bar of ~14 px is too thin for its 12 px share, which is hidden, never shrunk
    (``uniformtext``): the hover and the table under the chart carry it."""
    if n_steps < ROWS_FROM:
        return AB_COLUMNS_PX
    return AB_BASE_PX + AB_LEGEND_PX * n_groups + n_steps * (AB_BAR_PX * n_groups + AB_STEP_GAP_PX)


def ab_figure(result: StepResult, labels: Mapping[str, str] | None = None, lang: str = "en") -> go.Figure:
    """Conversion per group at every step, with the (1 - alpha) Wilson interval as error bars.

    One trace per group (control first), one position per step; trace order = group order, point
    order = step order, so a click maps back to ``(group, step)``. From :data:`ROWS_FROM` steps on, the
    steps are rows (horizontal bars, names wrapped, :func:`ab_height` from the steps and groups): ten
    steps side by side left a 60 px plot under their rotated names on a phone."""
    labels = labels or {}
    steps = steps_of(result)
    x = [esc(step_label(s)) for s in steps]
    rows = len(steps) >= ROWS_FROM
    traces = []
    for k, name in enumerate(result.groups):
        entries = [s.groups.get(name) or GroupRate() for s in steps]
        errors = [_error(e) for e in entries]
        hover = [f"<b>{esc(name)}</b> · {esc(step_label(s))}<br>{esc(labels.get('rate', 'rate'))}: "
                 f"{fmt_pct(e.rate, lang)} ({fmt_int(e.conversions, lang)} / {fmt_int(e.n, lang)})"
                 f"<br>{esc(labels.get('ci', 'CI'))}: {fmt_pct(e.ci_low, lang)} – {fmt_pct(e.ci_high, lang)}"
                 for s, e in zip(steps, entries, strict=True)]
        rates = [e.rate for e in entries]
        error = {"type": "data", "symmetric": False, "array": [hi for hi, _ in errors],
                 "arrayminus": [lo for _, lo in errors], "thickness": 1.5, "width": 4 if rows else 6}
        traces.append(go.Bar(
            name=esc(name), **({"y": x, "x": rates, "orientation": "h", "error_x": error} if rows
                               else {"x": x, "y": rates, "error_y": error}),
            text=[fmt_pct(e.rate, lang) for e in entries], textposition="inside",
            insidetextanchor="start", textfont={"color": "white", "size": BAR_TEXT_SIZE},
            hovertext=hover, hoverinfo="text", marker={"color": PALETTE[k % len(PALETTE)]},
            cliponaxis=False,
        ))
    fig = go.Figure(traces)
    tops = [(e.rate or 0.0) + _error(e)[0] for s in steps for e in s.groups.values()]
    rate_axis = {**percent_ticks(tops, lang), "title": esc(labels.get("rate", "")), "rangemode": "tozero"}
    fig.update_layout(barmode="group", margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      height=ab_height(len(steps), len(result.groups)),
                      separators=separators(lang), autotypenumbers=STRICT,
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                      clickmode="event+select", dragmode=False,
                      uniformtext={"minsize": BAR_TEXT_SIZE, "mode": "hide"})  # readable or hidden (the hover has it)
    if rows:  # the first step on top, its groups in the legend's order; names wrapped, whole in the hover
        fig.update_layout(xaxis=rate_axis, bargap=0.15, bargroupgap=0.05,
                          yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": x, "automargin": True,
                                 "ticktext": [wrap_label(step_label(s), STEP_CHARS, 3) for s in steps]})
    else:
        fig.update_layout(yaxis=rate_axis,
                          xaxis={"tickmode": "array", "tickvals": x,
                                 "ticktext": [wrap_label(step_label(s), STEP_CHARS, 3) for s in steps]})
    return fig


def _pp(value: float | None, lang: str) -> str:
    """A difference of shares in points, signed, in the language's decimal sign: +2.10 / +2,10."""
    if value is None:
        return DASH
    return ("-" if value < 0 else "+") + fmt_num(abs(value) * 100, lang, 2)


def p_cell(value: float | None, lang: str = "en") -> str:
    """A p-value in the language's decimal sign, tiny ones as "< 0.001" / "< 0,001"."""
    if value is None:
        return DASH
    return "< " + fmt_num(0.001, lang, 3) if value < 0.001 else fmt_num(value, lang, 3)


def _interval(low: float | None, high: float | None, fmt: Callable[[float], str]) -> str:
    return DASH if low is None or high is None else f"{fmt(low)} … {fmt(high)}"


def ab_rows(result: StepResult, test_names: Mapping[str, str] | None = None,
            lang: str = "en") -> list[dict[str, Any]]:
    """The comparison table as display strings: one row per (step, group), control rows without a test.

    Each row also carries ``_step`` (index into :func:`steps_of`) and ``_group`` for drill-down."""
    rows = []
    for i, step in enumerate(steps_of(result)):
        for name, g in step.groups.items():
            found = step.comparisons.get(name)
            c = found or RateComparison()
            test = c.test or DASH
            rows.append({
                "step": step_label(step), "group": name, "n": fmt_int(g.n, lang),
                "conversions": fmt_int(g.conversions, lang), "rate": fmt_pct(g.rate, lang, 2),
                "ci": _interval(g.ci_low, g.ci_high, lambda v: fmt_pct(v, lang, 2)),
                "diff": _pp(c.diff, lang) if found else DASH,
                "diff_ci": _interval(c.diff_ci_low, c.diff_ci_high, lambda v: _pp(v, lang)),
                "lift": fmt_pct(c.rel_lift, lang) if found else DASH,
                "test": (test_names or {}).get(test, test) if found else DASH,
                "p_value": p_cell(c.p_value, lang) if found else DASH,
                "p_value_adjusted": p_cell(c.p_value_adjusted, lang) if found else DASH,
                "prob_beat_control": chance(c.prob_beat_control, lang) if found else DASH,
                "_step": i, "_group": name,
            })
    return rows


def _money(value: float | None, currency: str | None, lang: str, signed: bool = False) -> str:
    if value is None:
        return DASH
    text = with_currency(fmt_num(abs(value) if signed else value, lang), currency, lang)
    return (("-" if value < 0 else "+") + text) if signed and value != 0 else text


def revenue_rows(rev: MeansResult, currency: str | None, lang: str = "en") -> list[dict[str, str]]:
    """The revenue-per-lead table as display strings: counts grouped (1 423), amounts with the
    dataset's currency where it has one (24 809 ₽, $24,809), p-values in the language's decimal sign."""
    rows = []
    for name, g in rev.groups.items():
        c = rev.comparisons.get(name)
        rows.append({"group": name, "n": fmt_int(g.n, lang), "mean": _money(g.mean, currency, lang),
                     "diff": _money(c.diff, currency, lang, signed=True) if c else DASH,
                     "p_value_adjusted": p_cell(c.p_value_adjusted if c else None, lang),
                     "mann_whitney": p_cell(c.mann_whitney.p_value if c and c.mann_whitney else None, lang)})
    return rows
