"""The pipeline as of any date, week by week, and what moved between two dates (the waterfall).

*Pipeline* (DOMAIN.md, seed 004) = the deals open on a day, per stage, count and amount. It is
rebuilt from the stays (``velocity_stays.sql``): a deal was in stage s at T when one of its stays
in s covers T and the deal was still open. Deals without a stage history count at their current
stage (exact only for the latest date; ``stages_are_current`` says when every deal is like that).

**Waterfall** between A and B (each the end of a day or an instant, A < B), over the filtered deals:
``start`` = open at A; ``new`` = created in (A, B]; ``won`` / ``lost`` = closed so in (A, B];
``end`` = open at B; ``forward`` / ``back`` = deals open at both A and B whose stage at B is
later / earlier than at A. Moves stay inside the pipeline, so for counts and amounts
``start + new - won - lost = end`` (:meth:`Waterfall.identity_holds`); for one stage
``open_at_A + entered - left = open_at_B`` holds in :attr:`Waterfall.movements`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from ..dataset import DatasetInfo
from ..metrics.context import resolve
from ..metrics.filters import query
from ..spec import FunnelSpec
from ..sql import fetch_dicts, fetch_frame
from .common import can_answer, resolve_as_of
from .stays import deal_stays

BARS = ("start", "new", "forward", "back", "won", "lost", "end")


@dataclass(frozen=True)
class StageSnapshot:
    stage: str | None  # None: open then, stage unknown
    position: int | None  # None: no step of the funnel order (``off_order``), or the stage is unknown
    open_deals: int
    amount: float
    off_order: bool = False  # a stage the funnel order leaves out (a paused status): named, not a step


@dataclass(frozen=True)
class Snapshot:
    rows: list[StageSnapshot]
    as_of: datetime | None
    stages_are_current: bool = False  # no history: stages are today's, whatever the date
    without_history: int = 0
    reason: str | None = None

    @property
    def open_deals(self) -> int:
        return sum(r.open_deals for r in self.rows)

    @property
    def amount(self) -> float:
        return sum(r.amount for r in self.rows)


@dataclass(frozen=True)
class Bar:
    deals: int
    amount: float


@dataclass(frozen=True)
class Waterfall:
    date_from: datetime | None
    date_to: datetime | None
    bars: dict[str, Bar | None]  # forward / back are None without a history
    movements: dict[tuple[int | None, str], Bar] = field(default_factory=dict)  # (from_pos, to) -> bar
    reason: str | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)  # two snapshots: (message key, params)

    def identity_holds(self, tol: float = 1e-6) -> bool:
        """start + new - won - lost (- removed) = end in deals; in amount also + changed (two snapshots)."""
        b = self.bars
        if not b:
            return False
        zero = Bar(0, 0.0)
        removed, changed = b.get("removed") or zero, b.get("changed") or zero
        n = b["start"].deals + b["new"].deals - b["won"].deals - b["lost"].deals - removed.deals == b["end"].deals
        a = abs(b["start"].amount + b["new"].amount + changed.amount - b["won"].amount - b["lost"].amount
                - removed.amount - b["end"].amount)
        return n and a <= tol * max(1.0, abs(b["start"].amount) + abs(b["new"].amount))


def snapshot(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None) -> Snapshot:
    """Open deals and amount per stage as of ``as_of`` (default: the dataset's latest timestamp)."""
    cap = can_answer(con, info, "dates")
    if not cap.ok:
        return Snapshot([], None, reason=cap.reason)
    as_of = resolve_as_of(con, info, as_of)
    ctx = resolve(con, info, spec)
    sql = query("pipeline_snapshot", info, stays=deal_stays(info, ctx), where=ctx.where.sql)
    params = {**ctx.where.params, "as_of": as_of}
    found = {r["position"]: r for r in fetch_dicts(con, sql, params)}
    open_positions = {s["position"] for s in ctx.stages if s["kind"] == "open"}
    rows = [StageSnapshot(s["stage"], s["position"], int(found.get(s["position"], {}).get("open_deals", 0)),
                          float(found.get(s["position"], {}).get("amount", 0.0)))
            for s in ctx.stages if s["kind"] == "open"]
    # the rest were open then at a stage that is not known: a history that starts later, or a deal now closed
    # whose current (won / lost) stage is all the file says; less the deals still open at a stage the order
    # leaves out, which are named (their count is part of the unknown position's)
    off = fetch_dicts(con, query("pipeline_off_order", info, stays=deal_stays(info, ctx), where=ctx.where.sql), params)
    rows += [StageSnapshot(r["stage"], None, int(r["open_deals"]), float(r["amount"]), off_order=True) for r in off]
    rest = [r for p, r in found.items() if p not in open_positions]
    n = sum(int(r["open_deals"]) for r in rest) - sum(int(r["open_deals"]) for r in off)
    if n:
        rows.append(StageSnapshot(None, None, n, sum(float(r["amount"]) for r in rest)
                                  - sum(float(r["amount"]) for r in off)))
    without = sum(int(r["without_history"]) for r in found.values())
    history = can_answer(con, info, "history").ok
    return Snapshot(rows, as_of, stages_are_current=not history, without_history=without)


def weekly(con, info: DatasetInfo, spec: FunnelSpec, as_of: datetime | None = None) -> pd.DataFrame:
    """Open deals and amount per stage at the end of every week: columns ``week`` (the Monday),
    ``stage``, ``position``, ``open_deals``, ``amount``; every stage on every week (carried forward).
    Empty without a stage history (the series needs it)."""
    columns = ["week", "stage", "position", "open_deals", "amount"]
    if not can_answer(con, info, "history").ok:
        return pd.DataFrame(columns=columns)
    as_of = resolve_as_of(con, info, as_of)
    ctx = resolve(con, info, spec)
    sql = query("pipeline_weekly", info, stays=deal_stays(info, ctx))
    frame = fetch_frame(con, sql, {**ctx.where.params, "as_of": as_of})
    open_stages = [s for s in ctx.stages if s["kind"] == "open"]
    if frame.empty or not open_stages:
        return pd.DataFrame(columns=columns)
    frame["week"] = pd.to_datetime(frame["week"])
    weeks = pd.date_range(frame["week"].min(), frame["week"].max(), freq="7D")
    out = []
    for s in open_stages:
        part = frame[frame["position"] == s["position"]].set_index("week")[["open_deals", "amount"]]
        part = part.reindex(weeks).ffill().fillna(0)
        part["stage"], part["position"] = s["stage"], s["position"]
        out.append(part.rename_axis("week").reset_index())
    result = pd.concat(out, ignore_index=True)[columns]
    result["open_deals"] = result["open_deals"].astype(int)
    return result


def waterfall(con, info: DatasetInfo, spec: FunnelSpec, date_from: datetime, date_to: datetime) -> Waterfall:
    """start, new, forward, back, won, lost, end between two instants, and the stage movements."""
    cap = can_answer(con, info, "dates")
    if not cap.ok:
        return Waterfall(None, None, {}, reason=cap.reason)
    ctx = resolve(con, info, spec)
    sql = query("pipeline_flows", info, stays=deal_stays(info, ctx), where=ctx.where.sql)
    rows = fetch_dicts(con, sql, {**ctx.where.params, "a": date_from, "b": date_to})
    return waterfall_from_flows(rows, date_from, date_to, history=can_answer(con, info, "history").ok)


def waterfall_from_flows(rows, date_from, date_to, history: bool = True) -> Waterfall:
    """The bars from flow rows ``{from_pos, outcome, to_pos, deals, amount}`` (also used for two
    snapshots: funnel/velocity/snapshots.py)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    movements: dict[tuple[int | None, str], Bar] = {}

    def add(bar: str, n: int, amount: float) -> None:
        totals[bar][0] += n
        totals[bar][1] += amount

    for r in rows:
        n, amount = int(r["deals"]), float(r["amount"] or 0.0)
        src, outcome, dst = r["from_pos"], r["outcome"], r["to_pos"]
        add("start" if src is not None else "new", n, amount)
        if outcome in ("won", "lost"):
            add(outcome, n, amount)
        else:
            add("end", n, amount)
            if src and dst and dst > src:
                add("forward", n, amount)
            elif src and dst and dst < src:
                add("back", n, amount)
        key = (src, outcome if outcome != "open" else str(dst))
        prev = movements.get(key, Bar(0, 0.0))
        movements[key] = Bar(prev.deals + n, prev.amount + amount)
    bars: dict[str, Bar | None] = {b: Bar(int(totals[b][0]), float(totals[b][1])) for b in BARS}
    if not history:
        bars["forward"] = bars["back"] = None
    return Waterfall(date_from, date_to, bars, movements)


def as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
