"""Back-test of the forecast: forecast each of the last complete months from the data as of its first
day (00:00), and set it beside what actually happened.

``forecast`` = Σ amount × P(won | its age) × P(closes in that month | won) over the deals open at 00:00 of the
month's first day, with p and the remaining-time distributions learnt only from deals closed by then
(:mod:`funnel.velocity.forecast`). ``actual`` = the amount those same deals won in that month: the
forecast's own population, so the two are comparable. ``actual_all`` adds deals created and won
within the month (which no pipeline forecast can see).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from ..dataset import DatasetInfo
from ..metrics.context import resolve
from ..spec import FunnelSpec
from .common import add_months, can_answer, month_end, month_start, resolve_as_of
from .forecast import (
    age_adjusted,
    close_month_probabilities,
    month_bounds,
    open_books,
    read_references,
    unknown_ages,
    won_in,
    won_unmarked_reason,
)

BACKTEST_MONTHS = 6


@dataclass(frozen=True)
class BacktestMonth:
    month: date
    forecast: float
    actual: float
    actual_all: float
    open_deals: int


def backtest(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None,
             months: int = BACKTEST_MONTHS) -> list[BacktestMonth]:
    """The last ``months`` complete months before ``as_of``'s month, oldest first."""
    if not can_answer(con, info, "dates").ok:
        return []
    as_of = resolve_as_of(con, info, as_of)
    ctx = resolve(con, info, spec)
    if won_unmarked_reason(info, ctx.pipeline):  # no past forecast of wins could be made (the forecast's reason)
        return []
    firsts = [add_months(month_start(as_of), -k) for k in range(months, 0, -1)]
    starts = [datetime.combine(first, datetime.min.time()) for first in firsts]
    books = open_books(con, info, ctx, starts) if starts else []
    # the closed deals' stays read once, up to the last month's start: each month keeps those closed by its own
    refs = read_references(con, info, ctx, starts, from_created=any(b.from_created.any() for b in books)) \
        if starts else None
    won_all = won_in(con, info, ctx, [(start, month_end(first)) for first, start in zip(firsts, starts, strict=True)]) \
        if starts else []
    out = []
    for i, (first, start, book) in enumerate(zip(firsts, starts, books, strict=True)):
        end = month_end(first)
        remaining = refs.by_stage(i)
        p = age_adjusted(book, remaining)
        q = close_month_probabilities(book, remaining["won"], month_bounds(start, 1))
        unknown_ages(book, p, q)
        q = q[:, 0]
        won_then = (book.status == "won") & (book.closed > np.datetime64(start)) & (book.closed <= np.datetime64(end))
        out.append(BacktestMonth(first, float((book.amount * p * q).sum()), float(book.amount[won_then].sum()),
                                 won_all[i], len(book.amount)))
    return out


@dataclass(frozen=True)
class BacktestError:
    """How far the back-tested forecasts were from what was won: ``ratio`` = Σ forecast / Σ actual
    over the months, ``low`` / ``high`` = the smallest and largest month's forecast / actual (months
    that won something), ``missed`` = months forecast to win something that won nothing."""

    months: int
    ratio: float | None
    low: float | None
    high: float | None
    missed: int

    @property
    def reliable(self) -> bool:
        """Within a factor of 1.5 overall and of 2 in every month: otherwise the page says the data
        does not support a one-month forecast (too few or too uneven wins a month)."""
        return (self.ratio is not None and 1 / 1.5 <= self.ratio <= 1.5 and self.missed == 0
                and self.low is not None and self.low >= 0.5 and self.high <= 2.0)


def backtest_error(rows: list[BacktestMonth]) -> BacktestError | None:
    """None without a back-tested month that forecast or won anything."""
    used = [r for r in rows if r.forecast > 0 or r.actual > 0]
    if not used:
        return None
    actual = sum(r.actual for r in used)
    ratios = [r.forecast / r.actual for r in used if r.actual > 0]
    missed = sum(1 for r in used if r.actual == 0)
    return BacktestError(len(used), sum(r.forecast for r in used) / actual if actual > 0 else None,
                         min(ratios) if ratios else None, max(ratios) if ratios else None, missed)
