"""The stage funnel: reached, step and cumulative conversion, drop-off split into lost and open.

Definitions (../shared/DOMAIN.md, "Funnel semantics"):

- a deal **reached** stage k iff its furthest funnel position ``furthest_pos >= k``. Backward moves
  and skipped stages are already folded into ``furthest_pos`` at import (a deal that went 1 -> 3 -> 2
  reached 1, 2 and 3); a deal with no known position counts at stage 1;
- **step conversion** k = reached(k) / reached(k-1) (the first stage's is 1.0);
  **cumulative** k = reached(k) / reached(1); both ``None`` when the denominator is 0;
- **drop-off** at k = reached(k) - reached(k+1) = deals whose furthest position is k, split into
  ``lost_here`` (status lost) and ``open_here`` (still open there); no drop-off after the last stage.

SQL returns one row per (furthest position, status) -- one pass over deals -- and the cumulative
sums are taken here (plus a small query for lost deals with no known lost stage).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..sql import run
from .context import Context, group_by, group_sql
from .filters import query


def ratio(num: float | int | None, den: float | int | None) -> float | None:
    """num / den, or ``None`` when either is missing or the denominator is 0 (never NaN)."""
    if num is None or not den:
        return None
    return num / den


@dataclass
class Tally:
    """Deal counts of one group: ``n[(position, status)]`` and lost deals with no recorded stage."""

    n: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    lost_unknown: int = 0
    # open deals now at a stage that is no step of the order, by (the position they count at, that stage)
    open_off: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))

    def status(self, status: str) -> int:
        return sum(v for (_, s), v in self.n.items() if s == status)

    @property
    def deals(self) -> int:
        return sum(self.n.values())


@dataclass(frozen=True)
class StageRow:
    stage: str
    position: int
    reached: int
    step_conversion: float | None
    cumulative_conversion: float | None
    drop_off: int | None
    lost_here: int | None
    open_here: int | None
    # of ``open_here``, the deals now at a stage that is no step of the order (a paused status), and those stages
    open_off_order: int = 0
    off_order_stages: tuple[str, ...] = ()


def tallies(con, ctx: Context, by: str | None = None) -> dict[str | None, Tally]:
    """Run ``metrics_stage_counts`` once; one :class:`Tally` per group value (None = no grouping)."""
    return tally_groups(con, ctx, group_sql(ctx.info, by))


def entered_position(pos: int | None) -> int:
    """A deal with no known position (NULL, or below 1) counts at stage 1: it entered the funnel."""
    return 1 if pos is None or pos < 1 else int(pos)


def tally_groups(con, ctx: Context, group: str, params: dict[str, Any] | None = None) -> dict[Any, Tally]:
    """One :class:`Tally` per value of the trusted SQL expression ``group`` (binding ``params``)."""
    params = {**ctx.where.params, **(params or {})}
    out: dict[Any, Tally] = defaultdict(Tally)
    sql = query("metrics_stage_counts", ctx.info, group=group, where=ctx.where.sql,
                group_by=group_by(group, 2, 3))
    for grp, pos, status, n in run(con, sql, params).fetchall():
        out[grp].n[(entered_position(pos), status)] += int(n)
    sql = query("metrics_lost_unknown", ctx.info, group=group, where=ctx.where.sql, group_by=group_by(group))
    for grp, n in run(con, sql, params).fetchall():
        if n:  # without grouping the query always returns its one row
            out[grp].lost_unknown += int(n)
    sql = query("metrics_open_off_order", ctx.info, group=group, where=ctx.where.sql, group_by=group_by(group, 2, 3))
    for grp, pos, stage, n in run(con, sql, params).fetchall():
        out[grp].open_off[(entered_position(pos), stage)] += int(n)
    return out


def funnel_rows(stages: tuple[dict[str, Any], ...] | list[dict[str, Any]], tally: Tally) -> list[StageRow]:
    """The stage funnel of one tally. Positions beyond the last stage count at the last stage."""
    if not stages:
        return []
    last = stages[-1]["position"]
    at: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (pos, status), n in tally.n.items():
        at[min(pos, last)][status] += n
    off: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (pos, stage), n in tally.open_off.items():
        off[min(pos, last)][stage] += n
    reached_from: dict[int, int] = {}
    running = 0
    for pos in sorted({s["position"] for s in stages} | set(at), reverse=True):
        running += sum(at[pos].values())
        reached_from[pos] = running
    rows: list[StageRow] = []
    first = reached_from[stages[0]["position"]]
    for i, s in enumerate(stages):
        reached = reached_from[s["position"]]
        prev = reached_from[stages[i - 1]["position"]] if i else None
        nxt = reached_from[stages[i + 1]["position"]] if i + 1 < len(stages) else None
        rows.append(StageRow(
            stage=s["stage"],
            position=s["position"],
            reached=reached,
            step_conversion=ratio(reached, first) if i == 0 else ratio(reached, prev),
            cumulative_conversion=ratio(reached, first),
            drop_off=None if nxt is None else reached - nxt,
            lost_here=at[s["position"]]["lost"],
            open_here=at[s["position"]]["open"],
            open_off_order=sum(off[s["position"]].values()),
            off_order_stages=tuple(sorted(off[s["position"]])),
        ))
    return rows


def biggest_drop_offs(rows: list[StageRow], k: int = 3, lost_unknown: int | None = 0) -> list[dict[str, Any]]:
    """The ``k`` largest drop-offs as codes + numbers, for the Overview sentences.

    Ranked by deals lost between the stages, then by the rate; steps where nobody dropped are left
    out, and so are steps whose next count is larger (a counts table whose conversions outnumber its
    clicks: «-1 stopped between clicks and conversions» was listed as a loss; the import says the rise). ``rate`` = drop_off / reached(from) = 1 - step conversion of the next stage. The first
    step's ``lost_unknown``: its lost deals that sit there only because their stage is not recorded.
    """
    steps: list[dict[str, Any]] = []
    for i, (here, nxt) in enumerate(zip(rows, rows[1:], strict=False)):
        if here.drop_off and here.drop_off > 0:
            steps.append({
                "code": "metrics.dropoff.step",
                "stage_from": here.stage,
                "stage_to": nxt.stage,
                "position_from": here.position,
                "position_to": nxt.position,
                "count": here.drop_off,
                "rate": ratio(here.drop_off, here.reached),
                "lost_here": here.lost_here,
                "open_here": here.open_here,
                "lost_unknown": (lost_unknown or 0) if i == 0 else 0,
                "open_off_order": here.open_off_order,
                "off_order_stages": list(here.off_order_stages),
            })
    steps.sort(key=lambda d: (-d["count"], -(d["rate"] or 0.0), d["position_from"]))
    return steps[:k]
