"""The report's words in the report's language, chosen apart from the UI's.

A report language is any language with a ``report.<lang>.json`` catalog. Keys are looked up in that
language's catalogs first, then in English (so a report in a language the UI does not offer yet
still has every report word translated; words of other areas fall back to English until their
catalogs exist).
"""

from __future__ import annotations

import builtins
from functools import cache

from ..formats import fmt_int, fmt_num, fmt_pct
from ..i18n import CATALOG_DIR, DEFAULT_LANGUAGE, LANGUAGES, catalog, t


@cache
def report_languages() -> tuple[str, ...]:
    found = {p.name.split(".")[1] for p in CATALOG_DIR.glob("report.*.json")}
    return tuple(sorted(found, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang)))


class _Keep(dict):
    """Placeholders without a value stay as written (``{n}``) instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def word(key: str, lang: str, /, **params: object) -> str:
    """:func:`funnel.i18n.t`, also for a report language the UI does not offer (yet)."""
    if lang in LANGUAGES or key not in catalog(lang):
        return t(key, lang, **params)  # t falls back to English
    text = catalog(lang)[key]
    if not isinstance(text, str):  # a plural entry: t picks the form (in English for such a language)
        return t(key, lang, **params)
    return text.format_map(_Keep(params)) if params else text


def has_word(key: str, lang: str) -> bool:
    return key in catalog(lang) or key in catalog(DEFAULT_LANGUAGE)


class Words:
    """``w = Words("ru"); w("report.title")`` plus the number formats of that language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in report_languages() else DEFAULT_LANGUAGE

    def __call__(self, key: str, /, **params: object) -> str:
        return word(key, self.lang, **params)

    def reason(self, code: str, **params: object) -> str:
        """An engine reason code in words: the report's own text when it has one, else the app's."""
        key = f"report.{code}"
        return self(key, **params) if has_word(key, self.lang) else word(code, self.lang, **params)

    def int(self, value) -> str:
        return fmt_int(value, self.num_lang)

    def pct(self, value, digits: builtins.int = 1) -> str:
        return fmt_pct(value, self.num_lang, digits)

    def num(self, value, digits: builtins.int = 0) -> str:
        return fmt_num(value, self.num_lang, digits)

    @property
    def num_lang(self) -> str:
        return "ru" if self.lang == "ru" else "en"  # Chinese writes numbers as English does
