"""Managers: per manager outcomes and the manager x step heatmap tested against the rest of the team."""

import pandas as pd
import streamlit as st

from funnel.audit.charts import cell_text, heatmap_cell, heatmap_figure, step_label
from funnel.audit.gaps import ALPHA, MIN_GAP, MIN_N
from funnel.formats import fmt_int, fmt_num, fmt_p, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from ui import audit, cache, drill, money_text
from ui.routing import require_frame

require_frame()

t, lang, info, spec = audit.page_head("audit.page.managers")
report = audit.cached_managers(info.id, info.version, spec)
if report.reason:
    st.info(t(report.reason))
    st.stop()

# -- real gaps ---------------------------------------------------------------------------------
# first on the page, the answer to «who is the problem»: before, it sat under the table, the heatmap and its grid,
# ~1 700 px down on a 1440×900 laptop (session 49); the table and the heatmap below are its evidence.
# Not said when no step can be measured (the heatmap's note then says why): «no real gaps» would read as a verdict.
flagged = [(r.manager, c) for r in report.managers for c in r.steps if c.flagged]
if not report.steps_unmeasured:
    st.subheader(t("audit.managers.gaps"))
if not flagged and not report.steps_unmeasured:
    st.success(t("audit.managers.no_gaps"))
for i, (name, c) in enumerate(flagged):
    extra = report.extra_deals(c)
    key = "audit.managers.gap_worse" if extra is not None else "audit.managers.gap_better"
    money = report.extra_money(c)
    text = t(key, manager=md_escape(name), step=md_escape(step_label(c)), rate=fmt_pct(c.rate, lang),
             team=fmt_pct(c.rest_rate, lang), extra=fmt_num(extra, lang, 0),
             money=money_text.compact(info, money, lang) if money is not None else t("audit.managers.no_money"),
             p=fmt_p(c.p_value_adjusted, lang))
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.markdown(text)
    with right:
        drill.button(t("audit.ui.deals"), Selection("decided", position=c.position, by="manager", value=name),
                     f"{md_escape(name)} · {md_escape(step_label(c))}", key=f"mg_gap_{i}", info=info)

# -- per manager -------------------------------------------------------------------------------
st.subheader(t("audit.managers.summary"))
for said in cache.findings_of(info.id, info.version, "people.ids_only"):  # «3», «5», «8»: the CRM's user ids
    if said.get("role") == "manager":
        st.caption(t("audit.managers.ids", column=md_escape(said.get("column", "")),
                     values=md_escape(said.get("values", ""))))
manager_col = t("audit.column.manager")
audit.outcome_table([(r.manager, r.outcomes) for r in report.managers], manager_col, t, "mg_summary", "manager",
                    [r.manager for r in report.managers], info=info, spec=spec)
if (none := report.unassigned) is not None:  # in no row above, in the team's totals: said, and listed on a click
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.info(t.plural("audit.managers.unassigned", none.deals, won=fmt_int(none.won, lang),
                       lost=fmt_int(none.lost, lang)))
    with right:
        drill.button(t("audit.ui.deals"), Selection("all", by="manager", value=None),
                     t("audit.managers.unassigned_title"), key="mg_unassigned", info=info)

# -- heatmap -----------------------------------------------------------------------------------
st.subheader(t("audit.managers.heatmap"))
if report.steps_unmeasured:  # every cell 100 % by construction: said instead of drawn
    lost_unknown = sum(r.outcomes.lost_stage_unknown or 0 for r in report.managers)
    # «the win rates above are measured» only where they are (not «—» for a pipeline nothing marks won)
    measured = any(r.outcomes.win_rate is not None for r in report.managers)
    st.info(t.plural("audit.managers.steps_unmeasured" if measured else "pipes50.managers.steps_unmeasured", lost_unknown))
    drill.show_pending(info, spec, t)
    st.stop()
labels = {"rate": t("audit.managers.rate"), "team": t("audit.managers.team_rate"), "n": t("audit.managers.n"),
          "diff": t("audit.managers.diff")}
rows = [(r.manager, r.steps) for r in report.managers]


def _cell_deals(row_i: int, step_i: int):
    row = report.managers[row_i]
    cell = row.steps[step_i]
    return (Selection("decided", position=cell.position, by="manager", value=row.manager),
            f"{md_escape(row.manager)} · {md_escape(step_label(cell))}")


def _on_heatmap() -> None:
    points = ((st.session_state.get(drill.nonce("mg_heat")) or {}).get("selection") or {}).get("points") or []
    drill.bump("mg_heat")
    cell = heatmap_cell(points[0]) if points else None
    if cell is not None and cell[0] < len(report.managers) and cell[1] < len(report.managers[cell[0]].steps):
        drill.request(*_cell_deals(*cell))


st.plotly_chart(heatmap_figure(rows, labels, lang), key=drill.nonce("mg_heat"), on_select=_on_heatmap,
                selection_mode="points", config={"displayModeBar": False})
st.caption(t("audit.managers.click_hint"))
steps = [step_label(c) for c in report.managers[0].steps]
grid = pd.DataFrame([{manager_col: r.manager, **{s: cell_text(c, lang) for s, c in zip(steps, r.steps, strict=True)}}
                     for r in report.managers])


def _on_grid() -> None:
    cells = ((st.session_state.get(drill.nonce("mg_grid")) or {}).get("selection") or {}).get("cells") or []
    drill.bump("mg_grid")
    if cells and cells[0][1] in steps:
        drill.request(*_cell_deals(int(cells[0][0]), steps.index(cells[0][1])))


st.dataframe(grid, hide_index=True, key=drill.nonce("mg_grid"), on_select=_on_grid, selection_mode="single-cell")
st.caption(t("audit.managers.method", min_n=MIN_N, alpha=fmt_pct(ALPHA, lang, 0), gap=fmt_pct(MIN_GAP, lang, 0)))
# lost deals with no recorded stage: out of every step here, at the first stage on the Funnel page (funnel/audit/steps.py);
# said, or a manager's 100 % stood beside the Funnel page's 58 % for the same step (survey 29)
lost_unknown = sum(r.outcomes.lost_stage_unknown or 0 for r in report.managers)
if lost_unknown:
    st.info(t.plural("audit.managers.lost_unknown", lost_unknown))

drill.show_pending(info, spec, t)
