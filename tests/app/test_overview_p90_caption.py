"""The Overview's cycle tile says its p90 as «9 of 10 won deals closed faster» only on at least 10 won deals with
both dates (``cycle_rules.P90_MIN``): beside a pipeline's 2 won deals (session 48's Renewals) that sentence said what the
data cannot, and the «p90» of 2 cycles is their larger one. By hand: the small file's won deals closed 10 and 30
days after creation (median 20); the larger file's 10 won deals 1…10 days (p90 = 9 + 0.1 × 1 = 9.1)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.cli import main as cli_main
from tests.app.conftest import APP

HEADER = "Deal ID,Stage,Status,Amount,Created,Closed\n"


def _won(k: int, days: int) -> str:
    return f"W{k},Won,won,100,2024-01-01,2024-01-{1 + days:02d}\n"


def _overview(tmp_path, monkeypatch, text: str) -> list[str]:
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    store = str(tmp_path / "store")
    assert cli_main(["--data-dir", store, "import", str(path), "--stages", "Lead,Proposal,Won"]) == 0
    monkeypatch.setenv("FUNNEL_DATA_DIR", store)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ds"], at.query_params["lang"] = "1", "en"
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [c.value for c in at.caption]


def test_two_won_deals_get_no_percentile_sentence(tmp_path, monkeypatch):
    text = HEADER + _won(1, 10) + _won(2, 30) + "L1,Lead,open,50,2024-01-05,\n"
    captions = _overview(tmp_path, monkeypatch, text)
    assert "p90 not shown: 2 won deals have both dates (it needs at least 10)." in captions
    assert not any("9 of 10 won deals" in c for c in captions)


def test_ten_won_deals_get_the_p90(tmp_path, monkeypatch):
    text = HEADER + "".join(_won(k, k) for k in range(1, 11))
    captions = _overview(tmp_path, monkeypatch, text)
    assert "p90: 9.1 days (9 of 10 won deals closed faster)" in captions
