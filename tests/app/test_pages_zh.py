"""Every page run in Chinese shows no English catalog text (and in Russian no mis-pluralised count).

All strings of every element on screen (labels, options, help, captions, chart texts) are collected
from the page's protobufs; no piece of an English catalog text (a run of at least 12 characters with
a word, between placeholders) may be among them. Stage names and other user data are not catalog
text, so they do not count."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from funnel.i18n import catalog
from tests.app.conftest import open_page

PAGES = [("pages/overview.py", "1"), ("pages/funnel.py", "1"), ("pages/ab.py", "2"), ("pages/data.py", "1"),
         ("pages/overview.py", "4"), ("pages/admin.py", "1")]


def _english_fragments() -> set[str]:
    out = set()
    for entry in catalog("en").values():
        for text in entry.values() if isinstance(entry, dict) else [entry]:
            for piece in re.split(r"\{[^}]*\}|\*\*", text):
                piece = piece.strip(" .,:;()“”«»—–-")
                if len(piece) >= 12 and re.search(r"[a-z]{4,}", piece):
                    out.add(piece)
    return out


def _strings(message, out: list[str]) -> None:
    for _field, value in message.ListFields():
        values = value if isinstance(value, Sequence) and not isinstance(value, str | bytes) else [value]
        for v in values:
            if isinstance(v, str):
                out.append(v)
            elif hasattr(v, "ListFields"):
                _strings(v, out)


def screen_text(at) -> str:
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings(proto, out)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


@pytest.mark.parametrize(("path", "ds"), PAGES)
def test_chinese_page_has_no_english_catalog_text(data_dir, path, ds):
    text = screen_text(open_page(path, lang="zh", ds=ds))
    assert re.search(r"[\u4e00-\u9fff]", text)
    leaked = sorted(f for f in _english_fragments() if f in text)
    assert not leaked, leaked[:10]


def test_russian_overview_counts_agree_with_their_nouns(data_dir):
    text = screen_text(open_page("pages/overview.py", lang="ru", ds="1"))
    # "<n> сделок" is right only when n ends in 0, 5-9 or 11-14; never "1 сделок", "2 сделок", "21 сделок"
    for number, noun in re.findall(r"(\d[\d\u00a0 ]*)\s+(сделк[аи]|сделок)\b", text):
        n = int(re.sub(r"\D", "", number))
        want = "сделка" if n % 10 == 1 and n % 100 != 11 else \
            "сделки" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "сделок"
        assert noun == want, (number, noun)
