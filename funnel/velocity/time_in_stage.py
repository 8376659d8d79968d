"""Time in stage: how long deals sit in each funnel stage, and who is still sitting there.

Definitions (DOMAIN.md "time in stage"; rules for what it leaves open, in README "Velocity"):

- a **stay** runs from entering a stage to entering the next one (``velocity_stays.sql``): a deal
  that visits a stage twice has two stays; a backward move ends the stay; a skipped stage has none;
  the last stay of a closed deal ends when it closed (lost deals too: leaving by losing is leaving);
- **finished stays** (ended by ``as_of``) give n, median, p75, p90 and mean, in days; a p90 needs at least 10
  finished stays (``metrics.cycle_rules``: the p90 of 3 stays is near their longest): below, ``p90_days`` is None
  with ``p90_reason``, and so ``open_over_p90`` (no p90 to compare the waiting deals with);
- **open deals** still in the stage at ``as_of`` are *censored* stays: their age is shown apart
  (``open_n``, ``open_over_p90`` = how many already waited longer than the finished stays' p90);
- **slowest stage**: the largest mean over finished stays and open deals' ages together;
- **Kaplan–Meier median** counts both: finished stays as events, open ones as right-censored at
  their age (statsmodels' ``SurvfuncRight`` with each distinct duration's count as its frequency
  weight; the median is the first time the survival function is at or below 0.5). ``None`` when more than half are still waiting — the median is
  then not known yet, only that it is longer than the largest finished stay.

Only deals with a stage history have stays; snapshot-only datasets get a reason, not numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight

from ..dataset import DatasetInfo
from ..metrics.context import resolve
from ..metrics.cycle_rules import p90_few, p90_said
from ..metrics.filters import query
from ..spec import FunnelSpec
from ..sql import fetch_dicts, ident, run
from .common import can_answer, latest_timestamp
from .stays import deal_stays, stored_durations

KM_TOLERANCE = 1e-12


@dataclass(frozen=True)
class StageTime:
    stage: str
    position: int
    n: int
    median_days: float | None
    p75_days: float | None
    p90_days: float | None
    mean_days: float | None
    open_n: int
    open_over_p90: int | None  # None when no stay finished (no p90 to compare with)
    km_median_days: float | None
    p10_days: float | None = None
    p25_days: float | None = None
    open_median_age: float | None = None
    mean_with_open_days: float | None = None  # finished stays and open ages: a lower bound of the mean
    p90_reason: str | None = None  # why ``p90_days`` is None though stays finished (fewer than 10)


@dataclass(frozen=True)
class TimeInStage:
    rows: list[StageTime]
    as_of: datetime | None
    reason: str | None = None
    reason_params: dict = field(default_factory=dict)

    @property
    def slowest(self) -> StageTime | None:
        """The stage where deals spend longest on average, counting the deals still sitting there
        at their current age (a stage where deals stall is slow even if those that leave, leave
        fast). Ties: the earlier stage."""
        timed = [r for r in self.rows if r.mean_with_open_days is not None]
        return max(timed, key=lambda r: (r.mean_with_open_days, -r.position)) if timed else None

    @property
    def most_stuck(self) -> StageTime | None:
        """The stage with most open deals over its p90 (None when there are none)."""
        stuck = [r for r in self.rows if r.open_over_p90]
        return max(stuck, key=lambda r: (r.open_over_p90, -r.position)) if stuck else None


def km_median(days: np.ndarray, ended: np.ndarray, counts: np.ndarray | None = None) -> float | None:
    """Kaplan–Meier median of durations ``days`` where ``ended`` is 1 (0: right-censored); ``counts``:
    how many stays each (duration, ended) row stands for (default one each).

    The estimator is statsmodels' ``SurvfuncRight`` with the counts as frequency weights: the same
    product-limit estimate as ``scipy.stats.ecdf`` on every stay repeated, from one row per distinct
    duration (at 1M deals, milliseconds instead of a second). statsmodels multiplies the factors as a
    sum of logarithms, so "at or below 0.5" allows a rounding error (1e-12)."""
    days, ended = np.asarray(days, float), np.asarray(ended, float)
    weights = np.ones(len(days)) if counts is None else np.asarray(counts, float)
    if len(days) == 0 or not (ended * weights).any():
        return None
    sf = SurvfuncRight(days, ended, freq_weights=weights)
    below = np.nonzero(sf.surv_prob <= 0.5 + KM_TOLERANCE)[0]
    return float(sf.surv_times[below[0]]) if len(below) else None


def _km_by_position(con, info: DatasetInfo, ctx, as_of) -> dict[int, float | None]:
    """The stays come grouped by (stage, duration, ended) with their count (one row per distinct
    duration): the estimator weighs each by its count, the page does not read one row per stay."""
    sql = query("velocity_stay_durations", info, stays=deal_stays(info, ctx))
    cols = run(con, sql, {**ctx.where.params, "as_of": as_of}).fetchnumpy()
    position = np.asarray(cols["position"], np.int64)
    days, ended = np.asarray(cols["days"], float), np.asarray(cols["ended"], np.int64)
    counts = np.asarray(cols["n"], np.int64)
    out = {}
    bounds = np.flatnonzero(position[1:] != position[:-1]) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(position)], strict=True):
        if hi > lo:  # one stage's rows (the query orders by position)
            out[int(position[lo])] = km_median(days[lo:hi], ended[lo:hi], counts[lo:hi])
    return out


def _query_name(info: DatasetInfo, spec: FunnelSpec, as_of, latest) -> str:
    """The ranked query (the stored finished stays' percentiles, no sort) when it gives the same
    numbers: the dataset stores them, the view is a whole pipeline, and every stay that ends has
    ended by ``as_of``."""
    whole = not spec.filters and spec.date_from is None and spec.date_to is None and not spec.closed_only
    if whole and stored_durations(info) and latest is not None and as_of is not None and as_of >= latest:
        return "velocity_time_in_stage_ranked"
    return "velocity_time_in_stage"


def time_in_stage(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None,
                  with_km: bool = True) -> TimeInStage:
    """Per open funnel stage of the spec's pipeline: finished stays, open deals, KM median."""
    cap = can_answer(con, info, "history")
    if not cap.ok:
        return TimeInStage([], None, cap.reason, cap.params or {})
    latest = latest_timestamp(con, info)
    as_of = latest if as_of is None else as_of
    ctx = resolve(con, info, spec)
    sql = query(_query_name(info, spec, as_of, latest), info, stays=deal_stays(info, ctx),
                durations=ident(info.schema, "stage_durations"))
    found = {r["position"]: r for r in fetch_dicts(con, sql, {**ctx.where.params, "as_of": as_of})}
    km = _km_by_position(con, info, ctx, as_of) if with_km else {}
    rows = []
    for s in ctx.stages:
        if s["kind"] != "open":
            continue
        r = found.get(s["position"], {})
        n = int(r.get("n") or 0)
        p90 = p90_said(r.get("p90_days"), n)
        rows.append(StageTime(
            stage=s["stage"], position=s["position"], n=n,
            median_days=r.get("median_days"), p75_days=r.get("p75_days"), p90_days=p90,
            mean_days=r.get("mean_days"), open_n=int(r.get("open_n") or 0),
            open_over_p90=int(r.get("open_over_p90") or 0) if p90 is not None else None,
            km_median_days=km.get(s["position"]), p10_days=r.get("p10_days"), p25_days=r.get("p25_days"),
            open_median_age=r.get("open_median_age"), mean_with_open_days=r.get("mean_with_open_days"),
            p90_reason=p90_few(r.get("p90_days"), n, "stays")))
    return TimeInStage(rows, as_of)
