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
