"""The funnel of an aggregate-count dataset (input shape E): stage counts, no deals.

``reached`` is the stored count ``n``; drop-off is the difference to the next stage. There is no
lost/open split and no money: those fields are ``None`` with a reason code. Rows with ``grp = ''``
are the overall funnel; when a file has only group rows (or the spec filters the grouping column),
the overall is the sum over the (selected) groups. Counts are reported as they are: a later stage
larger than an earlier one (ad platforms count clicks and conversions separately) gives a
conversion above 1 and the finding ``metrics.finding.counts_non_monotone``. Deal-level filters and
dates cannot apply to counts; the reason ``metrics.reason.counts_filter_ignored`` says so.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..errors import FunnelError
from ..sql import run
from .context import Context
from .filters import query, stage_position
from .outcomes import Outcomes
from .stages import StageRow, ratio

NO_OUTCOME = ("won", "lost", "open", "win_rate", "win_rate_all", "lost_stage_unknown", "close_rate")
NO_MONEY = ("revenue", "avg_deal_size", "median_deal_size", "median_cycle_days", "p90_cycle_days")


def _load(con, ctx: Context) -> tuple[list[tuple[int, str]], dict[str, dict[int, int]]]:
    """Stages ``[(position, stage)]`` in order and ``n[grp][position]``."""
    stages: dict[int, str] = {}
    n: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    cur = run(con, query("metrics_counts", ctx.info), {"pipeline": ctx.pipeline})
    for stage, position, grp, count in cur.fetchall():
        stages.setdefault(int(position), stage)
        n[grp][int(position)] += int(count)
    return sorted(stages.items()), n


def _rows(stages: list[tuple[int, str]], n: dict[int, int]) -> list[StageRow]:
    reached = [n.get(pos, 0) for pos, _ in stages]
    rows = []
    for i, (pos, name) in enumerate(stages):
        rows.append(StageRow(
            stage=name, position=pos, reached=reached[i],
            step_conversion=ratio(reached[i], reached[i - 1] if i else reached[0]),
            cumulative_conversion=ratio(reached[i], reached[0]),
            drop_off=reached[i] - reached[i + 1] if i + 1 < len(stages) else None,
            lost_here=None, open_here=None,
        ))
    return rows


def _outcomes(ctx: Context, rows: list[StageRow], notes: dict[str, str]) -> Outcomes:
    out = Outcomes(deals=rows[0].reached if rows else 0, stages=rows, reasons=dict(notes))
    # (an ad report's visitors: no deals won or lost)
    no_outcome = ctx.info.capabilities.why_not("outcomes") or "metrics.reason.counts_no_outcome"
    for key in NO_OUTCOME:
        setattr(out, key, None)
        out.reasons[key] = no_outcome
    for key in NO_MONEY:
        out.reasons[key] = "metrics.reason.counts_no_money"
    stages = [{"stage": r.stage, "position": r.position} for r in rows]
    reached = {r.position: r.reached for r in rows}
    spec = ctx.spec
    mql, sql_ = stage_position(stages, spec.fit_from), stage_position(stages, spec.fit_to)
    if spec.fit_from is None or spec.fit_to is None:
        out.reasons["fit_rate"] = "metrics.reason.stage_not_chosen"
    elif mql is None or sql_ is None:
        out.reasons["fit_rate"] = "metrics.reason.unknown_stage"
    else:
        out.fit_rate = ratio(reached[sql_], reached[mql])
        if out.fit_rate is None:
            out.reasons["fit_rate"] = "metrics.reason.zero_denominator"
    for prev, row in zip(rows, rows[1:], strict=False):
        if row.reached > prev.reached:
            out.findings.append({"code": "metrics.finding.counts_non_monotone", "stage": row.stage,
                                 "position": row.position, "n": row.reached, "n_prev": prev.reached})
    return out


def _group_column(ctx: Context) -> str | None:
    return ctx.info.capabilities.group_column


def counts_outcomes(con, ctx: Context, by: str | None = None) -> dict[str | None, Outcomes]:
    """Outcomes of the aggregate funnel: ``{None: overall}`` or ``{group value: ...}`` when ``by``."""
    stages, n = _load(con, ctx)
    group_col = _group_column(ctx)
    if by is not None and by != group_col:
        raise FunnelError("metrics.unknown_column", column=str(by))
    chosen: tuple[Any, ...] | None = None
    notes: dict[str, str] = {}
    for column, values in ctx.spec.filters:
        if column == group_col:
            chosen = values
        else:
            notes["filters"] = "metrics.reason.counts_filter_ignored"
    if ctx.spec.date_from or ctx.spec.date_to or ctx.spec.closed_only:
        notes["filters"] = "metrics.reason.counts_filter_ignored"
    groups = {g: counts for g, counts in n.items() if g != "" and (chosen is None or g in chosen)}
    if by is not None:
        return {g: _outcomes(ctx, _rows(stages, groups[g]), notes) for g in sorted(groups)}
    if chosen is None and "" in n:
        overall = n[""]
    else:
        overall = defaultdict(int)
        for counts in groups.values():
            for pos, value in counts.items():
                overall[pos] += value
    return {None: _outcomes(ctx, _rows(stages, overall), notes)}
