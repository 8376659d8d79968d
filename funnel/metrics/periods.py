"""The previous period of equal length and the change of each KPI, for the Overview tiles.

For ``[date_from, date_to]`` (inclusive, L days) the previous period is
``[date_from - L, date_from - 1]``: the same number of days right before. Everything else in the
spec (pipeline, filters, view) stays. Without both dates there is no period to compare: the result
is ``None`` values with the reason ``metrics.reason.no_period``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from ..sql import ident
from .context import Context, resolve
from .filters import DATE_COLUMNS, inclusive_days
from .outcomes import Outcomes, outcomes_grouped
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


def _has_period(spec: FunnelSpec) -> bool:
    return spec.date_from is not None and spec.date_to is not None and spec.date_to >= spec.date_from


def _no_period(now: dict[str, Any]) -> PeriodComparison:
    return PeriodComparison(kpis={k: Change(now.get(k), None, None, None) for k in TILE_KPIS},
                            reason="metrics.reason.no_period")


def compare(con, ctx: Context, current: Outcomes) -> PeriodComparison:
    """``current`` (the outcomes of ``ctx``) against the equal period before it."""
    spec = ctx.spec
    if not _has_period(spec):
        return _no_period(current.kpis())
    prev_from, prev_to = previous_range(spec.date_from, spec.date_to)
    prev_ctx = ctx.with_spec(spec.replace(date_from=prev_from, date_to=prev_to))
    before = outcomes_in(con, prev_ctx).get(None) or Outcomes()
    return _comparison(prev_from, prev_to, current, before)


def _comparison(prev_from: date, prev_to: date, current: Outcomes, before: Outcomes) -> PeriodComparison:
    now, then = current.kpis(), before.kpis()
    return PeriodComparison(prev_from, prev_to, {k: change(now.get(k), then.get(k)) for k in TILE_KPIS})


def with_previous(con, ctx: Context) -> tuple[Outcomes, PeriodComparison]:
    """The outcomes of ``ctx`` and their comparison with the period before.

    With a period, both periods come from ONE tally and ONE money scan over the two periods
    together ``[previous from, date_to]``, grouped by a flag: is the deal's date in the current
    period (``>= date_from``)? Same WHERE otherwise, so the numbers equal two separate runs.
    """
    spec = ctx.spec
    if ctx.info.capabilities.aggregate or not _has_period(spec):
        current = outcomes_in(con, ctx).get(None) or Outcomes()
        return current, compare(con, ctx, current)
    prev_from, prev_to = previous_range(spec.date_from, spec.date_to)
    both = ctx.with_spec(spec.replace(date_from=prev_from))
    flag = f"CASE WHEN {ident(DATE_COLUMNS[spec.date_field])} >= $g_current THEN 1 ELSE 0 END"
    out = outcomes_grouped(con, both, flag, {"g_current": datetime.combine(spec.date_from, time.min)},
                           values=[1, 0])
    return out[1], _comparison(prev_from, prev_to, out[1], out[0])


def previous_period(con, info: DatasetInfo, spec: FunnelSpec) -> PeriodComparison:
    """The KPIs of ``spec`` and of the equal period before, with absolute and relative change."""
    return with_previous(con, resolve(con, info, spec))[1]


@dataclass
class Overview:
    """Everything behind the Overview tiles and sentences, from one resolved context."""

    outcomes: Outcomes
    comparison: PeriodComparison
    drop_offs: list[dict[str, Any]]


def overview(con, info: DatasetInfo, spec: FunnelSpec) -> Overview:
    """Outcomes + stage funnel, previous-period changes and the three biggest drop-offs.

    One tally scan and one money scan of deals for both periods together (the fast path the
    Overview page should call instead of the three functions one by one).
    """
    current, comparison = with_previous(con, resolve(con, info, spec))
    return Overview(current, comparison, biggest_drop_offs(current.stages))
