"""One finding of the audit: a code, the numbers behind it, and the deals behind it.

Texts are not here: ``audit.<code>.<variant>.{title,why,check}`` keys of the ``audit`` catalogs,
filled from :meth:`Finding.text_params` by :mod:`.wording`. ``selection`` (+ ``period``) is what the
drill-down lists: the deals behind the finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..metrics.drill import Selection

SEVERITIES = ("high", "medium", "low", "info")
RULE_OF_THUMB = "rule_of_thumb"


@dataclass(frozen=True)
class Finding:
    code: str
    variant: str  # which text: e.g. "worse" / "better", the funnel shape's name
    severity: str  # high | medium | low | info
    stage: str | None = None
    stage_to: str | None = None
    manager: str | None = None
    segment_column: str | None = None  # canonical field or the extra column's stored name (x_...)
    segment_value: str | None = None
    metric: str | None = None
    value: float | None = None
    benchmark: float | None = None
    impact: float | None = None  # money by the leak rule; None when not money
    deal_count: int | None = None
    p_value: float | None = None  # adjusted where a correction applies
    test: str = RULE_OF_THUMB  # 'z' | 'fisher' | 'rule_of_thumb'
    position: int | None = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    selection: Selection | None = None
    period: tuple[date, date] | None = None  # the drill-down's created-date range, when not the page's

    @property
    def key(self) -> str:
        return f"audit.{self.code}.{self.variant}"


def rank(findings: list[Finding]) -> list[Finding]:
    """Most costly first: money impact (largest first), then severity, then deals involved."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (f.impact is None, -(f.impact or 0.0), order[f.severity],
                                           -(f.deal_count or 0)))
