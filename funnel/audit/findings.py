"""One function per finding code (README, "Audit"): ``code(data) -> list[Finding]``.

Thresholds are module constants, documented in README. A finding that rests on a statistical test
carries the test and its (Holm-adjusted) p-value; the others say ``rule_of_thumb``.
"""

from __future__ import annotations

import re
import statistics
from operator import itemgetter
from typing import Any

from ..metrics.drill import Selection
from .data import AuditData, period_steps
from .drivers import AMOUNT_BAND
from .finding import Finding
from .gaps import GapCell, test_cells

LEAK_MARGIN = 0.10  # a step converting at least 10 rate points below its benchmark is a leak
STUCK_MIN = 10  # stuck deals a stage needs for a finding ...
STUCK_SHARE = 0.5  # ... and the share of its open deals they make
PILE_RATIO = 3.0  # open deals >= 3x what Little's law expects (entries per day x mean days there)
PILE_MIN = 10
SHAPE_SHARP = 0.6  # the weakest step converts below 60 % of the median of the other steps
PIPE_RATE = 0.8  # every step converts at least 80 %: a pipe
NAIL_STEPS = 2  # the sharp drop is in the first two steps: a nail
SHAPE_UNKNOWN = 0.1  # no shape when more of the lost deals than this have no recorded stage
LOST_MIN = 20  # lost deals with a reason a stage needs for a Pareto finding ...
LOST_TOP_SHARE = 0.4  # ... and the share its top reason must reach
LOST_MAX_FINDINGS = 3
LEAK_REASON_MIN = 10  # lost deals with a reason a leaking step needs before its top reason is named

PROCESS_NAMES = re.compile(
    r"думают|думает|размышля|в работе|в работу|в процессе|обрабатыва|обработк|на рассмотрении|ожидани|ждём|ждем"
    r"|thinking|in progress|in work|working on|processing|pending|waiting|on hold|considering|under review"
    r"|考虑|处理中|进行中|跟进中|待定|等待|审核中", re.IGNORECASE)
PROPOSAL_NAMES = re.compile(
    r"proposal|quote|offer|pricing|price|invoice|кп\b|коммерческ|предложени|счёт|счет|цен|报价|提案|报盘|发票",
    re.IGNORECASE)
FINAL_REASONS = re.compile(  # lost for a reason that will not change: not worth another try
    r"нецелев|не целев|спам|дубл|ошибоч|неверн|не наш|тест|not a fit|no fit|unqualified|not qualified|spam"
    r"|duplicate|junk|wrong|invalid|test|fake|无效|重复|垃圾|不符合|测试", re.IGNORECASE)


def _sel_step(cell: GapCell) -> Selection:
    if cell.column == AMOUNT_BAND:
        return Selection("decided", position=cell.position)
    return Selection("decided", position=cell.position, by=cell.column, value=cell.value)


# -- leak --------------------------------------------------------------------------------------
def step_benchmarks(data: AuditData) -> dict[int, float]:
    """Benchmark pass rate per step index under ``options.benchmark`` (README)."""
    o = data.options
    steps = [s for s in data.steps if s.n >= o.min_n and s.rate is not None]
    out: dict[int, float] = {}
    if o.benchmark == "target":
        targets = dict(o.targets)
        return {s.index: float(targets[s.stage]) for s in data.steps if s.stage in targets}
    if o.benchmark == "previous_period":  # the same step in the period of equal length before
        return {p.index: p.rate for p in data.previous_steps if p.n >= o.min_n and p.rate is not None}
    if o.benchmark in ("team_median", "best_manager"):
        for s in steps:
            rates = [c.rate for c in data.managers.cells if c.index == s.index and c.n >= o.min_n]
            if len(rates) >= 2:
                out[s.index] = statistics.median(rates) if o.benchmark == "team_median" else max(rates)
        return out
    for s in steps:  # "funnel": the median of the funnel's other steps
        others = [x.rate for x in steps if x.index != s.index]
        if len(others) >= 2:
            out[s.index] = statistics.median(others)
    return out


