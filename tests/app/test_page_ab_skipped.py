"""The A/B page says a step visitors skipped and compares it on those who recorded it (the file and the numbers by
hand: tests/unit/test_ab_skipped_steps.py; A 120 of 300 recorded day 1, B 150 of 300; skipped A 60, B 30)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.cli import main as cli_main
from tests.app.conftest import APP
from tests.unit.test_ab_skipped_steps import _rows


def test_the_page_says_the_skipped_step_and_its_recorded_comparison(tmp_path, monkeypatch):
    path = tmp_path / "retention.csv"
    lines = ["userid,version,retention_1,retention_7", *_rows("A", 60, 60, 60, 120), *_rows("B", 30, 120, 30, 120)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path)]) == 0
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"ds": "1", "lang": "en", "ab_by": "variant", "ab_control": "A"})
    at.switch_page("pages/ab.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    def plain(text: str) -> str:  # the Markdown escapes of md_escape taken off
        return text.replace("\\", "")

    warnings = [plain(w.value) for w in at.warning]
    assert any(w.startswith("«retention_1» counts visitors who did not record it: 90 (A: 60, B: 30).")
               for w in warnings), warnings
    boxes = [plain(b.value) for b in (*at.success, *at.info, *at.warning)]
    assert any("«retention_1» as recorded" in b and "50.00%" in b and "40.00%" in b for b in boxes), boxes
    st.cache_data.clear()
    st.cache_resource.clear()
