"""Everything a metric query needs, resolved once per (dataset, spec): pipeline, stages, WHERE.

Every query is for ONE pipeline (several pipelines are separate funnels and their stages are
never mixed); when the spec names none, the pipeline with most deals is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from ..sql import ident
from .filters import Where, check_column, deal_where, resolve_pipeline, stage_list

NO_GROUP = "CAST(NULL AS VARCHAR)"


@dataclass(frozen=True)
class Context:
    info: DatasetInfo
    spec: FunnelSpec
    pipeline: str | None
    stages: tuple[dict[str, Any], ...]  # funnel stages in order: {stage, position, kind}
    where: Where

    @property
    def positions(self) -> list[int]:
        return [s["position"] for s in self.stages]

    def with_spec(self, spec: FunnelSpec) -> Context:
        """The same pipeline and stages under another spec (e.g. the previous period): no re-query."""
        where = Where() if self.info.capabilities.aggregate else deal_where(self.info, spec, self.pipeline)
        return Context(self.info, spec, self.pipeline, self.stages, where)


def resolve(con, info: DatasetInfo, spec: FunnelSpec) -> Context:
    pipeline = resolve_pipeline(con, info, spec)
    aggregate = info.capabilities.aggregate
    stages = () if aggregate else tuple(stage_list(con, info, pipeline))
    where = Where() if aggregate else deal_where(info, spec, pipeline)
    return Context(info, spec, pipeline, stages, where)


def group_sql(info: DatasetInfo, by: str | None) -> str:
    """The grouping expression: a checked, quoted column, or a typed NULL for "no grouping"."""
    return NO_GROUP if by is None else ident(check_column(info, by))


def group_by(group: str, *more: int) -> str:
    """``GROUP BY`` over the select list's first column ``grp`` and the ordinals ``more``.

    For "no grouping" (``NO_GROUP``) the constant column is left out of the key: hashing a
    constant costs ~2 ms per million deals. With nothing left, no clause (one row, always).
    """
    keys = ([] if group == NO_GROUP else [1]) + list(more)
    return f"GROUP BY {', '.join(map(str, keys))}" if keys else ""
