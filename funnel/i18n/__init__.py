"""Translation layer: every user-visible string goes through :func:`t` (or :func:`tn` for counts).

Catalogs are data files ``catalog/<area>.<lang>.json``; all areas of a language are merged. No
process-global state: the language is an argument, because one server serves many users at once.

Texts
    A value is a string with ``{name}`` placeholders (``str.format``). A ``datetime.date`` or
    ``datetime``  passed as a parameter is written in the language's date format (05.03.2024 in
    Russian, Mar 5, 2024 in English, 2024年3月5日 in Chinese), never ISO; numbers are formatted by
    the caller with :mod:`funnel.formats` (an id or a row number must not get a group separator).

Counts: plural forms
    A sentence with a count followed by a noun ("5 deals") needs the noun's plural form, and the
    forms differ by language: English has *one* / *other*, Russian *one* / *few* / *many* / *other*
    (1 сделка, 2 сделки, 5 сделок, 21 сделка, 1,5 сделки), Chinese only *other* (5 笔交易). Such an
    entry is an object keyed by the CLDR plural categories of its language::

        "metrics.label.deals_n": {"one": "{n} deal", "other": "{n} deals"}                    (en)
        "metrics.label.deals_n": {"one": "{n} сделка", "few": "{n} сделки",
                                  "many": "{n} сделок", "other": "{n} сделки"}                (ru)
        "metrics.label.deals_n": {"other": "{n} 笔交易"}                                         (zh)

    and is looked up with ``tn(key, n, lang, **params)``, ``Translator.plural(key, n, ...)`` or
    plainly ``t(key, lang, n=n)`` (the count of a plural entry is always the parameter ``n``, passed
    as a number, not pre-formatted, so engine codes with an ``n`` work unchanged):
    Babel's CLDR rules pick the category for ``n``, ``{n}`` is filled with ``n`` written with the
    language's group separator (``1 172``). Put the whole sentence in the entry (verbs agree too:
    "осталась" / "остались") and keep one count per sentence; other numbers go in as labels
    ("проиграно: {lost}"). ``tests/unit/test_i18n.py`` checks that every plural entry has exactly
    its language's categories (``plural_categories(lang)``).

Languages
    :data:`LANGUAGES` lists the UI languages and :data:`LOCALES` their Babel locales. To add one,
    add both entries and a ``<area>.<lang>.json`` file for every area (README, "Languages").

Missing keys fall back to English, then to the key itself, so a screen never crashes on a
missing translation; ``tests/unit/test_i18n.py`` keeps the catalogs complete.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from numbers import Real
from pathlib import Path
from string import Formatter
from typing import cast

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский", "zh": "中文"}
LOCALES: dict[str, str] = {"en": "en_US", "ru": "ru_RU", "zh": "zh_Hans_CN"}
# Babel's date length per language: Russian writes 05.03.2024 ("short"), English "Mar 5, 2024" and
# Chinese "2024年3月5日" ("medium"); English "short" (3/5/24) would be ambiguous to half the world.
DATE_STYLES: dict[str, str] = {"ru": "short"}
DEFAULT_LANGUAGE = "en"
CATALOG_DIR = Path(__file__).with_name("catalog")

Entry = str | dict[str, str]


@cache
def catalog(lang: str) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for path in sorted(CATALOG_DIR.glob(f"*.{lang}.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        dupes = merged.keys() & data.keys()
        if dupes:
            raise ValueError(f"{path.name} repeats keys of another area: {sorted(dupes)[:5]}")
        merged.update(data)
    return merged


def normalize_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def env_language() -> str:
    """The command line's language: ``FUNNEL_LANG`` (en, ru, zh), English when unset or unknown."""
    return normalize_language(os.environ.get("FUNNEL_LANG", "").strip().lower() or None)


@cache
def locale(lang: str | None) -> Locale:
    """The Babel locale of a UI language (``"ru"`` -> ``ru_RU``)."""
    return Locale.parse(LOCALES[normalize_language(lang)])


def plural_categories(lang: str) -> frozenset[str]:
    """The CLDR plural categories a plural entry of ``lang`` must have (always with ``other``)."""
    return frozenset(locale(lang).plural_form.tags | {"other"})


def plural_category(n: float, lang: str) -> str:
    """``one`` / ``few`` / ``many`` / ``other``... for the count ``n`` by the CLDR rules of ``lang``."""
    return locale(lang).plural_form(abs(n))


def date_text(value: date | datetime, lang: str) -> str:
    """A date (or a date and time) as the language writes it: 05.03.2024 / Mar 5, 2024 / 2024年3月5日."""
    style = DATE_STYLES.get(normalize_language(lang), "medium")
    text = format_date(value, style, locale=locale(lang))
    return f"{text} {value:%H:%M}" if isinstance(value, datetime) else text


