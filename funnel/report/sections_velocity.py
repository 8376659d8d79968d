"""Velocity, pipeline and forecast (issue 10) in the report: the engine's documents (the same ones
``python -m funnel velocity | pipeline | forecast --json`` prints), as of the dataset's latest moment."""

from __future__ import annotations

from datetime import date, datetime

from ..formats import fmt_cohort, fmt_date, fmt_datetime
from ..metrics.cycle_rules import beside, p90_reason_params
from ..metrics.probability import KEY_MIN_N
from ..velocity.backtest import backtest
from ..velocity.cycle import cycle
from ..velocity.forecast import forecast
from ..velocity.pipeline import as_date, snapshot
from ..velocity.report import forecast_doc, pipeline_doc, velocity_doc
from ..velocity.sales_velocity import DAYS_PER_MONTH, sales_velocity
from ..velocity.time_in_stage import time_in_stage
from .inputs import Inputs
from .model import Column, Section, Table
from .step_words import step_key
from .words import word


def _moment(text: str | None, lang: str) -> str:
    """A document's ISO moment («2026-10-31 23:27:44») as the language writes it (survey 51: ISO in RU / ZH)."""
    return fmt_datetime(datetime.fromisoformat(text), lang) if text else "—"


def _month(text: str, lang: str) -> str:
    """A forecast's month «2026-10» as «окт. 2026 г.» / «Oct 2026» / «2026年10月»."""
    try:
        return fmt_cohort(date.fromisoformat(f"{text}-01"), "month", lang)
    except (TypeError, ValueError):
        return text


def _reasons(inp: Inputs, sec: Section, doc: dict) -> None:
    for code in dict.fromkeys(doc.get("reasons", {}).values()):
        text = word(code, inp.w.lang)
        if text not in sec.bullets:  # the pipeline and the forecast can give one reason
            sec.bullets.append(text)


def _section(inp: Inputs, key: str) -> Section:
    """The section, with the reason aggregate counts cannot fill it (no dates, no deals)."""
    sec = Section(key, inp.w(f"report.section.{key}"))
    if inp.info.shape == "counts":
        sec.note = inp.w(step_key(inp.info.capabilities, "report.note.velocity_counts"))
    return sec


def velocity(inp: Inputs) -> Section:
    w, con, info, spec = inp.w, inp.con, inp.info, inp.spec
    sec = _section(inp, "velocity")
    if sec.note:
        return sec
    vel = sales_velocity(con, info, spec, None)
    doc = velocity_doc(time_in_stage(con, info, spec, None), cycle(con, info, spec, None), vel)
    sec.paragraphs.append(w("report.velocity.as_of", as_of=_moment(doc["as_of"], w.lang)))
    sv = doc["sales_velocity"]
    cur = vel.current
    if sv["per_day"] is not None and cur is not None and cur.start is not None and cur.end is not None:
        # its win rate and average deal are the window's, not the summary's whole period: said (survey 51)
        sec.paragraphs.append(w("report.velocity.sales", per_day=w.num(sv["per_day"]), open=w.int(sv["open_deals"]),
                                win_rate=w.pct(sv["win_rate"]), size=w.num(sv["avg_deal_size"]),
                                cycle=w.num(sv["avg_cycle_days"], 1), days=vel.days,
                                start=fmt_date(as_date(cur.start), w.lang),
                                end=fmt_date(as_date(cur.end), w.lang)))
        if cur.per_month is not None:  # the Velocity page's tile is per month: the same number, said (session 50)
            sec.paragraphs[-1] = beside(sec.paragraphs[-1], w("consult50.report.velocity.per_month",
                                                              per_month=w.num(cur.per_month),
                                                              days_per_month=w.num(DAYS_PER_MONTH, 2)), w.lang)
    won = doc["cycle"]["won"]
    if won["n"]:
        line = w("report.velocity.cycle", n=w.int(won["n"]), median=w.num(won["median_days"], 1),
                 p90=w.num(won["p90_days"], 1))
        few = won.get("p90_reason")  # «—» for a p90 of fewer than 10 won deals, and the Overview's sentence why
        sec.paragraphs.append(beside(line, few and w.reason(few, **p90_reason_params(won["n"])), w.lang))
    _reasons(inp, sec, doc)
    for r in doc["time_in_stage"]:  # a «—» in the table's p90 column: too few finished stays, said
        if r.get("p90_reason"):
            sec.bullets.append(w.reason(r["p90_reason"], stage=r["stage"], **p90_reason_params(r["n"])))
    keys = (("stage", "text"), ("n", "int"), ("median_days", "days"), ("p90_days", "days"), ("open_n", "int"),
            ("open_over_p90", "int"))
    if doc["time_in_stage"]:
        sec.tables.append(Table("time_in_stage", w("report.table.time_in_stage"),
                                [Column(k, w(f"report.col.tis_{k}"), kind) for k, kind in keys],
                                [[r[k] for k, _ in keys] for r in doc["time_in_stage"]]))
    return sec


