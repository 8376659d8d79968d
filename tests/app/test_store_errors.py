"""Store trouble on a page is one translated line, never a traceback; a read-only server on an empty
folder writes nothing."""

from __future__ import annotations

import os

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.errors import FunnelError
from funnel.i18n import t
from funnel.store import writer_marker
from tests.app.conftest import APP
from ui import context
from ui.errors import error_text, message


def test_messages_for_store_errors():
    assert message(FunnelError("store.busy", path="/srv/data/funnel.duckdb"), "ru") == t("hardening.store_busy", "ru")
    assert message(FunnelError("store.no_dataset", dataset=3), "en") == t("hardening.dataset_gone", "en")
    assert message(duckdb.CatalogException("Table ds_3.deals does not exist"), "en") == t("hardening.dataset_gone")
    assert message(duckdb.IOException("disk"), "zh") == t("hardening.store_error", "zh")
    # the server's path is not shown to viewers
    assert "/srv/data" not in message(FunnelError("store.busy", path="/srv/data/funnel.duckdb"), "en")


def test_error_lines_quote_file_names_as_text():
    text = error_text(FunnelError("file.empty", file="![x](http://h/p.png).csv"), "en")
    assert "![x](" not in text and "\\!\\[x\\]\\(" in text


def test_an_error_with_a_translated_part_is_filled_on_the_page():
    # the refused row's reason is a message of its own (reason_key): the page showed the raw template
    error = FunnelError("import.no_valid_rows_example", file="bad.csv", rejected=2, row=2, column="CreatedDate",
                        value="31/31/2024", reason_key="quality.reject.bad_date")
    text = error_text(error, "zh")
    assert "{" not in text and "第 2 行" in text and t("quality.reject.bad_date", "zh") in text


def test_busy_store_is_a_translated_line_on_the_page(data_dir):
    store = context.get_store()
    marker = writer_marker(store.path, os.getppid())
    patience = store.busy_wait
    store.busy_wait = 0.3
    marker.touch()  # a live process waits to write
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = "ru"
        at.switch_page("pages/data.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert [e.value for e in at.error] == [t("hardening.store_busy", "ru")]
    finally:
        marker.unlink()
        store.busy_wait = patience
    at.run()
    assert not at.exception and not at.error and at.title[0].value == "Данные"


@pytest.fixture
def read_only_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FUNNEL_READ_ONLY", "1")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path / "data"
    st.cache_resource.clear()
    st.cache_data.clear()


def test_read_only_server_on_an_empty_folder_writes_no_samples(read_only_empty):
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("ui.data.read_only") in [i.value for i in at.info]
    assert not read_only_empty.exists()


def test_a_refused_refresh_on_the_page_names_the_pages_control_not_a_cli_option():
    """Survey 29: «…импортируйте файл как новый набор данных (без --into)…» on the Data page, where there is no
    --into: the page says its own «Куда загрузить»: «Новый набор данных» instead; the CLI keeps --into."""
    from funnel.errors import FunnelError
    from ui.errors import error_text

    for code in ("refresh.other_export", "refresh.no_stage_column"):
        error = FunnelError(code, file="bitrix.csv", dataset=5, name="amo", column="Этап сделки", n=4, total=6,
                            columns="Этап сделки, Бюджет")
        for lang, words in (("ru", "(«Куда загрузить»: «Новый набор данных»)"), ("en", "(«Import into»: «A new dataset»)")):
            text = error_text(error, lang)
            assert words in text and "--into" not in text, text
        assert "--into" in error.message("ru")