# the quotation marks a language puts around a name: «…» in Russian, “…” in English and Chinese
QUOTES = {"zh": ("“", "”")}  # English messages quote «…» as Russian ones do (their templates too)


def in_quotes(text: str, lang: str) -> str:
    """``text`` with the language's quotation marks: names built into a message before its language is known
    are quoted «…» (the stored findings' stage lists); a Chinese reader sees “…” (survey 33: «», 「」 and “” mixed
    on one Chinese screen)."""
    opening, closing = QUOTES.get(normalize_language(lang), ("«", "»"))
    return text if opening == "«" else text.replace("«", opening).replace("»", closing)


# a sentence ending in Chinese punctuation is followed by the next one without a space («…一致）。点击数字…»)
_ZH_SENTENCE_END = tuple("。！？；：）”")


def sentences(lang: str, *parts: str | None) -> str:
    """Sentences of one caption joined as the language writes them: a space between them, none after a Chinese
    full stop (session 49: «与“漏斗”页一致）。 点击数字可列出…» had a space after «。»). Empty parts are left out."""
    out = ""
    for part in (p for p in parts if p):
        if out:
            out += "" if normalize_language(lang) == "zh" and out.endswith(_ZH_SENTENCE_END) else " "
        out += part
    return out


def names_in_quotes(names: Iterable[str], lang: str) -> str:
    """Names (stages, sources, columns) each in the language's quotation marks, comma-separated: «A», «B»."""
    return ", ".join(in_quotes(f"«{name}»", lang) for name in names)


def _entry(key: str, lang: str) -> Entry:
    return catalog(normalize_language(lang)).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key


def _fill(text: str, lang: str, params: dict[str, object]) -> str:
    if not params:
        return text
    params = {k: date_text(v, lang) if isinstance(v, date) else v for k, v in params.items()}
    text = _one_stop(text, params)
    try:
        return _fill_zh(text, params) if lang == "zh" else text.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return text


def _one_stop(text: str, params: dict[str, object]) -> str:
    """A value ending in an abbreviation's period («400 тыс.», «апр. 2026 г.», «Иванов И.И.») at the end of the
    template's sentence takes no second one: «Уже выиграно в этом месяце: 400 тыс.» (was «400 тыс..»)."""
    for name, value in params.items():
        if isinstance(value, str) and value.endswith(".") and "{" + name + "}." in text:
            text = text.replace("{" + name + "}.", "{" + name + "}")
    return text


# a Chinese date as Babel writes it (2026年12月1日, a month 2026年12月): it ends in a Chinese character
_ZH_DATE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?")
_ZH_CHAR = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”]")


def _fill_zh(text: str, params: dict[str, object]) -> str:
    """``text.format(**params)``, less the template's space between a filled-in date and the Chinese word after
    it: «2026年12月1日的管道», «2026年12月预期赢单» (were «2026年12月1日 的管道», «完成 2026年12月 计划的概率»:
    a space between two Chinese characters). The space before a date's digits stays, as before any number
    («从 2026年8月3日才开始»); a name's own spaces are never touched (only the template's are)."""
    out: list[str] = []
    after_date = False
    for literal, field, spec, conversion in Formatter().parse(text):
        if after_date and literal[:1] == " " and _ZH_CHAR.match(literal[1:2]):
            literal = literal[1:]
        out.append(literal)
        after_date = False
        if field is None:
            continue
        value = ("{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                 ).format(**params)
        out.append(value)
        after_date = _ZH_DATE.fullmatch(value) is not None
    return "".join(out)


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in. For a plural entry the count is
    the parameter ``n`` (see :func:`tn`); without a numeric ``n`` the ``other`` form is used."""
    lang = normalize_language(lang)
    entry = _entry(key, lang)
    if isinstance(entry, dict):
        n = params.get("n")
        counted = isinstance(n, Real) and not isinstance(n, bool) and n == n  # numpy counts too; NaN not
        form = plural_category(cast(float, n), lang) if counted else "other"
        if counted:
            params = {**params, "n": format_decimal(cast(float, n), locale=locale(lang))}
        elif n is None or (isinstance(n, Real) and n != n):
            params = {**params, "n": "—"}
        entry = entry.get(form) or entry.get("other", key)
    return _fill(entry, lang, params)


def tn(key: str, n: float | None, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The form of the plural entry ``key`` that agrees with the count ``n``; ``{n}`` is ``n``
    written in the language's number format (``None`` is "—")."""
    return t(key, lang, **params, n=n)


class Translator:
    """``tr = Translator("ru"); tr("kpi.deals")`` — a bound :func:`t` for one page run;
    ``tr.plural("metrics.label.deals_n", 21)`` -> "21 сделка"."""

    def __init__(self, lang: str | None):
        self.lang = normalize_language(lang)

    def __call__(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)

    def plural(self, key: str, n: float | None, /, **params: object) -> str:
        return tn(key, n, self.lang, **params)
