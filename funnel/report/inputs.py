"""What every section builder reads: the dataset, the spec, the words, and the engine's results.

Results come from the very functions the pages call (``funnel.metrics.overview`` for the Overview,
``outcomes_by_group`` for segments, ``funnel.quality_report`` for the Data page), computed once on first
use and shared by all sections, so a number in the report is the number on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import pandas as pd

from .. import metrics, quality_report
from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..spec import FunnelSpec
from .words import Words

MIN_CLOSED = 30  # fewer closed deals than this: a win rate moves a lot with every new deal


@dataclass
class Inputs:
    con: Any  # an open DuckDB connection of the store
    info: DatasetInfo
    row: dict[str, Any]  # the dataset's catalog row (source file, hash, import time, counts)
    spec: FunnelSpec
    w: Words
    now: datetime
    extras: dict[str, Any] = field(default_factory=dict)  # e.g. pinned A/B verdicts from the page
    cache: dict[str, Any] = field(default_factory=dict)  # results optional sections share (findings)

    @cached_property
    def overview(self) -> metrics.Overview:
        return metrics.overview(self.con, self.info, self.spec)

    @property
    def outcomes(self) -> metrics.Outcomes:
        return self.overview.outcomes

    @cached_property
    def pipeline(self) -> str | None:
        return metrics.pipeline_of(self.con, self.info, self.spec)

    @cached_property
    def managers(self) -> dict[str | None, metrics.Outcomes] | None:
        """Outcomes per manager, or ``None`` when the dataset has no manager to group by."""
        if self.info.shape == "counts":
            return None
        try:
            groups = metrics.outcomes_by_group(self.con, self.info, self.spec, "manager")
        except FunnelError:
            return None
        return groups if any(key is not None for key in groups) else None

    @cached_property
    def quality(self) -> pd.DataFrame:
        """One line per data-quality finding (the Data page's summary table)."""
        return quality_report.summary(quality_report.report(self.con, self.info))

    @property
    def quality_codes(self) -> set[str]:
        return set(self.quality["code"])
