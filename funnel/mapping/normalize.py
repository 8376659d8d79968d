"""Header normalisation: the text the matcher compares, and a stable key for remembered mappings.

Real exports spell the same header many ways: a UTF-8 BOM glued to the first header, trailing or
non-breaking spaces (``Бюджет ``), a Latin "C" inside a Cyrillic word (``Cтатус``), ``ё`` vs ``е``,
a currency suffix (``Бюджет, ₽``, ``Сумма (RUB)``), quotes around the whole header, full-width
punctuation after an Excel round trip, Traditional Chinese characters (a Taiwan or Hong Kong export's 商機名稱,
負責人, 贏單: read as 商机名称, 负责人, 赢单 through OpenCC's t2s table). :func:`normalize_header` folds all of these
away; what a user sees keeps the file's own spelling.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache

from ..readers.headers import clean_header

# Latin letters that look like Cyrillic ones, replaced inside words that also hold Cyrillic letters.
_LOOKALIKES = str.maketrans({
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р",
    "T": "Т", "X": "Х", "Y": "У", "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х",
    "y": "у", "k": "к", "m": "м", "t": "т",
})
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_QUOTES = "\"'“”„«»‘’`"
_CURRENCY_CODES = "rub|rur|usd|eur|cny|rmb|gbp|kzt|uah|byn|jpy"
_CURRENCY_SUFFIX = re.compile(
    r"(?:[\s,]*(?:₽|руб\.?|р\.|\$|€|£|¥|元)"
    rf"|[\s,]*\((?:₽|руб\.?|р\.|\$|€|£|¥|元|{_CURRENCY_CODES})\)"
    rf"|,\s*(?:{_CURRENCY_CODES}))$"
)


def _fix_homoglyphs(text: str) -> str:
    def fix(match: re.Match) -> str:
        word = match.group(0)
        if _CYRILLIC.search(word) and _LATIN.search(word):
            return word.translate(_LOOKALIKES)
        return word

    return _WORD.sub(fix, text)


def _no_symbols(text: str) -> str:
    """``text`` without emoji and other symbols (Unicode's So / Sk, the emoji variation selector and
    joiner; «№» stays, a header of its own): no-code tools' users decorate names, Notion's properties
    («📅 Created», «💰 Amount») and stages («✅ Won», «💰 Успешно реализовано»)."""
    if text.isascii():
        return text
    kept = "".join(" " if (unicodedata.category(c) in ("So", "Sk") and c != "№") or c in "\ufe0f\u200d" else c
                   for c in text)
    return " ".join(kept.split()) if kept != text else text


_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC  # opencc-python-reimplemented: OpenCC's tables, in Python

    return OpenCC("t2s")


@lru_cache(maxsize=16384)
def simplified(text: str) -> str:
    """``text`` with its Traditional Chinese characters in their Simplified forms (only text with Han
    characters is converted: OpenCC's t2s, the tables of its project)."""
    return _t2s().convert(text) if _HAN.search(text) else text


def normalize_header(h: str | None) -> str:
    """The comparable form of a header (see the module docstring for what is folded away)."""
    text = simplified(_fix_homoglyphs(_no_symbols(clean_header(h))))
    text = text.casefold().replace("ё", "е")
    for _ in range(2):  # quotes may wrap a currency suffix and the other way round
        if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
            text = text[1:-1].strip()
        stripped = _CURRENCY_SUFFIX.sub("", text).strip()
        text = stripped or text
    return text


# Tableau's name of a date shown at a day's precision: «Day of Created Date», «Exact Date of Close Date»
DATE_PART = re.compile(r"^(?:day|exact date) of (?=.)")
_API_SUFFIX = re.compile(r"__[csr]$", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-zа-я0-9])(?=[A-ZА-Я])|(?<=[A-ZА-Я])(?=[A-ZА-Я][a-zа-я])")
_TOKEN_SPLIT = re.compile(r"[\s_\-./:#()\[\]{},;|?!\"'`*]+")
# Entity words a CRM puts before a field name (``OpportunityStage``, ``Deal - Owner``, Zoho's old
# ``Potential Owner``, HubSpot's ``hs_`` properties): dropped when something is left after them.
# "property"/"properties": HubSpot's property namespace as warehouse syncs write it (Fivetran's
# property_dealname, Airbyte's and Stitch's properties_...)
ENTITY_WORDS: tuple[str, ...] = ("deal", "deals", "opportunity", "opp", "potential", "hs", "hubspot", "crm", "property", "properties",
                                   "сделка", "сделки", "商机")
