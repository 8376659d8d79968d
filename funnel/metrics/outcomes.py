"""Deal outcomes: won / lost / open, win rate both ways, money, cycle length, close and fit rate.

Definitions (../shared/DOMAIN.md, "Metrics"):

- win rate = won / (won + lost); ``win_rate_all`` = won / all deals (open included);
- revenue = sum of won amounts; average deal size = mean won amount (median beside it);
- sales cycle = closed_at - created_at of won deals (``deals.cycle_days``): median and p90; the p90 only on at least
  10 won deals with both dates, else None with ``reasons["p90_cycle_days"]`` (``cycle_rules``, every surface's rule);
- close rate = won / deals that reached the proposal stage the user picked;
- fit rate = deals reaching the SQL stage / deals reaching the MQL stage (both picked by the user).

A value that cannot be computed is ``None`` and ``reasons[field]`` holds a code for the page.
Money is left out (``metrics.reason.mixed_currencies``) when won deals carry several currencies:
their sum would mean nothing; and when nothing in the file marks a deal as won (``metrics.reason.won_unmarked``:
no won stage, status or flag), a revenue of 0 would say the sales were nil where the file cannot tell; the same for
one pipeline of several whose deals nothing marks won (``pipes49.reason.won_unmarked_pipeline``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..sql import run
from .context import Context, group_by, group_sql
from .cycle_rules import mapping_reason, no_cycle_reason, p90_few
from .filters import query, stage_position
from .stages import StageRow, Tally, funnel_rows, ratio, tally_groups

MONEY = ("revenue", "avg_deal_size", "median_deal_size")
CYCLE = ("median_cycle_days", "p90_cycle_days")


@dataclass
class Outcomes:
    deals: int = 0
    won: int | None = 0
    lost: int | None = 0
    open: int | None = 0
    win_rate: float | None = None
    win_rate_all: float | None = None
    revenue: float | None = None
    avg_deal_size: float | None = None
    median_deal_size: float | None = None
    median_cycle_days: float | None = None
    p90_cycle_days: float | None = None
    cycle_deals: int = 0  # won deals with a cycle (created and closed): the cycle's sample, below ``won`` when dates lack
    cycle_reversed: int = 0  # won deals closed before they were created: both dates, and no cycle
    close_rate: float | None = None
    fit_rate: float | None = None
    lost_stage_unknown: int | None = 0
    # open deals now at a stage that is no step of the order (a paused status): {that stage: deals}
    off_order: dict[str, int] = field(default_factory=dict)
    stages: list[StageRow] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def kpis(self) -> dict[str, Any]:
        """The scalar numbers (no stages, reasons or findings)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("stages", "reasons", "findings", "off_order")}


