"""Forecast: the weighted pipeline, when it should close, and how likely this month's plan is.

As of ``as_of`` (default: the dataset's latest timestamp), over the filtered open deals:

- **probability** p of an open deal = P(won | reached its current stage) among the deals closed by
  ``as_of`` (:func:`funnel.metrics.probability.stage_probability`); a stage no closed deal reached
  gives p = 0, and so does a deal at no step of the order (a paused status, position 0); their amount is
  reported as ``no_probability`` (the page and the CLI say it beside the weighted pipeline);
- **weighted pipeline** = Σ amount × p (DOMAIN.md's definition);
- **age-adjusted**: a deal that has sat long in its stage is less likely to win than a fresh one
  (deals that win mostly leave early; stalled ones never do). P(won | still in the stage after a
  days) = the share of won deals among the closed and open deals that *sat in that stage* at least
  as long (:func:`age_adjusted`); the months, the Monte Carlo and the back-test use it;
- **when**: a deal that has sat ``a`` days in its stage closes, if it wins, ``R - a`` days from now,
  R = days from entering the stage to winning of a won deal that also sat there longer than ``a``
  (so an old deal is not expected "in 5 days" because most deals leave in 5 days). A deal that has
  sat longer than every won deal of its stage has no expected date (``undated``); a deal without a
  stage history uses the time from creation to winning instead;
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
from ..sql import fetch_dicts, ident, render, run
from .common import SECONDS_PER_DAY, add_months, can_answer, month_end, month_start, resolve_as_of
from .stays import deal_stays, stays_sql

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
    # False: no stay covers the moment and the deal has no creation date, so its age is unknown (0 here)
    age_known: np.ndarray | None = None

    def by_stage(self) -> list[tuple[int, np.ndarray]]:
        """(stage key, the indices of its deals ordered by age) per stage key (0: from creation).

        Ordered by age, every lookup of the ages in a sorted array (:func:`age_adjusted`,
        :func:`close_month_probabilities`) walks it forward instead of jumping at random: at
        300,000 open deals several times faster. Computed once per book."""
        cached = self.__dict__.get("_by_stage")
        if cached is None:
            key = _stage_key(self)
            small = np.iinfo(np.int16)
            if len(key) and small.min <= key.min() and key.max() <= small.max:
                key = key.astype(np.int16)  # stage positions: a stable sort of 16-bit keys is a radix sort
            by_key = np.argsort(key, kind="stable")
            key = key[by_key]
            bounds = np.r_[0, np.flatnonzero(key[1:] != key[:-1]) + 1, len(key)]
            cached = []
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
                if hi > lo:
                    idx = by_key[lo:hi]
                    cached.append((int(key[lo]), idx[np.argsort(self.age_days[idx])]))
            self.__dict__["_by_stage"] = cached
        return cached


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
    no_probability: float  # amount of the open deals weighed at 0: at a stage no closed deal reached, or at none
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
    # the open deals ``no_probability`` counts, and their positions (0: no step of the order, a paused status)
    no_probability_deals: int = 0
    no_probability_positions: tuple[int, ...] = ()


STATUS_CODES = np.array(["open", "won", "lost"], object)  # forecast_open_deals' status_code
FAR_FUTURE = np.datetime64("9999-12-31T00:00:00", "us").astype(np.int64)  # no close time / a running stay's until_at
NAT = np.datetime64("NaT", "us").astype(np.int64)  # no time (no creation date): before any moment


def open_book(con, info: DatasetInfo, ctx, as_of: datetime) -> OpenBook:
    """The filtered deals open at ``as_of`` in row_no order, each at the stage whose stay covers
    ``as_of`` (else at its current stage, aged from its creation: ``from_created``)."""
    return open_books(con, info, ctx, [as_of])[0]


def open_books(con, info: DatasetInfo, ctx, moments: list[datetime]) -> list[OpenBook]:
    """:func:`open_book` at each of the ascending ``moments``, from one read of the deals open at some
    moment between the first and the last and of the stays covering one (the back-test's months).

    Ages are (T - entered) in days computed as the queries did: epoch seconds as floating point
    (microseconds / 10⁶), their difference divided by 86,400."""
    params = {"first": moments[0], "last": moments[-1]}
    deals = run(con, query("forecast_open_deals", info, where=ctx.where.sql), {**ctx.where.params, **params}).fetchnumpy()
    stays = run(con, query("forecast_covering_stays", info, stays=stays_sql(info)), params).fetchnumpy()
    row_no = np.asarray(deals["row_no"], np.int64)
    order = _ascending(row_no)
    row_no, position = row_no[order], np.asarray(deals["position"], np.int64)[order]
    created, closed_at = _micros(deals["created_at"])[order], _micros(deals["closed_at"])[order]
    is_open = np.asarray(deals["status_code"], np.int64)[order] == 0
    amount = np.asarray(deals["amount"], float)[order]
    status = STATUS_CODES[np.asarray(deals["status_code"], np.int64)[order]]
    # the close time, a close before the creation counting as the creation; NaT without one
    closed = np.where(closed_at == FAR_FUTURE, np.datetime64("NaT", "us"),
                      np.maximum(created, closed_at).astype("datetime64[us]"))
    key, stay_key = _dense_keys(row_no, np.asarray(stays["row_no"], np.int64))
    # one sentinel stay at the end (index -1): never covers anything
    stay_pos = np.r_[np.asarray(stays["position"], np.int64), 0]
    entered = np.r_[_micros(stays["entered_at"]), 0]
    until = np.r_[_micros(stays["until_at"]), np.iinfo(np.int64).min]
    stay_key = np.r_[stay_key, 0]
    slot = np.full(int(max(key.max(initial=0), stay_key.max(initial=0))) + 1, -1, np.int64)
    books = []
    for moment in moments:
        t = np.datetime64(moment, "us").astype(np.int64)
        live = np.flatnonzero((created <= t) & (is_open | (closed_at > t)))
        cover = np.flatnonzero((entered <= t) & (until > t))
        slot[stay_key[cover]] = cover
        at = slot[key[live]]  # -1: no stay covers the moment (stays of deals not open then match none)
        slot[stay_key[cover]] = -1
        covered = at >= 0
        known = covered | (created[live] != NAT)
        since = np.where(covered, entered[at], np.where(known, created[live], t))
        pos = np.where(covered, stay_pos[at], position[live])
        age = (t / 1e6 - since / 1e6) / SECONDS_PER_DAY
        books.append(OpenBook(pos, age, ~covered, amount[live], status[live], closed[live], known))
    return books


def _dense_keys(deal_rows: np.ndarray, stay_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Small non-negative integer keys for the deals' row_no (ascending) and the stays' row_no, so
    that a table indexed by key matches each deal to its stay without sorting the stays. An
    import's row_no (row numbers) already is one; other keys are replaced by the deal's index
    (a stay of no listed deal gets a key of its own past them, the table's last slot)."""
    if len(deal_rows) and len(stay_rows) and min(deal_rows[0], stay_rows.min()) >= 0 \
            and max(deal_rows[-1], stay_rows.max()) < 4 * (len(deal_rows) + len(stay_rows)) + 1024:
        return deal_rows, stay_rows
    at = np.minimum(np.searchsorted(deal_rows, stay_rows), max(len(deal_rows) - 1, 0))
    found = deal_rows[at] == stay_rows if len(deal_rows) else np.zeros(len(stay_rows), bool)
    return np.arange(len(deal_rows)), np.where(found, at, len(deal_rows))


def _micros(column) -> np.ndarray:
    """A fetched timestamp column as int64 microseconds (NULL: NaT's, the smallest int64: a deal with
    no creation date was created before any moment; the queries leave no other NULL where a time is
    aged or must be after another)."""
    return _filled(column, np.datetime64("NaT")).astype("datetime64[us]").astype(np.int64)


def _ascending(values: np.ndarray) -> np.ndarray:
    """The order that sorts ``values`` (unique keys); a scan usually returns them sorted already."""
    if len(values) < 2 or bool((values[1:] > values[:-1]).all()):
        return np.arange(len(values))
    low, high = int(values.min()), int(values.max())
    if high - low < 4 * len(values) + 1024:  # row numbers: each put in its slot, no comparison sort
        slot = np.full(high - low + 1, -1, np.int64)
        slot[values - low] = np.arange(len(values))
        return slot[slot >= 0]
    return np.argsort(values)


def _filled(column, value) -> np.ndarray:
    """A fetched column as a plain array, its NULLs (a masked array's masked entries) as ``value``."""
    return np.ma.filled(column, value) if np.ma.isMaskedArray(column) else np.asarray(column)


@dataclass(frozen=True)
class Durations:
    """Closed deals of one stage: ``stay`` (days they sat in the stage) with ``remaining`` (days from
    entering it to closing) alongside. From creation (position 0) the two are equal.

    ``count``: how many deals each entry stands for (None: one each), as :class:`References` reads
    them grouped by distinct duration; ``ordered``: sorted by stay (:meth:`of`). Counting "stayed
    longer than" needs neither; the timing's sample orders them itself (:func:`_timing_sample`)."""

    stay: np.ndarray
    remaining: np.ndarray
    count: np.ndarray | None = None
    ordered: bool = True

    @staticmethod
    def of(stay, remaining=None) -> Durations:
        stay = np.asarray(stay, float)
        remaining = stay if remaining is None else np.asarray(remaining, float)
        order = np.argsort(stay, kind="stable")
        return Durations(stay[order], remaining[order])

    def __len__(self) -> int:
        return len(self.stay) if self.count is None else int(self.count.sum())


def _durations(value) -> Durations:
    return value if isinstance(value, Durations) else Durations.of(value)


@dataclass(frozen=True)
class References:
    """The closed deals' stays that open deals are compared with, for one or more as-of times read at
    once (``forecast_remaining``, grouped by distinct duration with a count): ``closed_by`` = the
    index of the first as-of each had closed by, so :meth:`by_stage` (k) keeps those closed by the
    k-th (the back-test's six months read once)."""

    won: np.ndarray
    position: np.ndarray
    closed_by: np.ndarray
    stay: np.ndarray
    remaining: np.ndarray  # NaN for lost deals (not needed)
    count: np.ndarray

    def by_stage(self, k: int = 0) -> dict[str, dict[int, Durations]]:
        """Per outcome (won / lost) and stage position the stays closed by the ``k``-th as-of."""
        keep = self.closed_by <= k
        won, position = self.won[keep], self.position[keep]
        stay, remaining, count = self.stay[keep], self.remaining[keep], self.count[keep]
        key = position * 2 + won
        order = np.argsort(key, kind="stable")
        key = key[order]
        out: dict[str, dict[int, Durations]] = {"won": {}, "lost": {}}
        bounds = np.r_[0, np.flatnonzero(key[1:] != key[:-1]) + 1, len(key)]
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            if hi > lo:
                rows = order[lo:hi]
                outcome = "won" if won[rows[0]] else "lost"
                out[outcome][int(position[rows[0]])] = Durations(stay[rows], remaining[rows], count[rows], ordered=False)
        return out


def read_references(con, info: DatasetInfo, ctx, as_of: list[datetime], from_created: bool = True) -> References:
    """The closed deals' stays of :func:`remaining_times` for each of the ascending ``as_of`` times."""
    cutoffs = {f"c{i}": when for i, when in enumerate(as_of)}
    closed_by = "CASE " + " ".join(f"WHEN closed_at <= ${name} THEN {i}" for i, name in enumerate(cutoffs)) + " END"
    sql = query("forecast_remaining", info, stays=deal_stays(info, ctx), where=ctx.where.sql, closed_by=closed_by)
    cols = run(con, sql, {**ctx.where.params, **cutoffs, "as_of": as_of[-1],
                          "from_created": bool(from_created)}).fetchnumpy()
    return References(np.asarray(cols["won"], bool), np.asarray(cols["position"], np.int64),
                      np.asarray(cols["closed_by"], np.int64), np.asarray(cols["stay_days"], float),
                      np.ma.filled(np.ma.asarray(cols["remaining_days"], float), np.nan),
                      np.asarray(cols["n"], np.int64))


def remaining_times(con, info: DatasetInfo, ctx, as_of: datetime, from_created: bool = True
                    ) -> dict[str, dict[int, Durations]]:
    """Per outcome (won / lost) and stage position (0: from creation, only when ``from_created``:
    some open deal has no stage history) the closed deals' stay in the stage and days from entering
    it to closing."""
    return read_references(con, info, ctx, [as_of], from_created).by_stage()


def _longer(r: np.ndarray, x: np.ndarray, count: np.ndarray | None = None, x_sorted: bool = False,
            after: np.ndarray | None = None) -> np.ndarray:
    """How many of the durations ``r`` (any order; ``count``: how many each stands for) are longer than
    each ``x``: each r is placed among the sorted x and the counts summed from the top. ``after``:
    for ascending ``x``, how many x are <= each (:func:`_tie_bounds`), if already known."""
    xs = x if x_sorted else np.sort(x)
    slot = np.searchsorted(xs, r, side="left")  # how many x are shorter than each r
    hist = np.bincount(slot, weights=count, minlength=len(xs) + 1)
    from_slot = np.cumsum(hist[::-1])[::-1]  # r with slot >= k
    if after is None:
        after = np.searchsorted(xs, x, side="right")
    return from_slot[after].astype(float)  # longer than x: slot > x's last rank


def _tie_bounds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ascending ``x``: how many values are < each and how many are <= each (what searchsorted
    of ``x`` in itself, left and right, gives), from the runs of equal values in one pass."""
    starts = np.flatnonzero(np.r_[True, x[1:] != x[:-1]]) if len(x) else np.zeros(0, np.int64)
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(x)]))
    return starts[run], np.r_[starts[1:], len(x)][run]


def _stage_key(book: OpenBook) -> np.ndarray:
    """Per deal: its stage position, 0 when aged from its creation, -1 when its age is unknown (no
    reference deal has that key: it is neither compared by age nor timed, see :func:`unknown_ages`)."""
    key = np.where(book.from_created, 0, book.position)
    return key if book.age_known is None else np.where(book.age_known, key, -1)


def unknown_ages(book: OpenBook, p_now: np.ndarray, q: np.ndarray, p: np.ndarray | None = None) -> None:
    """A deal with no creation date and no stay covering the moment has no age: it keeps the plain
    probability of its stage (``p``; 0 without one) and no close month (``q`` = 0: undated)."""
    if book.age_known is None or book.age_known.all():
        return
    unknown = ~book.age_known
    p_now[unknown] = 0.0 if p is None else p[unknown]
    q[unknown] = 0.0


def _stays_and_counts(ref, age: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The arguments of :func:`_longer` for the reference ``ref`` (None: no deal) and the ages."""
    if ref is None:
        return np.zeros(0), age, None
    ref = _durations(ref)
    return ref.stay, age, ref.count


def age_adjusted(book: OpenBook, remaining: dict[str, dict[int, Durations]]) -> np.ndarray:
    """P(won | still in its stage after age_i days): among the deals that sat in that stage at least
    as long — won and lost ones (their stay there) and the ones open there now — the share that
    won. A deal that has sat longer than nearly every winner stayed gets a small probability;
    stalled deals pull their stage's old deals down. (Compared by the stay in the stage, not by the
    time to close: a winner that left the stage in 5 days and closed 150 days later says nothing
    about a deal still sitting there after 140.)"""
    out = np.zeros(len(book.amount))
    for pos, idx in book.by_stage():
        age = book.age_days[idx]  # ascending
        before, after = _tie_bounds(age)
        won_ref, lost_ref = remaining["won"].get(pos), remaining["lost"].get(pos)
        won = _longer(*_stays_and_counts(won_ref, age), x_sorted=True, after=after)
        lost = _longer(*_stays_and_counts(lost_ref, age), x_sorted=True, after=after)
        still = len(idx) - before  # open there, waited >= age
        out[idx] = won / (won + lost + still)
    return out


def month_bounds(as_of: datetime, months: int) -> np.ndarray:
    """Days from ``as_of`` to the end of its month and of each following month (``months`` + 1 values,
    the first 0): month k is the interval (bounds[k], bounds[k + 1]]."""
    ends = [month_end(add_months(month_start(as_of), k)) for k in range(months)]
    return np.array([0.0] + [(e - as_of).total_seconds() / SECONDS_PER_DAY for e in ends])


TIMING_DEALS = 1_000  # won deals per stage the timing reads at most (evenly spaced by stay)


def _stayed_and_closed_by(ref: Durations, age: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each deal i (``age`` ascending): how many reference deals stayed longer than ``age[i]``
    (``alive``), and how many of those closed within ``age[i] + bounds[k]`` days of entering the
    stage (deals × bounds).

    Exact counting in O(deals + references) per bound: with the ages ascending, reference j stayed
    longer than age i for i < i1_j and closed within age i + bound for i >= i2_j, so it counts for
    the deals in [i2_j, i1_j): +1 / -1 at the two ends and a running sum. The comparisons are the
    plain ones (stay > age, remaining <= age + bound in floating point)."""
    n, m = len(age), len(ref)
    alive = m - np.searchsorted(ref.stay, age, side="right")
    ends = np.searchsorted(age, ref.stay, side="left")  # i1: the first deal reference j did not outstay
    closed = np.zeros((len(bounds), n))  # a row per bound: each written in one contiguous pass
    for k, bound in enumerate(bounds):
        starts = np.searchsorted(age + bound, ref.remaining, side="left")  # i2: the first deal j closed for
        keep = starts < ends
        step = np.bincount(starts[keep], minlength=n + 1) - np.bincount(ends[keep], minlength=n + 1)
        np.cumsum(step[:n], out=closed[k])
    return alive.astype(float), closed.T


def _timing_sample(r: Durations) -> Durations:
    """The won deals the timing reads, ordered by stay: all of them, or above :data:`TIMING_DEALS`
    an evenly spaced sample by stay (equal stays by remaining: the same sample every run). Grouped
    durations are ordered (few distinct ones) and the sample's ranks looked up in their counts."""
    if r.count is None and r.ordered:
        if len(r) > TIMING_DEALS:
            keep = np.unique(np.linspace(0, len(r) - 1, TIMING_DEALS).round().astype(int))
            r = Durations(r.stay[keep], r.remaining[keep])
        return r
    order = np.argsort(r.stay + 1j * r.remaining, kind="stable")  # complex: by stay, then remaining
    stay, remaining = r.stay[order], r.remaining[order]
    count = np.ones(len(order), np.int64) if r.count is None else r.count[order]
    total = int(count.sum())
    if total <= TIMING_DEALS:
        return Durations(np.repeat(stay, count), np.repeat(remaining, count))
    ranks = np.unique(np.linspace(0, total - 1, TIMING_DEALS).round().astype(int))
    at = np.searchsorted(np.cumsum(count), ranks, side="right")  # the entry holding each rank
    return Durations(stay[at], remaining[at])


def close_month_probabilities(book: OpenBook, won_remaining: dict[int, Durations], bounds: np.ndarray) -> np.ndarray:
    """q[i, k] = P(deal i, if won, closes in month k | it has sat age_i days in its stage): deals ×
    months, from the won deals that sat in its stage longer than age_i (their time from entering
    the stage to closing, less age_i). Above :data:`TIMING_DEALS` won deals in a stage, an evenly
    spaced sample of them by stay."""
    n, months = len(book.amount), len(bounds) - 1
    q = np.zeros((n, months))
    for pos, idx in book.by_stage():
        r = won_remaining.get(pos)
        if r is None or not len(r):
            continue
        r = _timing_sample(_durations(r))
        age = book.age_days[idx]  # ascending
        alive, closed = _stayed_and_closed_by(r, age, bounds)
        # closed by age + bound k+1 but not by age + bound k: within month k (exact integer counts)
        with np.errstate(invalid="ignore", divide="ignore"):
            q[idx] = np.where(alive[:, None] > 0, np.diff(closed, axis=1) / alive[:, None], 0.0)
    return q


EXACT_DEALS = 500  # above this, the deals beyond the 500 with the widest spread are summed as a normal
UNIFORMS_AT_ONCE = 1 << 21  # deals × runs drawn per block (16 MB of doubles): memory stays flat for any runs


def _simulate_exact(p: np.ndarray, q: np.ndarray, amount: np.ndarray, runs: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Every deal drawn in every run: one uniform u per (deal, run) decides both whether and when.

    Deal i is won by the end of month k when u < p_i × (q_i1 + ... + q_ik): won at all with
    probability p_i × Σ q_i, and in month k with p_i × q_ik, as :func:`simulate` defines. Counting
    the month thresholds u has passed gives each (deal, run) its month (``months``: not won). The
    uniforms are drawn a block of runs at a time, so the draws depend on the seed only."""
    months = q.shape[1]
    bounds = np.minimum(p[:, None] * np.cumsum(q, axis=1), 1.0)  # deals × months, ascending in k
    flat = np.zeros(runs * months)
    block = max(1, UNIFORMS_AT_ONCE // len(p))
    for first in range(0, runs, block):
        u = rng.random((len(p), min(block, runs - first)))
        month = np.zeros(u.shape, np.int8 if months < 127 else np.int64)
        for k in range(months):
            month += u >= bounds[:, k:k + 1]
        deal, run = np.nonzero(month < months)
        flat += np.bincount((first + run) * months + month[deal, run], weights=amount[deal],
                            minlength=runs * months)
    return flat.reshape(runs, months)


def _simulate_normal(p: np.ndarray, q: np.ndarray, amount: np.ndarray, runs: int,
                     rng: np.random.Generator) -> np.ndarray:
    """The many small deals' revenue per run and month drawn from the normal with their exact mean
    and covariance: deal i adds a_i × 1[won in month k], mean a_i p_i q_ik, variance
    a_i² p_i q_ik (1 − p_i q_ik), covariance −a_i² p_i² q_ik q_il between months (won once at most)."""
    w = p[:, None] * q  # P(won in month k)
    mean = amount @ w
    sq = amount ** 2
    cov = np.diag(sq @ w) - (w * sq[:, None]).T @ w
    draws = rng.multivariate_normal(mean, cov, size=runs, method="eigh", check_valid="ignore")
    return np.maximum(draws, 0.0)


def simulate(p: np.ndarray, q: np.ndarray, amount: np.ndarray, runs: int, seed: int) -> np.ndarray:
    """Revenue per run and month (runs × months) from independent deals.

    Deal i is won within the horizon with probability p_i × (q_i1 + ... + q_iK), independently in
    every run; a win falls in month k with probability q_ik / Σ q_i (:func:`_simulate_exact`).

    Up to :data:`EXACT_DEALS` deals every deal is drawn. With more (a 1M-deal book holds ~300,000
    open deals: 10,000 runs would draw ~10⁹ wins), the :data:`EXACT_DEALS` deals with the largest
    variance a² × P(won)(1 − P(won)) are still drawn one by one and the rest's total is drawn from
    the normal with its exact mean and covariance (thousands of small independent terms: the
    central limit theorem; tested against the binomial).
    """
    rng = np.random.default_rng(seed)
    runs = int(runs)
    months = q.shape[1] if q.ndim == 2 else 1
    live = (p > 0) & (q.sum(axis=1) > 0)
    p, q, amount = p[live], q[live], amount[live]
    if not len(p):
        return np.zeros((runs, months))
    if len(p) <= EXACT_DEALS:
        return _simulate_exact(p, q, amount, runs, rng)
    won = np.minimum(p * q.sum(axis=1), 1.0)
    spread = amount ** 2 * won * (1 - won)
    order = np.argpartition(-spread, EXACT_DEALS)
    top, rest = order[:EXACT_DEALS], order[EXACT_DEALS:]
    return _simulate_exact(p[top], q[top], amount[top], runs, rng) + _simulate_normal(p[rest], q[rest], amount[rest], runs, rng)


def _probabilities_by_position(probs: StageProbabilities) -> dict[int, float | None]:
    return {r.position: r.p_won for r in probs.rows}


def _by_position(book: OpenBook, values: dict[int, float | None], missing: float) -> np.ndarray:
    """``values[position]`` for every deal, without a Python loop over the deals."""
    positions = np.unique(book.position)
    table = np.array([missing if values.get(int(x)) is None else float(values[int(x)]) for x in positions])
    return table[np.searchsorted(positions, book.position)] if len(positions) else np.zeros(0)


def deal_probabilities(book: OpenBook, probs: StageProbabilities) -> np.ndarray:
    return _by_position(book, _probabilities_by_position(probs), 0.0)


def won_between(con, info: DatasetInfo, ctx, start: datetime, end: datetime) -> float:
    return won_in(con, info, ctx, [(start, end)])[0]


WON_IN_INTERVAL = "COALESCE(sum(CASE WHEN closed_at >= {s} AND closed_at <= {e} THEN amount END), 0) AS {a}"


def won_in(con, info: DatasetInfo, ctx, intervals: list[tuple[datetime, datetime]]) -> list[float]:
    """The amount the filtered deals won in each interval [start, end], from one pass."""
    if len(intervals) == 1:
        amounts, bounds = "COALESCE(sum(amount), 0) AS a0", {}
    else:
        # one column per interval; its bounds are bound parameters $s<i> / $e<i>, named here
        amounts = ", ".join(render(WON_IN_INTERVAL, s=f"$s{i}", e=f"$e{i}", a=ident(f"a{i}"))
                            for i in range(len(intervals)))
        bounds = {f"{side}{i}": when for i, pair in enumerate(intervals) for side, when in zip("se", pair, strict=True)}
    sql = query("forecast_won_between", info, where=ctx.where.sql, amounts=amounts)
    params = {**ctx.where.params, **bounds, "start": min(a for a, _b in intervals), "end": max(b for _a, b in intervals)}
    row = fetch_dicts(con, sql, params)[0]
    return [float(row[f"a{i}"]) for i in range(len(intervals))]


def parse_month(text: str | None) -> date | None:
    if not text:
        return None
    try:
        year, month = str(text).strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise FunnelError("velocity.bad_month", value=str(text)) from exc


# why no forecast of wins is made where nothing can mark a deal won: the whole file, or the pipeline shown alone
FORECAST_UNMARKED = {"metrics.reason.won_unmarked": "pipes50.forecast.won_unmarked",
                     "pipes49.reason.won_unmarked_pipeline": "pipes50.forecast.won_unmarked_pipeline"}


def won_unmarked_reason(info: DatasetInfo, pipeline: str | None) -> str | None:
    """The catalog key of why ``pipeline``'s wins cannot be forecast: no stage, status or flag marks a deal of it won
    (``Capabilities.why_won_unmarked``). Every stage's P(won) would read 0 from deals none of which could be won, the
    weighted pipeline and the months' expected wins 0 and the back-test 0 against 0: unknown, not 0 (session 50)."""
    why = info.capabilities.why_won_unmarked(pipeline)
    return None if why is None else FORECAST_UNMARKED[why]


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
    if why := won_unmarked_reason(info, ctx.pipeline):  # no win can be recorded: a forecast of wins is unknown, not 0
        return Forecast(as_of, None, None, 0, [], 0.0, 0.0, 0.0, 0.0, month=target, plan=plan, runs=int(runs),
                        seed=int(seed), reason=why)
    probs = stage_probability(con, info, spec, as_of=as_of)
    book = open_book(con, info, ctx, as_of)
    p = deal_probabilities(book, probs)
    remaining = remaining_times(con, info, ctx, as_of, from_created=bool(book.from_created.any()))
    p_now = age_adjusted(book, remaining)
    q = close_month_probabilities(book, remaining["won"], month_bounds(as_of, horizon))
    unknown_ages(book, p_now, q, p)
    weighted = book.amount * p
    adjusted = book.amount * p_now
    dated = q.sum(axis=1) > 0
    expected = (adjusted[:, None] * q).sum(axis=0)
    months = [add_months(first, i) for i in range(horizon)]
    by_pos = _probabilities_by_position(probs)
    unknown = np.isnan(_by_position(book, by_pos, np.nan))
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
        # a difference of sums: rounding left −5e-11 where everything falls in the horizon, printed «-0» (session 49)
        beyond=max(0.0, float(adjusted[dated].sum() - expected.sum())), undated=float(adjusted[~dated].sum()),
        no_probability=float(book.amount[unknown].sum()), month=target, won_so_far=base, plan=plan,
        p_meet_plan=None if plan is None else float(np.mean(target_sims >= plan)),
        p10=float(np.quantile(target_sims, 0.1)), p50=float(np.quantile(target_sims, 0.5)),
        p90=float(np.quantile(target_sims, 0.9)), runs=int(runs), seed=int(seed), fan=fan,
        stage_weighted=stage_weighted, no_probability_deals=int(unknown.sum()),
        no_probability_positions=tuple(sorted({int(x) for x in book.position[unknown]})))
