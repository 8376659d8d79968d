"""The drill-down dialog: the deals behind any number on a page.

A page calls :func:`request` (from a click callback or a button) with a
:class:`~funnel.metrics.Selection` and a title, and :func:`show_pending` once at its end; the
dialog then lists the deals (sorted in the database, at most 10,000 rows), the total behind the
number, and offers CSV and XLSX downloads of every deal behind it, in the user's locale, through
:mod:`funnel.exports` (a spreadsheet never runs a cell as a formula).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from funnel import exports
from funnel.dataset import DatasetInfo
from funnel.formats import fmt_int, fmt_num
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.metrics.drill import COLUMNS, every_deal_behind
from funnel.spec import FunnelSpec

from . import cache
from .context import get_store
from .dates import grid_date
from .words import key as word_key

PENDING = "_drill_pending"


def request(selection: Selection, title: str, spec: FunnelSpec | None = None, note: str | None = None) -> None:
    """Ask for the dialog on this run (safe inside widget callbacks); ``spec`` overrides the page's; ``note`` is
    said under the total (what the number counts where that is not one deal each, which deals cannot be listed)."""
    st.session_state[PENDING] = (selection, title, spec, note)


def show_pending(info: DatasetInfo, spec: FunnelSpec, t) -> None:
    """Open the dialog if a number was clicked; call once at the end of a page."""
    pending = st.session_state.pop(PENDING, None)
    if pending is not None and info.capabilities.can("deals"):
        selection, title, override, note = pending
        st.dialog(title, width="large")(_body)(info, override or spec, selection, t, note)


def chart_labels(t) -> dict[str, str]:
    """The words the figures of funnel/charts.py print, in the page's language."""
    return {"reached": t("metrics.label.reached"), "step": t("pages.chart.step"),
            "cumulative": t("pages.chart.cumulative"), "cohort": t("metrics.label.cohort"),
            "age": t("metrics.label.cohort_age"), "deals": t("metrics.kpi.deals"),
            "conversion": t("pages.chart.conversion"), "share_open": t("metrics.label.share_open")}


def nonce(key: str) -> str:
    """The widget key of a clickable element; :func:`bump` gives it a new one (clears its selection)."""
    return f"{key}_{st.session_state.get(f'_nonce_{key}', 0)}"


def bump(key: str) -> None:
    st.session_state[f"_nonce_{key}"] = st.session_state.get(f"_nonce_{key}", 0) + 1


def _on_points(key: str, to_request) -> None:
    state = st.session_state.get(nonce(key)) or {}
    points = (state.get("selection") or {}).get("points") or []
    if points:
        point = points[0]
        index = point.get("point_number", point.get("point_index"))
        wanted = to_request(int(point.get("curve_number", 0)), int(index)) if index is not None else None
        if wanted is not None:
            request(*wanted)
        bump(key)


def clickable_chart(fig, key: str, to_request) -> None:
    """A plotly chart whose clicked point opens the dialog: ``to_request(curve, index)`` returns
    ``(selection, title[, spec])`` or None."""
    st.plotly_chart(fig, key=nonce(key), on_select=lambda: _on_points(key, to_request),
                    selection_mode="points", config={"displayModeBar": False})


# what a clicked table cell asks for: (selection, title[, spec[, note]]) or None for a cell that is no count of deals
CellDeals = Callable[[int, str], tuple[Any, ...] | None]


def selectable_table(frame: pd.DataFrame, key: str, deals_of: CellDeals, **kwargs) -> None:
    """``frame`` as a table whose clicked cell opens the deals ``deals_of(row, column)`` names (a row index
    into ``frame``, the column's header); ``kwargs`` go to ``st.dataframe`` (``hide_index`` defaults to True)."""
    def on_cell() -> None:
        cells = ((st.session_state.get(nonce(key)) or {}).get("selection") or {}).get("cells") or []
        bump(key)
        if cells and int(cells[0][0]) < len(frame):
            wanted = deals_of(int(cells[0][0]), str(cells[0][1]))
            if wanted is not None:
                request(*wanted)

    kwargs.setdefault("hide_index", True)
    st.dataframe(frame, key=nonce(key), on_select=on_cell, selection_mode="single-cell", **kwargs)


def funnel_click(info: DatasetInfo, rows, fig, key: str, t, spec: FunnelSpec | None = None) -> None:
    """The funnel chart: a click on a bar lists the deals that reached that stage."""
    def to_request(_curve: int, index: int):
        if not info.capabilities.can("deals") or index >= len(rows):
            return None
        row = rows[index]
        title = t(word_key(info, "pages.drill.title_reached"), stage=md_escape(row.stage))
        return Selection("reached", position=row.position), title, spec

    clickable_chart(fig, key, to_request)


def button(label: str, selection: Selection, title: str, key: str, info: DatasetInfo, **kwargs) -> None:
    """A small button that opens the dialog for ``selection`` (none for aggregate counts: no deals)."""
    if info.capabilities.can("deals"):
        st.button(label, key=key, on_click=request, args=(selection, title), type="tertiary", **kwargs)


