"""The Velocity page says a p90 as the Overview does (session 49): on fewer than 10 durations a «—» and the sentence
why; the Overview says Maven's reason for no cycle as the report does.

By hand: 9 won deals created Jan 1 and closed 1 … 9 days later, each with a history «Lead» (Jan 1) → «Proposal» (the
close day) → «Won»: won cycle median 5, no p90 («9 won deals have both dates»); «Lead» has 9 finished stays, no p90
(«9 stays there have finished»). 2 lost deals of 3 and 7 days: «2 lost deals have both dates»."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.cli import main as cli_main
from funnel.i18n import t
from tests.app.conftest import APP
from tests.unit.test_cycle_no_created_reason import MAVEN_SHAPED
from tests.unit.test_cycle_p90_rule import deals_csv, history_csv


def _page(tmp_path, monkeypatch, page: str, lang: str, files: dict[str, str], *import_args: str) -> AppTest:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = str(tmp_path / "store")
    assert cli_main(["--data-dir", store, "import", *import_args]) == 0
    monkeypatch.setenv("FUNNEL_DATA_DIR", store)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["ds"], at.query_params["lang"] = "1", lang
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_velocity_page_says_why_no_p90(tmp_path, monkeypatch):
    days = list(range(1, 10))
    at = _page(tmp_path, monkeypatch, "pages/velocity.py", "ru",
               {"deals.csv": deals_csv(days, (3, 7)), "history.csv": history_csv(days)},
               str(tmp_path / "deals.csv"), "--history", str(tmp_path / "history.csv"),
               "--stages", "Lead,Proposal,Won,Lost")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Выигранные: p90, дн."] == "—" and tiles["Проигранные: p90, дн."] == "—"
    assert tiles["Выигранные: медиана цикла, дн."] == "5,0"
    captions = " ".join(c.value for c in at.caption)
    assert "p90 не показан: обе даты есть у 9 выигранных сделок (нужно не меньше 10)." in captions
    assert "p90 не показан: обе даты есть у 2 проигранных сделок (нужно не меньше 10)." in captions
    assert "p90 этапа «Lead» не показан: на нём закончилось 9 пребываний (нужно не меньше 10)." in captions
    # the trend's young months by the longest won cycle (9 days), said
    assert "самый длинный цикл выигранной сделки (9,0 дн.; для p90 мало выигранных сделок)" in captions
    assert not any("ждущих дольше его p90" in m.value for m in at.markdown)  # no «stuck» against a missing p90


def test_overview_says_the_reports_reason_for_maven_shaped_data(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch, "pages/overview.py", "ru", {"sales_pipeline.csv": MAVEN_SHAPED},
               str(tmp_path / "sales_pipeline.csv"))
    assert t("velocity.reason.no_created", "ru") in [c.value for c in at.caption]
    assert t("metrics.reason.no_cycle", "ru") not in [c.value for c in at.caption]
