"""The shared filters: period, pipeline, manager / source / variant / extra columns, view conventions.

Every choice lives in the URL query params, so a copied link opens the same view:

=============  ==============================================================================
``period``     ``this_month`` | ``last_quarter`` | ``last_12m`` | ``custom`` (absent = all time)
``from/to``    ISO dates of a custom period (inclusive)
``date``       ``closed`` to filter by closed date (absent = created date)
``pipeline``   pipeline name (absent = the pipeline with most deals)
``f_<col>``    repeated values of a filter column (``f_manager``, ``f_x_region``); empty = no value
``closed``     ``1`` = closed deals only;   ``wr``: ``all`` = win rate won / all deals
=============  ==============================================================================

The URL is the truth: before a widget is drawn its state is set from the URL; a widget's change
writes the URL (callbacks run before the script). Streamlit drops query params when the user
switches pages, so the last params are kept in the session and written back when they vanish.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.markdown_escape import md_escape
from funnel.metrics.periods import PRESETS, period_range
from funnel.metrics.probability import no_lost_recorded
from funnel.sample_datasets import display_name
from funnel.schema import GROUPABLE_FIELDS
from funnel.spec import FunnelSpec, normalize_filters

from . import cache
from .dates import input_date
from .urlstate import sync

BASE_COLUMNS = ("manager", "source", "variant")
NONE_TOKEN = ""  # "no value" in the URL
PREFIX = "f_"
SCALAR_PARAMS = ("period", "from", "to", "date", "pipeline", "closed", "wr")
REMEMBERED = "_filters_url"


# -- pure: params -> spec --------------------------------------------------------------------
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)  # dates a link may name (beyond: a typo or an attack)


def _iso(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is None or EARLIEST <= day <= LATEST else None


def data_today(info: DatasetInfo) -> date:
    """The day presets count back from: the dataset's latest date (today's date without dates)."""
    return info.capabilities.date_max or date.today()


def filter_columns(info: DatasetInfo) -> list[str]:
    """Columns offered as filters: manager, source, variant, the currency when the deals are in several
    (money is shown for one currency at a time), then the extra ``x_`` ones."""
    caps = info.capabilities
    if caps.aggregate:
        return [caps.group_column] if caps.group_column in GROUPABLE_FIELDS else []
    currency = ["currency"] if len(caps.currencies) > 1 else []
    return [*BASE_COLUMNS, *currency, *(c for c in info.extra_columns if c.startswith("x_"))]


def spec_from_params(params: Mapping[str, list[str]], info: DatasetInfo, today: date) -> FunnelSpec:
    """The spec a set of query params means (unknown columns and bad dates are ignored)."""
    return read_params(params, info, today)[0]


def read_params(params: Mapping[str, list[str]], info: DatasetInfo,
                today: date) -> tuple[FunnelSpec, list[tuple[str, dict[str, object]]]]:
    """The spec the query params mean and the notes on what was not usable in them
    (``(catalog key, params)``: a bad period, a date that is no date or out of range, a reversed
    range, an unknown pipeline, an unknown view value). A bad value falls back to its default."""
    one = {k: (v[-1] if v else None) for k, v in params.items()}
    notes: list[tuple[str, dict[str, object]]] = []
    preset = one.get("period") or "all"
    if preset not in PRESETS:
        notes.append(("audit.url.bad_value", {"param": "period", "value": preset}))
        preset = "all"
    start = end = None
    if preset == "custom":
        start, end = _iso(one.get("from")), _iso(one.get("to"))
        for name, parsed in (("from", start), ("to", end)):
            if parsed is None:
                notes.append(("audit.url.bad_date", {"param": name, "value": one.get(name) or ""}))
        if start is None or end is None:
            preset, start, end = "all", None, None
        elif start > end:
            notes.append(("audit.url.reversed", {"date_from": start, "date_to": end}))  # dates: t() writes them
            start, end = end, start
    date_from, date_to = period_range(preset, today, start, end)
    for name, allowed in (("date", ("created", "closed")), ("closed", ("1",)), ("wr", ("all", "closed"))):
        if one.get(name) is not None and one[name] not in allowed:
            notes.append(("audit.url.bad_value", {"param": name, "value": one[name]}))
    if one.get("pipeline") is not None and one["pipeline"] not in info.pipelines:
        notes.append(("audit.url.bad_value", {"param": "pipeline", "value": one["pipeline"]}))
    filters = {}
    for column in filter_columns(info):
        values = params.get(PREFIX + column)
        if values:
            filters[column] = [None if v == NONE_TOKEN else v for v in values]
    pipeline = one.get("pipeline")
    return FunnelSpec(
        pipeline=pipeline if pipeline in info.pipelines else None,
        date_field="closed" if one.get("date") == "closed" else "created",
        date_from=date_from, date_to=date_to, filters=normalize_filters(filters),
        closed_only=one.get("closed") == "1",
    ), notes


# -- the URL ---------------------------------------------------------------------------------
def _params() -> dict[str, list[str]]:
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp.keys() if k in SCALAR_PARAMS or k.startswith(PREFIX)}


def _set(name: str, value: str | list[str] | None) -> None:
    if value is None or value == [] or value == "":
        if name in st.query_params:
            del st.query_params[name]
    else:
        st.query_params[name] = value
    st.session_state[REMEMBERED] = _params()


def current_spec(info: DatasetInfo) -> FunnelSpec:
    """The spec of the current URL for ``info`` (what every page computes)."""
    return spec_from_params(_params(), info, data_today(info))


def url_notes(info: DatasetInfo, t) -> list[str]:
    """What the link asked for that could not be used, in words (pages show it above the numbers)."""
    return [t(key, **{k: (md_escape(v) if k in ("param", "value") else v) for k, v in params.items()})
            for key, params in read_params(_params(), info, data_today(info))[1]]


def win_rate_mode() -> str:
    """``"closed"``: won / (won + lost) (default); ``"all"``: won / all deals."""
    return "all" if st.query_params.get("wr") == "all" else "closed"


def set_view(closed_only: bool | None = None, win_rate: str | None = None) -> None:
    """Change the denominator conventions from a page widget (same URL params as the sidebar)."""
    if closed_only is not None:
        _set("closed", "1" if closed_only else None)
    if win_rate is not None:
        _set("wr", "all" if win_rate == "all" else None)


def _restore(info: DatasetInfo) -> None:
    """Write the session's params back after a page switch dropped them; forget them on a new dataset."""
    previous = st.session_state.get("_filters_ds")
    st.session_state["_filters_ds"] = info.id
    if previous is not None and previous != info.id:
        old = st.session_state.get(REMEMBERED, {})
        st.session_state[REMEMBERED] = {k: v for k, v in old.items() if k in SCALAR_PARAMS and k != "pipeline"}
        for k in list(st.query_params.keys()):
            if k.startswith(PREFIX) or k == "pipeline":
                del st.query_params[k]
    remembered = st.session_state.get(REMEMBERED) or {}
    if not _params() and remembered:
        for k, v in remembered.items():
            st.query_params[k] = v


