"""Streamlit glue of the audit pages (Diagnostics, Managers, Segments) and the Overview's top findings.

Cached engine calls keyed by ``(dataset id, version, spec, options)``; finding cards with their
numbers, why, what to check, how sure, and a button that lists the deals behind the finding.
Page-specific choices live in the URL (``dg_bench``, ``dg_stuck``, ``dg_codes``, ``sg_by``).
"""

from __future__ import annotations

import streamlit as st

from funnel.audit.data import AuditOptions
from funnel.audit.diagnose import Diagnosis, diagnose
from funnel.audit.finding import Finding
from funnel.audit.managers import ManagerReport, manager_report
from funnel.audit.wording import check, sureness, title, why
from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.spec import FunnelSpec

from . import drill
from .ab_widgets import on_change, param, sync
from .cache import HASH
from .context import get_store

AUDIT_HASH = {**HASH, AuditOptions: repr}
BENCHMARKS = ("funnel", "team_median", "best_manager", "previous_period")
SEVERITY_ICON = {"high": ":material/error:", "medium": ":material/warning:", "low": ":material/info:",
                 "info": ":material/lightbulb:"}


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=64)
def cached_diagnosis(dataset_id: int, version: int, spec: FunnelSpec, options: AuditOptions) -> Diagnosis:
    store = get_store()
    info = store.info(dataset_id)
    with store.connect(info) as con:
        return diagnose(con, info, spec, options)


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=64)
def cached_managers(dataset_id: int, version: int, spec: FunnelSpec) -> ManagerReport:
    store = get_store()
    info = store.info(dataset_id)
    with store.connect(info) as con:
        return manager_report(con, info, spec)


def options_from_url() -> AuditOptions:
    bench = param("dg_bench")
    try:
        stuck = float(param("dg_stuck") or 0) or None
    except ValueError:
        stuck = None
    return AuditOptions(benchmark=bench if bench in BENCHMARKS else "funnel",
                        stuck_days=stuck if stuck and stuck > 0 else None)


def option_widgets(t) -> None:
    """Benchmark of the leaks and the stuck threshold, kept in the URL."""
    c1, c2 = st.columns(2)
    sync("dg_bench_w", options_from_url().benchmark)
    c1.selectbox(t("audit.ui.benchmark"), BENCHMARKS, key="dg_bench_w", format_func=lambda b: t(f"audit.benchmark.{b}"),
                 on_change=on_change, args=("dg_bench_w", "dg_bench", lambda v: None if v == "funnel" else v))
    sync("dg_stuck_w", float(options_from_url().stuck_days or 0.0))
    c2.number_input(t("audit.ui.stuck_days"), min_value=0.0, step=1.0, format="%.0f", key="dg_stuck_w", help=t("audit.ui.stuck_help"),
                    on_change=on_change, args=("dg_stuck_w", "dg_stuck", lambda v: None if not v else f"{v:g}"))


def _drill_spec(f: Finding, spec: FunnelSpec) -> FunnelSpec | None:
    if f.period is None:
        return None
    return spec.replace(date_field="created", date_from=f.period[0], date_to=f.period[1])


def finding_card(f: Finding, info: DatasetInfo, spec: FunnelSpec, t, key: str, full: bool = True) -> None:
    """One finding as a card: title, impact, why, what to check, how sure, and its deals."""
    lang = t.lang
    with st.container(border=True):
        head, money = st.columns([5, 1], vertical_alignment="top") if full else (st.container(), None)
        head.markdown(f"{SEVERITY_ICON[f.severity]} **{title(f, info, lang, markdown=True)}**")
        tags = [t("audit.severity." + f.severity), t("audit.code." + f.code)]
        if f.impact is not None and money is None:  # a narrow card: the impact in its caption
            tags.append(f"{t('audit.ui.impact')}: {fmt_compact(f.impact, lang)}")
        head.caption(" · ".join(tags))
        if f.impact is not None and money is not None:
            money.metric(t("audit.ui.impact"), fmt_compact(f.impact, lang), help=t("audit.ui.impact_help"))
        if full:
            st.markdown(f"**{t('audit.ui.why')}** {why(f, info, lang, markdown=True)}")
            st.markdown(f"**{t('audit.ui.check')}** {check(f, info, lang, markdown=True)}")
            st.caption(sureness(f, info, lang))
        if f.selection is not None and info.capabilities.can("deals"):
            label = t("audit.ui.deals") if f.code != "reactivation" else t("audit.ui.reactivation_list")
            st.button(label, key=key, type="tertiary", icon=":material/list:", on_click=drill.request,
                      args=(f.selection, title(f, info, lang, markdown=True), _drill_spec(f, spec)))