# The entity word in the user's language: Pipedrive writes it before every field, «Negócio - Etapa» (pt),
# «Trato - Etapa» (es), «Affaire - Étape» (fr), as «Deal - Stage» in English (its German keeps «Deal - »);
# Salesforce's Japanese reports name the opportunity 商談 («商談 ID», «商談 所有者»). Evidence: the module
# docstring of tests/unit/test_crm_exports_locales.py
LOCAL_ENTITY_WORDS = ("negócio", "negocio", "trato", "affaire", "商談",
                      "交易")  # Pipedrive's Chinese «交易 - 阶段» (survey 22)
ENTITY_WORDS += LOCAL_ENTITY_WORDS
ENTITY_WORDS += tuple(simplified(w) for w in ENTITY_WORDS if simplified(w) != w)  # 商談 as header_tokens writes it
# A Pipedrive export's localized entity prefix, read as the English one where a layout's headers are
# compared (presets list «deal - id», «deal - status»): «negócio - id» is «deal - id»
_LOCAL_PREFIX = re.compile(r"^(?:negócio|negocio|trato|affaire|obchod|сделка|交易)\s*-\s*")


def header_tokens(h: str | None) -> str:
    """The header as space-separated lower-case words: camelCase, snake_case and punctuation split
    (``OpportunityStage`` -> ``opportunity stage``, ``hs_is_closed_won`` -> ``hs is closed won``), less
    an API suffix (Salesforce's custom ``Lost_Reason__c``, Zoho's system ``Reason_For_Loss__s``)."""
    text = _API_SUFFIX.sub("", simplified(_fix_homoglyphs(clean_header(h))))
    text = _CAMEL.sub(" ", text)
    text = _TOKEN_SPLIT.sub(" ", text.casefold().replace("ё", "е")).strip()
    return text


def without_entity(tokens: str) -> str:
    """``tokens`` without leading entity words (``opportunity stage`` -> ``stage``), glued ones
    too (``dealstage`` -> ``stage``); unchanged when nothing would be left."""
    words = tokens.split()
    while len(words) > 1 and words[0] in ENTITY_WORDS:
        words = words[1:]
    if len(words) == 1:
        for prefix in ENTITY_WORDS:
            if words[0].startswith(prefix) and len(words[0]) > len(prefix) + 1:
                return words[0][len(prefix):]
    return " ".join(words)


def canonical_entity(norm: str) -> str:
    """A normalised header with a localized Pipedrive entity prefix written as the English one
    (``negócio - etapa`` -> ``deal - etapa``, Czech ``obchod - fáze`` -> ``deal - fáze``); others unchanged."""
    return _LOCAL_PREFIX.sub("deal - ", norm, count=1)


def trim_trailing_empty(headers: list[str]) -> list[str]:
    """Drop empty headers at the end (Bitrix24 ends every line with ``;``: one unnamed last column)."""
    out = list(headers)
    while out and not clean_header(out[-1]):
        out.pop()
    return out


def header_key(headers: list[str]) -> str:
    """A stable hash of the normalised header list, for remembering a user's mapping of a file layout."""
    norm = [normalize_header(h) for h in trim_trailing_empty(list(headers))]
    payload = json.dumps(norm, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
