"""The stable JSON documents of ``python -m funnel velocity | pipeline | forecast`` (README)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .backtest import backtest_error
from .forecast import FORECAST_UNMARKED


def num(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or value != value else round(float(value), digits)


def when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ", timespec="seconds")


def velocity_doc(tis, cyc, vel, pipeline: str | None = None, no_lost: bool = False) -> dict[str, Any]:
    """``no_lost``: the file records no lost deal, so the win rate (won / closed) reads 100 % by
    construction and the velocity is overstated: said in ``reasons.win_rate``, as the page says it."""
    reasons = {k: r for k, r in (("time_in_stage", tis.reason), ("cycle", cyc.reason),
                                 ("sales_velocity", vel.reason), ("win_rate", "polish.no_lost.velocity" if no_lost
                                                                  else None),
                                 # the velocity's first unknown factor (no won deal, no cycle, no creation date)
                                 ("velocity", vel.current.unknown_reason if vel.current else None)) if r}
    cur = vel.current
    return {
        "as_of": when(tis.as_of or cyc.as_of or vel.as_of),
        "pipeline": pipeline,
        "time_in_stage": [
            {"stage": r.stage, "n": r.n, "median_days": num(r.median_days, 3), "p75_days": num(r.p75_days, 3),
             "p90_days": num(r.p90_days, 3), "mean_days": num(r.mean_days, 3), "open_n": r.open_n,
             "open_over_p90": r.open_over_p90, "km_median_days": num(r.km_median_days, 3),
             "p90_reason": r.p90_reason}  # a p90 on fewer than 10 finished stays: null, and this code (n: ``n``)
            for r in tis.rows],
        "cycle": {k: {"n": s.n, "median_days": num(s.median_days, 3), "p90_days": num(s.p90_days, 3),
                      "p90_reason": s.p90_reason}  # fewer than 10 deals with both dates: null, and this code
                  for k, s in (("won", cyc.won), ("lost", cyc.lost))},
        "sales_velocity": {
            "per_day": num(cur.per_day, 2) if cur else None,
            "open_deals": cur.open_deals if cur else None,
            "win_rate": num(cur.win_rate) if cur else None,
            "avg_deal_size": num(cur.avg_deal_size, 2) if cur else None,
            "avg_cycle_days": num(cur.avg_cycle_days, 3) if cur else None,
        },
        "reasons": reasons,
    }


def bar(b) -> dict[str, Any] | None:
    return None if b is None else {"deals": b.deals, "amount": num(b.amount, 2)}


UNPRICED = "velocity.ui.open_unpriced"  # the reason an open amount is null
MIXED = "velocity.reason.mixed_currencies"  # the reason every sum of amounts is null (funnel.money.mixed_currencies)
BACKTEST_UNPRICED = "velocity.reason.backtest_unpriced"  # the reason a back-test's forecasts are null


def pipeline_doc(snap, wf, pipeline: str | None = None, no_created: int = 0,
                 open_unpriced: bool = False, mixed: bool = False) -> dict[str, Any]:
    """``no_created``: the dataset's deals without a creation date (open on every date until they close);
    ``open_unpriced``: its open deals carry no amount, so their amounts are null (``reasons.amount``);
    ``mixed``: the amounts are in several currencies, so no sum of them is given (``reasons.amount``)."""
    unpriced = mixed or open_unpriced
    doc: dict[str, Any] = {
        "as_of": when(snap.as_of),
        "pipeline": pipeline,
        "snapshot": [{"stage": r.stage, "open_deals": r.open_deals, "amount": None if unpriced else num(r.amount, 2),
                      **({"off_order": True} if r.off_order else {})} for r in snap.rows],
        "stages_are_current": snap.stages_are_current,
        "without_history": snap.without_history,
        "no_created": no_created,
    }
    if wf is not None:
        doc["from"], doc["to"] = when(wf.date_from), when(wf.date_to)
        doc["waterfall"] = {k: bar(v) if v is None or not mixed else {"deals": v.deals, "amount": None}
                            for k, v in wf.bars.items()}
    reasons = {k: r for k, r in (("snapshot", snap.reason), ("waterfall", wf.reason if wf else None),
                                 ("amount", MIXED if mixed else UNPRICED if open_unpriced else None)) if r}
    if wf is not None and wf.bars and wf.bars.get("forward") is None:
        reasons["moves"] = "velocity.reason.no_history"
    doc["reasons"] = reasons
    return doc


def forecast_doc(fc, backtest_rows, pipeline: str | None = None, open_unpriced: bool = False,
                 mixed: bool = False) -> dict[str, Any]:
    """``open_unpriced``: the open deals carry no amount: the weighted pipeline is null, said in ``reasons``;
    ``mixed``: the amounts are in several currencies: every money figure is null (the stage probabilities stay)."""
    probs = fc.probabilities
    # no win can be recorded (``fc.reason``: pipes50.forecast.*): every figure of wins is unknown, not 0
    unmarked = fc.reason in FORECAST_UNMARKED.values()
    mixed = mixed or unmarked
    unpriced = mixed or open_unpriced

    def money(value):
        return None if mixed else num(value, 2)

    def open_money(value):  # an amount weighing the open deals' amounts: unknown where they carry none
        return None if unpriced else num(value, 2)
    doc: dict[str, Any] = {
        "as_of": when(fc.as_of),
        "pipeline": pipeline,
        "stage_probability": [
            {"stage": r.stage, "p_won": num(r.p_won), "ci_low": num(r.ci_low), "ci_high": num(r.ci_high), "n": r.n}
            for r in (probs.rows if probs else [])],
        "key_stage": probs.key.stage if probs and probs.key else None,
        # no lost deal recorded: p_won = won / all deals that reached the stage (open ones not won)
        "open_as_not_won": bool(probs and probs.open_as_not_won),
        "weighted_pipeline": open_money(fc.weighted_pipeline),
        # open deals weighed at 0: their stage has no win probability (no closed deal reached it, or no step)
        "no_probability": {"deals": fc.no_probability_deals, "amount": open_money(fc.no_probability)},
        "age_adjusted": open_money(fc.age_adjusted),
        # the months' expected wins weigh the open deals' amounts: unknown where they carry none, not 0
        "by_month": [{"month": m.strftime("%Y-%m"), "expected": open_money(v)} for m, v in fc.by_month],
        "beyond": open_money(fc.beyond),
        "undated": open_money(fc.undated),
        "month": fc.month.strftime("%Y-%m") if fc.month else None,
        "won_so_far": money(fc.won_so_far),
        "runs": fc.runs,
        "seed": fc.seed,
        # open deals with no amount: a past month's forecast would weigh the deals then open by amounts written
        # at their close (the lost ones 0), known only later (survey 46: Maven's back-test read 0.24×)
        "backtest": [{"month": b.month.strftime("%Y-%m"), "forecast": open_money(b.forecast),
                      "actual": money(b.actual), "actual_all": money(b.actual_all)} for b in backtest_rows],
        "reasons": {k: r for k, r in (("forecast", fc.reason),
                                      ("amount", None if unmarked else MIXED if mixed else UNPRICED if open_unpriced
                                       else None),
                                      ("backtest", BACKTEST_UNPRICED if open_unpriced and backtest_rows else None))
                    if r},
    }
    error = None if unpriced else backtest_error(backtest_rows)
    if error is not None:
        doc["backtest_error"] = {"months": error.months, "ratio": num(error.ratio), "low": num(error.low),
                                 "high": num(error.high), "missed": error.missed, "reliable": error.reliable}
    if fc.plan is not None:
        doc.update(plan=num(fc.plan, 2), p_meet_plan=None if unpriced else num(fc.p_meet_plan),
                   p10=open_money(fc.p10), p50=open_money(fc.p50), p90=open_money(fc.p90))
    return doc


def comparison_doc(prev, wf, lang: str = "en") -> dict[str, Any]:
    """Two snapshots: the previous dataset, both dates, the waterfall with ``removed`` and ``changed``,
    and the warnings on the comparison itself (``code``, ``message`` in ``lang``)."""
    from ..i18n import t

    return {"dataset_id": prev.id, "name": prev.name, "from": when(wf.date_from), "to": when(wf.date_to),
            "warnings": [{"code": code, "message": t(code, lang, **params)} for code, params in wf.notes],
            "waterfall": {k: bar(v) for k, v in wf.bars.items()},
            "movements": [{"from": src, "to": dst, "deals": v.deals, "amount": num(v.amount, 2)}
                          for (src, dst), v in sorted(wf.movements.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))]}
