"""``diagnose``: every finding code over one dataset and spec, most costly first (README, "Audit")."""

from __future__ import annotations

from typing import Any

from ..dataset import DatasetInfo
from ..spec import FunnelSpec
from .data import AuditData, AuditOptions, gather
from .finding import Finding, rank
from .findings import CODES, FUNCTIONS
from .wording import title

__all__ = ["AuditOptions", "Diagnosis", "diagnose", "diagnose_json"]


class Diagnosis:
    """The ranked findings and the data they came from (pages show its tables too)."""

    def __init__(self, data: AuditData, findings: list[Finding]):
        self.data = data
        self.findings = findings


def diagnose(con, info: DatasetInfo, spec: FunnelSpec, options: AuditOptions | None = None) -> Diagnosis:
    data = gather(con, info, spec, options or AuditOptions())
    if not data.caps.has_deals or not data.ctx.stages:
        return Diagnosis(data, [])
    findings = [f for code in CODES for f in FUNCTIONS[code](data)]
    return Diagnosis(data, rank(findings))


def _round(x: Any, digits: int = 4) -> Any:
    return round(float(x), digits) if isinstance(x, float) else x


def finding_json(f: Finding, info: DatasetInfo, lang: str) -> dict[str, Any]:
    column = f.segment_column
    if column is not None and column.startswith("x_"):
        column = info.extra_columns.get(column, column)  # the user's own column name
    return {"code": f.code, "severity": f.severity, "title": title(f, info, lang), "stage": f.stage,
            "stage_to": f.stage_to, "manager": f.manager, "segment_column": column,
            "segment_value": f.segment_value, "metric": f.metric, "value": _round(f.value),
            "benchmark": _round(f.benchmark), "impact": _round(f.impact, 2), "deal_count": f.deal_count,
            "p_value": None if f.p_value is None else float(f"{f.p_value:.4g}")}


def diagnose_json(diagnosis: Diagnosis, info: DatasetInfo, lang: str = "en") -> dict[str, Any]:
    return {"findings": [finding_json(f, info, lang) for f in diagnosis.findings]}
