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
from funnel.charts import md_escape
from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact
from funnel.metrics import Selection
from funnel.spec import FunnelSpec

from . import drill
from .ab_widgets import on_change, param, sync
from .cache import HASH
from .context import get_store

AUDIT_HASH = {**HASH, AuditOptions: repr}
BENCHMARKS = ("funnel", "team_median", "best_manager")
SEVERITY_ICON = {"high": ":material/error:", "medium": ":material/warning:", "low": ":material/info:",
                 "info": ":material/lightbulb:"}


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=64)
def cached_diagnosis(dataset_id: int, version: int, spec: FunnelSpec, options: AuditOptions) -> Diagnosis:
    store = get_store()
    with store.connect() as con:
        return diagnose(con, store.info(dataset_id), spec, options)


@st.cache_data(show_spinner=False, hash_funcs=AUDIT_HASH, max_entries=64)
def cached_managers(dataset_id: int, version: int, spec: FunnelSpec) -> ManagerReport:
    store = get_store()
    with store.connect() as con:
        return manager_report(con, store.info(dataset_id), spec)


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
        head, money = st.columns([5, 1], vertical_alignment="top")
        head.markdown(f"{SEVERITY_ICON[f.severity]} **{title(f, info, lang, markdown=True)}**")
        head.caption(f"{t('audit.severity.' + f.severity)} · {t('audit.code.' + f.code)}")
        if f.impact is not None:
            money.metric(t("audit.ui.impact"), fmt_compact(f.impact, lang), help=t("audit.ui.impact_help"))
        if full:
            st.markdown(f"**{t('audit.ui.why')}** {why(f, info, lang, markdown=True)}")
            st.markdown(f"**{t('audit.ui.check')}** {check(f, info, lang, markdown=True)}")
            st.caption(sureness(f, info, lang))
        if f.selection is not None and info.shape != "counts":
            label = t("audit.ui.deals") if f.code != "reactivation" else t("audit.ui.reactivation_list")
            st.button(label, key=key, type="tertiary", icon=":material/list:", on_click=drill.request,
                      args=(f.selection, title(f, info, lang, markdown=True), _drill_spec(f, spec)))


def top_findings(info: DatasetInfo, spec: FunnelSpec, t, k: int = 3) -> None:
    """The Overview's three costliest findings as short cards linking to the Diagnostics page."""
    if info.shape == "counts":
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
