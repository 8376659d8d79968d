"""Audit figures as pure functions (no streamlit): the manager x step heatmap, per-segment funnels.

Names are escaped with :func:`funnel.charts.esc` (plotly renders a subset of HTML).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..charts import esc
from ..figure_locale import STRICT, separators, value_ticks
from ..formats import DASH, fmt_int, fmt_pct
from ..metrics.stages import StageRow
from .gaps import GapCell

FLAG = "◆"
COLORBAR_TICKS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # the colour scale spans zmin..zmax = -0.4..0.4
LABEL_PX_PER_CHAR = 3.3  # height a step label at -30° takes per character


def step_label(cell: GapCell) -> str:
    return f"{cell.index + 1}. {cell.stage} → {cell.stage_to}"


def cell_text(cell: GapCell, lang: str) -> str:
    """``36% ◆`` for a flagged cell, ``40% (n 5)`` for one with too few deals to test, the rate
    alone otherwise, a dash without deals."""
    if cell.rate is None:
        return DASH
    if not cell.tested:
        return f"{fmt_pct(cell.rate, lang, 0)} (n {fmt_int(cell.n, lang)})"
    return fmt_pct(cell.rate, lang, 0) + (f" {FLAG}" if cell.flagged else "")


def heatmap_figure(rows: Sequence[tuple[str, Sequence[GapCell]]], labels: Mapping[str, str],
                   lang: str = "en") -> go.Figure:
    """Managers (rows) x steps (columns), colour = pass rate minus the rest of the team.

    Clickable: plotly selects no heatmap cell on a click, so an invisible square marker sits on every
    cell (trace 1, ``customdata`` = [row, column]) and carries the hover text; with
    ``hoverdistance=-1`` a click anywhere in a cell picks its marker (the nearest one)."""
    steps = [step_label(c) for c in rows[0][1]] if rows else []
    z, text, hover = [], [], []
    for _name, cells in rows:
        z.append([None if c.diff is None else c.diff for c in cells])
        text.append([cell_text(c, lang) for c in cells])
        hover.append([f"{labels['rate']}: {fmt_pct(c.rate, lang)}<br>{labels['team']}: {fmt_pct(c.rest_rate, lang)}"
                      f"<br>{labels['n']}: {fmt_int(c.n, lang)}<br>p (Holm): "
                      f"{DASH if c.p_value_adjusted is None else f'{c.p_value_adjusted:.2g}'}" for c in cells])
    xs, ys = [esc(s) for s in steps], [esc(n) for n, _ in rows]
    fig = go.Figure(go.Heatmap(
        z=z, x=xs, y=ys, text=text, texttemplate="%{text}", hoverinfo="skip", colorscale="RdBu", zmid=0,
        zmin=-0.4, zmax=0.4, colorbar={"title": esc(labels["diff"]), "tickmode": "array", "tickvals": COLORBAR_TICKS,
                                       "ticktext": [fmt_pct(v, lang, 0) for v in COLORBAR_TICKS]}))
    positions = [(i, j) for i in range(len(rows)) for j in range(len(steps))]
    fig.add_trace(go.Scatter(
        x=[xs[j] for _, j in positions], y=[ys[i] for i, _ in positions], customdata=[[i, j] for i, j in positions],
        hovertext=[f"{ys[i]} · {xs[j]}<br>{hover[i][j]}" for i, j in positions], hoverinfo="text", mode="markers",
        marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0)"}, showlegend=False))
    # the step names sit above the grid at -30°: each character of the longest raises them ~3.3 px (12 px text,
    # sin 30°), room taken from the rows before (ERPNext's «5. Identifying Decision Makers → Perception Analysis»
    # left 3 managers' rows too thin to tell apart)
    label_room = round(LABEL_PX_PER_CHAR * max((len(s) for s in steps), default=0))
    fig.update_layout(separators=separators(lang), autotypenumbers=STRICT, height=120 + 42 * len(rows) + label_room,
                      margin={"l": 10, "r": 10, "t": 10, "b": 10}, hoverdistance=-1,
                      xaxis={"side": "top", "tickangle": -30}, yaxis={"autorange": "reversed"})
    return fig


def heatmap_cell(point: Mapping) -> tuple[int, int] | None:
    """(row, column) of a clicked point of :func:`heatmap_figure` (its marker's ``customdata``)."""
    data = point.get("customdata")
    if point.get("curve_number") != 1 or not isinstance(data, Sequence) or len(data) != 2:
        return None
    return int(data[0]), int(data[1])


def small_multiples(funnels: Mapping[str, Sequence[StageRow]], labels: Mapping[str, str], lang: str = "en",
                    cols: int = 3) -> go.Figure:
    """One small funnel (reached per stage, step conversion as text) per segment, side by side."""
    names = list(funnels)
    n_rows = max(1, -(-len(names) // cols))
    fig = make_subplots(rows=n_rows, cols=cols, subplot_titles=[esc(n) for n in names],
                        horizontal_spacing=0.12, vertical_spacing=0.12)
    for i, name in enumerate(names):
        rows = funnels[name]
        fig.add_trace(go.Bar(
            x=[r.reached for r in rows], y=[esc(r.stage) for r in rows], orientation="h", marker_color="#2563eb",
            text=[fmt_pct(r.step_conversion, lang, 0) for r in rows], textposition="auto", showlegend=False,
            hovertemplate="%{y}: %{x}<extra>" + esc(labels["reached"]) + "</extra>"), row=i // cols + 1, col=i % cols + 1)
        # counts written by the language (5,000 / 5 000), not plotly's "5k"; three ticks fit a small panel
        fig.update_xaxes(**value_ticks([r.reached for r in rows], lang, n=3, money=False), row=i // cols + 1,
                         col=i % cols + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=True, tickfont={"size": 9})
    fig.update_layout(height=260 * n_rows, margin={"l": 10, "r": 10, "t": 40, "b": 10}, separators=separators(lang), autotypenumbers=STRICT)
    return fig