def leak(data: AuditData) -> list[Finding]:
    out = []
    bench = step_benchmarks(data)
    margin = 0.0 if data.options.benchmark == "target" else LEAK_MARGIN  # a user target is meant exactly
    proposal = proposal_stages(data)
    reasons = pareto([r for r in data.lost if r["stage_known"]], "position")
    for s in data.steps:
        b = bench.get(s.index)
        if b is None or s.rate is None or s.n < data.options.min_n or b - s.rate <= margin:
            continue
        extra = s.n * (b - s.rate)
        out.append(Finding(
            "leak", "step", "high", stage=s.stage, stage_to=s.stage_to, metric="step_rate",
            value=s.rate, benchmark=b, impact=data.value.money(s.stage_to, extra), deal_count=s.n,
            position=s.position, params={"extra_n": extra, "won_n": data.value.won_deals(s.stage_to, extra),
                                         "lost_n": s.n - s.passed, "benchmark_kind": data.options.benchmark,
                                         "place": leak_place(s.index, s.stage, s.stage_to, proposal),
                                         **_top_reason(reasons.get(s.position, {}))},
            selection=Selection("lost_here", position=s.position)))
    return out


def leak_place(index: int, stage: str, stage_to: str, proposal: set[str]) -> str:
    """Where a leaking step sits, which decides what to check first (seeds 001 and 002): ``first``, the
    funnel's first step (requests lost at intake, or ads promising something else: the nail);
    ``at_price``, the step out of a proposal / price stage (clients who saw the price and went no
    further: the narrow neck); ``to_price``, the step into one (deals that never got a proposal);
    ``middle`` otherwise (the managers' work on the step)."""
    if index == 0:
        return "first"
    if stage in proposal:
        return "at_price"
    return "to_price" if stage_to in proposal else "middle"


def _top_reason(reasons: dict[str, int]) -> dict[str, Any]:
    """The most common lost reason among a step's lost deals that record one, when there are at least
    LEAK_REASON_MIN such deals (fewer say little): ``reason``, ``reason_share_pct``, ``reason_total_n``."""
    total = sum(reasons.values())
    if total < LEAK_REASON_MIN:
        return {}
    reason, n = next(iter(reasons.items()))
    return {"reason": reason, "reason_share_pct": n / total, "reason_total_n": total}


def proposal_stages(data: AuditData) -> set[str]:
    """The proposal / price stages: the stage the user picked for the close rate, else those named so."""
    if data.spec.close_rate_stage:
        return {data.spec.close_rate_stage}
    return {s["stage"] for s in data.ctx.stages if PROPOSAL_NAMES.search(s["stage"])}


# -- managers and segments ---------------------------------------------------------------------
def _gap(code: str, cell: GapCell, data: AuditData, **fields) -> Finding:
    worse = (cell.diff or 0.0) < 0
    extra = cell.n * -cell.diff if worse else None
    return Finding(
        code, "worse" if worse else "better", "high" if worse else "info", stage=cell.stage,
        stage_to=cell.stage_to, metric="step_rate", value=cell.rate, benchmark=cell.rest_rate,
        impact=data.value.money(cell.stage_to, extra) if worse else None, deal_count=cell.n,
        p_value=cell.p_value_adjusted, test=cell.test or "z", position=cell.position,
        params={"extra_n": extra, "rest_n": cell.rest_n, "passed_n": cell.passed,
                "ci_low_pct": cell.diff_ci_low, "ci_high_pct": cell.diff_ci_high},
        selection=_sel_step(cell), **fields)


def manager_gap(data: AuditData) -> list[Finding]:
    return [_gap("manager_gap", c, data, manager=c.value) for c in data.managers.cells if c.flagged]


def segment_gap(data: AuditData) -> list[Finding]:
    out = []
    for c in data.drivers.shown:
        if c.column == "manager":
            continue  # managers are audited by their own heatmap (manager_gap)
        value = c.value
        finding = _gap("segment_gap", c, data, segment_column=c.column, segment_value=value)
        if c.column == AMOUNT_BAND:
            low, high = data.drivers.band(c.value)
            sel = Selection("decided", position=c.position, amount_from=low, amount_to=high)
            finding = _replace(finding, selection=sel, params={**finding.params, "band_from": low, "band_to": high})
        out.append(finding)
    return out


