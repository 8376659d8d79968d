"""The Diagnostics page's two tables, each count a click away from its deals.

*Time in stages*: a click on a stage's «left the stage» lists the deals of its finished stays (``left_stage``,
the stays ``audit_stage_times.sql`` counts as n_left: a deal that left the stage twice is two stays, one deal, said in
the dialog), on «open now» the open deals sitting in it (``open_in_stage``,
the rule of ``audit_stage_times.sql``), on «stuck» the ones older than the stage's threshold (``stuck``,
as the stuck-deals finding). *Lost reasons, Pareto*: a click on a «lost» count lists the deals lost with
that reason at that stage (``lost_at``: the stage recorded, as ``audit_lost_reasons.sql`` counts them), or
by that manager (the page's filters with the manager added). Before, both tables were text: an executive
saw «Зависли 12» or «Дорого 47» and could not open them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from funnel.audit.data import AuditData
from funnel.audit.findings import pareto_rows
from funnel.audit.wording import column_label
from funnel.dataset import DatasetInfo
from funnel.formats import fmt_int, fmt_num, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.metrics.cycle_rules import P90_FEW, p90_reason_params
from funnel.spec import FunnelSpec

from . import drill


def stage_times(data: AuditData, info: DatasetInfo, t, lang: str) -> None:
    """Per stage: deals that left it, median and p90 days, open now and stuck; «left», «open» and «stuck» open their
    deals («left» the deals of the finished stays it counts: ``left_stage``)."""
    names = {s["position"]: s["stage"] for s in data.ctx.stages}
    times = [x for _p, x in sorted(data.times.items())]
    col = {"stage": t("audit.ui.col.stage"), "left": t("audit.ui.col.left"), "p50": t("audit.ui.col.p50"),
           "p90": t("audit.ui.col.p90"), "open": t("audit.ui.col.open"), "stuck": t("audit.ui.col.stuck")}
    frame = pd.DataFrame([{col["stage"]: names[x.position], col["left"]: fmt_int(x.n_left, lang),
                           col["p50"]: fmt_num(x.p50_days, lang, 1), col["p90"]: fmt_num(x.p90_days, lang, 1),
                           col["open"]: fmt_int(x.open_n, lang),
                           # no threshold (fewer than 10 finished stays, no threshold given): stuck is unknown, not 0
                           col["stuck"]: fmt_int(x.stuck_n, lang) if x.threshold_days is not None else "—"}
                          for x in times], columns=list(col.values()))

    def deals_of(row: int, column: str):
        x = times[row]
        title = f"{md_escape(names[x.position])} · {column}"
        if column == col["open"]:
            return Selection("open_in_stage", position=x.position), title
        if column == col["left"] and x.n_left:  # the count is of stays: a deal that left twice is listed once
            return (Selection("left_stage", position=x.position), title, None,
                    t("drill50.left.note", n=fmt_int(x.n_left, lang)))
        if column == col["stuck"] and x.threshold_days is not None and data.as_of is not None:
            return Selection("stuck", position=x.position, days=float(x.threshold_days), as_of=data.as_of), title
        return None

    drill.selectable_table(frame, "dg_times", deals_of)
    few = [t(P90_FEW["stays"], stage=md_escape(x.stage), **p90_reason_params(x.n_measured))
           for x in times if x.p90_days is None and x.n_measured]
    if few:  # Velocity's sentence: the p90 of a few stays is not said, and no deal is called stuck by it
        st.caption("  \n".join(few))
    every = max((x.sample_every for x in times), default=1)
    if every > 1:  # a large history: the days are a fixed sample's, the counts every stay's (audit/stuck.py)
        st.caption(t("audit50.times.sampled", k=fmt_int(every, lang),
                     n=fmt_int(sum(x.n_measured for x in times), lang)))
    if info.capabilities.can("deals"):
        st.caption(t("drill50.diagnostics.times_hint"))


def lost_pareto(data: AuditData, info: DatasetInfo, spec: FunnelSpec, t, lang: str) -> None:
    """Lost reasons by stage (where the stage is recorded) and by manager: the top three of each, then one row of
    the other reasons (``pareto_rows``), so the shares add up; a «lost» count opens those lost deals (the other
    reasons' row is a sum of several: not opened)."""
    names = {s["position"]: s["stage"] for s in data.ctx.stages}
    lost_col, reason_col = t("audit.ui.col.lost"), t("audit.column.lost_reason")
    for key, label in (("position", t("audit.ui.col.stage")), ("manager", column_label("manager", info, lang))):
        found = pareto_rows([r for r in data.lost if key != "position" or r["stage_known"]], key)
        rows = [{label: names.get(r["value"], r["value"]) if key == "position" else r["value"],
                 reason_col: r["reason"] if r["reason"] is not None
                 else t("zh49.pareto.other", n=fmt_int(r["others"], lang)),
                 lost_col: fmt_int(r["n"], lang), t("audit.ui.col.share"): fmt_pct(r["share"], lang, 0)}
                for r in found]
        if not rows:
            continue

        def deals_of(row: int, column: str, key: str = key, found: list = found):
            value, reason = found[row]["value"], found[row]["reason"]
            if column != lost_col or reason is None:
                return None
            if key == "position":
                return (Selection("lost_at", position=int(value), by="lost_reason", value=reason),
                        f"{md_escape(names.get(value, str(value)))} · {md_escape(reason)}")
            by_manager = spec.replace(filters={**spec.filter_dict, "manager": [value]})
            return (Selection("lost", by="lost_reason", value=reason),
                    f"{md_escape(str(value) if value is not None else '—')} · {md_escape(reason)}", by_manager)

        drill.selectable_table(pd.DataFrame(rows), f"dg_pareto_{key}", deals_of)
    st.caption(t("zh49.pareto.caption"))
    if info.capabilities.can("deals"):
        st.caption(t("exec49.diagnostics.pareto_hint"))
