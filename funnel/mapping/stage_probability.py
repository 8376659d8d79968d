"""A guessed stage order from the win probability a CRM writes on each deal.

Salesforce (``Probability (%)``), Zoho (``Probability (%)``), Pipedrive (``Deal - Probability``), Odoo
(``Probability``), Copper (``Win Probability``) and Dynamics (``Probability``) give every open deal the
probability of its stage, and a pipeline's stages are set up with probabilities that rise towards the
sale (Salesforce's defaults: Prospecting 10, Qualification 10, Needs Analysis 20, ..., Negotiation/Review
90). A company that renamed its stages keeps that rise, so for a snapshot file without history or a
known CRM, the open stages ordered by their deals' median probability are a better guess than their
counts. Equal medians keep the stage-name ladder's order, then most deals first. The order stays a guess.
"""

from __future__ import annotations

import re

from .normalize import header_tokens, normalize_header
from .stage_ladder import rung
from .synonyms import ENTITY_PREFIX

_HEADERS = {normalize_header(h) for h in (
    "probability", "probability (%)", "probability %", "win probability", "deal probability", "close probability",
    "deal - probability", "deal probability (%)", "hs_deal_stage_probability", "stage probability",
    "вероятность", "вероятность сделки", "вероятность (%)", "вероятность, %", "вероятность успеха",
    "赢率", "赢单率", "成交概率", "赢单概率", "概率",
    "probabilidad", "probabilidad (%)", "probabilidade", "probabilidade (%)", "wahrscheinlichkeit",
    "wahrscheinlichkeit (%)", "probabilité", "probabilité (%)")}


# survey 8 (zh): 销售易's API field ``winRate`` (its UI's 赢率); Zoho CN «概率 (%)», a DTO's «赢率(%)»
_HEADERS |= {"win rate", "winrate", "win rate (%)"}
_HEADERS.add("可能性")  # Salesforce's Probability (%) in its Chinese labels, «可能性 (%)»
# a unit after the name: «概率 (%)», «赢率(%)», «赢率（%）», «Probability %»
_PERCENT_SUFFIX = re.compile(r"\s*(?:[(（]\s*[%％]\s*[)）]|[%％])\s*$")


# survey 10 (locales): HubSpot's Italian «Probabilità trattativa», Pipedrive's German «Deal - Wahrscheinlichkeit» and
# Portuguese «Negócio - Probabilidade» (the entity prefix off), Salesforce's Japanese 確度 (%)
_HEADERS |= {"probabilità", "probabilità trattativa", "確度"}


def is_probability_header(header: str) -> bool:
    text = normalize_header(header)
    bare = ENTITY_PREFIX.sub("", text)
    return any(t in _HEADERS for t in (text, _PERCENT_SUFFIX.sub("", text), header_tokens(header), bare,
                                       _PERCENT_SUFFIX.sub("", bare)))


def probability_order(medians: dict[str, float], by_count: list[str]) -> list[str] | None:
    """``by_count`` (open stages, most deals first) by ``medians``, or None when a stage has no median
    or all medians are equal (then the probabilities say nothing about the order)."""
    if len(by_count) < 2 or any(s not in medians for s in by_count) or len({medians[s] for s in by_count}) < 2:
        return None
    return sorted(by_count, key=lambda s: (medians[s], 99 if rung(s) is None else rung(s)))
