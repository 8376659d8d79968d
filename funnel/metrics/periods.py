"""The previous period of equal length and the change of each KPI, for the Overview tiles.

For ``[date_from, date_to]`` (inclusive, L days) the previous period is
``[date_from - L, date_from - 1]``: the same number of days right before. Everything else in the
spec (pipeline, filters, view) stays. Without both dates there is no period to compare: the result
is ``None`` values with the reason ``metrics.reason.no_period``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from .context import Context, resolve
from .filters import inclusive_days
from .outcomes import Outcomes
from .overview import outcomes_in
from .stages import biggest_drop_offs

TILE_KPIS = ("deals", "won", "lost", "open", "win_rate", "win_rate_all", "revenue",
             "avg_deal_size", "median_deal_size", "median_cycle_days", "p90_cycle_days")


@dataclass(frozen=True)
class Change:
    current: float | None
    previous: float | None
    change_abs: float | None
    change_rel: float | None  # (current - previous) / |previous|; None when previous is 0 or missing


@dataclass
class PeriodComparison:
    previous_from: date | None = None
    previous_to: date | None = None
    kpis: dict[str, Change] = field(default_factory=dict)
    reason: str | None = None


def previous_range(date_from: date, date_to: date) -> tuple[date, date]:
    """The L days right before ``[date_from, date_to]`` (L = its length in days, both ends in)."""
    length = inclusive_days(date_from, date_to)
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def change(current: Any, previous: Any) -> Change:
    if current is None or previous is None:
        return Change(current, previous, None, None)
    diff = current - previous
    rel = diff / abs(previous) if previous else None
    return Change(current, previous, diff, rel)


def compare(con, ctx: Context, current: Outcomes) -> PeriodComparison:
    """``current`` (the outcomes of ``ctx``) against the equal period before it."""
    spec = ctx.spec
    now = current.kpis()
    if spec.date_from is None or spec.date_to is None or spec.date_to < spec.date_from:
        return PeriodComparison(kpis={k: Change(now.get(k), None, None, None) for k in TILE_KPIS},
                                reason="metrics.reason.no_period")
    prev_from, prev_to = previous_range(spec.date_from, spec.date_to)
    prev_ctx = ctx.with_spec(spec.replace(date_from=prev_from, date_to=prev_to))
    before = (outcomes_in(con, prev_ctx).get(None) or Outcomes()).kpis()
    return PeriodComparison(prev_from, prev_to, {k: change(now.get(k), before.get(k)) for k in TILE_KPIS})


def previous_period(con, info: DatasetInfo, spec: FunnelSpec) -> PeriodComparison:
    """The KPIs of ``spec`` and of the equal period before, with absolute and relative change."""
    ctx = resolve(con, info, spec)
    return compare(con, ctx, outcomes_in(con, ctx).get(None) or Outcomes())


@dataclass
class Overview:
    """Everything behind the Overview tiles and sentences, from one resolved context."""

    outcomes: Outcomes
    comparison: PeriodComparison
    drop_offs: list[dict[str, Any]]


def overview(con, info: DatasetInfo, spec: FunnelSpec) -> Overview:
    """Outcomes + stage funnel, previous-period changes and the three biggest drop-offs.

    Two grouped scans of deals for the period and two for the period before (the fast path the
    Overview page should call instead of the three functions one by one).
    """
    ctx = resolve(con, info, spec)
    current = outcomes_in(con, ctx).get(None) or Outcomes()
    return Overview(current, compare(con, ctx, current), biggest_drop_offs(current.stages))
