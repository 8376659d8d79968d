"""Forecast: the weighted pipeline, when it should close, and how likely this month's plan is.

As of ``as_of`` (default: the dataset's latest timestamp), over the filtered open deals:

- **probability** p of an open deal = P(won | reached its current stage) among the deals closed by
  ``as_of`` (:func:`funnel.metrics.probability.stage_probability`); a stage no closed deal reached
  gives p = 0 and its amount is reported as ``no_probability``;
- **weighted pipeline** = Σ amount × p (DOMAIN.md's definition);
- **age-adjusted**: a deal that has waited long in its stage is less likely to win than a fresh one
  (deals that win mostly leave early; stalled ones never do). P(won | still open after a days) =
  the share of won deals among the stage's deals that waited at least as long (:func:`age_adjusted`);
  the months, the Monte Carlo and the back-test use it;
- **when**: the won deals' times from first entering a stage to winning form that stage's
  remaining-time distribution R. A deal that has sat ``a`` days in its stage closes, if it wins,
  ``R - a`` days from now with R drawn from the won deals that took longer than ``a`` (so an old deal
  is not expected "in 5 days" because most deals leave in 5 days). A deal older than every won deal
  of its stage has no expected date (``undated``); a deal without a stage history uses the time from
  creation to winning instead;
- **expected by month** = Σ amount × p × P(closes in that month | won);
- **Monte Carlo** (vectorised numpy, seeded): in every run each deal is won in month k with
  probability p × q_k, independently (:func:`simulate`; the wins are drawn directly, so the cost
  grows with the number of wins, not deals × runs). The plan month's revenue = already won in that month by ``as_of`` + the
  simulated; P(meeting the plan), the 10th/50th/90th percentiles (an 80 % range) and a fan chart of
  the cumulative revenue by month come from the same runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..metrics.context import resolve
from ..metrics.filters import query
from ..metrics.probability import StageProbabilities, stage_probability
from ..spec import FunnelSpec
from ..sql import fetch_dicts, fetch_frame
from .common import SECONDS_PER_DAY, add_months, can_answer, month_end, month_start, resolve_as_of
from .stays import stays_sql

DEFAULT_RUNS = 10_000
DEFAULT_SEED = 42
HORIZON_MONTHS = 6


@dataclass
class OpenBook:
    """The open deals as of a moment, as arrays (one entry per deal)."""

    position: np.ndarray
    age_days: np.ndarray
    from_created: np.ndarray
    amount: np.ndarray
    status: np.ndarray
    closed: np.ndarray  # datetime64 (NaT while open)


@dataclass(frozen=True)
class Forecast:
    as_of: datetime | None
    probabilities: StageProbabilities | None
    weighted_pipeline: float | None
    open_deals: int
    by_month: list[tuple[date, float]]
    age_adjusted: float  # Σ amount × P(won | still open at its age): what the months below add up to
    beyond: float  # expected after the horizon
    undated: float  # weighted amount of deals older than any won deal of their stage
    no_probability: float  # amount in stages no closed deal reached
    month: date | None = None
    won_so_far: float = 0.0  # already won in the plan month by as_of
    plan: float | None = None
    p_meet_plan: float | None = None
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None
    runs: int = DEFAULT_RUNS
    seed: int = DEFAULT_SEED
    fan: list[dict[str, Any]] = field(default_factory=list)  # {month, p10, p50, p90} cumulative
    stage_weighted: dict[int, float] = field(default_factory=dict)  # position -> weighted amount
    reason: str | None = None


def open_book(con, info: DatasetInfo, ctx, as_of: datetime) -> OpenBook:
    sql = query("forecast_open_deals", info, stays=stays_sql(info), where=ctx.where.sql)
    f = fetch_frame(con, sql, {**ctx.where.params, "as_of": as_of})
    return OpenBook(f["position"].fillna(0).to_numpy(int), f["age_days"].fillna(0).to_numpy(float),
                    f["from_created"].fillna(True).to_numpy(bool), f["amount"].to_numpy(float),
                    f["status"].to_numpy(object), f["closed"].to_numpy("datetime64[us]"))


def remaining_times(con, info: DatasetInfo, ctx, as_of: datetime) -> dict[str, dict[int, np.ndarray]]:
    """Sorted days from entering a stage to closing, per outcome (won / lost) and stage position
    (0: from creation)."""
    sql = query("forecast_remaining", info, stays=stays_sql(info), where=ctx.where.sql)
    f = fetch_frame(con, sql, {**ctx.where.params, "as_of": as_of})
    out: dict[str, dict[int, np.ndarray]] = {"won": {}, "lost": {}}
    for (status, pos), part in f.groupby(["status", "position"]):
        out[str(status)][int(pos)] = np.sort(part["remaining_days"].to_numpy(float))
    return out


def _longer(r: np.ndarray, x: np.ndarray) -> np.ndarray:
    """How many of the sorted durations ``r`` are longer than each ``x``."""
    return (len(r) - np.searchsorted(r, x, side="right")).astype(float)


def _stage_key(book: OpenBook) -> np.ndarray:
    return np.where(book.from_created, 0, book.position)


def age_adjusted(book: OpenBook, remaining: dict[str, dict[int, np.ndarray]]) -> np.ndarray:
    """P(won | still open after waiting age_i in its stage): among the deals of that stage that had
    waited at least as long — won and lost ones (days from entering the stage to closing) and the
    ones still open there now — the share that won. A deal that has waited longer than nearly every
    winner gets a small probability; stalled deals pull their stage's old deals down."""
    out = np.zeros(len(book.amount))
    key = _stage_key(book)
    empty = np.zeros(0)
    for pos in np.unique(key):
        idx = np.nonzero(key == pos)[0]
        age = book.age_days[idx]
        won = _longer(remaining["won"].get(int(pos), empty), age)
        lost = _longer(remaining["lost"].get(int(pos), empty), age)
        still = len(idx) - np.searchsorted(np.sort(age), age, side="left")  # open there, waited >= age
        out[idx] = won / (won + lost + still)
    return out


