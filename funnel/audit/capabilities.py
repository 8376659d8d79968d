"""ONE place that says what a dataset can answer ("can this dataset answer this?").

Another engineer is adding ``DatasetInfo.capabilities``; every audit check reads this helper, so
switching to it is a change here only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dataset import DatasetInfo


@dataclass(frozen=True)
class Capabilities:
    has_deals: bool  # one row per deal (not aggregate counts)
    has_history: bool  # a stage history: time in stage, stuck deals, pile-ups
    has_outcomes: bool  # won / lost per deal (win rates, stage probability)
    has_money: bool  # deal amounts
    has_managers: bool


def capabilities(info: DatasetInfo) -> Capabilities:
    fields = (info.meta.get("mapping") or {}).get("fields") or {}
    deals = info.shape != "counts"
    history = info.shape == "events" or bool((info.meta.get("mapping") or {}).get("history")) \
        or bool((info.meta.get("mapping") or {}).get("stage_entered")) or bool(info.meta.get("has_history"))
    outcomes = deals and info.shape != "events"
    return Capabilities(
        has_deals=deals,
        has_history=deals and history,
        has_outcomes=outcomes or bool(info.meta.get("has_outcomes")),
        has_money=deals and ("amount" in fields or bool(info.meta.get("has_money"))),
        has_managers=deals and ("manager" in fields or bool(info.meta.get("has_managers"))),
    )
