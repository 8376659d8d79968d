"""Everything the finding functions read, gathered once per (dataset, spec, options)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ..dataset import DatasetInfo, guessed_for
from ..metrics.context import Context, group_sql, resolve
from ..metrics.entry_points import outcomes_in
from ..metrics.filters import query
from ..metrics.outcomes import Outcomes, combine, money_groups
from ..metrics.probability import StageProbabilities, key_stage, no_lost_recorded, probabilities_from
from ..metrics.stages import Tally, funnel_rows, tallies, tally_groups
from ..spec import FunnelSpec
from ..sql import run
from .capabilities import Capabilities, capabilities
from .drivers import DriverReport, driver_report
from .gaps import ALPHA, MIN_GAP, MIN_N
from .impact import DealValue
from .managers import ManagerReport, heatmap
from .steps import StepCount, step_counts
from .stuck import StageTime, as_of_default, stage_times

# quality codes whose ``detail`` is the number of deals behind ``n`` moves (funnel/importer/derive.py)
MOVE_CODES = ("history.backward_moves", "history.skipped_stages")

ANOMALY_DAYS = 90  # recent window vs the window of equal length before it


@dataclass(frozen=True)
class AuditOptions:
    benchmark: str = "funnel"  # funnel | team_median | best_manager | previous_period | target
    targets: tuple[tuple[str, float], ...] = ()  # (stage, target pass rate of the step from it)
    stuck_days: float | None = None
    as_of: date | None = None
    alpha: float = ALPHA
    min_n: int = MIN_N
    min_gap: float = MIN_GAP


@dataclass
class AuditData:
    info: DatasetInfo
    spec: FunnelSpec
    options: AuditOptions
    ctx: Context
    caps: Capabilities
    as_of: datetime | None = None
    overall: Outcomes = field(default_factory=Outcomes)
    steps: list[StepCount] = field(default_factory=list)
    probabilities: StageProbabilities | None = None
    value: DealValue = field(default_factory=DealValue)
    managers: ManagerReport = field(default_factory=ManagerReport)
    drivers: DriverReport = field(default_factory=DriverReport)
    times: dict[int, StageTime] = field(default_factory=dict)
    lost: list[dict[str, Any]] = field(default_factory=list)
    periods: dict[Any, Tally] = field(default_factory=dict)  # "recent|<source>" / "previous|<source>"
    period_ranges: dict[str, tuple[date, date]] = field(default_factory=dict)
    quality: dict[str, int] = field(default_factory=dict)
    # deals behind the history's moves (backward, skipped): the import counts moves and deals apart
    quality_deals: dict[str, int] = field(default_factory=dict)
    previous_steps: list[StepCount] = field(default_factory=list)  # the previous period (leak benchmark)


PERIOD_SQL = ("CASE WHEN created_at >= $a_recent AND created_at < $a_end THEN 'recent' "
              "WHEN created_at >= $a_previous AND created_at < $a_recent THEN 'previous' END")
# one query for both: "recent|google"; a deal without a source in "recent#" (no source value has no '|')
PERIOD_SOURCE_SQL = f"({PERIOD_SQL}) || coalesce('|' || source, '#')"


def _summed(parts: list[Tally]) -> Tally:
    out = Tally()
    for part in parts:
        for key, n in part.n.items():
            out.n[key] += n
        out.lost_unknown += part.lost_unknown
    return out


def _periods(con, ctx: Context, as_of: datetime) -> tuple[dict[Any, Tally], dict[str, tuple[date, date]]]:
    """Tallies per period ("recent|" / "previous|") and per period and source ("recent|google")."""
    end = datetime.combine(as_of.date() + timedelta(days=1), time.min)
    recent, previous = end - timedelta(days=ANOMALY_DAYS), end - timedelta(days=2 * ANOMALY_DAYS)
    params = {"a_recent": recent, "a_end": end, "a_previous": previous}
    by_source = {k: v for k, v in tally_groups(con, ctx, PERIOD_SOURCE_SQL, params).items() if k}
    out = {}
    for period in ("recent", "previous"):
        parts = [v for k, v in by_source.items() if k.startswith(period + "|") or k == period + "#"]
        if parts:
            out[f"{period}|"] = _summed(parts)
    out.update({k: v for k, v in by_source.items() if "|" in k and not k.endswith("|")})
    day = timedelta(days=1)
    ranges = {"recent": (recent.date(), (end - day).date()), "previous": (previous.date(), (recent - day).date())}
    return out, ranges


def gather(con, info: DatasetInfo, spec: FunnelSpec, options: AuditOptions) -> AuditData:
    ctx = resolve(con, info, spec)
    caps = capabilities(info)
    data = AuditData(info, spec, options, ctx, caps)
    if not caps.has_deals or not ctx.stages:
        return data
    # one tally for the outcomes and P(won | reached) (stage_probability would count it again)
    tally = tallies(con, ctx).get(None) or Tally()
    data.overall = combine(ctx, tally, money_groups(con, ctx, group_sql(info, None)).get(None))
    data.steps = step_counts(data.overall.stages, data.overall.lost_stage_unknown)
    no_lost = no_lost_recorded(info)  # then open deals count as not won (metrics/probability.py)
    rows = probabilities_from(ctx.stages, tally, tally if no_lost else None) \
        if not info.capabilities.why_not("outcomes") else []
    data.probabilities = StageProbabilities(rows, key_stage(rows, tally.lost_unknown), tally.lost_unknown if rows else 0,
                                            open_as_not_won=no_lost and bool(rows))
    if options.benchmark == "previous_period" and spec.date_from and spec.date_to:
        from ..metrics.periods import previous_range

        before = previous_range(spec.date_from, spec.date_to)
        prev = outcomes_in(con, ctx.with_spec(spec.replace(date_from=before[0], date_to=before[1])))
        data.previous_steps = step_counts(prev[None].stages, prev[None].lost_stage_unknown) if None in prev else []
    data.value = DealValue.of(data.probabilities, data.overall.avg_deal_size if caps.has_money else None)
    known = {}
    if caps.has_managers:
        by_manager = outcomes_in(con, ctx, "manager")
        manager_rows = heatmap(ctx, by_manager, min_n=options.min_n, alpha=options.alpha, min_gap=options.min_gap)
        data.managers = ManagerReport(manager_rows, data.value, None if manager_rows else "audit.reason.no_managers")
        known["manager"] = {m: step_counts(o.stages, o.lost_stage_unknown) for m, o in by_manager.items()}
    else:
        data.managers = ManagerReport(reason="audit.reason.no_managers")
    data.drivers = driver_report(con, ctx, min_n=options.min_n, alpha=options.alpha, min_gap=options.min_gap,
                                 with_amount=caps.has_money, known_groups=known)
    as_of = datetime.combine(options.as_of, time.max) if options.as_of else as_of_default(con, ctx)
    data.as_of = as_of
    if as_of is not None:
        if caps.has_history:
            data.times = stage_times(con, ctx, as_of, options.stuck_days)
        data.periods, data.period_ranges = _periods(con, ctx, as_of)
    if caps.has_outcomes:
        cur = run(con, query("audit_lost_reasons", info, where=ctx.where.sql), ctx.where.params)
        names = [d[0] for d in cur.description]
        data.lost = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    for code, n, detail in run(con, query("audit_quality_counts", info)).fetchall():
        data.quality[code] = int(n)
        if code in MOVE_CODES and detail is not None and detail.isdigit():
            data.quality_deals[code] = int(detail)
    if not guessed_for(info, ctx.pipeline):  # another pipeline's order was guessed, not this one's: as the pages'
        data.quality.pop("stages.order_guessed", None)  # note, no «order guessed» card nor tag on this pipeline
    # one pipeline seen whole: the import's counts are these deals' (no window over the history to run again)
    whole = set(ctx.where.params) <= {"p_pipeline"} and len(info.pipelines) < 2
    # a history the import found no move in has none in any part of it: no window over it (0.65 s of a filtered
    # audit's 1.0 s at 1M deals, bench/out's clean history)
    if caps.has_history and not whole and any(code in data.quality for code in MOVE_CODES):
        _moves_in_scope(con, data)
    return data


def _moves_in_scope(con, data: AuditData) -> None:
    """The history's moves among the deals the audit looks at (its pipeline and filters), not the import's
    file-wide counts: one pipeline's backward move was on every pipeline's card, whose deal list showed none."""
    ctx = data.ctx
    sql = query("audit_history_move_counts", data.info, where=ctx.where.sql)
    back, back_deals, skipped, skipped_deals = run(con, sql, ctx.where.params).fetchone()
    for code, n, deals in ((MOVE_CODES[0], back, back_deals), (MOVE_CODES[1], skipped, skipped_deals)):
        data.quality.pop(code, None)
        data.quality_deals.pop(code, None)
        if n:
            data.quality[code], data.quality_deals[code] = int(n), int(deals)


def period_steps(data: AuditData, key: str) -> list[StepCount]:
    tally = data.periods.get(key)
    return step_counts(funnel_rows(data.ctx.stages, tally), tally.lost_unknown) if tally else []
