"""Data page under AppTest: the quality report of a sample, rename, read-only mode.

Expected values come from sample_data/README.md (planted cases) and the CSV files."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_page


def page(**params) -> AppTest:
    return open_page("pages/data.py", **params)


def test_quality_report_of_the_b2b_sample(data_dir):
    at = page(lang="en", ds="1")
    metrics = {m.label: m.value for m in at.metric}
    # b2b_services_deals.csv: 4,002 data rows, 2 of them repeat an id -> 4,000 deals
    assert metrics["Rows read"] == "4,002" and metrics["Deals"] == "4,000" and metrics["Rows rejected"] == "0"
    summary = at.dataframe[0].value
    found = dict(zip(summary["Finding"], summary["Rows"], strict=True))
    # the counts as the reader's number format writes them («—» where a note counts no rows)
    assert found["Backward moves in the stage history (counted, not dropped)"] == "3"
    assert found["Stages skipped in the stage history (counted, not dropped)"] == "5"
    assert found["Duplicate deal id: the first row was kept"] == "2"
    assert "Download the report (CSV)" in [b.label for b in at.download_button]


def test_russian_and_rename(data_dir):
    at = page(lang="ru", ds="2")
    assert at.title[0].value == "Данные"
    box = next(t for t in at.text_input if t.key == "rename_2")
    box.set_value("Веб-воронка").run()
    next(b for b in at.button if b.key == "rename_btn_2").click().run()
    from funnel.store import Store

    assert Store(data_dir / "funnel.duckdb").info(2).name == "Веб-воронка"


def test_read_only_mode_hides_writes(data_dir, monkeypatch):
    monkeypatch.setenv("FUNNEL_READ_ONLY", "1")
    at = page(lang="en", ds="1")
    texts = " ".join(i.value for i in at.info)
    assert "read-only" in texts
    assert "FUNNEL_READ_ONLY" not in texts  # viewers are not told how the server is configured
    assert not [b for b in at.button if (b.key or "").startswith(("rename_btn", "del_btn", "confirm_import"))]
