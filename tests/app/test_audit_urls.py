"""Hostile or stale links never put a traceback on screen and never silently show something else;
periods follow the data; an empty selection says so (issue 13 point 5, issue 15 points 2 and 5)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.app.conftest import open_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("pages/overview.py", "pages/funnel.py", "pages/ab.py", "pages/data.py")


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning).replace("\\", "")  # as rendered: no markdown escapes


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "9999-12-31"), ("9999-12-31", "0001-01-01")])
def test_extreme_custom_range_falls_back_with_a_note(data_dir, page, start, end):
    at = open_page(page, lang="en", ds="1", period="custom", **{"from": start, "to": end})
    if page != "pages/data.py":
        assert "not a date between 1900 and 2199" in _warnings(at)


def test_reversed_range_is_swapped_and_said(data_dir):
    at = open_page("pages/overview.py", lang="en", ds="1", period="custom", **{"from": "2026-06-30", "to": "2026-01-01"})
    assert "ends (Jan 1, 2026) before it starts (Jun 30, 2026)" in _warnings(at)  # dates as English writes them
    assert any("created Jan 1, 2026 – Jun 30, 2026" in c.value for c in at.caption)


@pytest.mark.parametrize(("ds", "says"), [("999", "Dataset 999 named in the link does not exist"),
                                          ("10.0", "“10.0” is not a dataset number"),
                                          ("0010", "“0010” is not a dataset number"),
                                          ("-1", "“-1” is not a dataset number")])
@pytest.mark.parametrize("page", ("pages/overview.py", "pages/ab.py", "pages/data.py"))
def test_a_link_to_a_missing_dataset_says_so(data_dir, page, ds, says):
    at = open_page(page, lang="en", ds=ds)
    assert says in _warnings(at)


def test_missing_dataset_note_in_russian(data_dir):
    at = open_page("pages/funnel.py", lang="ru", ds="999")
    assert "Набора данных 999 из ссылки нет" in _warnings(at)


def test_this_month_is_the_datas_last_month(data_dir):
    # the B2B sample ends in October 2026; "this month" is October 2026 whatever the server's clock
    b2b = pd.read_csv(ROOT / "sample_data" / "b2b_services_deals.csv").drop_duplicates("ID")
    created = pd.to_datetime(b2b["Дата создания сделки"], format="%d.%m.%Y %H:%M:%S")
    last = max(created.max(), pd.to_datetime(b2b["Дата закрытия"], format="%d.%m.%Y %H:%M:%S").max())
    assert (last.year, last.month) == (2026, 10)
    october = ((created.dt.year == 2026) & (created.dt.month == 10)).sum()
    at = open_page("pages/overview.py", lang="en", ds="1", period="this_month")
    assert {m.label: m.value for m in at.metric}["Deals"] == f"{october:,}"
    assert any("data from May 1, 2025 to Oct 31, 2026" in c.value for c in at.caption)
    # compared with September 2026, the whole previous calendar month
    assert any("Sep 1, 2026 – Sep 30, 2026" in c.value for c in at.caption)


def test_empty_selection_shows_a_message_not_a_funnel(data_dir):
    for page in ("pages/overview.py", "pages/funnel.py"):
        at = open_page(page, lang="en", ds="1", f_manager="Nobody At All")
        assert any("No deals in this selection" in i.value for i in at.info), page
        assert not at.metric and not at.dataframe  # no tiles with "-100 %", no table of zeros
