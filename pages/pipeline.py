"""Pipeline & Forecast: what the pipe held on any date, what moved, which stages turn into money,
how likely this month's plan is, and how well that forecast did in past months."""

from datetime import datetime, time

import pandas as pd
import streamlit as st

from funnel.formats import fmt_cohort, fmt_int, fmt_num, fmt_pct
from funnel.i18n import names_in_quotes, sentences
from funnel.markdown_escape import md_escape
from funnel.metrics import Selection
from funnel.money import mixed_currencies
from funnel.velocity.backtest import backtest_error
from funnel.velocity.charts import (
    WATERFALL_BARS,
    backtest_figure,
    fan_figure,
    probability_figure,
    snapshot_figure,
    waterfall_bars,
    waterfall_figure,
    weekly_figure,
)
from funnel.velocity.common import month_end
from funnel.velocity.forecast import won_unmarked_reason
from funnel.velocity.pipeline import as_date
from ui import cache, drill, explain, money_text
from ui import velocity as vui
from ui.routing import require_frame
from ui.tiles import rows as tile_rows

require_frame()

t, lang, info, spec, as_of = vui.page_head("ui.page.pipeline")
if not explain.unless(info, "pipeline", t):  # a web funnel: visitors, no open deals to forecast
    st.stop()
LABELS = {k: t(f"velocity.chart.{k}") for k in (
    "open", "amount", "unknown", "off_order", "start", "new", "won", "lost", "end", "forward", "back", "moves", "pipeline",
    "range", "median", "plan", "forecast", "actual")}
# the waterfall's bars are movements, named as its table and drill-downs name them («Выиграны» beside «Проиграны»;
# the chart words' «won» is the cycle chart's «Выигранные сделки»)
BAR_LABELS = {**LABELS, **{k: t(f"velocity.bar.{k}") for k in ("start", "new", "won", "lost", "end", "forward", "back",
                                                              "removed", "changed")}}
# amounts in several currencies (no Currency filter picking one): no sum of them is drawn or written (survey 35:
# «595 тыс.» of roubles and dollars added)
MIXED = bool(mixed_currencies(info.capabilities.currencies, spec.filter_dict))
if MIXED:
    st.info(t("velocity.reason.mixed_currencies"))
money = st.segmented_control(t("velocity.ui.measure"), ("deals", "amount"), default="deals", key="pl_measure",
                             format_func=lambda m: t(f"velocity.ui.measure_{m}"), required=True,
                             disabled=MIXED) == "amount" and not MIXED


UNPRICED = info.capabilities.open_unpriced or MIXED  # open deals carry no amount: their sums are unknown, not 0


def amount_text(value) -> str:
    """An amount written short, with the dataset's currency (a dash when it would add currencies)."""
    return "—" if MIXED else money_text.compact(info, value, lang)


def open_amount_text(value) -> str:
    """An amount of open deals: a dash when the file gives open deals no amount (or the forecast is none)."""
    return "—" if UNPRICED or value is None else amount_text(value)


# -- this month's forecast -----------------------------------------------------------
# first on the page, the answer to «what will we close this month»: before, these tiles sat under the snapshot, the
# weekly chart, the waterfall and the probability chart, ~3 000 px down on a 1440×900 laptop (session 49)
st.subheader(t("exec49.pipeline.forecast"))
if UNPRICED and not MIXED:  # why the money tiles below read «—» (said under the snapshot's amount too, further down)
    st.caption(t("velocity.ui.open_unpriced"))
# nothing could mark a deal of this pipeline (or file) won: a forecast of wins is unknown, not tiles and months of 0
NO_FORECAST = won_unmarked_reason(info, spec.pipeline if spec.pipeline is not None
                                  else cache.pipeline_of(info.id, info.version, spec))
fc = None
rows_b: list = []
if NO_FORECAST:
    st.info(t(NO_FORECAST))
