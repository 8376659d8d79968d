"""Amounts on a page written short with the dataset's currency ("$3.4M", "3,4 млн $"), the same
way the Overview tiles write revenue (funnel/money.py): a page calls :func:`compact` instead of
``fmt_compact`` for money, so no amount loses its symbol on one page and keeps it on another."""

from __future__ import annotations

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact
from funnel.money import currency_of, with_currency


def compact(info: DatasetInfo, value: float | None, lang: str) -> str:
    return with_currency(fmt_compact(value, lang), currency_of(info.capabilities.currencies), lang)
