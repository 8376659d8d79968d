"""Diagnostics: the audit's findings as cards, most costly first, each with the deals behind it."""

import streamlit as st

from funnel.audit.findings import CODES
from funnel.formats import fmt_int
from ui import audit, audit_tables, drill
from ui.ab_widgets import on_change, param, sync
from ui.routing import require_frame

require_frame()

t, lang, info, spec = audit.page_head("audit.page.diagnostics")
audit.option_widgets(t, info)
options = audit.options_from_url(info, spec)
diagnosis = audit.cached_diagnosis(info.id, info.version, spec, options)
if options.benchmark == "target" and diagnosis.data.steps:
    audit.target_editor(t, info, spec, diagnosis.data.steps, options.min_n)
findings = diagnosis.findings
present = [c for c in CODES if any(f.code == c for f in findings)]
wanted = [c for c in (param("dg_codes") or "").split(",") if c in present]
sync("dg_codes_w", wanted)
chosen = st.multiselect(t("audit.ui.codes"), present, key="dg_codes_w", format_func=lambda c: t(f"audit.code.{c}"),
                        placeholder=t("audit.ui.all_codes"), select_all=False,
                        on_change=on_change, args=("dg_codes_w", "dg_codes", lambda v: ",".join(v) or None))
shown = [f for f in findings if not chosen or f.code in chosen]
st.markdown(t("audit.ui.count", n=fmt_int(len(shown), lang)))
if not findings:
    st.success(t("audit.no_findings"))
for i, f in enumerate(shown):
    audit.finding_card(f, info, spec, t, key=f"dg_finding_{i}")

data = diagnosis.data
if data.times:
    with st.expander(t("audit.ui.stage_times")):
        audit_tables.stage_times(data, info, t, lang)
elif not data.caps.has_history:
    st.caption(t("audit.data_quality.no_history.title"))

if data.lost:
    with st.expander(t("audit.ui.pareto")):
        audit_tables.lost_pareto(data, info, spec, t, lang)

drill.show_pending(info, spec, t)