else:
    c1, c2 = st.columns(2)
    with c1:
        plan = vui.plan_input(info, t)
    with c2:
        month = vui.plan_month(t, as_of)
    fc = vui.compute("forecast", info.id, info.version, spec, as_of, plan, month)
    k1, k2, k3, k4 = tile_rows(4, per_row=2)  # two a row: four cut «Вероятность плана дек. …», «2026年10月 预期赢单（…»
    k1.metric(t("velocity.kpi.weighted"), open_amount_text(fc.weighted_pipeline), border=True,
              help=t("velocity.help.weighted"))
    vui.open_button(t("pages.drill.open"), Selection("open_at", until=as_of), t("velocity.kpi.weighted"), "pl_weighted",
                    info, k1)
    if fc.no_probability_deals:  # weighed at 0, not said before (the forecast's ``no_probability`` went unshown)
        k1.caption(t("velocity.ui.no_probability", n=fc.no_probability_deals, amount=open_amount_text(fc.no_probability)))
        vui.open_button(t("pages.drill.open"), Selection("unweighted_at", until=as_of,
                                                         values=tuple(str(p) for p in fc.no_probability_positions)),
                        t("velocity.drill.no_probability"), "pl_unweighted", info, k1)
    k2.metric(t("velocity.kpi.age_adjusted"), open_amount_text(fc.age_adjusted), border=True,
              help=t("velocity.help.age_adjusted"))
    vui.open_button(t("pages.drill.open"), Selection("open_at", until=as_of), t("velocity.kpi.age_adjusted"),
                    "pl_age_adjusted", info, k2)  # the open deals it weighs, as the weighted pipeline's
    month_label = fmt_cohort(month, "month", lang)
    k3.metric(t("velocity.kpi.p_meet_plan", month=month_label), fmt_pct(fc.p_meet_plan, lang) if plan and not UNPRICED else "—",
              border=True, help=t("velocity.help.p_meet_plan"))
    if not plan:
        k3.caption(t("velocity.ui.enter_plan"))
    else:  # the chance is drawn over the open deals (and what the month has already won)
        vui.open_button(t("pages.drill.open"), Selection("open_at", until=as_of),
                        t("velocity.kpi.p_meet_plan", month=month_label), "pl_p_meet_plan", info, k3)
    # the month's wins to come are the open deals' amounts: unknown where they carry none (the note above says why)
    k4.metric(t("velocity.kpi.median_month", month=month_label), open_amount_text(fc.p50), border=True,
              help=t("velocity.help.range"))
    k4.caption(t("velocity.ui.range", p10=open_amount_text(fc.p10), p90=open_amount_text(fc.p90)))
    month_start_at = datetime.combine(month, time.min)
    vui.open_button(t("pages.drill.open"), Selection("won_between", since=month_start_at, until=as_of),
                    t("velocity.drill.won_so_far", month=month_label), "pl_won_so_far", info, k4)
    rows_b = vui.compute("backtest", info.id, info.version, spec, as_of)
    # open deals with no amount: no past forecast of money could have been made (funnel/velocity/report.py)
    error = None if UNPRICED else backtest_error(rows_b)
    if error is not None and error.ratio is not None:  # the forecast's past error, beside the forecast
        note = t("velocity.ui.backtest_error", months=error.months, ratio=fmt_num(error.ratio, lang, 2),
                 low=fmt_num(error.low, lang, 2), high=fmt_num(error.high, lang, 2))
        if error.missed:
            note = sentences(lang, note, t("velocity.ui.backtest_missed", missed=error.missed))
        (st.caption if error.reliable else st.warning)(note if error.reliable
                                                       else sentences(lang, note, t("velocity.ui.backtest_unreliable")))
    st.caption(t("velocity.ui.mc_caption", runs=fmt_int(fc.runs, lang), seed=fc.seed,
                 won=amount_text(fc.won_so_far), undated=open_amount_text(fc.undated),
                 beyond=open_amount_text(fc.beyond)))
    if fc.fan and not UNPRICED:
        st.plotly_chart(fan_figure(fc.fan, plan, LABELS, lang), key="pl_fan", config={"displayModeBar": False})
        month_labels = [fmt_cohort(m, "month", lang) for m, _v in fc.by_month]
        by_month = pd.DataFrame([{t("velocity.col.month"): label, t("velocity.col.expected"): amount_text(v)}
                                 for label, (_m, v) in zip(month_labels, fc.by_month, strict=True)])

        def _month_deals(_row: int, column: str):
            """A month's expected amount opens the open deals as of the forecast's date, all of them: the number is
            Σ amount × P(won, age-adjusted) × P(closes in that month | won) (funnel/velocity/forecast.py), an
            expectation each open deal adds a share of to several months, not a sum over the deals some rule puts
            in that month. No SQL condition names a set of deals whose amounts make it, so the caption says what
            the number is and the click lists the deals it is spread over (the weighted pipeline's, as its tile)."""
            if column not in month_labels:
                return None
            amount = amount_text(fc.by_month[month_labels.index(column)][1])
            return (Selection("open_at", until=as_of),
                    t("drill50.by_month.title", month=column, amount=amount, date=as_date(as_of)))

        drill.selectable_table(by_month.set_index(t("velocity.col.month")).T, "pl_by_month", _month_deals,
                               hide_index=False)
        st.caption(t("drill50.by_month.caption", date=as_date(as_of)))

