"""Funnel: the stage funnel with its table, two-period / two-segment overlays, cohorts by age."""

import pandas as pd
import streamlit as st

from funnel.charts import stage_table, stage_table_columns
from funnel.formats import fmt_cohort, fmt_int, fmt_pct
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.metrics.periods import previous_of
from funnel.metrics.rate_stages import default_rate_stages
from ui import cache, context, drill, explain, filters, findings, report_button, urlstate, words
from ui.figures import cohort_figure, funnel_figure, overlay_figure
from ui.order_note import order_note
from ui.routing import require_frame

require_frame()
NONE = "\u2205"  # "no value" of a segment in the URL

t, lang, info = context.page_start("ui.page.funnel")

spec = filters.current_spec(info)
out = cache.outcomes(info.id, info.version, spec)
labels = drill.chart_labels(t)
st.caption(filters.scope_caption(info, spec, t))
report_button.show(info, spec, t)
no_funnel = order_note(t, info, spec) == "outcomes_only"
if explain.empty_selection(info, out, t):
    st.stop()

# -- denominator conventions (the same URL params as the sidebar) ------------------------------
caps = info.capabilities
if caps.is_web_funnel:  # visitors and steps: converted of all, no open/closed or win-rate conventions
    st.markdown(t("audit.web_line", value=fmt_pct(out.win_rate_all, lang), won=fmt_int(out.won, lang),
                  deals=fmt_int(out.deals, lang)))
elif caps.can("outcomes"):
    c1, c2 = st.columns(2)
    st.session_state["fn_view"] = "closed" if spec.closed_only else "all"
    c1.segmented_control(t("pages.view.deals"), ("all", "closed"), key="fn_view", required=True,
                         format_func=lambda v: t(f"pages.view.opt_{v}"),
                         on_change=lambda: filters.set_view(closed_only=st.session_state["fn_view"] == "closed"))
    # no lost deal recorded: won / closed is 100 % by construction, so won / all, as on the Overview (the line said
    # «Win rate 100.0%» in bold under the warning that it means nothing; survey 29)
    wr_mode = "all" if explain.no_lost_recorded(info) else filters.win_rate_mode()
    if wr_mode == filters.win_rate_mode():
        st.session_state["fn_wr"] = wr_mode
        c2.segmented_control(t("pages.view.win_rate"), ("closed", "all"), key="fn_wr", required=True,
                             format_func=lambda v: t(f"pages.view.opt_wr_{v}"),
                             on_change=lambda: filters.set_view(win_rate=st.session_state["fn_wr"]))
    wr_key = "win_rate_all" if wr_mode == "all" else "win_rate"
    explain.warn_no_lost(info, out, t, lang)
    explain.warn_no_won(info, t, spec, out)
    # the line's deals a click away, as the Overview's win-rate tile: the closed ones (won and lost) or all of them
    line = st.container(horizontal=True, vertical_alignment="center", wrap=False)
    unknown = out.won is None and out.reasons.get(wr_key)  # nothing could mark a win: no «— won» in the sentence
    line.markdown(t("pipes50.funnel.win_rate_unknown", lost=fmt_int(out.lost, lang)) if unknown else
                  t(f"pages.funnel.win_rate_line_{wr_mode}", value=fmt_pct(getattr(out, wr_key), lang),
                    won=fmt_int(out.won, lang), lost=fmt_int(out.lost, lang), n=out.deals))
    with line:
        drill.button(t("pages.drill.open"), Selection("closed" if wr_mode == "closed" else "all"),
                     t(f"metrics.kpi.{wr_key}"), key="fn_win_rate_deals", info=info)
    if getattr(out, wr_key) is None and (why := out.reasons.get(wr_key)):  # «—» with its reason beside it
        st.caption(t(why))
st.caption(filters.view_caption(spec, t, info))

# -- funnel chart + table -----------------------------------------------------------------------
if no_funnel:  # outcomes only: the note above says what a funnel needs
    st.stop()
if not out.stages:
    st.info(t("metrics.reason.no_deals"))
    st.stop()
# the chart over the table, each the page's width: beside the table, in 4/10 of a 1 280 px laptop, the funnel cut
# its first bar's «от первого 100,0 %» (survey 51)
drill.funnel_click(info, out.stages, funnel_figure(out.stages, labels, lang), "fn_funnel", t)
if info.capabilities.can("deals"):
    st.caption(t(words.key(info, "pages.funnel.click_hint")))

KIND_OF = {"stage": "reached", "reached": "reached", "step_conversion": "reached",
           "cumulative_conversion": "reached", "drop_off": "drop_off", "lost_here": "lost_here",
           "open_here": "open_here"}
columns = stage_table_columns(caps)
headers = {c: t(words.key(info, f"pages.table.{c}")) for c in columns}
table = pd.DataFrame(stage_table(out.stages, lang), columns=list(columns)).rename(columns=headers)


