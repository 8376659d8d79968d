"""The currency an amount column's header names: ``Бюджет ₽``, ``Сумма, руб.``, ``Amount (EUR)``, ``importe_eur``.

amoCRM accounts export ``Бюджет ₽`` or ``Бюджет, ₽``; spreadsheets write ``Amount (EUR)`` or ``amount_usd``.
The matcher reads such a header as the amount (:func:`without_currency`), and the import takes the
currency from it when the file has no currency column (funnel/importer/deals.py).
"""

from __future__ import annotations

import re

from babel.numbers import list_currencies

from ..money import ONE_CURRENCY_SIGNS

# a header's words: runs of letters or digits, and each currency sign on its own ("Бюджет₽" has two)
_WORDS = re.compile(r"[^\W_]+\.?|[£€₽₸₴₹$¥]", re.UNICODE)
_SIGNS = {sign: code for code, signs in ONE_CURRENCY_SIGNS.items() for sign in signs}
# a header's Chinese currency words and RMB (商机金额（元）, 金额(RMB), 合同金额（万元）, 金额（美元）): survey 33's
# «商机金额（元）» gave no currency, so no ¥ anywhere; in a cell «元» alone is no sign (12,500元 is read by the amounts)
_SIGNS |= {"元": "CNY", "万元": "CNY", "千元": "CNY", "亿元": "CNY", "rmb": "CNY", "美元": "USD", "欧元": "EUR",
           "日元": "JPY", "英镑": "GBP", "卢布": "RUB"}
_ISO = frozenset(list_currencies())
# codes read in lower case too, as the last word of a snake_case header (importe_eur, amount_usd); the
# rest only in capitals, since some are words (ALL, TOP, CUP)
_COMMON = frozenset("usd eur gbp rub cny jpy kzt uah uzs kgs inr chf cad aud brl mxn pln try byn sek nok dkk czk huf "
                    "ars clp cop pen zar aed sgd hkd krw".split())


def _currency_of(word: str, last: bool) -> str | None:
    bare = word.rstrip(".")
    if len(bare) == 3 and bare.isascii() and bare.isupper() and bare in _ISO:
        return bare
    if last and bare.lower() in _COMMON:
        return bare.upper()
    # "руб." is "руб" with its dot; "р." keeps the dot it needs
    return _SIGNS.get(word.lower()) or (_SIGNS.get(bare.lower()) if word.endswith(".") else None)


def _words(header: str) -> list[str]:
    return _WORDS.findall(header)


def header_currency(header: str) -> str | None:
    """The one currency ``header`` names (an ISO code, a currency's own sign or word), else None."""
    words = _words(header)
    found = {c for k, w in enumerate(words) if (c := _currency_of(w, k == len(words) - 1 and k > 0))}
    return found.pop() if len(found) == 1 else None


def without_currency(header: str) -> str | None:
    """``header`` without the currency word it ends with (``importe_eur`` -> ``importe``), or None."""
    words = _words(header)
    if len(words) > 1 and _currency_of(words[-1], True):
        return " ".join(w.rstrip(".") for w in words[:-1])
    return None


# A unit written in an amount's header: the amounts are in tens of thousands (商机金额（万元）: 12.5 is
# 125 000 yuan), thousands (Сумма (тыс. руб.), Сумма, тыс.руб, Revenue (000s), Amount (in thousands),
# Amount (k)) or millions (Выручка (млн), Revenue (in millions), (mln)). Read on the lower-cased header.
_UNITS = (
    (re.compile(r"亿"), 100_000_000),
    (re.compile(r"万"), 10_000),
    (re.compile(r"千元"), 1_000),
    (re.compile(r"\bмлрд\b|\bin billions\b|\(\s*(?:bn|billions?)\s*\)"), 1_000_000_000),
    (re.compile(r"\bмлн\b|\bmln\b|\bin millions\b|\(\s*(?:m|mm|millions?|[$€£]m)\s*\)"), 1_000_000),
    (re.compile(r"\bтыс\b|\bin thousands\b|\(\s*(?:'?000s?|k|thousands?|[$€£]k)\s*\)"), 1_000),
)
_UNIT_WORDS = re.compile(r"\s*(?:[(（]\s*(?:in\s+)?(?:thousands?|millions?|billions?|'?000s?|k|m|mm|bn|mln|[$€£][km])\s*[)）]"
                         r"|[(（]?\s*(?:тыс|млн|млрд)\.?\s*(?:руб\.?|р\.|₽|\$|€)?\s*[)）]?|[(（]?\s*(?:[万亿千]元?)\s*[)）]?)",
                         re.IGNORECASE)


def header_multiplier(header: str) -> int | None:
    """How many of the currency one unit of the amounts is, when ``header`` names a unit (see
    :data:`_UNITS`): 10 000 for «商机金额（万元）», 1 000 for «Сумма (тыс. руб.)»; None otherwise."""
    text = header.lower()
    for pattern, factor in _UNITS:
        if pattern.search(text):
            return factor
    return None


def without_unit(header: str) -> str | None:
    """``header`` without the unit it names (``Сумма, тыс.руб`` -> ``Сумма,``), or None when it names none."""
    if header_multiplier(header) is None:
        return None
    bare = _UNIT_WORDS.sub("", header).strip(" ,;:-_")
    return bare if bare and bare != header else None
