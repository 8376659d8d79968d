"""Sources and segments: the funnel per traffic source / variant / attribute, drivers, and spend."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from funnel.audit.charts import small_multiples
from funnel.audit.drivers import AMOUNT_BAND, attribute_columns
from funnel.audit.gaps import MIN_N
from funnel.audit.wording import column_label
from funnel.dataset_edit import order_state
from funnel.formats import fmt_cohort, fmt_compact, fmt_int, fmt_p, fmt_pct, fmt_unit_cost
from funnel.i18n import names_in_quotes, sentences
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from ui import audit, cache, drill, words
from ui.ab_widgets import on_change, param, sync
from ui.routing import require_frame
from ui.spend_note import spend_pipelines_note

require_frame()

t, lang, info, spec = audit.page_head("audit.page.segments")
diagnosis = audit.cached_diagnosis(info.id, info.version, spec, audit.options_from_url(info, spec))
columns = [c for c in attribute_columns(diagnosis.data.ctx) if c != "manager"] or ["manager"]
by = param("sg_by") if param("sg_by") in columns else columns[0]
sync("sg_by_w", by)
st.selectbox(t("audit.segments.by"), columns, key="sg_by_w", format_func=lambda c: column_label(c, info, lang),
             on_change=on_change, args=("sg_by_w", "sg_by"))
groups = cache.outcomes_by_group(info.id, info.version, spec, by)
label = column_label(by, info, lang)


def _name(value) -> str:
    return t("pages.filter.no_value") if value is None else str(value)


# -- outcomes per segment ----------------------------------------------------------------------
st.subheader(t("audit.segments.outcomes"))
values = list(groups)
audit.outcome_table([(_name(v), o) for v, o in groups.items()], label, t, "sg_table", by, values, info=info, spec=spec)

# with outcomes only (no stage anywhere) there are no steps: no funnel per segment and no step drivers (the note
# at the top of the page says what a funnel needs)
if order_state(info) != "outcomes_only":
    # -- the funnel per segment: side by side and small multiples ----------------------------------
    st.subheader(t("audit.segments.funnels"))
    shown = {_name(v): o.stages for v, o in groups.items() if o.deals}
    if len(shown) <= 12:
        st.plotly_chart(small_multiples(shown, {"reached": t("metrics.label.reached")}, lang),
                        config={"displayModeBar": False})
    else:
        st.caption(t("audit.segments.too_many", n=fmt_int(len(shown), lang)))
    steps, leads_to = {}, {}  # step label -> {segment: rate}; step label -> position of the stage it leads to
    small_base = False  # a rate over fewer than MIN_N deals carries its base: "100.0% (n 4)"
    for v, o in groups.items():
        for here, nxt in zip(o.stages, o.stages[1:], strict=False):
            label = f"{here.stage} → {nxt.stage}"
            rate = fmt_pct(nxt.step_conversion, lang)
            if here.reached < MIN_N:
                rate, small_base = f"{rate} (n {fmt_int(here.reached, lang)})", True
            steps.setdefault(label, {})[_name(v)] = rate
            leads_to[label] = nxt.position
    step_frame = pd.DataFrame(steps).T
    segment_of = {_name(v): v for v in groups}


    def _on_steps() -> None:
        """A rate opens the deals of that segment that reached the stage the step leads to (its numerator)."""
        cells = ((st.session_state.get(drill.nonce("sg_steps")) or {}).get("selection") or {}).get("cells") or []
        drill.bump("sg_steps")
        if cells and cells[0][1] in segment_of and int(cells[0][0]) < len(step_frame.index):
            label = step_frame.index[int(cells[0][0])]
            drill.request(Selection("reached", position=leads_to[label], by=by, value=segment_of[cells[0][1]]),
                          f"{md_escape(cells[0][1])} · {md_escape(label)}")


    st.dataframe(step_frame, width="stretch", key=drill.nonce("sg_steps"), on_select=_on_steps,
                 selection_mode="single-cell")
    st.caption(sentences(lang, t(words.key(info, "audit.segments.steps_caption")),
                         t(words.key(info, "audit.segments.steps_click")),
                         t(words.key(info, "audit.segments.steps_small"), min_n=fmt_int(MIN_N, lang)) if small_base
                         else None))

    # -- drivers -----------------------------------------------------------------------------------
    st.subheader(t("audit.segments.drivers"))
    drivers = diagnosis.data.drivers.shown
    if not drivers:
        st.success(t("audit.segments.no_drivers"))
    else:
        rows = []
        for c in drivers:
            value = c.value
            if c.column == AMOUNT_BAND:
                low, high = diagnosis.data.drivers.band(c.value)
                value = f"{fmt_compact(low, lang)}–{fmt_compact(high, lang)}"
            rows.append({t("audit.segments.col.attribute"): column_label(c.column, info, lang),
                         t("audit.segments.col.value"): value, t("audit.segments.col.step"): f"{c.stage} → {c.stage_to}",
                         t("audit.segments.col.rate"): fmt_pct(c.rate, lang), t("audit.segments.col.rest"): fmt_pct(c.rest_rate, lang),
                         t("audit.segments.col.effect"): fmt_pct(c.diff, lang),
                         t("audit.segments.col.interval"): f"{fmt_pct(c.diff_ci_low, lang)} … {fmt_pct(c.diff_ci_high, lang)}",
                         t("audit.segments.col.test"): t(f"audit.test.{c.test}"),
                         t("audit.segments.col.p"): fmt_p(c.p_value_adjusted, lang), t(words.key(info, "audit.segments.col.n")): fmt_int(c.n, lang)})
        def _driver_deals(c) -> Selection:
            """The deals decided at the driver's step with its value (an amount band by its bounds)."""
            if c.column == AMOUNT_BAND:
                low, high = diagnosis.data.drivers.band(c.value)
                return Selection("decided", position=c.position, amount_from=low, amount_to=high)
            return Selection("decided", position=c.position, by=c.column, value=c.value)

        def _on_driver() -> None:
            cells = ((st.session_state.get(drill.nonce("sg_drivers")) or {}).get("selection") or {}).get("cells") or []
            drill.bump("sg_drivers")
            if cells and int(cells[0][0]) < len(drivers):
                c, row = drivers[int(cells[0][0])], rows[int(cells[0][0])]
                drill.request(_driver_deals(c), md_escape(" · ".join(str(v) for v in list(row.values())[:3])))

        st.dataframe(pd.DataFrame(rows), hide_index=True, key=drill.nonce("sg_drivers"), on_select=_on_driver,
                     selection_mode="single-cell")
        st.caption(t(words.key(info, "audit.managers.click_hint")))
    st.caption(t("audit.segments.drivers_caption"))