# -- the pipeline on a date ---------------------------------------------------------------------
st.subheader(t("velocity.ui.snapshot", date=as_date(as_of)))
snap = vui.compute("snapshot", info.id, info.version, spec, as_of)
c1, c2 = st.columns(2)
c1.metric(t("velocity.kpi.open_deals"), fmt_int(snap.open_deals, lang), border=True)
c2.metric(t("velocity.kpi.open_amount"), open_amount_text(snap.amount), border=True)
if UNPRICED and not MIXED:
    c2.caption(t("velocity.ui.open_unpriced"))
for col, key in ((c1, "pl_open"), (c2, "pl_open_amount")):  # both numbers are the same open deals
    vui.open_button(t("pages.drill.open"), Selection("open_at", until=as_of), t("velocity.drill.open_at",
                    date=as_date(as_of)), key, info, col)
rows = snap.rows


def _snapshot_bar(_curve: int, i: int):
    """The deals behind bar ``i``: a step's, a stage the order leaves out (by its name), or the unknown stage's."""
    r = rows[i]
    if r.position is not None:
        return Selection("in_stage", position=r.position, until=as_of), t("velocity.drill.in_stage", stage=md_escape(r.stage))
    if r.off_order:
        return (Selection("off_order_at", value=r.stage, until=as_of),
                t("velocity.drill.off_order", stage=md_escape(r.stage)))
    return Selection("unknown_at", until=as_of), t("velocity.drill.unknown", date=as_date(as_of))


drill.clickable_chart(snapshot_figure(rows, LABELS, lang, priced=not UNPRICED), "pl_snapshot", _snapshot_bar)
if any(r.off_order for r in rows):
    st.caption(t("velocity.ui.off_order", stages=names_in_quotes((md_escape(r.stage) for r in rows if r.off_order),
                                                                 lang)))
if any(r.stage is None for r in rows):
    st.caption(t("velocity.ui.unknown"))
if snap.stages_are_current:
    st.caption(t("velocity.ui.stages_are_current"))
elif snap.without_history:
    st.caption(t("velocity.ui.without_history", n=fmt_int(snap.without_history, lang)))
if info.capabilities.no_created:  # open from before any date: the data cannot say since when
    st.caption(t("velocity.ui.no_created", n=fmt_int(info.capabilities.no_created, lang)))

st.subheader(t("velocity.ui.weekly"))
if not vui.needs_history(info, t):
    series = vui.compute("weekly", info.id, info.version, spec, as_of)
    if series.empty:
        st.caption(t("metrics.reason.no_deals"))
    else:
        drill.clickable_chart(weekly_figure(series, LABELS, lang, amount=money), "pl_weekly",
                              vui.weekly_point(series, t, as_of))
        st.caption(t("velocity.ui.weekly_caption") + " " + t("exec49.pipeline.weekly_click"))

# -- what moved between two dates -----------------------------------------------------------------
st.subheader(t("velocity.ui.waterfall"))
a, b = vui.date_pair(t, as_of)
if a >= b:
    st.info(t("error.velocity.bad_range", date_from=as_date(a), date_to=as_date(b)))
else:
    wf = vui.compute("waterfall", info.id, info.version, spec, a, b)
    kinds = {"start": Selection("open_at", until=a), "new": Selection("created_between", since=a, until=b),
             "won": Selection("won_between", since=a, until=b), "lost": Selection("lost_between", since=a, until=b),
             "end": Selection("open_at", until=b), "forward": Selection("moved_forward", since=a, until=b),
             "back": Selection("moved_back", since=a, until=b)}

    def _bar(curve: int, i: int):
        key = WATERFALL_BARS[i] if curve == 0 else ("forward", "back")[i]
        return kinds[key], t(f"velocity.bar.{key}")

    drill.clickable_chart(waterfall_figure(wf.bars, BAR_LABELS, lang, amount=money), "pl_waterfall", _bar)
    bars = wf.bars
    st.caption(t("velocity.ui.identity", start=fmt_int(bars["start"].deals, lang), new=fmt_int(bars["new"].deals, lang),
                 won=fmt_int(bars["won"].deals, lang), lost=fmt_int(bars["lost"].deals, lang),
                 end=fmt_int(bars["end"].deals, lang)))
    if bars.get("forward") is None:
        st.caption(t("velocity.ui.moves_need_history"))
    else:
        names = {s.position: s.stage for s in snap.rows if s.position is not None}
        moved = sorted(wf.movements.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))
        col = {k: t(f"velocity.col.{k}") for k in ("from", "to", "deals", "amount")}

        def _place(position) -> str:
            return names.get(position, t("velocity.chart.unknown"))

        def _target(to: str) -> str:
            return t(f"velocity.bar.{to}") if to in ("won", "lost") else _place(int(to))

        moves = [{col["from"]: t("velocity.bar.new") if src is None else _place(src), col["to"]: _target(to),
                  col["deals"]: bar.deals, col["amount"]: amount_text(bar.amount)} for (src, to), bar in moved]

        def _move_deals(row: int, column: str):
            """A row's deals or amount: the deals that made that move between the two dates (pipeline_flows.sql's
            rule deal by deal, funnel/velocity/drill.py «moved»)."""
            if column not in (col["deals"], col["amount"]):
                return None
            (src, to), _bar = moved[row]
            return (Selection("moved", position=src, value=to, since=a, until=b),
                    t("drill50.moves.title", source=md_escape(moves[row][col["from"]]),
                      target=md_escape(moves[row][col["to"]]), date_from=as_date(a), date_to=as_date(b)))

        with st.expander(t("velocity.ui.movements")):
            drill.selectable_table(pd.DataFrame(moves), "pl_moves", _move_deals, column_config={
                col["amount"]: st.column_config.TextColumn(alignment="right")})
            st.caption(t("drill50.moves.hint"))

