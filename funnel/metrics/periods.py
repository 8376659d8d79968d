"""The previous period of equal length and the change of each KPI, for the Overview tiles.

For ``[date_from, date_to]`` (inclusive, L days) the previous period is
``[date_from - L, date_from - 1]``: the same number of days right before. A period of calendar
months is compared with the same number of calendar months before (a month starting on the 1st,
whole or not yet ended — "this month" — with the whole previous month; a quarter with the quarter
before). Everything else in the spec (pipeline, filters, view) stays. Without both dates there is
no period to compare: the result is ``None`` values with the reason ``metrics.reason.no_period``.
When the data does not cover the previous period (it starts before the dataset's first date), the
comparison is not made and the reason says so (``capabilities.previous_not_covered``).

Presets (:func:`period_range`) count back from the dataset's latest date, not the server's clock:
a 2017 export's "last 12 months" are its own last twelve months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from ..sql import ident
from .context import Context, resolve
from .entry_points import outcomes_in
from .filters import DATE_COLUMNS, inclusive_days
from .outcomes import Outcomes, outcomes_grouped

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


PRESETS = ("all", "this_month", "last_quarter", "last_12m", "custom")


def period_range(preset: str, today: date, start: date | None = None,
                 end: date | None = None) -> tuple[date | None, date | None]:
    """Inclusive ``(from, to)`` of a preset, counted back from ``today`` (pages pass the dataset's
    latest date); ``(None, None)`` for all time."""
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_quarter":
        first_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last_prev = first_this - timedelta(days=1)
        return date(last_prev.year, 3 * ((last_prev.month - 1) // 3) + 1, 1), last_prev
    if preset == "last_12m":
        return today - timedelta(days=364), today  # 365 days, today included
    if preset == "custom":
        return start, end
    return None, None


def _month_start(d: date, back: int) -> date:
    index = d.year * 12 + d.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def previous_range(date_from: date, date_to: date) -> tuple[date, date]:
    """The period to compare ``[date_from, date_to]`` with: the same number of calendar months
    before when it starts on the 1st and ends at a month's end or inside its first month, else
    the L days right before (L = its length in days, both ends in)."""
    next_day = date_to + timedelta(days=1)
    whole_months = next_day.day == 1 and date_from.day == 1
    if date_from.day == 1 and date_to > date_from and \
            ((date_to.year, date_to.month) == (date_from.year, date_from.month) or whole_months):
        months = max(1, (next_day.year - date_from.year) * 12 + next_day.month - date_from.month) \
            if whole_months else 1
        return _month_start(date_from, months), date_from - timedelta(days=1)
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


def _no_period(now: dict[str, Any], reason: str = "metrics.reason.no_period",
               prev: tuple[date | None, date | None] = (None, None)) -> PeriodComparison:
    return PeriodComparison(prev[0], prev[1], kpis={k: Change(now.get(k), None, None, None) for k in TILE_KPIS},
                            reason=reason)


def previous_of(info: DatasetInfo, spec: FunnelSpec) -> tuple[date | None, date | None, str | None]:
    """``(previous from, previous to, reason)``: the period ``spec`` is compared with, and the
    catalog key of why it is not (no period chosen, or the data does not cover it), else None."""
    if not _has_period(spec):
        return None, None, "metrics.reason.no_period"
    prev_from, prev_to = previous_range(spec.date_from, spec.date_to)
    return prev_from, prev_to, ("capabilities.previous_not_covered" if uncovered(info, prev_from) else None)


def previous_reason_params(info: DatasetInfo, previous_from: date | None, previous_to: date | None) -> dict[str, object]:
    """The numbers a previous-period reason names (its dates and the data's first day): the Overview's note and
    the report's key figures fill ``capabilities.previous_not_covered`` with the same ones."""
    first = info.capabilities.date_min
    return {"date_from": previous_from or "…", "date_to": previous_to or "…", "first": first or "…"}


def uncovered(info: DatasetInfo, prev_from: date) -> bool:
    """The data starts after the previous period's first day: a comparison would count missing
    deals as a drop."""
    first = info.capabilities.date_min
    return first is None or prev_from < first


def compare(con, ctx: Context, current: Outcomes) -> PeriodComparison:
    """``current`` (the outcomes of ``ctx``) against the equal period before it."""
    spec = ctx.spec
    if not _has_period(spec):
        return _no_period(current.kpis())
    prev_from, prev_to = previous_range(spec.date_from, spec.date_to)
    if uncovered(ctx.info, prev_from):
        return _no_period(current.kpis(), "capabilities.previous_not_covered", (prev_from, prev_to))
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
    if uncovered(ctx.info, prev_from):
        current = outcomes_in(con, ctx).get(None) or Outcomes()
        return current, compare(con, ctx, current)
    both = ctx.with_spec(spec.replace(date_from=prev_from))
    flag = f"CASE WHEN {ident(DATE_COLUMNS[spec.date_field])} >= $g_current THEN 1 ELSE 0 END"
    out = outcomes_grouped(con, both, flag, {"g_current": datetime.combine(spec.date_from, time.min)},
                           values=[1, 0])
    return out[1], _comparison(prev_from, prev_to, out[1], out[0])


def previous_period(con, info: DatasetInfo, spec: FunnelSpec) -> PeriodComparison:
    """The KPIs of ``spec`` and of the equal period before, with absolute and relative change."""
    return with_previous(con, resolve(con, info, spec))[1]
