"""Amounts on a page written short with the dataset's currency ("$3.4M", "3,4 млн $"), the same
way the Overview tiles write revenue (funnel/money.py): a page calls :func:`compact` instead of
``fmt_compact`` for money, so no amount loses its symbol on one page and keeps it on another."""

from __future__ import annotations

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact
from funnel.markdown_escape import md_escape
from funnel.money import SYMBOLS, currency_of, has_symbol, with_currency


def compact(info: DatasetInfo, value: float | None, lang: str) -> str:
    return with_currency(fmt_compact(value, lang), currency_of(info.capabilities.currencies), lang)


# The most characters a money tile shows at the Overview's five-tile width before Streamlit cuts the
# value with an ellipsis (1,400 px window: «1,6 млн ₸» fits, «775 тыс. ₸» showed «775 ты…»)
TILE_CHARS = 9


def _unit_in_label(info: DatasetInfo, value: float | None, lang: str) -> str | None:
    """The currency a tile's label carries instead of its value: the code of a currency without a short
    symbol (NOK, CHF: "726K NOK" showed "726K N…"), or the symbol when the amount with it is longer than
    :data:`TILE_CHARS` («775 тыс. ₸»); None when the value carries its currency itself."""
    currency = currency_of(info.capabilities.currencies)
    if not currency:
        return None
    if not has_symbol(currency):
        return currency
    return SYMBOLS[currency.strip().upper()] if len(compact(info, value, lang)) > TILE_CHARS else None


def tile_value(info: DatasetInfo, value: float | None, lang: str) -> str:
    """An amount for a KPI tile: with its symbol ($, ₽), or bare when :func:`tile_label` names the currency."""
    return fmt_compact(value, lang) if _unit_in_label(info, value, lang) else compact(info, value, lang)


def tile_label(info: DatasetInfo, label: str, t, value: float | None, lang: str) -> str:
    """A money tile's label, with the currency when the value cannot carry it (:func:`tile_value`):
    "Revenue, NOK", «Средний чек, ₸», "收入（NOK）"."""
    unit = _unit_in_label(info, value, lang)
    return t("ui.money.tile_label", label=label, code=md_escape(unit)) if unit else label
