"""A column of the Managers (and Segments) table that is «—» for every row says why beside the table, as the Overview's
tile does (h2's finding on Maven's pipeline: «Цикл сделки, медиана (дней)» empty for all 30 managers, nothing said).

The file has no creation date column, so no won deal has a cycle: by DOMAIN.md the cycle is closed − created. The reason
is the Overview's (and the report's, session 49) for the same dataset: velocity.reason.no_created."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.cli import main as cli_main
from funnel.i18n import t
from tests.app.conftest import APP

FILE = ("id,stage,manager,closed,amount\n"
        "1,Won,Анна,2024-01-05,100\n2,Lost,Анна,2024-01-06,200\n3,Won,Борис,2024-02-05,300\n"
        "4,Lost,Борис,2024-02-06,400\n5,Lead,Анна,,500\n")


def test_managers_table_says_why_the_cycle_is_empty(tmp_path, monkeypatch):
    path = tmp_path / "deals.csv"
    path.write_text(FILE, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--stages", "Lead,Won"]) == 0
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ds"], at.query_params["lang"] = "1", "ru"
    at.switch_page("pages/managers.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    expected = f"{t('metrics.kpi.median_cycle_days', 'ru')}: {t('velocity.reason.no_created', 'ru')}"
    assert expected in [c.value for c in at.caption]
    # the columns every manager has a value in say nothing
    assert not any(c.value.startswith(t("metrics.kpi.revenue", "ru") + ":") for c in at.caption)
    st.cache_data.clear()
    st.cache_resource.clear()
