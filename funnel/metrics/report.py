"""The stable JSON of the CLI (``funnel metrics``): plain numbers, fractions, ``None`` never NaN.

Shape (keys are a contract; add, never rename)::

    {"pipeline": str|None, "filters": {column: [values]}, "closed_only": bool,
     "stages": [{"stage", "position", "reached", "step_conversion", "cumulative_conversion",
                 "lost_here", "open_here"}, ...],            # funnel order
     "deals", "won", "lost", "open", "win_rate", "win_rate_all", "lost_stage_unknown",
     "revenue", "avg_deal_size", "median_cycle_days",
     "median_deal_size", "p90_cycle_days",                   # DOMAIN.md: the median beside the mean; cycle p90
     "cycle_deals",                                           # won deals the cycle is measured on
     "cycle_reversed",                                        # won deals closed before they were created
     "open_off_order": [{"stage", "deals"}],                  # open at a status the order leaves out (paused)
     "won_unmarked": bool, "won_unmarked_reason": str|None,    # nothing marks a deal of this pipeline won: why
     "reasons": {metric key: code},                           # why a metric is null (p90_cycle_days: fewer than
                                                              # 10 won deals with both dates, cycle_deals of them)
     "groups": {value: {"stages", "deals", ... same metric keys}}}   # only with by=COLUMN

A group with no value is keyed ``""``.
"""

from __future__ import annotations

import math
from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from ..sql import run
from .context import resolve
from .entry_points import outcomes_in
from .filters import query
from .outcomes import Outcomes

STAGE_KEYS = ("stage", "position", "reached", "step_conversion", "cumulative_conversion",
              "lost_here", "open_here")
METRIC_KEYS = ("deals", "won", "lost", "open", "win_rate", "win_rate_all", "lost_stage_unknown",
               "revenue", "avg_deal_size", "median_cycle_days", "cycle_deals",
               "cycle_reversed", "median_deal_size", "p90_cycle_days")


def clean(value: Any) -> Any:
    """NaN / infinity -> None; numpy scalars -> Python numbers."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if hasattr(value, "item"):
        return clean(value.item())
    return value


def metric_block(out: Outcomes) -> dict[str, Any]:
    block: dict[str, Any] = {
        "stages": [{k: clean(getattr(row, k)) for k in STAGE_KEYS} for row in out.stages],
    }
    block.update({k: clean(getattr(out, k)) for k in METRIC_KEYS})
    # a null number with its reason code (the pages' sentence beside it): a p90 of 2 cycles is null, not their larger
    block["reasons"] = {k: out.reasons[k] for k in METRIC_KEYS if k in out.reasons and block[k] is None}
    return block


def pipeline_counts(con, info: DatasetInfo, spec: FunnelSpec) -> dict[str, int] | None:
    """The deals of every pipeline, when the spec names none and the dataset has several: the one counted (most
    deals) and the others left out, for the CLI to say (survey 31: «17 deals» of 20, the pipeline unnamed)."""
    if spec.pipeline is not None or len(info.pipelines) < 2 or info.capabilities.aggregate:
        return None
    return {("" if p is None else str(p)): int(n) for p, n in run(con, query("metrics_pipelines", info)).fetchall()}


def metrics_json(con, info: DatasetInfo, spec: FunnelSpec, by: str | None = None) -> dict[str, Any]:
    """The metrics of one spec (and per value of ``by``) as a JSON-ready dict."""
    ctx = resolve(con, info, spec)
    overall = outcomes_in(con, ctx).get(None) or Outcomes()
    result: dict[str, Any] = {
        "pipeline": ctx.pipeline,
        "filters": spec.filter_dict,
        # the period the deals were counted in (survey 46: ``--from`` / ``--to`` left no trace in the document)
        "period": None if spec.date_from is None and spec.date_to is None else {
            "from": spec.date_from.isoformat() if spec.date_from else None,
            "to": spec.date_to.isoformat() if spec.date_to else None, "date": spec.date_field},
        "closed_only": spec.closed_only,
    }
    result.update(metric_block(overall))
    if (counts := pipeline_counts(con, info, spec)) is not None:
        result["pipelines"] = counts
    from ..dataset_edit import (  # the pages' rule: a guess made for this pipeline's order
        order_state,
        outcome_guesses,
    )
    from .probability import no_lost_recorded

    result["order_guessed"] = order_state(info, ctx.pipeline) == "guessed"
    result["no_lost_recorded"] = no_lost_recorded(info)  # the win rate (won / closed) reads 100 % by construction
    # nothing marks a deal as won: revenue and win rate are null, not 0 (the import's ``stages.no_won``); in this
    # pipeline only, another having its won stage (``stages.no_won_pipeline``). The reason's catalog key beside it
    caps = info.capabilities
    result["won_unmarked"] = caps.won_unmarked_in(ctx.pipeline)
    result["won_unmarked_reason"] = caps.why_won_unmarked(ctx.pipeline)
    # a won or lost stage taken from the deals' close dates (the import's ``stages.won_by_close_date``)
    result["outcome_guesses"] = [{"code": code, "stage": stage} for code, stage in outcome_guesses(info)]
    # open deals at a status the order leaves out (a paused one), counted open at the step they reached
    result["open_off_order"] = [{"stage": stage, "deals": n} for stage, n in overall.off_order.items()]
    if by is not None:
        groups = outcomes_in(con, ctx, by)
        result["groups"] = {("" if key is None else str(key)): metric_block(out) for key, out in groups.items()}
    return result
