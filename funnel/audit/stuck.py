"""Time in stage from the stage history: how long deals stay, which open deals are stuck, where they pile up.

*Time in stage* of a deal that left a stage = its next stage entry minus this one. *Stuck*: an open
deal whose age in its current stage (since its last stage entry, at the audit's date) exceeds the
stage's p90 of time in stage (when at least 10 stays there have finished: ``cycle_rules.P90_MIN``, the
rule of every surface), or a threshold the user gives. *Pile-up* (Little's law, L = lambda W):
with entries per day lambda over the last ``RECENT_DAYS`` and mean time in stage W of the deals that
left it, about lambda x W deals should sit in the stage at any moment; ``open_n / (lambda W)`` says
how many times more are there. Needs a history (``capabilities.has_history``).

Stays come from the table the import derives (``funnel/velocity/stays.py``) and an open deal's
entry into its stage from the deals' ``last_entry_at`` (``funnel/audit/facts.py``): no window over
the history at audit time. Above ``SAMPLE_ABOVE`` stage entries the quantiles of time in stage come
from a fixed sample of deals (``row_no % k = 0``, about ``SAMPLE_ABOVE`` entries): a p90 over
hundreds of thousands of stays does not move. Stuck and open counts are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..metrics.context import Context
from ..metrics.cycle_rules import P90_MIN, p90_said
from ..metrics.filters import query
from ..sql import load, render, run
from ..velocity.stays import stays_sql
from .facts import deals_with_facts

RECENT_DAYS = 180
SAMPLE_ABOVE = 500_000  # stage entries; above, time in stage is measured on a fixed 1-in-k sample of deals


@dataclass(frozen=True)
class StageTime:
    position: int
    stage: str
    n_left: int
    p50_days: float | None
    p90_days: float | None
    mean_days: float | None
    entries_recent: int
    open_n: int
    open_median_age: float | None
    stuck_n: int
    stuck_amount: float | None
    threshold_days: float | None  # the user's threshold, else the p90
    # the finished stays the quantiles were measured on: n_left, or a fixed 1-in-``sample_every`` sample of deals'
    n_measured: int = 0
    sample_every: int = 1

    @property
    def expected_open(self) -> float | None:
        """Little's law: entries per day x mean days in the stage."""
        if not self.mean_days or not self.entries_recent:
            return None
        return self.entries_recent / RECENT_DAYS * self.mean_days

    @property
    def pile_ratio(self) -> float | None:
        expected = self.expected_open
        return None if not expected else self.open_n / expected


def as_of_default(con, ctx: Context) -> datetime | None:
    row = run(con, query("audit_as_of", ctx.info), {"pipeline": ctx.pipeline}).fetchone()
    return row[0] if row else None


def sample_mod(con, ctx: Context) -> int:
    """1 (every deal) up to ``SAMPLE_ABOVE`` stage entries, else k with about that many entries left."""
    n = run(con, render("SELECT count(*) FROM {events}", events=ctx.info.tables["events"])).fetchone()[0]
    return max(1, -(-int(n) // SAMPLE_ABOVE))


def stage_times(con, ctx: Context, as_of: datetime, stuck_days: float | None = None) -> dict[int, StageTime]:
    names = {s["position"]: s["stage"] for s in ctx.stages}
    every = sample_mod(con, ctx)
    params = {**ctx.where.params, "as_of": as_of, "recent_from": as_of - timedelta(days=RECENT_DAYS),
              "stuck_days": stuck_days, "sample_mod": every, "p90_min": P90_MIN}
    only_pipeline = set(ctx.where.params) == {"p_pipeline"}
    deals = deals_with_facts(con, ctx.info)
    chosen_only = "" if only_pipeline else render(
        "AND s.row_no IN (SELECT row_no FROM {deals} AS dd WHERE ", deals=deals) + ctx.where.sql + ")"
    sql = render(load("audit_stage_times"), deals=deals, stays=stays_sql(ctx.info), where=ctx.where.sql,
                 chosen_only=chosen_only)
    out = {}
    for pos, n_left, measured, p50, p90, mean, recent, open_n, open_age, stuck_n, stuck_amount \
            in run(con, sql, params).fetchall():
        if pos not in names:
            continue
        p90 = p90_said(p90, int(measured or 0))  # None on fewer than P90_MIN measured stays: no stuck threshold
        out[pos] = StageTime(pos, names[pos], int(n_left or 0), p50, p90, mean, int(recent or 0), int(open_n or 0),
                             open_age, int(stuck_n or 0), stuck_amount, stuck_days if stuck_days is not None else p90,
                             int(measured or 0), every)
    return out
