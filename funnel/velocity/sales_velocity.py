"""Sales velocity = open deals × win rate × average won deal ÷ average cycle (money per day).

Over a window of ``days`` (default 90) ending at ``as_of``: open deals are those open at its end;
win rate = won / (won + lost) among deals closed in the window; average deal and average cycle
(created -> won, days) over the deals won in it. The previous window of the same length gives
the change. :func:`what_if` recomputes velocity with one or more factors changed, so a page can
say "+5 pp win rate → +X per month" without doing the arithmetic itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ..dataset import DatasetInfo
from ..metrics.context import resolve
from ..metrics.cycle_rules import no_cycle_reason
from ..metrics.filters import query
from ..metrics.periods import uncovered
from ..money import mixed_currencies
from ..spec import FunnelSpec
from ..sql import fetch_dicts
from .common import can_answer, resolve_as_of
from .cycle import NO_CREATED, no_created_date

DAYS_PER_MONTH = 365.25 / 12
DEFAULT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Velocity:
    open_deals: int
    won: int
    lost: int
    win_rate: float | None
    avg_deal_size: float | None
    avg_cycle_days: float | None
    start: datetime | None = None
    end: datetime | None = None
    no_created: bool = False  # the file has no creation date (Мегаплан's list dates status changes only)
    mixed: bool = False  # the won amounts are in several currencies: no average deal (funnel.money.mixed_currencies)
    # why no won deal of the dataset has a cycle at all (cycle_rules.no_cycle_reason: which date is missing, what to
    # map), the Overview's and the Cycle section's sentence; the velocity said «needs the won deals' cycle (creation
    # and close dates): the deals won in the window have none, or only impossible ones» for Maven's file
    cycle_reason: str | None = None

    @property
    def per_day(self) -> float | None:
        """None when a factor is unknown (no closed deal, no won deal) or the cycle is 0."""
        if None in (self.win_rate, self.avg_deal_size, self.avg_cycle_days) or not self.avg_cycle_days:
            return None
        return self.open_deals * self.win_rate * self.avg_deal_size / self.avg_cycle_days

    @property
    def per_month(self) -> float | None:
        return None if self.per_day is None else self.per_day * DAYS_PER_MONTH

    @property
    def unknown_reason(self) -> str | None:
        """The catalog key saying why ``per_day`` is unknown (the first factor missing), None when known.
        Won deals without amounts had been told "not enough won deals with a cycle"."""
        if self.per_day is not None:
            return None
        if self.won + self.lost == 0:
            return "velocity.ui.unknown.no_closed"
        if self.won == 0:
            return "velocity.ui.unknown.no_won"
        if self.avg_deal_size is None:
            return "velocity.reason.mixed_currencies" if self.mixed else "velocity.ui.unknown.no_amount"
        if not self.avg_cycle_days:
            return self.cycle_reason or (NO_CREATED if self.no_created else "velocity.ui.unknown.no_cycle")
        return "velocity.ui.velocity_unknown"


# the factors that count the open deals at a window's end (SalesVelocity.open_change_reason)
OPEN_FACTORS = ("open_deals", "per_day", "per_month")
OPEN_NO_CREATED = "velocity.reason.open_change_no_created"


@dataclass(frozen=True)
class SalesVelocity:
    current: Velocity | None
    previous: Velocity | None
    as_of: datetime | None
    days: int = DEFAULT_WINDOW_DAYS
    reason: str | None = None
    reason_params: dict = field(default_factory=dict)
    # the data starts after the previous window's first day: its deals are missing, not fewer
    previous_reason: str | None = None
    # deals without a creation date count open on every date until they close, so the previous window's open deals
    # hold the ones created since: no change of the open deals (nor of the velocity, their product), said
    open_change_reason: str | None = None

    def change(self, factor: str) -> float | None:
        """current - previous of ``factor`` (``per_day``, ``open_deals``, ``win_rate``, ...); None when
        the previous window is not covered by the data."""
        if self.current is None or self.previous is None or self.previous_reason:
            return None
        if self.open_change_reason and factor in OPEN_FACTORS:
            return None
        a, b = getattr(self.current, factor), getattr(self.previous, factor)
        return None if a is None or b is None else a - b


def _window(con, info: DatasetInfo, ctx, start: datetime, end: datetime) -> Velocity:
    sql = query("velocity_sales", info, where=ctx.where.sql)
    r = fetch_dicts(con, sql, {**ctx.where.params, "start": start, "end": end})[0]
    won, lost = int(r["won"]), int(r["lost"])
    return Velocity(int(r["open_deals"]), won, lost, won / (won + lost) if won + lost else None,
                    r["avg_deal_size"], r["avg_cycle_days"], start, end)


def sales_velocity(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None,
                   days: int = DEFAULT_WINDOW_DAYS) -> SalesVelocity:
    cap = can_answer(con, info, "dates")
    if not cap.ok:  # velocity divides by the cycle: no creation date read says why, as the cycle does
        reason = NO_CREATED if cap.reason == "capabilities.no_dates" and no_created_date(info) else cap.reason
        return SalesVelocity(None, None, None, days, reason, cap.params or {})
    as_of = resolve_as_of(con, info, as_of)
    ctx = resolve(con, info, spec)
    if why := info.capabilities.why_won_unmarked(ctx.pipeline):  # win rate × deal ÷ cycle of wins nothing could mark:
        return SalesVelocity(None, None, as_of, days, why)  # unknown, not «none won in the window» (session 50)
    span = timedelta(days=days)
    current = _window(con, info, ctx, as_of - span, as_of)
    previous = _window(con, info, ctx, as_of - 2 * span, as_of - span)
    if no_created_date(info):  # closes dated (a status change), no cycle: say that, not "none in the window"
        current, previous = replace(current, no_created=True), replace(previous, no_created=True)
    if why := no_cycle_reason(info):  # no won deal has a cycle at all: which date is missing and what to map
        current, previous = replace(current, cycle_reason=why), replace(previous, cycle_reason=why)
    if mixed_currencies(info.capabilities.currencies, spec.filter_dict):  # 150,000 RUB + 1,500.50 USD is no mean
        current, previous = (replace(v, avg_deal_size=None, mixed=True) for v in (current, previous))
    return SalesVelocity(current, previous, as_of, days, previous_reason="capabilities.previous_not_covered"
                         if uncovered(info, (as_of - 2 * span).date()) else None,
                         open_change_reason=OPEN_NO_CREATED if info.capabilities.no_created else None)


def what_if(v: Velocity, *, win_rate_pp: float = 0.0, deal_size_pct: float = 0.0, cycle_days: float = 0.0,
            open_deals_pct: float = 0.0) -> Velocity:
    """``v`` with the win rate moved by ``win_rate_pp`` percentage points (kept within 0..1), the
    average deal by ``deal_size_pct`` %, the cycle by ``cycle_days`` days (at least 1 day's
    fraction above 0) and the open deals by ``open_deals_pct`` %."""
    wr = None if v.win_rate is None else min(1.0, max(0.0, v.win_rate + win_rate_pp / 100))
    size = None if v.avg_deal_size is None else v.avg_deal_size * (1 + deal_size_pct / 100)
    cycle = None if v.avg_cycle_days is None else max(v.avg_cycle_days + cycle_days, 1e-9)
    return replace(v, win_rate=wr, avg_deal_size=size, avg_cycle_days=cycle,
                   open_deals=round(v.open_deals * (1 + open_deals_pct / 100)))
