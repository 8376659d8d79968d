"""Money on screen carries its currency: ``with_currency("79.8M", "USD", "en") == "$79.8M"``.

The currency is the dataset's one currency (``Capabilities.currencies``); a file without a
currency column gets none (no symbol is guessed). With several currencies the engine shows no
total at all (``metrics.reason.mixed_currencies``).
"""

from __future__ import annotations

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "RUB": "₽", "RUR": "₽", "CNY": "¥", "RMB": "¥", "JPY": "¥",
           "KZT": "₸", "UAH": "₴", "INR": "₹", "BYN": "Br", "TRY": "₺", "BRL": "R$"}
_PREFIXED = {"$", "€", "£", "¥", "₹", "R$"}  # written before the number in English and Chinese
# Signs and words that name one currency, read in a file's amounts or amount header (a sign to
# guess a currency from: "$" and "¥" are shared by several currencies, so they are not here;
# "р" counts only with its dot)
# (in this order: a cell is its first match's, so «бел. руб.» is the Belarusian rouble before «руб» the Russian)
ONE_CURRENCY_SIGNS = {"BYN": ("бел. руб", "бел.руб", "бел руб"), "GBP": ("£",), "EUR": ("€",),
                      "RUB": ("₽", "руб", "р."), "KZT": ("₸", "тг", "тенге"), "UAH": ("₴", "грн"),
                      "UZS": ("сум", "сўм"), "KGS": ("сом",), "INR": ("₹",), "BRL": ("r$",),
                      "CNY": ("人民币",)}  # lower case (R$ is read as r$)
# ISO codes written before or after an amount («USD 1,200.00», «1 200 CHF»): stripped from the number
# (readers/values.py), and the cell's currency (importer/amount_currency.py)
AMOUNT_CODES = ("USD", "EUR", "RUB", "BRL", "GBP", "CNY", "JPY", "KZT", "UAH", "UZS", "KGS", "BYN", "INR", "CHF",
                "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK")


# A currency column that names its currency in words (Bitrix24's web export: «Российский рубль»): the code.
CURRENCY_NAMES = {
    "российский рубль": "RUB", "рубль": "RUB", "рубли": "RUB", "руб.": "RUB", "руб": "RUB", "russian ruble": "RUB",
    "russian rouble": "RUB", "доллар сша": "USD", "доллар": "USD", "us dollar": "USD", "u.s. dollar": "USD",
    "dollar": "USD", "евро": "EUR", "euro": "EUR", "украинская гривна": "UAH", "гривна": "UAH",
    "казахстанский тенге": "KZT", "тенге": "KZT", "белорусский рубль": "BYN", "британский фунт": "GBP",
    "pound sterling": "GBP", "british pound": "GBP", "китайский юань": "CNY", "юань": "CNY", "人民币": "CNY",
    "元": "CNY", "美元": "USD", "欧元": "EUR", "卢布": "RUB", "英镑": "GBP",
    "узбекский сум": "UZS", "сум": "UZS", "киргизский сом": "KGS", "кыргызский сом": "KGS", "сом": "KGS",
    "гривня": "UAH", "українська гривня": "UAH",
}


def currency_of(currencies: tuple[str, ...] | list[str]) -> str | None:
    """The one currency of a dataset, or None (none recorded, or several)."""
    return currencies[0] if len(currencies) == 1 else None


def has_symbol(currency: str | None) -> bool:
    """Whether the currency has a short symbol ($, ₽, ...); otherwise its code (NOK, CHF) is written,
    which a narrow KPI tile cannot fit beside the number: the page names it in the tile's label."""
    return currency is not None and currency.strip().upper() in SYMBOLS


def with_currency(text: str, currency: str | None, lang: str = "en") -> str:
    """``text`` (a formatted amount) with the currency's symbol where the language puts it."""
    if not currency or text in ("—", ""):
        return text
    symbol = SYMBOLS.get(currency.strip().upper(), currency.strip())
    if symbol in _PREFIXED and lang != "ru":
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
    return f"{text}\u00a0{symbol}"


def mixed_currencies(currencies: tuple[str, ...] | list[str], filters: dict[str, list] | None) -> tuple[str, ...]:
    """The currencies a sum of amounts would add up, when more than one: the dataset's (``currencies``), or
    those the spec's currency filter keeps. () when the amounts can be summed. The Overview leaves its
    money out so (``metrics.reason.mixed_currencies``); velocity, pipeline and forecast added 150,000 RUB
    and 1,500.50 USD into an «average deal 75,750.25» (survey 35)."""
    kept = (filters or {}).get("currency")
    found = tuple(c for c in currencies if kept is None or c in kept)
    return found if len(found) > 1 else ()
