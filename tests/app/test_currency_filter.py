"""Deals in several currencies: money is shown for one currency at a time, and the sidebar offers it."""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.store import Store
from tests.app.conftest import open_page

# amounts naming their currency in the cell: won 1 (USD 1,200), 3 (RUB 50 000); lost 2, open 4
MIXED = ("ID,Stage,Amount,Created,Closed\n"
         "1,Won,\"USD 1,200.00\",2023-02-01,2023-02-11\n"
         "2,Lost,EUR 300,2023-02-02,2023-02-05\n"
         "3,Won,RUB 50 000,2023-02-03,2023-02-13\n"
         "4,Lead,USD 100,2023-02-04,\n")


@pytest.fixture(scope="module")
def ds(data_dir, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("mixed") / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _ = import_file(store, path, path.name, stages=["Lead", "Won"], name="mixed currencies")
    store.close()
    return str(info.id)


def test_mixed_currencies_offer_a_currency_filter_and_say_where(ds):
    at = open_page("pages/overview.py", lang="en", ds=ds)
    revenue = {m.label: m.value for m in at.metric}["Revenue"]
    assert revenue == "—"  # USD 1,200 + RUB 50,000 is no sum
    assert any("pick one in the sidebar's «Currency» filter" in c.value for c in at.caption)
    assert "Currency" in [w.label for w in at.sidebar.multiselect]
    one = open_page("pages/overview.py", lang="en", ds=ds, f_currency="USD")
    # USD: deal 1 won (1,200), deal 4 open: revenue 1.2K
    assert {m.label: m.value for m in one.metric}["Revenue"].endswith("1.2K")
