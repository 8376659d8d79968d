"""Audit figures as pure functions (no streamlit): the manager x step heatmap, per-segment funnels.

Names are escaped with :func:`funnel.charts.esc` (plotly renders a subset of HTML).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..chart_layout import line_count, wrap_label
from ..charts import esc
from ..figure_locale import STRICT, separators, value_ticks
from ..formats import DASH, fmt_int, fmt_p, fmt_pct
from ..metrics.stages import StageRow
from .gaps import GapCell

FLAG = "◆"
COLORBAR_TICKS = (-0.4, -0.2, 0.0, 0.2, 0.4)  # the colour scale spans zmin..zmax = -0.4..0.4
# the heatmap (:func:`heatmap_figure`): px of a row, of a line of the column labels, of the colour bar and
# margins; cell text size; characters a line of a wrapped label holds (11 px text: ~6 px a character)
HEAT_ROW_PX, HEAT_LINE_PX, HEAT_BASE, HEAT_TEXT_PX = 48, 14, 110, 11
STEP_ROW_CHARS, NAME_ROW_CHARS, STEP_COLUMN_CHARS, NAME_COLUMN_CHARS = 20, 16, 14, 12
# the segments' small multiples (:func:`small_multiples`): panels to a row, px a stage, px of a panel's title and
# ticks, px of the figure's margins, characters of a title's line
PANEL_COLUMNS, PANEL_STAGE_PX, PANEL_EXTRA_PX, PANEL_MARGIN_PX, PANEL_TITLE_CHARS = 2, 22, 70, 50, 22


def step_label(cell: GapCell) -> str:
    return f"{cell.index + 1}. {cell.stage} → {cell.stage_to}"


def cell_text(cell: GapCell, lang: str, sep: str = " ") -> str:
    """``36% ◆`` for a flagged cell, ``40% (n 5)`` for one with too few deals to test, the rate
    alone otherwise, a dash without deals. ``sep`` goes before the ``(n …)``: the heatmap puts it on a
    line of its own (``<br>``), so a narrow cell holds it."""
    if cell.rate is None:
        return DASH
    if not cell.tested:
        return f"{fmt_pct(cell.rate, lang, 0)}{sep}(n {fmt_int(cell.n, lang)})"
    return fmt_pct(cell.rate, lang, 0) + (f" {FLAG}" if cell.flagged else "")


def steps_on_rows(n_managers: int, n_steps: int) -> bool:
    """The heatmap's longer side goes down the page, where a phone has room: steps are rows when there
    are more of them than managers (10 steps, 6 managers: 6 columns of ~37 px on a 390 px phone, not 10
    of ~20 px), else managers are rows, as they were."""
    return n_steps > n_managers


def heatmap_height(n_rows: int, column_label_lines: int) -> int:
    """``HEAT_BASE`` (the colour bar under the grid and the margins) + ``HEAT_ROW_PX`` a row (a row's
    label wraps to 3 lines of 11 px) + ``HEAT_LINE_PX`` a line of the column labels above the grid:
    10 step rows under managers' names of 2 lines: 110 + 10 × 48 + 2 × 14 = 618 px."""
    return HEAT_BASE + HEAT_ROW_PX * n_rows + HEAT_LINE_PX * column_label_lines


