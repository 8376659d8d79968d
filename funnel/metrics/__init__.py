"""The funnel metrics engine: ``(con, info, spec) -> plain dataclasses / dicts`` with codes + numbers.

SQL counts (named queries ``funnel/queries/metrics_*.sql``, one grouped pass over ``deals`` per
question), Python reasons (rates, cumulative sums, changes). Definitions: ../shared/DOMAIN.md.
"""

from .cohorts import Cohort, CohortTable, cohorts
from .drill import DrillResult, Selection, deals_behind
from .entry_points import drop_offs, outcomes, outcomes_by_group, pipeline_of, stage_funnel
from .outcomes import Outcomes
from .overview import Overview, overview
from .periods import Change, PeriodComparison, previous_period
from .report import metrics_json
from .stages import StageRow, biggest_drop_offs

__all__ = [
    "Change",
    "Cohort",
    "CohortTable",
    "DrillResult",
    "Outcomes",
    "Overview",
    "PeriodComparison",
    "Selection",
    "StageRow",
    "biggest_drop_offs",
    "cohorts",
    "deals_behind",
    "drop_offs",
    "metrics_json",
    "outcomes",
    "outcomes_by_group",
    "overview",
    "pipeline_of",
    "previous_period",
    "stage_funnel",
]