def _on_cell() -> None:
    state = st.session_state.get(drill.nonce("fn_table")) or {}
    cells = (state.get("selection") or {}).get("cells") or []
    drill.bump("fn_table")
    if not cells or not info.capabilities.can("deals"):
        return
    row_i, header = cells[0]
    column = next((c for c, h in headers.items() if h == header), "reached")
    row = out.stages[int(row_i)]
    if KIND_OF[column] == "drop_off" and row.drop_off is None:
        return
    drill.request(Selection(KIND_OF[column], position=row.position),
                  t(words.key(info, f"pages.drill.title_{KIND_OF[column]}"), stage=md_escape(row.stage)))


numbers = {headers[c]: st.column_config.TextColumn(help=t(f"metrics.label.{c}")) for c in columns}
st.dataframe(table, hide_index=True, key=drill.nonce("fn_table"), on_select=_on_cell,
             selection_mode="single-cell", height=35 * (len(table) + 1) + 3, column_config=numbers)
if explain.unless(info, "deals", t, small=True):
    st.caption(t(words.key(info, "pages.funnel.cell_hint")))
findings.show(out.findings, t, lang, info, "fn_note")

# -- overlay: two periods or two segments -------------------------------------------------------
st.subheader(t("pages.overlay.title"))
# the view lives in the URL: fn_overlay, fn_seg (column), fn_seg_a / fn_seg_b (values), fn_cohort
seg_columns = [c for c in filters.filter_columns(info) if c in info.capabilities.group_columns]
# without dates there is no previous period: the overlay opens on two segments when the data has some
# (a table of counts by source showed «no dates» under the period view, its sources one click away)
overlay_default = "segment" if seg_columns and not info.capabilities.can("dates") else "period"
urlstate.sync("fn_overlay", urlstate.choice("fn_overlay", ("period", "segment"), overlay_default))
mode = st.segmented_control(t("pages.overlay.mode"), ("period", "segment"), key="fn_overlay", required=True,
                            format_func=lambda m: t(f"pages.overlay.{m}"), on_change=urlstate.on_change,
                            args=("fn_overlay", "fn_overlay", str, overlay_default))
if mode == "period":
    prev_from, prev_to, why = previous_of(info, spec)
    has_dates = explain.unless(info, "dates", t)  # when not, the helper has said why
    if has_dates and why:
        st.info(t(why, **explain.reason_params(info, prev_from, prev_to)))
    elif has_dates:
        prev_spec = spec.replace(date_from=prev_from, date_to=prev_to)
        prev = cache.outcomes(info.id, info.version, prev_spec)
        names = (t("pages.overlay.this_period", date_from=spec.date_from, date_to=spec.date_to),
                 t("metrics.label.previous_period", date_from=prev_from, date_to=prev_to))
        specs = (spec, prev_spec)
        rows = (out.stages, prev.stages)
        drill.clickable_chart(overlay_figure(rows[0], rows[1], *names, labels=labels, lang=lang), "fn_overlay_p",
                              lambda c, i: (Selection("reached", position=rows[0][i].position),
                                            f"{names[c]} — {md_escape(rows[0][i].stage)}", specs[c]))
elif mode == "segment":
    columns = seg_columns
    c1, c2, c3 = st.columns(3)
    if columns:
        urlstate.sync("fn_seg", urlstate.choice("fn_seg", columns, columns[0]))
    by = c1.selectbox(t("pages.overlay.column"), columns, key="fn_seg",
                      format_func=lambda c: info.extra_columns.get(c) or t(f"metrics.column.{c}"),  # option text: no markdown
                      on_change=urlstate.on_change, args=("fn_seg", "fn_seg"))
    groups = cache.outcomes_by_group(info.id, info.version, spec, by) if by else {}
    values = list(groups)
    if len(values) < 2:
        st.info(t("pages.overlay.need_two"))
    else:
        fmt = lambda v: t("pages.filter.no_value") if v is None else str(v)  # noqa: E731
        # values travel as text in the URL; NONE is "no value"
        code = {(NONE if v is None else str(v)): v for v in values}
        picked = []
        for place, name, fallback, label in ((c2, "fn_seg_a", 0, "pages.overlay.value_a"),
                                             (c3, "fn_seg_b", 1, "pages.overlay.value_b")):
            key = f"{name}_{by}"
            urlstate.sync(key, code[urlstate.choice(name, list(code), list(code)[fallback])])
            picked.append(place.selectbox(t(label), values, key=key, format_func=fmt, on_change=urlstate.on_change,
                                          args=(key, name, lambda v: NONE if v is None else str(v))))
        a, b = picked
        pair = (a, b)
        drill.clickable_chart(
            overlay_figure(groups[a].stages, groups[b].stages, fmt(a), fmt(b), labels=labels, lang=lang),
            "fn_overlay_s",
            lambda c, i: (Selection("reached", position=groups[a].stages[i].position, by=by, value=pair[c]),
                          f"{md_escape(fmt(pair[c]))} — {md_escape(groups[a].stages[i].stage)}"))

