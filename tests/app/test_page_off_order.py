"""A status the funnel order leaves out (ПланФикс's «Отложенная», tests/unit/test_pipeline_off_order.py) on the pages:
the Overview's finding and first drop-off say how many open deals are at it, with a button to list them; the Pipeline
page draws it as a bar of its own, named, and says why. By hand (the file's nine tasks): 3 open deals at «Отложенная»;
the first step lost 1 and kept 4 open, 3 of them put off; on the latest date (Mar 25) 6 deals are open."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.cli import main as cli_main
from tests.app.conftest import APP
from tests.unit.test_pipeline_off_order import PLANFIX


def _store(tmp_path, monkeypatch):
    path = tmp_path / "Задачи.csv"
    path.write_text(PLANFIX, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path)]) == 0
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(path: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ds"], at.query_params["lang"] = "1", lang
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_and_pipeline_name_the_put_off_deals(tmp_path, monkeypatch):
    _store(tmp_path, monkeypatch)
    at = _page("pages/overview.py", "ru")
    infos = [i.value for i in at.info]
    assert any(v.startswith("3 открытые сделки в статусе «Отложенная», которого нет в порядке воронки") for v in infos)
    assert any(b.label == "Сделки →" and b.key.startswith("ov_note_") for b in at.button)
    assert any("Из оставшихся открытыми 3 — в статусе «Отложенная»" in m.value for m in at.markdown)
    at = _page("pages/pipeline.py", "en")
    assert {m.label: m.value for m in at.metric}["Open deals"] == "6"
    captions = " ".join(c.value for c in at.caption)
    assert "«Отложенная»: open deals at a status the funnel order leaves out" in captions
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_waterfall_names_its_bars_as_movements(tmp_path, monkeypatch):
    """Russian: the bars «Начало, Новые, Выиграны, Проиграны, Конец» (the won bar was «Выигранные сделки», the chart
    words of the cycle chart's won-deal counts, beside «Проиграны»)."""
    import json

    _store(tmp_path, monkeypatch)
    at = _page("pages/pipeline.py", "ru")
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    waterfall = next(f for f in figures if f["data"] and f["data"][0]["type"] == "waterfall")
    assert waterfall["data"][0]["x"] == ["Начало", "Новые", "Выиграны", "Проиграны", "Конец"]
    st.cache_data.clear()
    st.cache_resource.clear()