# -- two snapshots instead of a history -----------------------------------------------------------
compared = vui.snapshot_comparison(info, spec)
if compared is not None:
    prev, cmp = compared
    st.subheader(t("velocity.ui.since_previous", name=md_escape(prev.name)))
    removed = cmp.bars["removed"].deals

    def _compared_bar(curve: int, i: int):
        """A bar's deals in this dataset (funnel/velocity/drill.py «snapshot_bar»); «start» less the removed ones,
        which this dataset no longer has: the dialog says how many, and where they are."""
        key = waterfall_bars(cmp.bars, money)[i] if curve == 0 else ("forward", "back")[i]
        if key in ("removed", "changed"):  # not in this dataset / a sum of differences: the caption says where
            return None
        note = t("drill50.snapshot.removed_note", n=removed, name=md_escape(prev.name)) \
            if key == "start" and removed else None
        return (Selection("snapshot_bar", value=key, previous=prev.id, since=cmp.date_from),
                t("drill50.snapshot.title", bar=t(f"velocity.bar.{key}"), name=md_escape(prev.name)), None, note)

    drill.clickable_chart(waterfall_figure(cmp.bars, BAR_LABELS, lang, amount=money), "pl_snapshots", _compared_bar)
    st.caption(t("velocity.ui.snapshot_identity", date_from=as_date(cmp.date_from),
                 date_to=as_date(cmp.date_to), removed=fmt_int(cmp.bars["removed"].deals, lang),
                 changed=amount_text(cmp.bars["changed"].amount)))
    st.caption(t("drill50.snapshot.hint", name=md_escape(prev.name)))

# -- stage probability (the forecast's weights) -------------------------------------------------
st.subheader(t("exec49.pipeline.probability"))
probs = fc.probabilities if fc is not None else None
if NO_FORECAST:  # every stage's P(won) would read 0 from deals none of which could be won
    st.caption(t("pipes50.probability.none"))
if probs and probs.rows:
    rows_p = [r for r in probs.rows if r.p_won is not None]
    closed_spec = spec.replace(closed_only=True)
    st.markdown(t("velocity.ui.probability"))
    drill.clickable_chart(probability_figure(probs.rows, probs.key.stage if probs.key else None, LABELS, lang),
                          "pl_prob", lambda _c, i: (Selection("reached", position=rows_p[i].position),
                                                    t("velocity.drill.reached_closed", stage=md_escape(rows_p[i].stage)),
                                                    closed_spec))
    if probs.key:
        st.markdown(t("velocity.ui.key_stage", stage=md_escape(probs.key.stage), before=md_escape(probs.key.previous_stage),
                      p_before=fmt_pct(probs.key.p_before, lang), p_at=fmt_pct(probs.key.p_at, lang)))
    if probs.lost_stage_unknown:
        st.caption(t("velocity.ui.lost_unknown", n=fmt_int(probs.lost_stage_unknown, lang)))
    if probs.open_as_not_won:
        st.caption(t("velocity.ui.open_as_not_won"))
st.subheader(t("velocity.ui.backtest"))
if rows_b and not UNPRICED:
    drill.clickable_chart(backtest_figure(rows_b, LABELS, lang), "pl_backtest", lambda _c, i: (
        Selection("won_between", since=datetime.combine(rows_b[i].month, time.min), until=month_end(rows_b[i].month)),
        t("velocity.drill.won_month", month=fmt_cohort(rows_b[i].month, "month", lang))))
    st.caption(t("velocity.ui.backtest_caption"))
elif NO_FORECAST:  # no past forecast of wins could be made either
    st.caption(t("pipes50.backtest.none"))
elif MIXED:
    st.caption(t("velocity.reason.mixed_currencies"))
elif rows_b and UNPRICED:
    st.info(t("velocity.reason.backtest_unpriced"))

drill.show_pending(info, spec, t)