def top_findings(info: DatasetInfo, spec: FunnelSpec, t, k: int = 3) -> None:
    """The Overview's three costliest findings as short cards linking to the Diagnostics page."""
    if not info.capabilities.can("deals"):
        return
    findings = cached_diagnosis(info.id, info.version, spec, options_from_url()).findings[:k]
    if not findings:
        return
    st.subheader(t("audit.ui.top_findings"))
    cols = st.columns(len(findings))
    for i, (col, f) in enumerate(zip(cols, findings, strict=True)):
        with col:
            finding_card(f, info, spec, t, key=f"ov_finding_{i}", full=False)
    st.page_link("pages/diagnostics.py", label=t("audit.ui.all_findings"), icon=":material/troubleshoot:")


def drill_button(label: str, selection: Selection, title_text: str, key: str, info: DatasetInfo) -> None:
    drill.button(label, selection, md_escape(title_text), key=key, info=info)


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=16)
def spend_result(dataset_id: int, version: int, spec: FunnelSpec, content: bytes, file_name: str) -> dict:
    """The spend file read and checked, and CPL / CAC / ROMI per source and month (or a translated error)."""
    from funnel.audit.spend import known_sources, read_spend, spend_report
    from funnel.errors import FunnelError
    from funnel.metrics.context import resolve

    from .context import lang

    store = get_store()
    info = store.info(dataset_id)
    with store.connect(info) as con:
        ctx = resolve(con, info, spec)
        try:
            spend = read_spend(con, content, file_name, known_sources(con, ctx))
        except FunnelError as exc:
            return {"error": exc.message(lang())}
        return {"issues": [i.__dict__ for i in spend.issues], "report": spend_report(con, ctx, spend.rows)}


def page_head(title_key: str):
    """The head of an audit page: ``(t, lang, info, spec)`` after the title and scope; stops on counts."""
    from . import context, filters

    t, lang, info = context.page_start(title_key)
    spec = filters.current_spec(info)
    st.caption(filters.scope_caption(info, spec, t))
    if not info.capabilities.can("deals"):
        st.info(t("audit.reason.counts_no_deals"))
        st.stop()
    return t, lang, info, spec


OUTCOME_COLUMNS = ("deals", "won", "lost", "win_rate", "revenue", "avg_deal_size", "median_cycle_days")
OUTCOME_KIND = {"deals": "all", "won": "won", "lost": "lost", "win_rate": "won", "revenue": "won",
                "avg_deal_size": "won", "median_cycle_days": "won"}


def outcome_table(groups: list[tuple[str, object]], label: str, t, key: str, by: str, values: list) -> None:
    """Per group: deals, won, lost, win rate, revenue, average deal, cycle; a click lists the cell's deals."""
    import pandas as pd

    from funnel.formats import fmt_int, fmt_num, fmt_pct

    fmt = {"deals": fmt_int, "won": fmt_int, "lost": fmt_int, "win_rate": fmt_pct, "revenue": fmt_compact,
           "avg_deal_size": fmt_compact, "median_cycle_days": lambda v, lg: fmt_num(v, lg, 1)}
    headers = {c: t(f"metrics.kpi.{c}") for c in OUTCOME_COLUMNS}
    frame = pd.DataFrame([{label: name, **{headers[c]: fmt[c](getattr(o, c), t.lang) for c in OUTCOME_COLUMNS}}
                          for name, o in groups])

    def on_cell() -> None:
        cells = ((st.session_state.get(drill.nonce(key)) or {}).get("selection") or {}).get("cells") or []
        drill.bump(key)
        if cells:
            row_i, header = cells[0]
            column = next((c for c, h in headers.items() if h == header), "deals")
            drill.request(Selection(OUTCOME_KIND[column], by=by, value=values[int(row_i)]),
                          f"{md_escape(groups[int(row_i)][0])} · {headers[column]}")

    st.dataframe(frame, hide_index=True, key=drill.nonce(key), on_select=on_cell, selection_mode="single-cell")
    st.caption(t("audit.managers.click_hint"))
