"""ONE place that says what a dataset can answer for the audit, read from ``DatasetInfo.capabilities``
(:mod:`funnel.capabilities`, stored at import)."""

from __future__ import annotations

from dataclasses import dataclass

from ..dataset import DatasetInfo


@dataclass(frozen=True)
class Capabilities:
    has_deals: bool  # one row per deal (not aggregate counts)
    has_history: bool  # a stage history: time in stage, stuck deals, pile-ups
    has_outcomes: bool  # won / lost per deal (win rates, stage probability, lost reasons)
    has_money: bool  # amounts on won deals
    has_managers: bool


def capabilities(info: DatasetInfo) -> Capabilities:
    caps = info.capabilities
    deals = not caps.aggregate and info.shape != "counts"
    return Capabilities(
        has_deals=deals,
        has_history=deals and caps.has_history,
        has_outcomes=deals and caps.has_outcomes and not caps.is_web_funnel,
        has_money=deals and caps.has_money,
        has_managers=deals and "manager" in caps.group_columns,
    )