def _date_columns(frame: pd.DataFrame, t, info: DatasetInfo) -> dict[str, Any]:
    """Dates in the deal list as the language writes them, not ISO."""
    fmt = grid_date(t.lang)
    return {t(word_key(info, f"metrics.column.{c}")): st.column_config.DatetimeColumn(format=fmt)
            for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])}


def _headers(t, columns, info: DatasetInfo) -> dict[str, str]:
    return {c: t(word_key(info, f"metrics.column.{c}")) for c in columns}


def _listed(column: str, info: DatasetInfo) -> bool:
    """Whether a deal list has ``column``: not when the file never fills it (no variant in a CRM export, no amount in a
    lead list); a web funnel's list is cut to its visitors' columns by its rows instead (:func:`_status`)."""
    return info.capabilities.lists(column)


def _status(frame: pd.DataFrame, t, info: DatasetInfo) -> pd.DataFrame:
    """Statuses in words; a web funnel's list keeps only the columns a visitor has (no deal name,
    amount, manager or lost reason: all empty there), a deal list no column no deal of the file fills."""
    caps = info.capabilities
    if caps.is_web_funnel:
        frame = frame[[c for c in frame.columns if frame[c].notna().any()]]
    else:
        frame = frame[[c for c in frame.columns if _listed(c, info)]]
    if "status" in frame:
        frame = frame.copy()
        frame["status"] = frame["status"].map(lambda s: t(word_key(info, f"pages.status.{s}")) if isinstance(s, str) else s)
    return frame


def _amounts(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Amounts as the reader's language writes them (12 500,5 in Russian; the grid wrote 12500.5 in every
    language: survey 31); the list is sorted by the picker above it, the download keeps the numbers."""
    if "amount" not in frame or not pd.api.types.is_numeric_dtype(frame["amount"]):
        return frame
    frame = frame.copy()
    frame["amount"] = [None if pd.isna(v) else fmt_num(v, lang, 0 if float(v).is_integer() else 2)
                       for v in frame["amount"]]
    return frame


def _body(info: DatasetInfo, spec: FunnelSpec, selection: Selection, t, note: str | None = None) -> None:
    c1, c2 = st.columns([3, 1])
    # a column the list leaves out is no order to sort it by
    sort = c1.selectbox(t("pages.drill.sort"), [c for c in COLUMNS if _listed(c, info)], key="drill_sort",
                        format_func=lambda c: t(word_key(info, f"metrics.column.{c}")))
    descending = c2.toggle(t("pages.drill.descending"), key="drill_desc")
    result = cache.drill(info.id, info.version, spec, selection, sort, descending)
    if result.reason:
        st.info(t(result.reason))
        return
    st.markdown(t(word_key(info, "pages.drill.total"), n=result.total))
    if note:
        st.caption(note)
    if result.truncated:
        st.caption(t(word_key(info, "metrics.label.drill_truncated"), shown=fmt_int(len(result.frame), t.lang),
                     n=result.total))
    shown = _amounts(_status(result.frame, t, info), t.lang)
    frame = shown.rename(columns=_headers(t, shown.columns, info))
    columns = _date_columns(shown, t, info)
    if "amount" in shown:  # written as text (_amounts), aligned as a number
        columns[t(word_key(info, "metrics.column.amount"))] = st.column_config.TextColumn(alignment="right")
    # a short list as tall as its rows (a header and 35 px a row), a long one scrolls in 420 px
    st.dataframe(frame, hide_index=True, key="drill_table", height=min(420, 38 + 35 * len(frame)), placeholder="—",
                 column_config=columns)
    if result.truncated:
        st.caption(t(word_key(info, "hardening.export_all"), n=fmt_int(result.total, t.lang)))
    d1, d2 = st.columns(2)
    name = f"deals_{info.id}_{selection.kind}"
    every = _every_deal(info, spec, selection, sort, descending, t)
    d1.download_button(t("pages.drill.csv"), lambda: exports.to_csv(every(), t.lang), file_name=f"{name}.csv",
                       mime="text/csv", key="drill_csv", on_click="ignore")
    d2.download_button(t("pages.drill.xlsx"), lambda: exports.to_xlsx(every(), t("exports.sheet.deals")), file_name=f"{name}.xlsx",
                       key="drill_xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore")


def _every_deal(info: DatasetInfo, spec: FunnelSpec, selection: Selection, sort, descending, t):
    """Every deal behind the number, as the dialog shows them: built when a download is clicked
    (Streamlit runs it on another thread, so the store is taken now)."""
    store = get_store()

    def frame() -> pd.DataFrame:
        with store.connect(info) as con:
            rows = every_deal_behind(con, info, spec, selection, sort, descending)
        rows = _status(rows, t, info)
        return rows.rename(columns=_headers(t, rows.columns, info))

    return frame
