"""Diagnostics: the audit's findings as cards, most costly first, each with the deals behind it."""

import pandas as pd
import streamlit as st

from funnel.audit.findings import CODES, pareto
from funnel.audit.wording import column_label
from funnel.formats import fmt_int, fmt_num, fmt_pct
from ui import audit, drill
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
names = {s["position"]: s["stage"] for s in data.ctx.stages}
if data.times:
    with st.expander(t("audit.ui.stage_times")):
        rows = [{t("audit.ui.col.stage"): names[p], t("audit.ui.col.left"): fmt_int(x.n_left, lang),
                 t("audit.ui.col.p50"): fmt_num(x.p50_days, lang, 1), t("audit.ui.col.p90"): fmt_num(x.p90_days, lang, 1),
                 t("audit.ui.col.open"): fmt_int(x.open_n, lang), t("audit.ui.col.stuck"): fmt_int(x.stuck_n, lang)}
                for p, x in sorted(data.times.items())]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
elif not data.caps.has_history:
    st.caption(t("audit.data_quality.no_history.title"))
if data.lost:
    with st.expander(t("audit.ui.pareto")):
        for key, label in (("position", t("audit.ui.col.stage")), ("manager", column_label("manager", info, lang))):
            rows = []
            for value, reasons in pareto([r for r in data.lost if key != "position" or r["stage_known"]], key).items():
                total = sum(reasons.values())
                for reason, n in list(reasons.items())[:3]:
                    rows.append({label: names.get(value, value) if key == "position" else value,
                                 t("audit.column.lost_reason"): reason, t("audit.ui.col.lost"): fmt_int(n, lang),
                                 t("audit.ui.col.share"): fmt_pct(n / total, lang, 0)})
            if rows:
                st.dataframe(pd.DataFrame(rows), hide_index=True)

drill.show_pending(info, spec, t)
