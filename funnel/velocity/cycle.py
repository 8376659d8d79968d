"""Sales cycle: created -> closed, for won and for lost deals, and its trend by created month.

A month is **too young** when its deals could not all have closed yet in a normal cycle: the end of
the month plus the won deals' p90 cycle is after ``as_of``. Its median is biased short (only the
fast deals have closed), so the page marks it instead of reading it as "getting faster". With fewer
than 10 won cycles there is no p90 to say (``metrics.cycle_rules``): the longest won cycle is the
threshold then (``Cycle.young_by_longest``), and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..dataset import DatasetInfo
from ..metrics.cohorts import COHORT_SQL
from ..metrics.context import resolve
from ..metrics.cycle_rules import p90_few, p90_said
from ..metrics.filters import query
from ..spec import FunnelSpec
from ..sql import fetch_dicts
from .common import can_answer, month_end, resolve_as_of

OUTCOMES = ("won", "lost")


@dataclass(frozen=True)
class CycleStats:
    n: int
    median_days: float | None
    p90_days: float | None
    p10_days: float | None = None
    p25_days: float | None = None
    p75_days: float | None = None
    mean_days: float | None = None
    max_days: float | None = None
    p90_reason: str | None = None  # why ``p90_days`` is None though deals have a cycle (fewer than 10 of them)


@dataclass(frozen=True)
class CycleMonth:
    month: date
    deals: int
    won: int
    open_at: int
    median_days: float | None
    p90_days: float | None
    too_young: bool


@dataclass(frozen=True)
class Cycle:
    won: CycleStats
    lost: CycleStats
    trend: list[CycleMonth]
    as_of: datetime | None
    reason: str | None = None
    reason_params: dict = field(default_factory=dict)
    young_by_longest: bool = False  # too few won cycles for a p90: a month is too young by the longest one

    @property
    def young_days(self) -> float | None:
        """The days a month's end is given before its deals could all have closed: the won p90, else the longest."""
        return self.won.max_days if self.young_by_longest else self.won.p90_days


EMPTY = CycleStats(0, None, None)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


NO_CREATED = "velocity.reason.no_created"


def no_created_date(info: DatasetInfo) -> bool:
    """The file gave no creation date (none mapped, no stage history to take the first entry from): a
    cycle is close − creation, so that is why there is none (a «Мегаплан» list with «Дата изменения
    статуса» only; a МойСклад list before its «Время» was read)."""
    mapping = info.meta.get("mapping") or {}
    fields = mapping.get("fields") or {}
    history = info.capabilities.has_history if "capabilities" in info.meta else False
    return bool(mapping) and "created_at" not in fields and not history


def cycle(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None) -> Cycle:
    cap = can_answer(con, info, "dates")
    if not cap.ok:
        reason = NO_CREATED if cap.reason == "capabilities.no_dates" and no_created_date(info) else cap.reason
        return Cycle(EMPTY, EMPTY, [], None, reason, cap.params or {})
    as_of = resolve_as_of(con, info, as_of)
    ctx = resolve(con, info, spec)
    params = {**ctx.where.params, "as_of": as_of}
    by = {r["status"]: r for r in fetch_dicts(con, query("velocity_cycle", info, where=ctx.where.sql), params)}
    stats = {k: _stats(by[k], k) if k in by else EMPTY for k in OUTCOMES}
    by_longest = stats["won"].p90_reason is not None
    p90 = stats["won"].max_days if by_longest else stats["won"].p90_days
    trend = []
    sql = query("velocity_cycle_trend", info, where=ctx.where.sql, month=COHORT_SQL["month"])
    for r in fetch_dicts(con, sql, params):
        if r["month"] is None:
            continue
        month = _as_date(r["month"])
        young = p90 is None or month_end(month) + timedelta(days=p90) > as_of
        trend.append(CycleMonth(month, int(r["deals"]), int(r["won"]), int(r["open_at"]), r["median_days"],
                                r["p90_days"], young))
    column = info.meta.get("close_is_expected")
    if column and not stats["won"].n and not stats["lost"].n:  # the close column is an expected date: said
        return Cycle(stats["won"], stats["lost"], trend, as_of, "velocity.reason.close_is_expected",
                     {"column": column}, by_longest)
    reason = NO_CREATED if not stats["won"].n and not stats["lost"].n and no_created_date(info) else None
    return Cycle(stats["won"], stats["lost"], trend, as_of, reason, young_by_longest=by_longest)


def _stats(row: dict, outcome: str) -> CycleStats:
    """One outcome's cycle statistics; a p90 on fewer than 10 cycles is None with its reason (cycle_rules)."""
    values = {f: v for f, v in row.items() if f != "status"}
    n, p90 = int(values.pop("n") or 0), values.pop("p90_days")
    return CycleStats(n, p90_days=p90_said(p90, n), p90_reason=p90_few(p90, n, outcome), **values)