def heatmap_figure(rows: Sequence[tuple[str, Sequence[GapCell]]], labels: Mapping[str, str],
                   lang: str = "en") -> go.Figure:
    """Managers x steps, colour = pass rate minus the rest of the team; managers are the rows, or the
    columns when there are more steps than managers (:func:`steps_on_rows`). Labels are wrapped, horizontal
    (:func:`funnel.chart_layout.wrap_label`), the columns' turned upright where they do not fit side by side
(a phone); the full names are in the hover. Cell text is
    ``HEAT_TEXT_PX`` whatever the cell's size (plotly shrank it to ~5 px on a laptop).

    Clickable: plotly selects no heatmap cell on a click, so an invisible square marker sits on every
    cell (trace 1, ``customdata`` = [manager row, step], whichever way the grid is drawn) and carries the
    hover text; with ``hoverdistance=-1`` a click anywhere in a cell picks its marker (the nearest one)."""
    steps = [step_label(c) for c in rows[0][1]] if rows else []
    z, text, hover = [], [], []
    for _name, cells in rows:
        z.append([None if c.diff is None else c.diff for c in cells])
        text.append([cell_text(c, lang, "<br>") for c in cells])
        hover.append([f"{labels['rate']}: {fmt_pct(c.rate, lang)}<br>{labels['team']}: {fmt_pct(c.rest_rate, lang)}"
                      f"<br>{labels['n']}: {fmt_int(c.n, lang)}<br>p (Holm): "
                      f"{fmt_p(c.p_value_adjusted, lang)}" for c in cells])
    steps_esc, names_esc = [esc(s) for s in steps], [esc(n) for n, _ in rows]
    turned = steps_on_rows(len(rows), len(steps))
    if turned:  # steps down the page, managers across
        xs, ys = names_esc, steps_esc
        ticks_x = [wrap_label(n, NAME_COLUMN_CHARS, 2) for n, _ in rows]
        ticks_y = [wrap_label(s, STEP_ROW_CHARS, 3) for s in steps]
        z, text = [list(col) for col in zip(*z, strict=True)], [list(col) for col in zip(*text, strict=True)]
    else:
        xs, ys = steps_esc, names_esc
        ticks_x = [wrap_label(s, STEP_COLUMN_CHARS, 4) for s in steps]
        ticks_y = [wrap_label(n, NAME_ROW_CHARS, 2) for n, _ in rows]
    fig = go.Figure(go.Heatmap(
        z=z, x=xs, y=ys, text=text, texttemplate="%{text}", textfont={"size": HEAT_TEXT_PX}, hoverinfo="skip",
        colorscale="RdBu", zmid=0, zmin=-0.4, zmax=0.4, xgap=1, ygap=1,
        # the title right of the bar: «side: top» drew it over the bar's middle (plotly reserves no height for it
        # with a container-anchored bar; «vs team», «对比团队» crossed the 0 % stripe, session 49)
        colorbar={"title": {"text": esc(labels["diff"]), "side": "right"}, "tickmode": "array",
                  "tickvals": COLORBAR_TICKS, "ticktext": [fmt_pct(v, lang, 0) for v in COLORBAR_TICKS],
                  "orientation": "h", "thickness": 12, "len": 0.8, "lenmode": "fraction", "x": 0, "xanchor": "left",
                  "yref": "container", "y": 0, "yanchor": "bottom", "ypad": 8}))
    positions = [(i, j) for i in range(len(rows)) for j in range(len(steps))]
    fig.add_trace(go.Scatter(
        x=[(names_esc[i] if turned else steps_esc[j]) for i, j in positions],
        y=[(steps_esc[j] if turned else names_esc[i]) for i, j in positions],
        customdata=[[i, j] for i, j in positions],
        hovertext=[f"{names_esc[i]} · {steps_esc[j]}<br>{hover[i][j]}" for i, j in positions], hoverinfo="text",
        mode="markers", marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0)"}, showlegend=False))
    header = max((line_count(x) for x in ticks_x), default=1)
    fig.update_layout(separators=separators(lang), autotypenumbers=STRICT,
                      height=heatmap_height(len(ys), header),
                      margin={"l": 10, "r": 10, "t": 10, "b": HEAT_BASE - 40}, hoverdistance=-1,
                      xaxis={"side": "top", "autotickangles": [0, 90], "tickmode": "array", "tickvals": xs, "ticktext": ticks_x,
                             "tickfont": {"size": 11}, "automargin": True},
                      yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": ys, "ticktext": ticks_y,
                             "tickfont": {"size": 11}, "automargin": True})
    return fig


def heatmap_cell(point: Mapping) -> tuple[int, int] | None:
    """(row, column) of a clicked point of :func:`heatmap_figure` (its marker's ``customdata``)."""
    data = point.get("customdata")
    if point.get("curve_number") != 1 or not isinstance(data, Sequence) or len(data) != 2:
        return None
    return int(data[0]), int(data[1])


def small_multiples_height(n_rows: int, n_stages: int) -> int:
    """A row of panels: ``PANEL_STAGE_PX`` a stage (a bar of 9 px text and its gap) + ``PANEL_EXTRA_PX``
    (the panel's title and its x ticks); the whole + ``PANEL_MARGIN_PX``. Eleven stages in 3 rows:
    3 × (11 × 22 + 70) + 50 = 986 px."""
    return n_rows * (PANEL_STAGE_PX * max(1, n_stages) + PANEL_EXTRA_PX) + PANEL_MARGIN_PX


def small_multiples(funnels: Mapping[str, Sequence[StageRow]], labels: Mapping[str, str], lang: str = "en",
                    cols: int = PANEL_COLUMNS) -> go.Figure:
    """One small funnel (reached per stage, step conversion as text) per segment, ``cols`` to a row.

    Two to a row, not three: a figure is drawn at its column's width whatever the screen, and three
    panels on a 390 px phone wrote each panel's stage names over its neighbour's bars. The stage names
    are written once a row, left of its first panel (every panel has the same stages, in order); titles
    are wrapped to a panel's width; the height grows with the stages, so a bar stays ~20 px."""
    names = list(funnels)
    n_rows = max(1, -(-len(names) // cols))
    n_stages = max((len(rows) for rows in funnels.values()), default=1)
    height = small_multiples_height(n_rows, n_stages)
    fig = make_subplots(rows=n_rows, cols=cols, subplot_titles=[wrap_label(n, PANEL_TITLE_CHARS, 2) for n in names],
                        shared_yaxes=True, horizontal_spacing=0.08,
                        vertical_spacing=min(0.3, PANEL_EXTRA_PX / height) if n_rows > 1 else 0)
    for i, name in enumerate(names):
        rows = funnels[name]
        fig.add_trace(go.Bar(
            x=[r.reached for r in rows], y=[esc(r.stage) for r in rows], orientation="h", marker_color="#2563eb",
            text=[fmt_pct(r.step_conversion, lang, 0) for r in rows], textposition="auto", showlegend=False,
            textfont={"size": 10}, hovertemplate="%{y}: %{x}<extra>" + esc(labels["reached"]) + "</extra>"),
            row=i // cols + 1, col=i % cols + 1)
        # counts written by the language (5,000 / 5 000), not plotly's "5k"; three ticks fit a small panel
        fig.update_xaxes(**value_ticks([r.reached for r in rows], lang, n=3, money=False), row=i // cols + 1,
                         col=i % cols + 1)
    fig.update_xaxes(tickfont={"size": 9})
    fig.update_yaxes(autorange="reversed", tickfont={"size": 9})
    fig.update_yaxes(showticklabels=True, col=1)
    fig.update_annotations(font={"size": 12})  # the panels' titles
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, separators=separators(lang),
                      autotypenumbers=STRICT)
    return fig
