"""Amounts on a page written short with the dataset's currency ("$3.4M", "3,4 млн $"), the same
way the Overview tiles write revenue (funnel/money.py): a page calls :func:`compact` instead of
``fmt_compact`` for money, so no amount loses its symbol on one page and keeps it on another."""

from __future__ import annotations

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact
from funnel.markdown_escape import md_escape
from funnel.money import currency_of, has_symbol, with_currency


def compact(info: DatasetInfo, value: float | None, lang: str) -> str:
    return with_currency(fmt_compact(value, lang), currency_of(info.capabilities.currencies), lang)


def _code_only(info: DatasetInfo) -> str | None:
    """The dataset's currency when it has no short symbol (NOK, CHF): a KPI tile cannot fit
    "726K NOK" beside the number (it showed "726K N…"), so the tile's label names it instead."""
    currency = currency_of(info.capabilities.currencies)
    return currency if currency and not has_symbol(currency) else None


def tile_value(info: DatasetInfo, value: float | None, lang: str) -> str:
    """An amount for a KPI tile: with its symbol ($, ₽), or bare when :func:`tile_label` names the code."""
    return fmt_compact(value, lang) if _code_only(info) else compact(info, value, lang)


def tile_label(info: DatasetInfo, label: str, t) -> str:
    """A money tile's label, with the currency code when the value cannot carry it (:func:`tile_value`):
    "Revenue, NOK", «Выручка, NOK», "收入（NOK）"."""
    code = _code_only(info)
    return t("ui.money.tile_label", label=label, code=md_escape(code)) if code else label
