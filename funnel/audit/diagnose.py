"""``diagnose``: every finding code over one dataset and spec, most costly first (README, "Audit")."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..dataset import DatasetInfo
from ..money import currency_of
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
    return Diagnosis(data, on_guessed_order(rank(findings)))


# Findings that compare steps, or name the stage a deal was lost at: all rest on the stage order.
ORDER_DEPENDENT = frozenset({"leak", "manager_gap", "segment_gap", "funnel_shape", "key_stage", "anomaly",
                             "lost_reasons"})


def on_guessed_order(findings: list[Finding]) -> list[Finding]:
    """While the stage order is a guess, its finding comes first (high), and every finding that rests on
    the order says so (``params["order_guessed"]``: the wording's "how sure" line, the CLI, the JSON):
    a leak between two stages in a guessed order may be no leak at all."""
    guess = [f for f in findings if f.code == "data_quality" and f.variant == "order_guessed"]
    if not guess:
        return findings
    marked = [replace(f, params={**f.params, "order_guessed": True}) if f.code in ORDER_DEPENDENT else f
              for f in findings if f is not guess[0]]
    return [replace(guess[0], severity="high")] + marked


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
            "p_value": None if f.p_value is None else float(f"{f.p_value:.4g}"),
            "order_guessed": bool(f.params.get("order_guessed"))}


def diagnose_json(diagnosis: Diagnosis, info: DatasetInfo, lang: str = "en") -> dict[str, Any]:
    # the currency of every money impact (None: none recorded, or several)
    return {"findings": [finding_json(f, info, lang) for f in diagnosis.findings],
            "currency": currency_of(info.capabilities.currencies)}
