"""Streamlit glue of the Velocity and Pipeline & Forecast pages: cached engine calls, the as-of date
and the other view choices kept in the URL, and the plan remembered per dataset.

URL parameters (besides the shared filters of :mod:`ui.filters`):

==========  ===================================================================================
``asof``    ``YYYY-MM-DD``: "now" for every number (end of that day); absent = the dataset's latest
``wf_from`` / ``wf_to``  the waterfall's two dates (``YYYY-MM-DD``)
``plan``    the monthly plan (money); absent = the plan remembered for the dataset, if any
``pmonth``  ``YYYY-MM``: the plan month (absent = the as-of month)
==========  ===================================================================================

The plan is remembered per dataset in the browser session *and* in the URL (so a copied link
carries it); nothing is written to the store (a read-only deployment stays read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_cohort
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.spec import FunnelSpec
from funnel.velocity import backtest as bt
from funnel.velocity import cycle as cy
from funnel.velocity import forecast as fc
from funnel.velocity import pipeline as pl
from funnel.velocity import sales_velocity as sv
from funnel.velocity import time_in_stage as ts
from funnel.velocity.common import add_months, can_answer, end_of_day, export_hint_key, latest_timestamp

from . import context, drill, filters
from .cache import HASH
from .context import get_store
from .dates import input_date


def _info(dataset_id: int) -> DatasetInfo:
    return get_store().info(dataset_id)


@st.cache_data(show_spinner=False, max_entries=64)
def latest(dataset_id: int, version: int) -> datetime | None:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return latest_timestamp(con, info)


@st.cache_data(show_spinner=False, max_entries=64)
def capability(dataset_id: int, version: int, question: str):
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return can_answer(con, info, question)


ENGINE: dict[str, Callable[..., Any]] = {
    "time_in_stage": ts.time_in_stage,
    "cycle": cy.cycle,
    "sales_velocity": sv.sales_velocity,
    "snapshot": pl.snapshot,
    "weekly": pl.weekly,
    "waterfall": pl.waterfall,
    "backtest": bt.backtest,
    "forecast": lambda con, info, spec, as_of, plan, month: fc.forecast(con, info, spec, as_of, plan=plan,
                                                                        month=month),
}


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=256)
def compute(name: str, dataset_id: int, version: int, spec: FunnelSpec, *args):
    """``ENGINE[name](con, info, spec, *args)``, cached per dataset version, spec and arguments."""
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return ENGINE[name](con, info, spec, *args)


def page_head(title_key: str):
    """The head of both pages: ``(t, lang, info, spec, as_of)``; stops with a reason for aggregate
    counts or an empty dataset. The as-of date sits in the sidebar under the shared filters."""
    t, lang, info = context.page_start(title_key)
    spec = filters.current_spec(info)
    st.caption(filters.scope_caption(info, spec, t))
    if info.capabilities.aggregate:
        st.info(t("velocity.reason.counts"))
        st.stop()
    as_of = as_of_picker(info, t, st.sidebar)
    if as_of is None:
        st.info(t("metrics.reason.no_deals"))
        st.stop()
    return t, lang, info, spec, as_of


# -- URL state -------------------------------------------------------------------------------------
def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _set_date(param: str, key: str, default: date | None) -> None:
    value = st.session_state[key]
    if value is None or value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value.isoformat()


def as_of_picker(info: DatasetInfo, t, where=st) -> datetime | None:
    """The as-of date widget (URL ``asof``); returns the instant every number is computed at."""
    latest_ts = latest(info.id, info.version)
    if latest_ts is None:
        return None
    chosen = _iso(st.query_params.get("asof"))
    key = f"vel_asof_{chosen}"
    where.date_input(t("velocity.ui.as_of"), value=chosen or latest_ts.date(), key=key, format=input_date(t.lang),
                     max_value=latest_ts.date(), on_change=_set_date, args=("asof", key, latest_ts.date()),
                     help=t("velocity.ui.as_of_help", latest=latest_ts))
    return end_of_day(chosen) if chosen and chosen < latest_ts.date() else latest_ts


def date_pair(t, as_of: datetime, where=st) -> tuple[datetime, datetime]:
    """The waterfall's two dates (URL ``wf_from`` / ``wf_to``; default: the 30 days before as-of)."""
    default_to = as_of.date()
    default_from = default_to - timedelta(days=30)
    a = _iso(st.query_params.get("wf_from")) or default_from
    b = _iso(st.query_params.get("wf_to")) or default_to
    c1, c2 = where.columns(2)
    c1.date_input(t("velocity.ui.from"), value=a, key=f"wf_from_{a}", max_value=default_to, format=input_date(t.lang),
                  on_change=_set_date, args=("wf_from", f"wf_from_{a}", default_from))
    c2.date_input(t("velocity.ui.to"), value=b, key=f"wf_to_{b}", max_value=default_to, format=input_date(t.lang),
                  on_change=_set_date, args=("wf_to", f"wf_to_{b}", default_to))
    b_at = as_of if b == default_to else end_of_day(b)
    return end_of_day(a), b_at


PLANS = "_velocity_plans"


