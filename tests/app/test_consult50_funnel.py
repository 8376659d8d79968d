"""Session 50: the Funnel page's close rate on a client's amoCRM export says its lost deals carry no stage."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.importer import import_file
from funnel.store import Store
from tests.app.conftest import APP
from tests.consult50_export import write_export


def test_close_rate_says_lost_deals_without_a_stage(tmp_path, monkeypatch):
    """The export's 36 lost deals carry no stage and count at «Первичный контакт». The close rate's default stage is
    «Принимают решение» (shown as picked): 20 won of the 28 deals that reached it (20 won + 4 open there + 4 open at
    «Согласование договора») = 71,4 %; none of the 36 lost is among the 28, so the page says the rate may read too
    high (it said nothing under the tile)."""
    path = write_export(tmp_path / "amo_leads.csv")
    import_file(Store(tmp_path / "funnel.duckdb"), path, path.name)
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["ds"], at.query_params["lang"] = "1", "ru"
        at.switch_page("pages/funnel.py")
        at.run()
        assert not at.exception
        close = next(m for m in at.metric if m.label == "Доля закрытия")
        assert close.value.replace("\xa0", " ") == "71,4 %"
        captions = [c.value for c in at.caption]
        assert ("Проигранные сделки без записанного этапа (36) учтены только на первом этапе: доля закрытия может быть "
                "завышена, доля SQL от MQL тоже может быть неточной.") in captions
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
