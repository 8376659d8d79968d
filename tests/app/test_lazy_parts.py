"""What a rerun no longer sends or rebuilds (issue #16, "Speed of every rerun"): the sidebar's
"More attributes" lists only while that section is open (a filter set in them still applies), and
the page list built once per session and language."""

from __future__ import annotations

import csv

import pytest

from tests.app.conftest import ROOT, open_page

B2B = "B2B services (amoCRM)"


@pytest.fixture(scope="module")
def b2b(data_dir):
    from funnel.store import Store

    store = Store(data_dir / "funnel.duckdb")
    row = next(r for r in store.datasets() if r["name"] == B2B)
    return store.info(row["id"])


def _extra_lists(at) -> list[str]:
    return [w.key for w in at.multiselect if w.key.startswith("flt_x_")]


def test_more_attributes_are_drawn_only_while_open(b2b):
    extra = [c for c in b2b.extra_columns if c.startswith("x_")]
    assert extra, "the B2B sample has extra columns (city, utm_*)"
    at = open_page("pages/overview.py", ds=str(b2b.id))
    assert _extra_lists(at) == []  # closed: none of its lists is sent
    assert {w.key for w in at.multiselect} >= {"flt_manager", "flt_source"}  # the base filters are
    at.session_state["flt_more"] = True  # the reader opens the section
    at.run()
    assert _extra_lists(at) == [f"flt_{c}" for c in extra]


def _deals_in_city(city: str) -> int:
    """Deals of the B2B sample in ``city``, counted from its CSV (two IDs are exported twice)."""
    with (ROOT / "sample_data" / "b2b_services_deals.csv").open(encoding="utf-8") as f:
        return len({row["ID"] for row in csv.DictReader(f) if row["Город"] == city})


def test_a_filter_in_the_closed_section_still_applies(b2b):
    column = next(c for c, label in b2b.extra_columns.items() if label == "Город")
    everyone = open_page("pages/overview.py", ds=str(b2b.id))
    filtered = open_page("pages/overview.py", ds=str(b2b.id), **{f"f_{column}": "Казань"})
    assert _extra_lists(filtered) == []
    assert everyone.metric[0].value == "4,000"  # the first tile: every deal of the sample
    assert filtered.metric[0].value == f"{_deals_in_city('Казань'):,}"  # applied while its list was not drawn
    assert any("Город: Казань" in c.value for c in filtered.caption)  # and the scope line names it


def test_page_list_is_built_once_per_session_and_language(b2b):
    at = open_page("pages/overview.py", ds=str(b2b.id))
    key, pages = at.session_state["_nav_pages"]
    assert key == ("en", None)  # local mode: no admin page
    at.run()
    assert at.session_state["_nav_pages"][1] is pages  # the next run reuses it
    at.query_params["lang"] = "ru"
    at.run()
    key, pages_ru = at.session_state["_nav_pages"]
    assert key == ("ru", None) and pages_ru is not pages
    assert pages_ru[0].title == "Обзор"  # built again in the new language
