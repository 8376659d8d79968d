"""Translation layer: every user-visible string goes through :func:`t`.

Catalogs are data files ``catalog/<area>.<lang>.json`` (flat ``key -> text`` maps, ``{name}``
placeholders); all areas of a language are merged. No process-global state: the language is
an argument, because one server serves many users at once.

Missing keys fall back to English, then to the key itself, so a screen never crashes on a
missing translation; ``tests/unit/test_i18n.py`` keeps the catalogs complete.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
CATALOG_DIR = Path(__file__).with_name("catalog")


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(CATALOG_DIR.glob(f"*.{lang}.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        dupes = merged.keys() & data.keys()
        if dupes:
            raise ValueError(f"{path.name} repeats keys of another area: {sorted(dupes)[:5]}")
        merged.update(data)
    return merged


def normalize_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in."""
    text = catalog(normalize_language(lang)).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


class Translator:
    """``tr = Translator("ru"); tr("kpi.deals")`` — a bound :func:`t` for one page run."""

    def __init__(self, lang: str | None):
        self.lang = normalize_language(lang)

    def __call__(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)