def _snapshot_stage(w, row: dict) -> str:
    """A snapshot row's stage as the Pipeline page names it: a status the order leaves out says so."""
    if row.get("off_order"):
        return f"{row['stage']} ({w.reason('velocity.chart.off_order')})"
    return row["stage"] or w.reason("velocity.stage_unknown")


def _no_key_reason(w, probs) -> str | None:
    """Why no key stage is named (the Pipeline page names one only when there is one; the report printed a bare
    «—»): no stage past the first was reached by KEY_MIN_N closed deals, or none raises the chance of winning."""
    if probs is None or probs.key is not None or len(probs.rows) < 3:
        return None
    most = max(r.n for r in probs.rows[1:-1])
    if most < KEY_MIN_N:
        return w("consult50.report.no_key_stage_few", min=w.int(KEY_MIN_N), most=w.int(most))
    return w("consult50.report.no_key_stage_flat")


def _probability_caveats(w, sec: Section, probs, weighted: bool) -> None:
    """The Pipeline page's captions under its stage chances, in the report too (session 50: an amoCRM export's
    lost deals carry no stage, so every stage past the first read «100 %» in the report with no word of why, and
    the weighted pipeline weighed those deals at 100 %)."""
    if probs is None:
        return
    if probs.lost_stage_unknown:
        key = "consult50.report.lost_unknown_weighted" if weighted else "velocity.ui.lost_unknown"
        sec.bullets.append(w(key, n=w.int(probs.lost_stage_unknown)))
    if probs.open_as_not_won:
        sec.bullets.append(w("velocity.ui.open_as_not_won"))


def pipeline_forecast(inp: Inputs) -> Section:
    w, con, info, spec = inp.w, inp.con, inp.info, inp.spec
    sec = _section(inp, "pipeline_forecast")
    if sec.note:
        return sec
    unpriced = info.capabilities.open_unpriced
    pipe = pipeline_doc(snapshot(con, info, spec, None), None, open_unpriced=unpriced)
    computed = forecast(con, info, spec, None)
    fc = forecast_doc(computed, backtest(con, info, spec, None), open_unpriced=unpriced)
    sec.paragraphs.append(w("report.pipeline.as_of", as_of=_moment(pipe["as_of"], w.lang),
                            deals=w.int(sum(r["open_deals"] for r in pipe["snapshot"]))))
    if fc["weighted_pipeline"] is not None:
        line = w("report.forecast.weighted", value=w.num(fc["weighted_pipeline"]),
                 adjusted=w.num(fc["age_adjusted"]), key=fc["key_stage"] or "—")
        sec.paragraphs.append(beside(line, _no_key_reason(w, computed.probabilities), w.lang))
    if (left := fc.get("no_probability") or {}).get("deals"):  # weighed at 0: said, as the page says it
        amount = "—" if left["amount"] is None else w.num(left["amount"])
        sec.paragraphs.append(w.reason("velocity.ui.no_probability", n=left["deals"], amount=amount))
    _reasons(inp, sec, pipe)
    _reasons(inp, sec, fc)
    _probability_caveats(w, sec, computed.probabilities, fc["weighted_pipeline"] is not None)
    if pipe["snapshot"]:
        sec.tables.append(Table("pipeline", w("report.table.pipeline"),
                                [Column("stage", w("report.col.stage")), Column("open", w("report.kpi.open"), "int"),
                                 Column("amount", w("report.col.amount"), "money")],
                                [[_snapshot_stage(w, r), r["open_deals"], r["amount"]] for r in pipe["snapshot"]]))
    if fc["stage_probability"]:
        keys = (("stage", "text"), ("p_won", "pct"), ("ci_low", "pct"), ("ci_high", "pct"), ("n", "int"))
        sec.tables.append(Table("stage_probability", w("report.table.stage_probability"),
                                [Column(k, w(f"report.col.prob_{k}"), kind) for k, kind in keys],
                                [[r[k] for k, _ in keys] for r in fc["stage_probability"]]))
    if fc["by_month"]:
        sec.tables.append(Table("forecast_months", w("report.table.forecast_months"),
                                [Column("month", w("report.col.month")),
                                 Column("expected", w("report.col.expected"), "money")],
                                [[_month(m["month"], w.lang), m["expected"]] for m in fc["by_month"]]))
    return sec
