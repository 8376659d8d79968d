"""A table of stage counts stores no deals and no events: the Data page and ``datasets`` said «Deals 0» and
«Stage events 0» beside a funnel of 1,000 visits (the bundled «Web funnel (counts by source)» too). They now
say what is stored: the rows read, and that the funnel is read from the numbers. An event log's line counts
visitors, not deals. By hand: the file below has 3 data rows; the event log 2 visitors (u1, u2)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.cli import main as cli_main
from tests.app.conftest import APP

COUNTS = "stage,count\nVisits,1000\nLeads,120\nSales,9\n"
EVENTS = ("user_id,event,timestamp\nu1,visit,2024-01-01 10:00\nu1,signup,2024-01-01 10:05\n"
          "u2,visit,2024-01-02 11:00\n")


def _import(tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path)]) == 0


def _page(tmp_path, monkeypatch, text: str, page: str, lang: str) -> AppTest:
    """``page`` run on the one dataset imported from ``text``."""
    _import(tmp_path, "funnel_counts.csv", text)
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path / "store"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ds"], at.query_params["lang"] = "1", lang
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_cli_lists_a_counts_table_by_its_rows_and_an_event_log_by_its_visitors(tmp_path, capsys, monkeypatch):
    _import(tmp_path, "funnel_counts.csv", COUNTS)
    said = capsys.readouterr().out
    assert "  rows read: 3\n" in said and "  deals: " not in said and "  stage events: " not in said
    _import(tmp_path, "events.csv", EVENTS)
    said = capsys.readouterr().out  # 2 visitors (u1, u2), 3 step entries (u1 visit and signup, u2 visit)
    assert "  visitors: 2\n  step entries: 3\n" in said and "  deals: " not in said
    assert cli_main(["--data-dir", str(tmp_path / "store"), "datasets"]) == 0
    out = capsys.readouterr().out
    assert "(funnel_counts.csv; stage counts: 3 rows;" in out and "deals: 0" not in out
    assert "(events.csv; visitors: 2;" in out
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "datasets"]) == 0
    out = capsys.readouterr().out
    assert "численность по этапам: строк 3" in out and "посетителей: 2" in out


def test_the_data_page_shows_no_deal_tiles_for_a_counts_table(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch, COUNTS, "pages/data.py", "ru")
    labels = {m.label: m.value for m in at.metric}
    assert labels.get("Прочитано строк") == "3"
    assert "Сделки" not in labels and "События этапов" not in labels
    assert any(c.value.startswith("Таблица численности по этапам: воронка строится по её числам.") for c in at.caption)


BY_SOURCE = ("stage,count,source\nVisits,1000,ads\nLeads,120,ads\nSales,9,ads\n"
             "Visits,500,seo\nLeads,100,seo\nSales,20,seo\n")


def test_the_funnel_overlay_opens_on_two_segments_when_counts_have_no_dates(tmp_path, monkeypatch):
    """Counts by source have no dates, so no previous period: the overlay opened on «this and the previous
    period» saying «no dates: no cohorts». It opens on two segments: ads 1000 → 120 → 9 against seo
    500 → 100 → 20 (the file's numbers)."""
    at = _page(tmp_path, monkeypatch, BY_SOURCE, "pages/funnel.py", "en")
    assert at.session_state["fn_overlay"] == "segment"
    picked = {s.label: s.value for s in at.selectbox}
    assert (picked["Segment A"], picked["Segment B"]) == ("ads", "seo")
    # the cohorts below still say why there are none, in words that fit
    assert any("no periods, cohorts or comparison with a previous period" in i.value for i in at.info)


def test_the_data_page_counts_a_visitor_files_visitors_and_step_entries(tmp_path, monkeypatch):
    """An event log's tiles read «Deals 2 · Stage events 3» beside its 2 visitors: now visitors (u1, u2) and
    step entries (u1's visit and signup, u2's visit)."""
    at = _page(tmp_path, monkeypatch, EVENTS, "pages/data.py", "en")
    labels = {m.label: m.value for m in at.metric}
    assert (labels.get("Visitors"), labels.get("Step entries")) == ("2", "3")
    assert "Deals" not in labels and "Stage events" not in labels



def test_the_overview_of_a_counts_table_shows_its_goal_not_four_dashes(tmp_path, monkeypatch):
    """Visits 1,000 → Leads 120 → Sales 9: at the first step 1 000, reached the goal («Sales») 9, goal conversion
    9 / 1,000 = 0,9 %. Before: «Доля выигранных —», «Выручка —», «Средний чек —», «Цикл —» (an ad report's
    counts had the goal tiles, a CRM report's counts not)."""
    at = _page(tmp_path, monkeypatch, COUNTS, "pages/overview.py", "ru")
    labels = {m.label: m.value for m in at.metric}
    assert labels["На первом шаге"] == "1\xa0000" and labels["Дошли до цели"] == "9"
    assert labels["Конверсия в цель"] == "0,9\xa0%"
    assert "Доля выигранных" not in labels and "Выручка" not in labels