def _replace(f: Finding, **changes) -> Finding:
    from dataclasses import replace

    return replace(f, **changes)


# -- stuck deals and process statuses ----------------------------------------------------------
def stuck_deals(data: AuditData) -> list[Finding]:
    out = []
    for t in data.times.values():
        if t.stuck_n < STUCK_MIN or not t.open_n or t.stuck_n / t.open_n < STUCK_SHARE or t.threshold_days is None:
            continue
        out.append(Finding(
            "stuck_deals", "user" if data.options.stuck_days is not None else "p90", "high", stage=t.stage,
            metric="days_in_stage", value=t.open_median_age, benchmark=t.threshold_days,
            impact=data.value.money(t.stage, t.stuck_n), deal_count=t.stuck_n, position=t.position,
            # the impact's factors, said beside it: stuck deals x P(won | stage) x average won deal (not their amount)
            params={"open_n": t.open_n, "p50_days": t.p50_days, "amount_money": t.stuck_amount,
                    "p_won_pct": data.value.p_won.get(t.stage), "avg_money": data.value.avg_won},
            selection=Selection("stuck", position=t.position, days=float(t.threshold_days),
                                as_of=data.as_of)))
    return out


def process_status(data: AuditData) -> list[Finding]:
    out = []
    open_here = {r.position: r.open_here or 0 for r in data.overall.stages}
    for s in data.ctx.stages[:-1]:  # the won stage is an outcome, not a process
        named = bool(PROCESS_NAMES.search(s["stage"]))
        t = data.times.get(s["position"])
        ratio = t.pile_ratio if t else None
        piled = ratio is not None and ratio >= PILE_RATIO and t.open_n >= PILE_MIN
        if not (named or piled):
            continue
        variant = "both" if named and piled else "pile" if piled else "name"
        out.append(Finding(
            "process_status", variant, "medium" if piled else "low", stage=s["stage"], metric="open_deals",
            value=float(t.open_n if t else open_here.get(s["position"], 0)),
            benchmark=t.expected_open if t else None, deal_count=t.open_n if t else open_here.get(s["position"], 0),
            position=s["position"], params={"ratio": ratio},
            selection=Selection("open_here", position=s["position"])))
    return out


# -- funnel shape and key stage ----------------------------------------------------------------
def classify_shape(rates: list[tuple[int, float, str]], proposal_stages: set[str]) -> tuple[str, int | None, float | None]:
    """(shape, weakest step index, median of the others) from ``(index, rate, stage_to)`` of the steps
    with enough deals. Rules (README): pipe = every step >= PIPE_RATE; else, when the weakest step
    is below SHAPE_SHARP x the median of the others: nail (one of the first NAIL_STEPS steps),
    narrow neck (the step into a proposal / price stage), waist (elsewhere); else healthy."""
    if len(rates) < 3:
        return "unknown", None, None
    if all(r >= PIPE_RATE for _, r, _ in rates):
        return "pipe", None, None
    index, rate, stage_to = min(rates, key=lambda x: x[1])
    median = statistics.median(r for i, r, _ in rates if i != index)
    if rate >= SHAPE_SHARP * median:
        return "healthy", index, median
    if index < NAIL_STEPS:
        return "nail", index, median
    if stage_to in proposal_stages:
        return "narrow_neck", index, median
    return "waist", index, median


def funnel_shape(data: AuditData) -> list[Finding]:
    unknown, lost = data.overall.lost_stage_unknown or 0, data.overall.lost or 0
    if unknown > SHAPE_UNKNOWN * lost:  # the shape is where deals are lost, and these were lost anywhere
        return []
    steps = [s for s in data.steps if s.n >= data.options.min_n and s.rate is not None]
    proposal = proposal_stages(data)
    shape, index, median = classify_shape([(s.index, s.rate, s.stage_to) for s in steps], proposal)
    if shape == "unknown":
        return []
    step = next((s for s in steps if s.index == index), None)
    return [Finding(
        "funnel_shape", shape, "info" if shape == "healthy" else "medium", stage=step.stage if step else None,
        stage_to=step.stage_to if step else None, metric="step_rate", value=step.rate if step else None,
        benchmark=median, deal_count=step.n if step else None, position=step.position if step else None,
        params={"sharp_pct": SHAPE_SHARP, "pipe_pct": PIPE_RATE,
                "avg_won_money": data.overall.avg_deal_size},
        selection=Selection("drop_off", position=step.position) if step else Selection("all"))]


