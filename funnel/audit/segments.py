"""Sources and segments: outcomes and the step funnel per value of one attribute column."""

from __future__ import annotations

from typing import Any

from ..dataset import DatasetInfo
from ..metrics.context import resolve
from ..metrics.entry_points import outcomes_in
from ..metrics.report import pipeline_counts
from ..spec import FunnelSpec
from .steps import step_counts


def _num(x, digits=4):
    return None if x is None else round(float(x), digits)


def segments_json(con, info: DatasetInfo, spec: FunnelSpec, by: str, spend_rows=None) -> dict[str, Any]:
    """The ``segments --json`` document (README)."""
    ctx = resolve(con, info, spec)
    groups = outcomes_in(con, ctx, by)
    out = []
    for value, o in groups.items():
        out.append({"value": value, "deals": o.deals, "won": o.won, "lost": o.lost, "win_rate": _num(o.win_rate),
                    "revenue": _num(o.revenue, 2), "avg_deal_size": _num(o.avg_deal_size, 2),
                    "median_cycle_days": _num(o.median_cycle_days, 2),
                    "steps": [{"stage": s.stage, "stage_to": s.stage_to, "n": s.n, "passed": s.passed,
                               "rate": _num(s.rate)} for s in step_counts(o.stages, o.lost_stage_unknown)]})
    doc: dict[str, Any] = {"by": by, "pipeline": ctx.pipeline, "segments": out}
    if (counts := pipeline_counts(con, info, spec)) is not None:  # the others left out, as metrics says them
        doc["pipelines"] = counts
    if spend_rows is not None:
        from .spend import spend_report

        doc["spend"] = spend_report(con, ctx, spend_rows)
    return doc
