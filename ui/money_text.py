"""Amounts on a page written short with the dataset's currency ("$3.4M", "3,4 млн $"), the same
way the Overview tiles write revenue (funnel/money.py): a page calls :func:`compact` instead of
``fmt_compact`` for money, so no amount loses its symbol on one page and keeps it on another."""

from __future__ import annotations

from funnel.dataset import DatasetInfo
from funnel.formats import fmt_compact, fmt_int
from funnel.markdown_escape import md_escape
from funnel.money import SYMBOLS, currency_of, has_symbol, with_currency


def compact(info: DatasetInfo, value: float | None, lang: str) -> str:
    return with_currency(fmt_compact(value, lang), currency_of(info.capabilities.currencies), lang)


# The most characters a money tile shows at a row of four or five tiles (the Velocity page's) before Streamlit
# cuts the value with an ellipsis (1,400 px window: «1,6 млн ₸» fits, «775 тыс. ₸» showed «775 ты…»). The
# Overview's tiles are three a row (survey 51: five cut «79,8 млн» at 1,280 px) and hold more; one rule serves both.
TILE_CHARS = 9


def _tile(info: DatasetInfo, value: float | None, lang: str) -> tuple[str, str | None]:
    """A money tile's value and the currency its label carries instead (None: the value carries it).

    With a short symbol the value keeps it: «1,6 млн ₸», "$775K"; where the short units make it
    longer than :data:`TILE_CHARS` (Russian «775 тыс. ₸»), an amount under a million is written whole,
    «775 000 ₸», which fits; else the label names the symbol. A currency without a short symbol (NOK,
    CHF: "726K NOK" showed "726K N…") is always named in the label, whose end a narrow tile may cut
    ("Средняя выигра…"), so the value keeps its symbol wherever it can."""
    currency = currency_of(info.capabilities.currencies)
    if not currency:
        return fmt_compact(value, lang), None
    if not has_symbol(currency):
        return fmt_compact(value, lang), currency
    text = compact(info, value, lang)
    if len(text) <= TILE_CHARS:
        return text, None
    if value is not None and abs(value) < 1_000_000:
        whole = with_currency(fmt_int(value, lang), currency, lang)
        if len(whole) <= TILE_CHARS:
            return whole, None
    return fmt_compact(value, lang), SYMBOLS[currency.strip().upper()]


def tile_value(info: DatasetInfo, value: float | None, lang: str) -> str:
    """An amount for a KPI tile (:func:`_tile`): with its symbol ($, ₽), or bare when :func:`tile_label`
    names the currency."""
    return _tile(info, value, lang)[0]


def tile_label(info: DatasetInfo, label: str, t, value: float | None, lang: str) -> str:
    """A money tile's label, with the currency when the value cannot carry it (:func:`_tile`):
    "Revenue, NOK", "收入（NOK）"."""
    unit = _tile(info, value, lang)[1]
    return t("ui.money.tile_label", label=label, code=md_escape(unit)) if unit else label
