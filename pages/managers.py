"""Managers: per manager outcomes and the manager x step heatmap tested against the rest of the team."""

import pandas as pd
import streamlit as st

from funnel.audit.charts import cell_text, heatmap_figure, step_label
from funnel.audit.gaps import ALPHA, MIN_GAP, MIN_N
from funnel.charts import md_escape
from funnel.formats import fmt_compact, fmt_int, fmt_num, fmt_pct
from funnel.metrics import Selection
from ui import audit, context, drill, filters
from ui.routing import require_frame

require_frame()

t, lang, info = context.page_start("audit.page.managers")
spec = filters.current_spec(info)
st.caption(filters.scope_caption(info, spec, t))
report = audit.cached_managers(info.id, info.version, spec)
if report.reason:
    st.info(t(report.reason))
    st.stop()

# -- per manager -------------------------------------------------------------------------------
st.subheader(t("audit.managers.summary"))
COLS = ("deals", "won", "lost", "win_rate", "revenue", "avg_deal_size", "median_cycle_days")
KIND = {"deals": "all", "won": "won", "lost": "lost", "win_rate": "won", "revenue": "won", "avg_deal_size": "won",
        "median_cycle_days": "won"}
FMT = {"deals": fmt_int, "won": fmt_int, "lost": fmt_int, "win_rate": fmt_pct, "revenue": fmt_compact,
       "avg_deal_size": fmt_compact, "median_cycle_days": lambda v, lg: fmt_num(v, lg, 1)}
headers = {c: t(f"metrics.kpi.{c}") for c in COLS}
manager_col = t("audit.column.manager")
summary = pd.DataFrame([{manager_col: r.manager, **{headers[c]: FMT[c](getattr(r.outcomes, c), lang) for c in COLS}}
                        for r in report.managers])


def _on_summary() -> None:
    cells = ((st.session_state.get(drill.nonce("mg_summary")) or {}).get("selection") or {}).get("cells") or []
    drill.bump("mg_summary")
    if cells:
        row_i, header = cells[0]
        column = next((c for c, h in headers.items() if h == header), "deals")
        name = report.managers[int(row_i)].manager
        drill.request(Selection(KIND[column], by="manager", value=name), f"{md_escape(name)} · {headers[column]}")


st.dataframe(summary, hide_index=True, key=drill.nonce("mg_summary"), on_select=_on_summary,
             selection_mode="single-cell")
st.caption(t("audit.managers.click_hint"))

# -- heatmap -----------------------------------------------------------------------------------
st.subheader(t("audit.managers.heatmap"))
labels = {"rate": t("audit.managers.rate"), "team": t("audit.managers.team_rate"), "n": t("audit.managers.n"),
          "diff": t("audit.managers.diff")}
rows = [(r.manager, r.steps) for r in report.managers]
st.plotly_chart(heatmap_figure(rows, labels, lang), config={"displayModeBar": False})
steps = [step_label(c) for c in report.managers[0].steps]
grid = pd.DataFrame([{manager_col: r.manager, **{s: cell_text(c, lang) for s, c in zip(steps, r.steps, strict=True)}}
                     for r in report.managers])


def _on_grid() -> None:
    cells = ((st.session_state.get(drill.nonce("mg_grid")) or {}).get("selection") or {}).get("cells") or []
    drill.bump("mg_grid")
    if cells and cells[0][1] in steps:
        row = report.managers[int(cells[0][0])]
        cell = row.steps[steps.index(cells[0][1])]
        drill.request(Selection("decided", position=cell.position, by="manager", value=row.manager),
                      f"{md_escape(row.manager)} · {md_escape(step_label(cell))}")


st.dataframe(grid, hide_index=True, key=drill.nonce("mg_grid"), on_select=_on_grid, selection_mode="single-cell")
st.caption(t("audit.managers.method", min_n=MIN_N, alpha=fmt_pct(ALPHA, lang, 0), gap=fmt_pct(MIN_GAP, lang, 0)))

# -- real gaps ---------------------------------------------------------------------------------
st.subheader(t("audit.managers.gaps"))
flagged = [(r.manager, c) for r in report.managers for c in r.steps if c.flagged]
if not flagged:
    st.success(t("audit.managers.no_gaps"))
for i, (name, c) in enumerate(flagged):
    extra = report.extra_deals(c)
    key = "audit.managers.gap_worse" if extra is not None else "audit.managers.gap_better"
    money = report.extra_money(c)
    text = t(key, manager=md_escape(name), step=md_escape(step_label(c)), rate=fmt_pct(c.rate, lang),
             team=fmt_pct(c.rest_rate, lang), extra=fmt_num(extra, lang, 1),
             money=fmt_compact(money, lang) if money is not None else t("audit.managers.no_money"),
             p=f"{c.p_value_adjusted:.2g}")
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.markdown(text)
    with right:
        drill.button(t("audit.ui.deals"), Selection("decided", position=c.position, by="manager", value=name),
                     f"{md_escape(name)} · {md_escape(step_label(c))}", key=f"mg_gap_{i}", info=info)

drill.show_pending(info, spec, t)