# -- cohorts ------------------------------------------------------------------------------------
st.subheader(t(words.key(info, "pages.cohort.title")))
if explain.unless(info, "dates", t):
    c1, c2 = st.columns(2)
    urlstate.sync("fn_cohort", urlstate.choice("fn_cohort", ("week", "month", "quarter"), "month"))
    unit = c1.segmented_control(t("pages.cohort.unit"), ("week", "month", "quarter"), key="fn_cohort",
                                required=True, format_func=lambda u: t(f"metrics.cohort.{u}"),
                                on_change=urlstate.on_change, args=("fn_cohort", "fn_cohort", str, "month"))
    stage_names = [r.stage for r in out.stages]
    target = c2.selectbox(t("pages.cohort.stage"), range(len(stage_names)), index=len(stage_names) - 1,
                          key="fn_cohort_stage", format_func=lambda i: stage_names[i])
    table_c = cache.cohorts(info.id, info.version, spec, unit or "month")
    if table_c.reason:
        st.info(t(table_c.reason))
    else:
        position = out.stages[target].position

        def _cohort_point(curve: int, i: int):
            key = table_c.cohorts[i].key
            name = fmt_cohort(key, table_c.unit, lang)
            if curve == 0:
                return Selection("open", cohort_unit=table_c.unit, cohort_key=key), t("pages.drill.title_cohort_open", cohort=name)
            return (Selection("reached", position=position, cohort_unit=table_c.unit, cohort_key=key),
                    t(words.key(info, "pages.drill.title_cohort"), cohort=name, stage=md_escape(stage_names[target])))

        drill.clickable_chart(cohort_figure(table_c, position, labels, lang), "fn_cohort", _cohort_point)
        st.caption(t(words.key(info, "pages.cohort.caption"), as_of=table_c.as_of))
        if table_c.undated:
            st.caption(t(words.key(info, "metrics.label.undated"), n=fmt_int(table_c.undated, lang)))

# -- close rate and fit rate (stages the user picks; kept in the URL) ---------------------------
if info.capabilities.can("deals") and not caps.is_web_funnel and len(out.stages) > 1:
    st.subheader(t("pages.rates.title"))
    st.caption(t("pages.rates.caption"))
    names = [r.stage for r in out.stages]
    picks = {}
    cols = st.columns(3)
    defaults = default_rate_stages(names)
    for col, (param, label) in zip(cols, (("close", "pages.rates.proposal"), ("fit_from", "pages.rates.mql"),
                                          ("fit_to", "pages.rates.sql")), strict=True):
        wanted = st.query_params.get(param)
        index = names.index(wanted if wanted in names else defaults[param])
        picks[param] = col.selectbox(t(label), names, index=index, key=f"fn_rate_{param}")
        if picks[param] != wanted:
            st.query_params[param] = picks[param]
    rated = cache.outcomes(info.id, info.version, spec.replace(
        close_rate_stage=picks["close"], fit_from=picks["fit_from"], fit_to=picks["fit_to"]))
    m1, m2 = st.columns(2)
    m1.metric(t("metrics.kpi.close_rate"), fmt_pct(rated.close_rate, lang), border=True,
              help=t("pages.rates.close_help", stage=md_escape(picks["close"])))
    if rated.close_rate is None and (why := rated.reasons.get("close_rate")):
        m1.caption(t(why))
    with m1:
        drill.button(t("pages.drill.open"), Selection("reached", position=out.stages[names.index(picks["close"])].position),
                     t("pages.drill.title_reached", stage=md_escape(picks["close"])), key="fn_rate_close_deals", info=info)
    m2.metric(t("metrics.kpi.fit_rate"), fmt_pct(rated.fit_rate, lang), border=True,
              help=t("pages.rates.fit_help", mql=md_escape(picks["fit_from"]), sql=md_escape(picks["fit_to"])))
    with m2:  # the deals that reached the SQL stage (the fit rate's numerator, as the close rate's button)
        drill.button(t("pages.drill.open"), Selection("reached", position=out.stages[names.index(picks["fit_to"])].position),
                     t("pages.drill.title_reached", stage=md_escape(picks["fit_to"])), key="fn_rate_fit_deals", info=info)
    if rated.lost_stage_unknown:  # counted at the first stage only: both rates lean on that (session 50)
        st.caption(t("consult50.funnel.rates_lost_unknown", n=fmt_int(rated.lost_stage_unknown, lang)))

for note in urlstate.notes(t):
    st.warning(note, icon=":material/link_off:")
drill.show_pending(info, spec, t)