def key_stage(data: AuditData) -> list[Finding]:
    key = data.probabilities.key if data.probabilities else None
    if key is None:
        return []
    position = next(s["position"] for s in data.ctx.stages if s["stage"] == key.stage)
    row = next(r for r in data.probabilities.rows if r.stage == key.stage)
    if row.n < data.options.min_n:  # a jump measured on a handful of closed deals says nothing
        return []
    return [Finding("key_stage", "jump", "info", stage=key.stage, metric="p_won", value=key.p_at,
                    benchmark=key.p_before, deal_count=row.n, position=position,
                    params={"previous": key.previous_stage, "ci_low_pct": row.ci_low, "ci_high_pct": row.ci_high},
                    selection=Selection("reached", position=position))]


# -- lost deals --------------------------------------------------------------------------------
def pareto(rows: list[dict], key: str) -> dict:
    """Lost deals per ``key`` value (position or manager) and reason, largest first."""
    out: dict[Any, dict[Any, int]] = {}
    for r in rows:
        if r["lost_reason"] is None:
            continue
        bucket = out.setdefault(r[key], {})
        bucket[r["lost_reason"]] = bucket.get(r["lost_reason"], 0) + r["n"]
    return {k: dict(sorted(v.items(), key=itemgetter(1), reverse=True)) for k, v in out.items()}  # stable for ties


def pareto_rows(rows: list[dict], key: str, top: int = 3) -> list[dict]:
    """The Pareto table of lost reasons per ``key`` value: its ``top`` reasons, then one row of the other reasons
    (``reason`` None) with their count, so the shares of a value add up to 100 % of its lost deals with a reason
    (session 49: a manager's three rows read 25 % + 25 % + 25 %, the fourth reason left out unsaid)."""
    out = []
    for value, reasons in pareto(rows, key).items():
        total = sum(reasons.values())
        items = list(reasons.items())
        shown = items[:top]
        rest = sum(n for _r, n in items[top:])
        for reason, n in shown + ([(None, rest)] if rest else []):
            out.append({"value": value, "reason": reason, "n": n, "share": n / total,
                        "others": len(items) - top if reason is None else 0})
    return out


def lost_reasons(data: AuditData) -> list[Finding]:
    names = {s["position"]: s["stage"] for s in data.ctx.stages}
    out = []
    for position, reasons in pareto([r for r in data.lost if r["stage_known"]], "position").items():
        total = sum(reasons.values())
        reason, n = next(iter(reasons.items()))
        if total < LOST_MIN or n / total < LOST_TOP_SHARE or position not in names:
            continue
        out.append(Finding(
            "lost_reasons", "top", "low", stage=names[position], segment_column="lost_reason",
            segment_value=reason, metric="lost_share", value=n / total, deal_count=n, position=position,
            params={"total_n": total},
            selection=Selection("lost_here", position=position, by="lost_reason", value=reason)))
    out.sort(key=lambda f: -(f.deal_count or 0))
    return out[:LOST_MAX_FINDINGS]


