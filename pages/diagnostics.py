"""Diagnostics: the audit's findings as cards, most costly first, each with the deals behind it."""

from functools import partial

import pandas as pd
import streamlit as st

from funnel.audit.findings import CODES, pareto_rows
from funnel.audit.wording import column_label
from funnel.formats import fmt_int, fmt_num, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
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


def _on_pareto(key: str, found: list[dict]) -> None:
    """A reason's row opens its lost deals: lost at that stage for that reason, or that manager's lost deals for it
    (the «other reasons» row is a sum of several: not opened)."""
    picked = ((st.session_state.get(drill.nonce(f"dg_pareto_{key}")) or {}).get("selection") or {}).get("rows") or []
    drill.bump(f"dg_pareto_{key}")
    if not picked or picked[0] >= len(found) or found[picked[0]]["reason"] is None:
        return
    row = found[picked[0]]
    if key == "position":
        drill.request(Selection("lost_here", position=row["value"], by="lost_reason", value=row["reason"]),
                      f"{md_escape(names.get(row['value'], str(row['value'])))} · {md_escape(row['reason'])}")
    else:
        drill.request(Selection("lost", by="lost_reason", value=row["reason"]),
                      f"{md_escape(str(row['value']))} · {md_escape(row['reason'])}",
                      spec.replace(filters={**spec.filter_dict, "manager": [row["value"]]}))


if data.lost:
    with st.expander(t("audit.ui.pareto")):
        for key, label in (("position", t("audit.ui.col.stage")), ("manager", column_label("manager", info, lang))):
            found = pareto_rows([r for r in data.lost if key != "position" or r["stage_known"]], key)
            rows = [{label: names.get(r["value"], r["value"]) if key == "position" else r["value"],
                     t("audit.column.lost_reason"): r["reason"] if r["reason"] is not None
                     else t("zh49.pareto.other", n=fmt_int(r["others"], lang)),
                     t("audit.ui.col.lost"): fmt_int(r["n"], lang), t("audit.ui.col.share"): fmt_pct(r["share"], lang, 0)}
                    for r in found]
            if rows:
                st.dataframe(pd.DataFrame(rows), hide_index=True, key=drill.nonce(f"dg_pareto_{key}"),
                             on_select=partial(_on_pareto, key, found), selection_mode="single-row")
        st.caption(t("zh49.pareto.caption"))

drill.show_pending(info, spec, t)
