"""The engine's entry points for outcomes and the stage funnel: ``(con, info, spec) -> plain results``
(overall, per group value, the biggest drop-offs, the resolved pipeline). The Overview's one-call
bundle is :func:`funnel.metrics.overview.overview`.

Each function resolves the spec once (:func:`funnel.metrics.context.resolve`) and runs at most two
grouped queries over the deals table (one for the stage table) (or one over the counts table for input shape E).
"""

from __future__ import annotations

from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from ..sql import run
from .context import Context, group_sql, resolve
from .counts import counts_outcomes
from .filters import query
from .outcomes import Outcomes, outcomes_by
from .stages import StageRow, Tally, biggest_drop_offs, funnel_rows, tallies


def outcomes_in(con, ctx: Context, by: str | None = None) -> dict[str | None, Outcomes]:
    if ctx.info.capabilities.aggregate:
        return counts_outcomes(con, ctx, by)
    values = group_values(con, ctx, by) if by is not None else [None]
    return outcomes_by(con, ctx, by, values)


def group_values(con, ctx: Context, by: str) -> list[str | None]:
    """Every value of ``by`` in the pipeline (before filters), so empty segments still show."""
    sql = query("metrics_group_values", ctx.info, group=group_sql(ctx.info, by))
    values = [row[0] for row in run(con, sql, {"pipeline": ctx.pipeline}).fetchall()]
    return sorted(values, key=lambda v: (v is None, v or ""))


def outcomes(con, info: DatasetInfo, spec: FunnelSpec) -> Outcomes:
    """Deals, won/lost/open, rates, money, cycle and the stage funnel of the filtered pipeline."""
    ctx = resolve(con, info, spec)
    return outcomes_in(con, ctx).get(None) or Outcomes()


def stage_funnel(con, info: DatasetInfo, spec: FunnelSpec) -> list[StageRow]:
    """Per stage in funnel order: reached, step/cumulative conversion, drop-off, lost/open here.

    Only the tally query: the stage table needs no money.
    """
    ctx = resolve(con, info, spec)
    if info.capabilities.aggregate:
        return counts_outcomes(con, ctx)[None].stages
    return funnel_rows(ctx.stages, tallies(con, ctx).get(None) or Tally())


def outcomes_by_group(con, info: DatasetInfo, spec: FunnelSpec, by: str) -> dict[str | None, Outcomes]:
    """The same outcomes per value of the column ``by`` (``None`` = deals with no value)."""
    ctx = resolve(con, info, spec)
    return outcomes_in(con, ctx, by)


def drop_offs(con, info: DatasetInfo, spec: FunnelSpec, k: int = 3) -> list[dict[str, Any]]:
    """The ``k`` biggest drop-offs as codes + numbers (see :func:`stages.biggest_drop_offs`)."""
    return biggest_drop_offs(stage_funnel(con, info, spec), k)


def pipeline_of(con, info: DatasetInfo, spec: FunnelSpec) -> str | None:
    """The pipeline a spec resolves to (the one with most deals when it names none)."""
    return resolve(con, info, spec).pipeline