def plan_input(info: DatasetInfo, t, where=st) -> float | None:
    """The monthly plan: URL ``plan`` first, else what this session last typed for this dataset."""
    remembered = st.session_state.setdefault(PLANS, {})
    try:
        from_url = float(st.query_params.get("plan")) if st.query_params.get("plan") else None
    except ValueError:
        from_url = None
    value = from_url if from_url is not None else remembered.get(info.id)
    key = f"vel_plan_{info.id}_{value}"

    def _on_plan() -> None:
        typed = st.session_state[key]
        remembered[info.id] = typed
        if typed:
            st.query_params["plan"] = f"{typed:g}"
        else:
            st.query_params.pop("plan", None)

    typed = where.number_input(t("velocity.ui.plan"), min_value=0.0, value=value, step=10_000.0, key=key,
                               on_change=_on_plan, placeholder=t("velocity.ui.plan_placeholder"),
                               help=t("velocity.ui.plan_help"))
    if typed and from_url is None:
        remembered[info.id] = typed
    return typed or None


def plan_month(t, as_of: datetime, where=st) -> date:
    """The plan's month (URL ``pmonth``): the as-of month or one of the next five."""
    first = date(as_of.year, as_of.month, 1)
    options = [add_months(first, k) for k in range(6)]
    wanted = fc.parse_month(st.query_params.get("pmonth")) if st.query_params.get("pmonth") else None
    index = options.index(wanted) if wanted in options else 0
    chosen = where.selectbox(t("velocity.ui.month"), options, index=index, format_func=lambda d: fmt_cohort(d, "month", t.lang),
                             key=f"vel_pmonth_{index}")
    if chosen != options[index]:
        st.query_params["pmonth"] = chosen.strftime("%Y-%m")
        st.rerun()
    return chosen


def needs_history(info: DatasetInfo, t) -> bool:
    """Say plainly that this part needs a stage history and how to get it; True when it does."""
    cap = capability(info.id, info.version, "history")
    if cap.ok:
        return False
    st.warning(t(cap.reason))
    if cap.reason == "velocity.reason.no_history":
        st.caption(t(export_hint_key(info)))
    return True


def open_button(label: str, selection: Selection, title: str, key: str, info: DatasetInfo, where=st) -> None:
    """A drill button placed in ``where`` (a column)."""
    with where:
        drill.button(label, selection, title, key=key, info=info)


def previous_snapshot_picker(t) -> int | None:
    """Data page: "this file is a later snapshot of dataset ..." (optional): two snapshots instead of a
    stage history give the waterfall and the stage moves between them."""
    rows = [r for r in context.datasets() if context.info_of(r).capabilities.crm_deals]
    if not rows:
        return None
    names = {r["id"]: r["name"] for r in rows}
    return st.selectbox(t("velocity.ui.previous_snapshot"), [None, *names], key="import_previous",
                        format_func=lambda i: t("velocity.ui.previous_none") if i is None else f"{i} · {names[i]}",
                        help=t("velocity.ui.previous_help"))


def snapshot_comparison(info: DatasetInfo, spec: FunnelSpec):
    """``(previous DatasetInfo, Waterfall)`` against the dataset's linked previous snapshot, or None."""
    from funnel.errors import FunnelError
    from funnel.i18n import t
    from funnel.velocity.snapshots import previous_of

    from .errors import error_text

    previous = previous_of(info)
    if previous is None:
        return None
    try:  # the earlier snapshot replaced by a refresh, or not earlier: said instead of a wrong waterfall
        compared = _comparison(info.id, info.version, spec, previous)
    except FunnelError as exc:
        st.warning(error_text(exc, context.lang()))
        return None
    for key, params in compared[1].notes:  # no deal id in common, the pipeline not in the earlier one
        # the names of stages, pipelines and datasets are text, not Markdown
        st.warning(t(key, context.lang(), **{k: md_escape(v) if isinstance(v, str) else v for k, v in params.items()}))
    return compared


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=16)
def _comparison(dataset_id: int, version: int, spec: FunnelSpec, previous: int):
    from funnel.velocity.snapshots import compare_datasets

    store = get_store()
    return store.info(previous), compare_datasets(store, store.info(dataset_id), spec, previous)


def weekly_point(series, t, as_of: datetime) -> Callable[[int, int], tuple[Any, ...] | None]:
    """A click on the weekly chart (curve = a stage, by position as :func:`funnel.velocity.charts.weekly_figure` draws
    them; index = a week) → the deals in that stage at that week's end (``in_stage_week``: the chart's own rule)."""
    positions = sorted(int(p) for p in series["position"].unique())

    def to_request(curve: int, index: int):
        if curve >= len(positions):
            return None
        part = series[series["position"] == positions[curve]].sort_values("week").reset_index(drop=True)
        if index >= len(part):
            return None
        week = part["week"].iloc[index].to_pydatetime()
        return (Selection("in_stage_week", position=positions[curve], since=week, until=as_of),
                t("exec49.pipeline.weekly_drill", stage=md_escape(part["stage"].iloc[index]), date=week.date()))

    return to_request


def unknown_note(t, v) -> str:
    """Why the sales velocity ``v`` (a :class:`funnel.velocity.sales_velocity.Velocity`) is «—»: with no cycle in the
    whole dataset, that velocity divides by the cycle and the cycle's own sentence (which date is missing, what to
    map: the Overview's); else the first factor missing."""
    reason = v.unknown_reason or "velocity.ui.velocity_unknown"
    if v.cycle_reason is not None and reason == v.cycle_reason:
        return t("words50.velocity.needs_cycle", reason=t(reason))
    return t(reason)
