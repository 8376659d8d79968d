"""Cohorts by created week / month / quarter: how far each cohort got, and how mature it is.

Recent cohorts look worse than they are because their deals are still in flight (DOMAIN.md), so
each cohort carries its maturity: its age in days at the dataset's as-of date (the latest
created or closed date anywhere in the data) and the share of its deals still open.
Weeks start on Monday (ISO 8601, as ``date_trunc('week', ...)``). Deals with no created date
belong to no cohort; their number is returned as ``undated``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..spec import FunnelSpec
from ..sql import run
from .context import resolve
from .filters import query
from .stages import Tally, entered_position, funnel_rows, ratio

# Whitelisted constant fragments: the unit is never taken from user text into SQL.
COHORT_SQL = {
    "week": "date_trunc('week', created_at)",
    "month": "date_trunc('month', created_at)",
    "quarter": "date_trunc('quarter', created_at)",
}
# The same over the created day (metrics_cohort_counts truncates day rows, not every deal).
COHORT_OF_DAY = {unit: sql.replace("created_at", "created_day") for unit, sql in COHORT_SQL.items()}


@dataclass
class Cohort:
    key: date
    deals: int
    reached: dict[int, int]  # funnel position -> deals of the cohort that reached it
    won: int
    lost: int
    open: int
    win_rate: float | None
    age_days: int | None
    share_open: float | None


@dataclass
class CohortTable:
    unit: str
    as_of: date | None
    cohorts: list[Cohort] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    undated: int = 0
    reason: str | None = None


def as_of_date(con, info: DatasetInfo) -> date | None:
    """max(created_at, closed_at) over the whole dataset."""
    last = [v for v in run(con, query("metrics_as_of", info)).fetchone() if v is not None]
    if not last:
        return None
    latest = max(last)
    return latest.date() if isinstance(latest, datetime) else latest


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def cohorts(con, info: DatasetInfo, spec: FunnelSpec, unit: str = "month") -> CohortTable:
    """One row per created cohort, oldest first."""
    if unit not in COHORT_SQL:
        raise FunnelError("metrics.unknown_cohort_unit", unit=str(unit))
    why = info.capabilities.why_not("dates")
    if why:
        return CohortTable(unit, None, reason=why)
    ctx = resolve(con, info, spec)
    as_of = as_of_date(con, info)
    sql = query("metrics_cohort_counts", info, cohort=COHORT_OF_DAY[unit], where=ctx.where.sql)
    by_cohort: dict[date, Tally] = defaultdict(Tally)
    table = CohortTable(unit, as_of, stages=[dict(s) for s in ctx.stages])
    for key, pos, status, n in run(con, sql, ctx.where.params).fetchall():
        if key is None:  # no created date: no cohort
            table.undated += int(n)
        else:
            by_cohort[_day(key)].n[(entered_position(pos), status)] += int(n)
    for key in sorted(by_cohort):
        tally = by_cohort[key]
        rows = funnel_rows(ctx.stages, tally)
        won, lost, open_ = tally.status("won"), tally.status("lost"), tally.status("open")
        table.cohorts.append(Cohort(
            key=key, deals=tally.deals, reached={r.position: r.reached for r in rows},
            won=won, lost=lost, open=open_, win_rate=ratio(won, won + lost),
            age_days=(as_of - key).days if as_of else None,
            share_open=ratio(open_, tally.deals),
        ))
    if not table.cohorts:  # deals without a created date are in no cohort: say so, not "no deals"
        table.reason = "metrics.reason.no_created_dates" if table.undated else "metrics.reason.no_deals"
    return table