# -- widgets ---------------------------------------------------------------------------------
def _on_period() -> None:
    preset = st.session_state["flt_period"]
    _set("period", None if preset == "all" else preset)
    if preset == "custom" and "from" not in st.query_params:
        start, end = period_range("last_12m", st.session_state.get("_data_today") or date.today())
        _set("from", start.isoformat())
        _set("to", end.isoformat())
    if preset != "custom":
        _set("from", None)
        _set("to", None)


def _on_range(key: str) -> None:
    value = st.session_state[key]
    if isinstance(value, tuple | list) and len(value) == 2:
        _set("from", value[0].isoformat())
        _set("to", value[1].isoformat())


def _on_value(key: str, param: str, default: Any, encode) -> None:
    value = st.session_state[key]
    _set(param, None if value == default else encode(value))


def _on_column(column: str) -> None:
    values = st.session_state[f"flt_{column}"]
    _set(PREFIX + column, [NONE_TOKEN if v is None else v for v in values])


def _period_widgets(info: DatasetInfo, spec: FunnelSpec, t) -> None:
    one = {k: v[-1] for k, v in _params().items() if v}
    preset = one.get("period") if one.get("period") in PRESETS else "all"
    st.session_state["_data_today"] = data_today(info)
    sync("flt_period", preset)
    st.sidebar.selectbox(t("pages.filter.period"), PRESETS, key="flt_period", on_change=_on_period,
                         format_func=lambda p: t(f"pages.period.{p}"))
    if preset == "custom":
        start, end = spec.date_from, spec.date_to
        if not (start and end):
            start, end = period_range("last_12m", data_today(info))
        key = f"flt_range_{start}_{end}"  # a new URL range is a new widget: no state to fight
        st.sidebar.date_input(t("pages.filter.range"), value=(start, end), key=key, on_change=_on_range,
                              args=(key,), format=input_date(t.lang))
    if preset != "all":
        field = "closed" if one.get("date") == "closed" else "created"
        sync("flt_date", field)
        st.sidebar.radio(t("pages.filter.date_field"), ("created", "closed"), key="flt_date", horizontal=True,
                         format_func=lambda f: t(f"pages.date_field.{f}"), on_change=_on_value,
                         args=("flt_date", "date", "created", str))