def money_groups(con, ctx: Context, group: str, params: dict[str, Any] | None = None) -> dict[Any, dict[str, Any]]:
    """Money and cycle aggregates per value of the trusted SQL expression ``group``."""
    sql = query("metrics_outcomes", ctx.info, group=group, where=ctx.where.sql, group_by=group_by(group))
    cur = run(con, sql, {**ctx.where.params, **(params or {})})
    names = [d[0] for d in cur.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def _stage_rate(rows: list[StageRow], num_stage: str | None, den_stage: str | None,
                num_value: int | None = None) -> tuple[float | None, str | None]:
    """A rate between two funnel counts named by stage; (value, reason code when None)."""
    stages = [{"stage": r.stage, "position": r.position} for r in rows]
    if den_stage is None or (num_value is None and num_stage is None):
        return None, "metrics.reason.stage_not_chosen"
    den_pos = stage_position(stages, den_stage)
    num_pos = stage_position(stages, num_stage) if num_value is None else den_pos
    if den_pos is None or num_pos is None:
        return None, "metrics.reason.unknown_stage"
    reached = {r.position: r.reached for r in rows}
    value = ratio(num_value if num_value is not None else reached[num_pos], reached[den_pos])
    return value, None if value is not None else "metrics.reason.zero_denominator"


def _fill_money(out: Outcomes, money: dict[str, Any] | None, won_unmarked: bool = False,
                no_amounts: bool = False, why_unmarked: str = "metrics.reason.won_unmarked") -> None:
    money = money or {}
    if won_unmarked and not out.won:  # nothing could mark a win: no revenue is unknown, not 0
        # and the won count with both win rates, lost deals or not: a lost stage says which deals were lost, not
        # that the rest were not won (session 50: Support's «Closed lost» beside New → Work read «win rate 0 %»)
        for key in (*MONEY, *CYCLE, "won", "win_rate", "win_rate_all"):
            out.reasons[key] = why_unmarked
        out.won = out.win_rate = out.win_rate_all = None
        return
    if no_amounts:  # not one deal of the dataset has an amount (a lead list): no money to sum, not a sum of 0
        for key in MONEY:
            out.reasons[key] = "metrics.reason.no_amount_column"
    elif money.get("mixed_currencies"):
        for key in MONEY:
            out.reasons[key] = "metrics.reason.mixed_currencies"
    elif out.won and not money.get("won_with_amount"):
        for key in MONEY:
            out.reasons[key] = "metrics.reason.no_amounts"
    elif not out.won:
        out.revenue = 0.0
        out.reasons["avg_deal_size"] = out.reasons["median_deal_size"] = "metrics.reason.no_won"
    else:
        for key in MONEY:
            setattr(out, key, float(money[key]))
    out.cycle_deals = int(money.get("won_with_cycle") or 0)
    out.cycle_reversed = int(money.get("won_reversed") or 0)
    if money.get("won_with_cycle"):
        for key in CYCLE:
            setattr(out, key, float(money[key]))
        if few := p90_few(out.p90_cycle_days, out.cycle_deals):  # the p90 of 2 cycles is their larger one
            out.p90_cycle_days = None
            out.reasons["p90_cycle_days"] = few
    else:
        why = "metrics.reason.no_cycle_reversed" if out.cycle_reversed else "metrics.reason.no_cycle"
        for key in CYCLE:
            out.reasons[key] = "metrics.reason.no_won" if not out.won else why


def combine(ctx: Context, tally: Tally, money: dict[str, Any] | None) -> Outcomes:
    """Outcomes of one group from its stage tally and its money row."""
    out = Outcomes(deals=tally.deals, won=tally.status("won"), lost=tally.status("lost"),
                   open=tally.status("open"), lost_stage_unknown=tally.lost_unknown)
    out.stages = funnel_rows(ctx.stages, tally)
    if tally.lost_unknown:
        out.findings.append({"code": "metrics.finding.lost_stage_unknown", "n": tally.lost_unknown})
    for (_, stage), n in sorted(tally.open_off.items(), key=lambda kv: kv[0][1]):
        out.off_order[stage] = out.off_order.get(stage, 0) + n
    if out.off_order:  # open at a status the order leaves out (a paused one): among a step's «still open», said
        out.findings.append({"code": "metrics.finding.open_off_order", "n": sum(out.off_order.values()),
                             "stages": ", ".join(f"«{stage}»" for stage in out.off_order)})
    out.win_rate = ratio(out.won, out.won + out.lost)
    if out.win_rate is None:
        out.reasons["win_rate"] = "metrics.reason.no_closed"
    out.win_rate_all = ratio(out.won, out.deals)
    if out.win_rate_all is None:
        out.reasons["win_rate_all"] = "metrics.reason.no_deals"
    caps = ctx.info.capabilities
    # the whole file's, or only the pipeline shown's (another pipeline of the file has its won stage)
    why_unmarked = caps.why_won_unmarked(ctx.pipeline) or "metrics.reason.won_unmarked"
    _fill_money(out, money, caps.won_unmarked_in(ctx.pipeline), caps.no_amounts, why_unmarked)
    if out.reasons.get(CYCLE[0]) == "metrics.reason.no_cycle":  # the dataset's own reason, else the mapping's
        why = no_cycle_reason(ctx.info) or mapping_reason(ctx.info.meta) or "metrics.reason.no_cycle"
        for key in CYCLE:
            out.reasons[key] = why
    spec = ctx.spec
    out.close_rate, why = _stage_rate(out.stages, None, spec.close_rate_stage, num_value=out.won)
    if out.won is None and why == "metrics.reason.stage_not_chosen" and spec.close_rate_stage is not None:
        why = why_unmarked  # won / reached the proposal stage, where nothing can tell won
    if why:
        out.reasons["close_rate"] = why
    out.fit_rate, why = _stage_rate(out.stages, spec.fit_to, spec.fit_from)
    if why:
        out.reasons["fit_rate"] = why
    return out


def outcomes_by(con, ctx: Context, by: str | None = None,
                values: list[str | None] | None = None) -> dict[str | None, Outcomes]:
    """Outcomes per value of ``by`` (two grouped queries); ``values`` lists groups to show even empty."""
    return outcomes_grouped(con, ctx, group_sql(ctx.info, by), values=values)


def outcomes_grouped(con, ctx: Context, group: str, params: dict[str, Any] | None = None,
                     values: list[Any] | None = None) -> dict[Any, Outcomes]:
    """Outcomes per value of the trusted SQL expression ``group``: one tally and one money query."""
    counts = tally_groups(con, ctx, group, params)
    money = money_groups(con, ctx, group, params)
    keys = list(dict.fromkeys([*(values or []), *counts]))
    return {key: combine(ctx, counts.get(key, Tally()), money.get(key)) for key in keys}
