"""Every area has every language with the same keys; placeholders and plural categories agree;
the engine's codes all have texts.

The checks are generic over the catalog files: an area added by anyone (``audit.en.json``, ...)
must come with a file per language of ``LANGUAGES`` holding exactly its keys."""

import json
import re
import string

import pytest

from funnel.i18n import CATALOG_DIR, LANGUAGES, LOCALES, Translator, catalog, plural_categories, t


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _forms(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def _areas() -> list[str]:
    return sorted({p.name.split(".")[0] for p in CATALOG_DIR.glob("*.json")})


def _area(area: str, lang: str) -> dict:
    path = CATALOG_DIR / f"{area}.{lang}.json"
    assert path.exists(), f"{path.name} is missing: every area needs a file per language"
    return json.loads(path.read_text(encoding="utf-8"))


def test_languages_have_locales():
    assert set(LANGUAGES) == set(LOCALES) >= {"en", "ru", "zh"}
    assert LOCALES["zh"] == "zh_Hans_CN" and LANGUAGES["zh"] == "中文"


@pytest.mark.parametrize("area", _areas())
def test_every_area_has_every_language_with_the_same_keys(area):
    en = _area(area, "en")
    for lang in LANGUAGES:
        keys = _area(area, lang).keys()
        assert not en.keys() - keys, f"{area}.{lang} lacks {sorted(en.keys() - keys)[:10]}"
        assert not keys - en.keys(), f"{area}.{lang} has keys English lacks: {sorted(keys - en.keys())[:10]}"


def test_no_catalog_file_of_an_unknown_language():
    langs = {p.name.split(".")[1] for p in CATALOG_DIR.glob("*.json")}
    assert langs <= set(LANGUAGES), langs - set(LANGUAGES)


def test_placeholders_match_across_languages():
    en = catalog("en")
    for lang in LANGUAGES:
        for key, entry in catalog(lang).items():
            expected = _fields(_forms(en[key])[-1])
            for text in _forms(entry):
                assert _fields(text) == expected, (lang, key, text)


def test_plural_entries_have_their_languages_categories():
    """A count entry is plural in every language or in none, with exactly the CLDR categories of
    each language: en one/other, ru one/few/many/other, zh other."""
    assert plural_categories("en") == {"one", "other"}
    assert plural_categories("ru") == {"one", "few", "many", "other"}
    assert plural_categories("zh") == {"other"}
    en = catalog("en")
    plural = [k for k, v in en.items() if isinstance(v, dict)]
    assert len(plural) >= 15
    for lang in LANGUAGES:
        for key, entry in catalog(lang).items():
            if isinstance(en[key], dict):
                assert isinstance(entry, dict) and set(entry) == plural_categories(lang), (lang, key)
                assert all("{n}" in form for form in entry.values()), (lang, key)
            else:
                assert isinstance(entry, str), (lang, key)


def _untranslated(lang: str) -> list[str]:
    en, other = catalog("en"), catalog(lang)
    return [k for k in en if _forms(en[k]) == _forms(other[k])
            and re.search(r"[a-z]{4,}", _forms(en[k])[-1]) and len(_forms(en[k])[-1]) > 12]


def test_russian_texts_are_translated():
    # a Russian text identical to the English one is a forgotten translation (short codes excepted)
    same = _untranslated("ru")
    assert len(same) <= len(catalog("en")) // 50, same[:20]


def test_chinese_texts_are_translated():
    same = _untranslated("zh")
    assert len(same) <= len(catalog("en")) // 50, same[:20]
    # a sentence without a single Chinese character is English left behind
    def words(form: str) -> str:  # placeholders are filled with data, not text to translate
        return re.sub(r"\{[^}]*\}", "", form)

    latin = [k for k, v in catalog("zh").items()
             if len(words(_forms(v)[-1])) > 25 and not re.search(r"[\u4e00-\u9fff]", _forms(v)[-1])]
    assert not latin, latin[:20]


def test_lookup_falls_back_and_formats():
    assert t("cli.imported", "ru", id=3, name="x") == "Импортирован набор данных 3: x"
    assert t("no.such.key", "ru") == "no.such.key"
    assert Translator("xx").lang == "en"


def test_quality_codes_written_by_importer_have_texts():
    from pathlib import Path

    src = "\n".join(p.read_text() for p in Path("funnel/importer").glob("*.py"))
    codes = {c for c in re.findall(r'"((?:reject|deals|status|stages|history|date|amount|currency|counts)\.[a-z_]+)"', src) if not c.endswith(".csv")}
    assert codes, "no codes found"
    for code in codes:
        assert f"quality.{code}" in catalog("en"), code