def _pipeline_widget(info: DatasetInfo, spec: FunnelSpec, t) -> str | None:
    default = cache.pipeline_of(info.id, info.version, spec.replace(pipeline=None))
    pipelines = info.pipelines
    if len(pipelines) < 2:
        return default
    current = spec.pipeline or default
    sync("flt_pipeline", current if current in pipelines else pipelines[0])
    st.sidebar.selectbox(t("pages.filter.pipeline"), pipelines, key="flt_pipeline",
                         on_change=_on_value, args=("flt_pipeline", "pipeline", default, str))
    return current


def _column_label(info: DatasetInfo, column: str, t) -> str:
    extra = info.extra_columns.get(column)
    return extra if extra else t(f"metrics.column.{column}")


def _column_widget(info: DatasetInfo, spec: FunnelSpec, pipeline: str | None, column: str, t, where) -> None:
    if info.capabilities.aggregate:
        options: list[str | None] | None = list(info.capabilities.groups)
    else:
        options = cache.group_values(info.id, info.version, pipeline, column)
    if not options or all(v is None for v in options):
        return
    chosen = [v for v in spec.filter_dict.get(column, []) if v in options]
    sync(f"flt_{column}", chosen)
    where.multiselect(md_escape(_column_label(info, column, t)), options, key=f"flt_{column}",
                      format_func=lambda v: t("pages.filter.no_value") if v is None else str(v),
                      placeholder=t("pages.filter.any"), on_change=_on_column, args=(column,), select_all=False)


def sidebar_filters(info: DatasetInfo | None, t) -> None:
    """Draw the filters in the sidebar (called by app.py after the dataset picker)."""
    if info is None:
        return
    _restore(info)
    spec = current_spec(info)
    st.sidebar.subheader(t("pages.filter.title"))
    if info.capabilities.can("dates"):
        _period_widgets(info, spec, t)
    pipeline = _pipeline_widget(info, spec, t)
    columns = filter_columns(info)
    base = [c for c in columns if not c.startswith("x_")]
    extra = [c for c in columns if c.startswith("x_")]
    for column in base:
        _column_widget(info, spec, pipeline, column, t, st.sidebar)
    if extra:
        # drawn only while open (opening it reruns the page once): closed, its lists cost every
        # rerun of every page their elements; a filter set in them stays in the URL and applies
        more = st.sidebar.expander(t("pages.filter.more"), key="flt_more", on_change="rerun")
        if more.open:
            with more:
                for column in extra:
                    _column_widget(info, spec, pipeline, column, t, st)
    if info.capabilities.can("outcomes") and not info.capabilities.is_web_funnel:
        sync("flt_closed", spec.closed_only)
        st.sidebar.toggle(t("metrics.view.closed_only"), key="flt_closed", on_change=_on_value,
                          args=("flt_closed", "closed", False, lambda v: "1"))
    st.session_state[REMEMBERED] = _params()


# -- captions: what the numbers on screen are about ------------------------------------------
def scope_caption(info: DatasetInfo, spec: FunnelSpec, t) -> str:
    """"Dataset · pipeline · period · filters" in words, printed above the numbers."""
    parts = [md_escape(display_name(info.name, t.lang))]
    pipeline = spec.pipeline if spec.pipeline is not None else cache.pipeline_of(info.id, info.version, spec)
    if len(info.pipelines) > 1 or pipeline:
        parts.append(t("pages.scope.pipeline", name=md_escape(pipeline) if pipeline else t("ui.pipeline.default")))
    if spec.date_from or spec.date_to:
        parts.append(t(f"pages.scope.period_{spec.date_field}", date_from=spec.date_from or "…",
                       date_to=spec.date_to or "…"))
    elif info.capabilities.can("dates"):
        parts.append(t("pages.period.all"))
    caps = info.capabilities
    if caps.date_min and caps.date_max:
        parts.append(t("audit.data_range", date_from=caps.date_min, date_to=caps.date_max))
    for column, values in spec.filters:
        shown = ", ".join(t("pages.filter.no_value") if v is None else md_escape(v) for v in values)
        parts.append(f"{md_escape(_column_label(info, column, t))}: {shown}")
    return " · ".join(parts)


def view_caption(spec: FunnelSpec, t, info: DatasetInfo | None = None) -> str:
    """Which denominators the rates on screen use (always printed next to them)."""
    if info is not None and info.capabilities.aggregate:  # an ad report's visitors are no stages' deals
        return t("visitors49.view_counts" if info.capabilities.counts_visitors else "pages.view.counts")
    if info is not None and info.capabilities.is_web_funnel:
        return t("audit.view.web")
    view = t("metrics.view.closed_only") if spec.closed_only else t("metrics.view.all_deals")
    # no lost deal recorded: the pages show won / all (the Overview's tile said «of all» over «won / (won + lost)»)
    all_deals = win_rate_mode() == "all" or info is not None and no_lost_recorded(info)
    rate = t("pages.view.wr_all") if all_deals else t("pages.view.wr_closed")
    return t("pages.view.caption", view=view, win_rate=rate)