# -- spend -------------------------------------------------------------------------------------
_WON_COLUMNS = ("won", "revenue", "cac", "romi")  # numbers of the won deals; the others of the leads


def _month(key: str) -> date:
    """The spend report's month ``2026-01`` as its first day (shown as the language writes a month)."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def _on_spend(key: str, rows: list[dict], months_of: dict) -> None:
    """A cell of the spend tables opens the deals behind its row: the leads (deals created from the source in
    the month, or in the spend file's months of the source) or, for won, revenue, CAC and ROMI, the won ones."""
    cells = ((st.session_state.get(drill.nonce(f"sg_spend_{key}")) or {}).get("selection") or {}).get("cells") or []
    drill.bump(f"sg_spend_{key}")
    if not cells or int(cells[0][0]) >= len(rows):
        return
    row = rows[int(cells[0][0])]
    column = next((k for k in row if t(f"audit.segments.spend_col.{k}") == cells[0][1]), "leads")
    kind = "won" if column in _WON_COLUMNS else "all"
    months = (_month(row["month"]),) if row.get("month") else months_of.get(row["source"], ())
    parts = [md_escape(row["source"])] + ([fmt_cohort(months[0], "month", lang)] if row.get("month") else [])
    title = " · ".join([*parts, t(f"audit.segments.spend_col.{'won' if kind == 'won' else 'leads'}")])
    drill.request(Selection(kind, by="source", value=row["source"], cohort_unit="month", cohort_keys=months), title)


st.subheader(t("audit.segments.spend"))
upload = st.file_uploader(t("audit.segments.spend_upload"), type=["csv", "tsv", "txt", "xlsx", "xls"], key="sg_spend")
if upload is None:
    st.caption(t("audit.segments.spend_hint"))
else:
    result = audit.spend_result(info.id, info.version, spec, upload.getvalue(), upload.name)
    if result.get("error"):
        st.error(result["error"] if isinstance(result["error"], str) else t("audit.segments.spend_error"))
    else:
        for issue in result["issues"]:
            text = t(f"audit.spend.{issue['code']}", row=issue["row"], column=md_escape(issue["column"]),
                     value=md_escape(issue["value"]))
            (st.warning if issue["severity"] == "warning" else st.error)(text)
        money = {"spend": fmt_compact, "revenue": fmt_compact, "cpl": fmt_unit_cost, "cac": fmt_unit_cost,
                 "leads": fmt_int, "won": fmt_int, "romi": fmt_pct}
        report = result["report"]
        months_of: dict[str, tuple[date, ...]] = {}  # a source's months of the spend file: its totals' leads
        for row in report["months"]:
            months_of[row["source"]] = (*months_of.get(row["source"], ()), _month(row["month"]))
        for key in ("sources", "months"):
            rows = report[key]
            frame = pd.DataFrame([{t(f"audit.segments.spend_col.{k}"): (
                money[k](v, lang) if k in money else fmt_cohort(_month(v), "month", lang) if k == "month" else v)
                for k, v in row.items() if k not in ("reason", "other_pipelines") and not (key == "sources" and k == "month")} for row in rows])
            st.markdown(f"**{t('audit.segments.spend_by_' + key)}**")
            st.dataframe(frame, hide_index=True, key=drill.nonce(f"sg_spend_{key}"),
                         on_select=partial(_on_spend, key, rows, months_of), selection_mode="single-cell")
        st.caption(sentences(lang, t("audit.segments.spend_caption"), t("audit.segments.spend_click")))
        spend_pipelines_note(report, info, t)
        for reason in sorted({r["reason"] for r in report["sources"] if r.get("reason")}):
            st.caption(t(f"audit.segments.spend_unknown.{reason}",
                         sources=names_in_quotes((md_escape(r["source"]) for r in report["sources"]
                                                  if r.get("reason") == reason), lang)))

drill.show_pending(info, spec, t)
