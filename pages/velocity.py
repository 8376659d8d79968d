"""Velocity: how long deals sit in each stage, whether the cycle is getting longer, money per day."""

import math

import pandas as pd
import streamlit as st

from funnel.formats import duration_unit, fmt_cohort, fmt_int, fmt_num, fmt_pct, unit_name
from funnel.i18n import names_in_quotes
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.metrics.cycle_rules import p90_reason_params
from funnel.velocity.pipeline import as_date
from funnel.velocity.sales_velocity import what_if
from ui import drill, explain, money_text, words
from ui import velocity as vui
from ui.figures import cycle_trend_figure, time_in_stage_figure
from ui.routing import require_frame
from ui.tiles import rows as tile_rows

require_frame()

t, lang, info, spec, as_of = vui.page_head("ui.page.velocity")
st.caption(t("velocity.ui.as_of_caption", as_of=as_of))
LABELS = {k: t(f"velocity.chart.{k}") for k in ("finished", "waiting", "over_p90", "days", "won", "median", "young")}


def days(x) -> str:
    """Days with one decimal; a stay shorter than 0.1 day (a web visitor's minutes) keeps two
    significant digits instead of reading "0.0"."""
    if x is not None and 0 < abs(x) < 0.1:
        return fmt_num(x, lang, min(6, 1 - math.floor(math.log10(abs(x)))))
    return fmt_num(x, lang, 1)


# -- time in stage ------------------------------------------------------------------------------
web = info.capabilities.is_web_funnel  # visitors and steps: nobody waits "open" at a step
OPEN = t(words.key(info, "pages.drill.open"))
st.subheader(t(words.key(info, "velocity.ui.time_in_stage")))
if not vui.needs_history(info, t):
    tis = vui.compute("time_in_stage", info.id, info.version, spec, as_of)
    slow, stuck = tis.slowest, tis.most_stuck
    # a web funnel's steps take seconds or minutes: its times read in the unit that suits them
    unit, unit_days = duration_unit([r.median_days for r in tis.rows]) if web else ("day", 1.0)
    short = unit_name(unit, lang)

    def span(x, like=None) -> str:
        """A web funnel's duration in the unit that suits it (or ``like``), named: «12.7 min», «4.8 d»."""
        if not web or x is None:
            return days(x)
        name, size = duration_unit([x if like is None else like])
        return f"{days(x / size)}\u00a0{unit_name(name, lang)}"
    if slow is not None:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        mean = slow.mean_with_open_days
        c1.markdown(t(words.key(info, "velocity.ui.slowest"), stage=md_escape(slow.stage), days=span(mean),
                      median=span(slow.median_days, like=mean)))
        slow_deals = (Selection("stayed", position=slow.position, until=as_of),
                      t(words.key(info, "velocity.drill.stayed"), stage=md_escape(slow.stage))) if web else \
            (Selection("in_stage", position=slow.position, until=as_of),
             t("velocity.drill.in_stage", stage=md_escape(slow.stage)))
        vui.open_button(OPEN, *slow_deals, "vel_slow", info, c2)
    if stuck is not None:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(t("velocity.ui.stuck", stage=md_escape(stuck.stage), n=fmt_int(stuck.open_over_p90, lang),
                      p90=days(stuck.p90_days)))
        vui.open_button(t("pages.drill.open"),
                        Selection("in_stage", position=stuck.position, until=as_of, min_days=stuck.p90_days),
                        t("velocity.drill.stuck", stage=md_escape(stuck.stage), days=days(stuck.p90_days)),
                        "vel_stuck", info, c2)
    labels = {**LABELS, "days": t("polish.web.chart_unit", unit=short)} if web else LABELS
    drill.clickable_chart(time_in_stage_figure(tis.rows, labels, lang, unit_days), "vel_tis_chart", lambda curve, i: (
        (Selection("stayed", position=tis.rows[i].position, until=as_of),
         t(words.key(info, "velocity.drill.stayed"), stage=md_escape(tis.rows[i].stage))) if curve == 0 else
        (Selection("in_stage", position=tis.rows[i].position, until=as_of),
         t("velocity.drill.in_stage", stage=md_escape(tis.rows[i].stage)))))
    COLS = ("stage", "n", "median_days", "p75_days", "p90_days", "mean_days", "open_n", "open_over_p90",
            "km_median_days")
    if web:  # no open visitors: their columns would be zeros and the KM median the plain median
        COLS = COLS[:6]
    heads = {c: t(words.key(info, f"velocity.col.{c}")) for c in COLS}
    if web:  # «Median, min»: the unit the cells are in
        heads.update({c: t(key, unit=short) for c, key in (("median_days", "polish.web.col.median"),
                      ("p75_days", "polish.web.col.p75"), ("p90_days", "polish.web.col.p90"),
                      ("mean_days", "polish.web.col.mean"))})
    cell = (lambda x: days(None if x is None else x / unit_days)) if web else days
    table = pd.DataFrame([{
        "stage": r.stage, "n": fmt_int(r.n, lang), "median_days": cell(r.median_days), "p75_days": cell(r.p75_days),
        "p90_days": cell(r.p90_days), "mean_days": cell(r.mean_days), "open_n": fmt_int(r.open_n, lang),
        "open_over_p90": fmt_int(r.open_over_p90, lang), "km_median_days": days(r.km_median_days)}
        for r in tis.rows])[list(COLS)].rename(columns=heads)

    def _on_cell() -> None:
        state = st.session_state.get(drill.nonce("vel_table")) or {}
        cells = (state.get("selection") or {}).get("cells") or []
        drill.bump("vel_table")
        if not cells:
            return
        row_i, header = cells[0]
        column = next((c for c, h in heads.items() if h == header), "n")
        r = tis.rows[int(row_i)]
        if column in ("open_n", "open_over_p90"):
            min_days = r.p90_days if column == "open_over_p90" else None
            if column == "open_over_p90" and min_days is None:
                return
            drill.request(Selection("in_stage", position=r.position, until=as_of, min_days=min_days),
                          t("velocity.drill.stuck" if min_days else "velocity.drill.in_stage",
                            stage=md_escape(r.stage), days=days(min_days)))
        else:
            drill.request(Selection("stayed", position=r.position, until=as_of),
                          t(words.key(info, "velocity.drill.stayed"), stage=md_escape(r.stage)))

    st.dataframe(table, hide_index=True, key=drill.nonce("vel_table"), on_select=_on_cell,
                 selection_mode="single-cell", height=35 * (len(table) + 1) + 3,
                 column_config={heads[c]: st.column_config.TextColumn(help=t(f"velocity.help.{c}")) for c in COLS
                                if not web or c != "n"})
    st.caption(t(words.key(info, "velocity.ui.tis_caption")))
    few = [t(r.p90_reason, stage=md_escape(r.stage), **p90_reason_params(r.n)) for r in tis.rows if r.p90_reason]
    if few:  # a «—» in the p90 column: too few finished stays for a percentile
        st.caption("  \n".join(few))
    nobody = [r.stage for r in tis.rows if r.n == 0 and r.open_n]
    if nobody:
        st.caption(t("velocity.ui.nobody_left", stages=names_in_quotes(map(md_escape, nobody), lang)))

