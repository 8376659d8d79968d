"""The Overview page's numbers in one call: outcomes and stage funnel, the previous-period changes and
the biggest drop-offs, from one resolved context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from .context import resolve
from .outcomes import Outcomes
from .periods import PeriodComparison, with_previous
from .stages import biggest_drop_offs


@dataclass
class Overview:
    """Everything behind the Overview tiles and sentences, from one resolved context."""

    outcomes: Outcomes
    comparison: PeriodComparison
    drop_offs: list[dict[str, Any]]


def overview(con, info: DatasetInfo, spec: FunnelSpec) -> Overview:
    """Outcomes + stage funnel, previous-period changes and the three biggest drop-offs.

    One tally scan and one money scan of deals for both periods together (the fast path the
    Overview page should call instead of the three functions one by one).
    """
    current, comparison = with_previous(con, resolve(con, info, spec))
    return Overview(current, comparison, biggest_drop_offs(current.stages, lost_unknown=current.lost_stage_unknown))
