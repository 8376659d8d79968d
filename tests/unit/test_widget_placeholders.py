"""Every multiselect says its empty state through the translation layer: Streamlit's own placeholder
("Choose options") is English whatever the reader's language (seen in RU on the Data page)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _calls(name: str):
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                yield path.relative_to(ROOT), node


def test_every_multiselect_has_a_translated_placeholder():
    found = list(_calls("multiselect"))
    assert len(found) >= 5  # the filters, the Diagnostics codes, the won/lost pickers, the extra columns
    missing = [f"{path}:{node.lineno}" for path, node in found
               if not any(k.arg == "placeholder" for k in node.keywords)]
    assert missing == []


def test_no_multiselect_offers_streamlits_english_select_all():
    """Survey 29: the won/lost pickers offered «Select all» in the Chinese and Russian UI (Streamlit writes it in
    English, with no way to translate it). Every multiselect of the app passes ``select_all=False``."""
    calls = [(f"{path}:{node.lineno}", any(k.arg == "select_all" and isinstance(k.value, ast.Constant)
                                           and k.value.value is False for k in node.keywords))
             for path, node in _calls("multiselect")]
    assert len(calls) >= 5
    assert [where for where, off in calls if not off] == []