# -- cycle ----------------------------------------------------------------------------------------
def cycle_section() -> None:
    st.subheader(t("velocity.ui.cycle"))
    if not explain.unless(info, "cycle", t):
        return
    cyc = vui.compute("cycle", info.id, info.version, spec, as_of)
    cols = tile_rows(4, per_row=2)  # won's median and p90, then lost's: four a row cut «Выигранные: медиана ц…»
    for col, (outcome, stats) in zip(cols[::2], (("won", cyc.won), ("lost", cyc.lost)), strict=True):
        col.metric(t(f"velocity.ui.cycle_median_{outcome}"), days(stats.median_days), border=True,
                   help=t("velocity.ui.cycle_n", n=fmt_int(stats.n, lang)))
        vui.open_button(t("pages.drill.open"), Selection(f"{outcome}_between", until=as_of),
                        t(f"velocity.drill.{outcome}"), f"vel_cycle_{outcome}", info, col)
    for col, (outcome, stats) in zip(cols[1::2], (("won", cyc.won), ("lost", cyc.lost)), strict=True):
        col.metric(t(f"velocity.ui.cycle_p90_{outcome}"), days(stats.p90_days), border=True)
        if stats.p90_reason:  # the Overview's sentence: fewer than 10 deals with both dates
            col.caption(t(stats.p90_reason, **p90_reason_params(stats.n)))
        vui.open_button(t("pages.drill.open"), Selection(f"{outcome}_between", until=as_of),  # the same deals
                        t(f"velocity.drill.{outcome}"), f"vel_cycle_p90_{outcome}", info, col)
    if cyc.trend:
        trend = cyc.trend
        drill.clickable_chart(cycle_trend_figure(trend, LABELS, lang), "vel_cycle_chart", lambda _c, i: (
            Selection("won_between", until=as_of, cohort_unit="month", cohort_key=trend[i].month),
            t("velocity.drill.won_cohort", month=fmt_cohort(trend[i].month, "month", lang))))
        if cyc.young_by_longest:  # too few won cycles for a p90: the longest one is the threshold, said
            st.caption(t("cycle49.young_caption_longest", days=days(cyc.young_days)))
        else:
            st.caption(t("velocity.ui.young_caption", p90=days(cyc.won.p90_days)))