def reactivation(data: AuditData) -> list[Finding]:
    if not data.lost or not data.ctx.stages:
        return []
    key = data.probabilities.key if data.probabilities else None
    positions = [s["position"] for s in data.ctx.stages]
    late = next((s["position"] for s in data.ctx.stages if key and s["stage"] == key.stage),
                positions[len(positions) // 2])
    rows = [r for r in data.lost if r["stage_known"] and r["position"] >= late and r["lost_reason"]
            and not FINAL_REASONS.search(r["lost_reason"]) and r["n_with_amount"]]
    if not rows:
        return []
    reasons = tuple(sorted({r["lost_reason"] for r in rows}))
    n = sum(r["n_with_amount"] for r in rows)
    amount = sum(r["amount"] or 0.0 for r in rows)
    stage = next(s["stage"] for s in data.ctx.stages if s["position"] == late)
    return [Finding("reactivation", "list", "low", stage=stage, metric="lost_amount", value=amount, deal_count=n,
                    position=late, params={"amount_money": amount, "reasons": ", ".join(reasons)},
                    selection=Selection("reactivation", position=late, values=reasons))]


# -- anomalies ---------------------------------------------------------------------------------
def anomaly(data: AuditData) -> list[Finding]:
    if not data.periods:
        return []
    sources = sorted({k.split("|", 1)[1] for k in data.periods if k.split("|", 1)[1]})
    cells = []
    for source in ["", *sources]:
        recent, previous = period_steps(data, f"recent|{source}"), period_steps(data, f"previous|{source}")
        for r, p in zip(recent, previous, strict=False):
            cells.append(GapCell("source" if source else "all", source or None, r.index, r.stage, r.stage_to,
                                 r.position, r.n, r.passed, p.n, p.passed))
    cells = test_cells(cells, min_n=data.options.min_n, alpha=data.options.alpha, min_gap=data.options.min_gap)
    out = []
    period = data.period_ranges.get("recent")
    for c in cells:
        if not c.flagged:
            continue
        source = c.value if c.column == "source" else None
        worse = (c.diff or 0.0) < 0
        sel = Selection("decided", position=c.position, by="source" if source else None, value=source)
        out.append(Finding(
            "anomaly", "worse" if worse else "better", "medium" if worse else "info", stage=c.stage,
            stage_to=c.stage_to, segment_column="source" if source else None, segment_value=source,
            metric="step_rate", value=c.rate, benchmark=c.rest_rate, deal_count=c.n, p_value=c.p_value_adjusted,
            test=c.test or "z", position=c.position,
            params={"previous_n": c.rest_n, "from": period[0] if period else None,
                    "to": period[1] if period else None,
                    "prev_from": data.period_ranges["previous"][0], "prev_to": data.period_ranges["previous"][1]},
            selection=sel, period=period))
    return out


# -- data quality ------------------------------------------------------------------------------
QUALITY_CODES = {"history.backward_moves": "backward_moves", "history.skipped_stages": "skipped_stages",
                 "stages.order_guessed": "order_guessed"}
# the variants about particular deals open them; no history and a guessed order are about the file
QUALITY_DEALS = {"backward_moves": Selection("backward_move"), "skipped_stages": Selection("skipped_stage")}


def data_quality(data: AuditData) -> list[Finding]:
    out = []
    if data.caps.has_deals and not data.caps.has_history:
        out.append(Finding("data_quality", "no_history", "medium", metric="history"))
    unknown = data.overall.lost_stage_unknown or 0
    if unknown:
        out.append(Finding("data_quality", "lost_stage_unknown", "medium", metric="lost_stage_unknown",
                           value=float(unknown), deal_count=unknown, selection=Selection("lost_stage_unknown")))
    for code, variant in QUALITY_CODES.items():
        n = data.quality.get(code)
        if n:
            # value counts the moves; deal_count the deals that made them (unknown for a file-wide variant)
            out.append(Finding("data_quality", variant, "low" if variant != "order_guessed" else "medium",
                               metric=code, value=float(n), deal_count=data.quality_deals.get(code),
                               selection=QUALITY_DEALS.get(variant)))
    return out


CODES = ("leak", "manager_gap", "segment_gap", "stuck_deals", "process_status", "funnel_shape", "key_stage",
         "lost_reasons", "anomaly", "data_quality", "reactivation")
FUNCTIONS = {"leak": leak, "manager_gap": manager_gap, "segment_gap": segment_gap, "stuck_deals": stuck_deals,
             "process_status": process_status, "funnel_shape": funnel_shape, "key_stage": key_stage,
             "lost_reasons": lost_reasons, "anomaly": anomaly, "data_quality": data_quality,
             "reactivation": reactivation}