def month_bounds(as_of: datetime, months: int) -> np.ndarray:
    """Days from ``as_of`` to the end of its month and of each following month (``months`` + 1 values,
    the first 0): month k is the interval (bounds[k], bounds[k + 1]]."""
    ends = [month_end(add_months(month_start(as_of), k)) for k in range(months)]
    return np.array([0.0] + [(e - as_of).total_seconds() / SECONDS_PER_DAY for e in ends])


def close_month_probabilities(book: OpenBook, won_remaining: dict[int, np.ndarray], bounds: np.ndarray) -> np.ndarray:
    """q[i, k] = P(deal i, if won, closes in month k | it has waited age_i so far): deals × months,
    from the won deals of its stage that took longer than age_i."""
    n, months = len(book.amount), len(bounds) - 1
    q = np.zeros((n, months))
    key = _stage_key(book)
    for pos in np.unique(key):
        r = won_remaining.get(int(pos))
        if r is None or not len(r):
            continue
        idx = np.nonzero(key == pos)[0]
        age = book.age_days[idx]
        alive = _longer(r, age)
        edges = np.stack([_longer(r, age + b) for b in bounds], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            q[idx] = np.where(alive[:, None] > 0, (edges[:, :-1] - edges[:, 1:]) / alive[:, None], 0.0)
    return q


def bernoulli_runs(pi: np.ndarray, runs: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The (deal, run) pairs where deal i succeeds, each run independently with probability pi[i] > 0.

    Exact and proportional to the number of successes, not deals × runs: the runs between two
    successes of a Bernoulli process are geometric, so each deal's successes are the cumulative sums
    of geometric gaps below ``runs``. Gaps are drawn for the expected count plus 6 sd; the rare deal
    whose gaps did not reach the end gets more (the loop)."""
    deals_out, runs_out = [], []
    todo, begin = np.arange(len(pi)), np.zeros(len(pi), np.int64)
    while len(todo):
        left = runs - begin[todo]
        mean = left * pi[todo]
        k = np.minimum(np.ceil(mean + 6 * np.sqrt(mean * (1 - pi[todo])) + 10), left).astype(np.int64)
        deal = np.repeat(todo, k)
        gaps = rng.geometric(pi[deal])
        ends = np.cumsum(k)
        csum = np.cumsum(gaps)
        before = np.repeat(csum[ends - k] - gaps[ends - k], k)  # the running sum before each deal's gaps
        pos = np.repeat(begin[todo], k) + (csum - before) - 1
        keep = pos < runs
        deals_out.append(deal[keep])
        runs_out.append(pos[keep])
        reached = pos[ends - 1]  # each deal's last drawn success; past the end: none was missed
        short = (reached < runs - 1) & (k < left)  # k == left: every remaining run was drawn
        begin[todo[short]] = reached[short] + 1
        todo = todo[short]
    return np.concatenate(deals_out), np.concatenate(runs_out)


def simulate(p: np.ndarray, q: np.ndarray, amount: np.ndarray, runs: int, seed: int) -> np.ndarray:
    """Revenue per run and month (runs × months) from independent deals.

    Deal i is won within the horizon with probability p_i × (q_i1 + ... + q_iK), independently in
    every run (:func:`bernoulli_runs`); a win falls in month k with probability q_ik / Σ q_i.
    """
    rng = np.random.default_rng(seed)
    runs = int(runs)
    months = q.shape[1] if q.ndim == 2 else 1
    live = (p > 0) & (q.sum(axis=1) > 0)
    p, q, amount = p[live], q[live], amount[live]
    if not len(p):
        return np.zeros((runs, months))
    cum = np.cumsum(q, axis=1)
    total = cum[:, -1]
    deal, run = bernoulli_runs(np.minimum(p * total, 1.0), runs, rng)
    v = rng.random(len(deal)) * total[deal]
    month = np.minimum((v[:, None] >= cum[deal]).sum(axis=1), months - 1)
    flat = np.bincount(run * months + month, weights=amount[deal], minlength=runs * months)
    return flat.reshape(runs, months)


def _probabilities_by_position(probs: StageProbabilities) -> dict[int, float | None]:
    return {r.position: r.p_won for r in probs.rows}


def deal_probabilities(book: OpenBook, probs: StageProbabilities) -> np.ndarray:
    by_pos = _probabilities_by_position(probs)
    return np.array([by_pos.get(int(pos)) or 0.0 for pos in book.position], float)


def won_between(con, info: DatasetInfo, ctx, start: datetime, end: datetime) -> float:
    sql = query("forecast_won_between", info, where=ctx.where.sql)
    return float(fetch_dicts(con, sql, {**ctx.where.params, "start": start, "end": end})[0]["amount"])


def parse_month(text: str | None) -> date | None:
    if not text:
        return None
    try:
        year, month = str(text).strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise FunnelError("velocity.bad_month", value=str(text)) from exc


def forecast(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None, *,
             plan: float | None = None, month: date | None = None, runs: int = DEFAULT_RUNS,
             seed: int = DEFAULT_SEED) -> Forecast:
    cap = can_answer(con, info, "dates")
    if not cap.ok:
        return Forecast(None, None, None, 0, [], 0.0, 0.0, 0.0, 0.0, reason=cap.reason)
    as_of = resolve_as_of(con, info, as_of)
    if runs < 1:
        raise FunnelError("velocity.bad_runs", value=runs)
    first = month_start(as_of)
    target = month or first
    k = (target.year - first.year) * 12 + target.month - first.month
    if k < 0:
        raise FunnelError("velocity.month_past", month=target.strftime("%Y-%m"), as_of=first.strftime("%Y-%m"))
    horizon = max(HORIZON_MONTHS, k + 1)
    ctx = resolve(con, info, spec)
    probs = stage_probability(con, info, spec, as_of=as_of)
    book = open_book(con, info, ctx, as_of)
    p = deal_probabilities(book, probs)
    remaining = remaining_times(con, info, ctx, as_of)
    p_now = age_adjusted(book, remaining)
    q = close_month_probabilities(book, remaining["won"], month_bounds(as_of, horizon))
    weighted = book.amount * p
    adjusted = book.amount * p_now
    dated = q.sum(axis=1) > 0
    expected = (adjusted[:, None] * q).sum(axis=0)
    months = [add_months(first, i) for i in range(horizon)]
    by_pos = _probabilities_by_position(probs)
    unknown = np.array([by_pos.get(int(pos)) is None for pos in book.position], bool)
    stage_weighted = {int(pos): float(weighted[book.position == pos].sum()) for pos in np.unique(book.position)}
    so_far = won_between(con, info, ctx, datetime.combine(first, datetime.min.time()), as_of)
    base = so_far if k == 0 else 0.0
    sims = simulate(p_now, q, book.amount, runs, seed)
    cumulative = np.cumsum(sims, axis=1) + so_far
    fan = [{"month": m, "p10": float(np.quantile(cumulative[:, i], 0.1)),
            "p50": float(np.quantile(cumulative[:, i], 0.5)), "p90": float(np.quantile(cumulative[:, i], 0.9))}
           for i, m in enumerate(months)]
    target_sims = sims[:, k] + base
    return Forecast(
        as_of=as_of, probabilities=probs, weighted_pipeline=float(weighted.sum()), open_deals=len(book.amount),
        by_month=list(zip(months, map(float, expected), strict=True)),
        age_adjusted=float(adjusted.sum()),
        beyond=float(adjusted[dated].sum() - expected.sum()), undated=float(adjusted[~dated].sum()),
        no_probability=float(book.amount[unknown].sum()), month=target, won_so_far=base, plan=plan,
        p_meet_plan=None if plan is None else float(np.mean(target_sims >= plan)),
        p10=float(np.quantile(target_sims, 0.1)), p50=float(np.quantile(target_sims, 0.5)),
        p90=float(np.quantile(target_sims, 0.9)), runs=int(runs), seed=int(seed), fan=fan,
        stage_weighted=stage_weighted)