# -- sales velocity -------------------------------------------------------------------------------
def velocity_section() -> None:
    st.subheader(t("velocity.ui.sales_velocity"))
    if not explain.unless(info, "win_rate", t):  # open deals x win rate x average won deal / cycle
        return
    if explain.no_lost_recorded(info):
        st.warning(t("polish.no_lost.velocity"))
    vel = vui.compute("sales_velocity", info.id, info.version, spec, as_of)
    cur = vel.current
    if cur is None:
        st.info(t(vel.reason or "metrics.reason.no_deals"))
    else:
        st.caption(t("velocity.ui.window_only" if vel.previous_reason else "velocity.ui.window", days=vel.days,
                     start=as_date(cur.start), end=as_date(cur.end)))
        tiles = (
            ("per_month", lambda v: money_text.tile_value(info, v, lang), Selection("open_at", until=as_of)),
            ("open_deals", lambda v: fmt_int(v, lang), Selection("open_at", until=as_of)),
            ("win_rate", lambda v: fmt_pct(v, lang), Selection("won_between", since=cur.start, until=cur.end)),
            ("avg_deal_size", lambda v: money_text.tile_value(info, v, lang),
             Selection("won_between", since=cur.start, until=cur.end)),
            ("avg_cycle_days", days, Selection("won_between", since=cur.start, until=cur.end)),
        )
        cols = tile_rows(len(tiles))  # 3 + 2: five a row cut «Скорость продаж…» and «Средняя выигра…»
        for col, (key, fmt, selection) in zip(cols, tiles, strict=True):
            change = vel.change(key)
            delta = None if change is None else (f"{fmt_num(change * 100, lang, 1)} {t('pages.pp')}" if key == "win_rate"
                                                 else fmt(change))
            label = t(f"velocity.kpi.{key}")
            if key in ("per_month", "avg_deal_size"):
                label = money_text.tile_label(info, label, t, getattr(cur, key), lang)
            col.metric(label,
                       fmt(getattr(cur, key)), delta=delta, border=True,
                       delta_color="inverse" if key == "avg_cycle_days" else "normal",
                       help=t(f"velocity.help.{key}"))
            vui.open_button(t("pages.drill.open"), selection, t(f"velocity.kpi.{key}"), f"vel_kpi_{key}", info, col)
        if cur.unknown_reason:
            st.caption(vui.unknown_note(t, cur))
        if vel.open_change_reason and not vel.previous_reason:  # open deals' change hidden: said why
            st.caption(t(vel.open_change_reason, n=info.capabilities.no_created))
        if vel.previous_reason:  # no change shown: the previous window lies (partly) before the data
            st.caption(t(vel.previous_reason, **explain.reason_params(info, as_date(vel.previous.start),
                                                                      as_date(vel.previous.end))))
        else:
            st.caption(t("velocity.ui.previous", start=as_date(vel.previous.start), end=as_date(vel.previous.end),
                         value=money_text.compact(info, vel.previous.per_month, lang)))
        with st.container(border=True):
            st.markdown(t("velocity.ui.what_if"))
            w1, w2, w3 = st.columns(3)
            # "%g": a whole number reads "5", not "5.00" (Streamlit's inputs know no locale's decimal comma)
            pp = w1.number_input(t("velocity.ui.wi_win_rate"), -50.0, 50.0, 5.0, 1.0, key="vel_wi_wr", format="%g")
            size = w2.number_input(t("velocity.ui.wi_size"), -90.0, 500.0, 0.0, 5.0, key="vel_wi_size", format="%g")
            shorter = w3.number_input(t("velocity.ui.wi_cycle"), -365.0, 365.0, 0.0, 1.0, key="vel_wi_cycle",
                                      format="%g")
            better = what_if(cur, win_rate_pp=pp, deal_size_pct=size, cycle_days=-shorter)
            if cur.per_month is None or better.per_month is None:
                st.caption(vui.unknown_note(t, cur))
            else:
                st.markdown(t("velocity.ui.what_if_result", value=money_text.compact(info, better.per_month, lang),
                              delta=("+" if better.per_month > cur.per_month else "")
                              + money_text.compact(info, better.per_month - cur.per_month, lang)))


cycle_section()
velocity_section()
drill.show_pending(info, spec, t)
