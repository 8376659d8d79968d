"""The deal list behind a number shows the columns the file fills: a lead list's drill-down showed «Amount», «Name»,
«Closed» and «Lost reason» columns of «—» only (survey 46)."""

from __future__ import annotations

from funnel.importer import import_file
from funnel.store import Store
from tests.app.conftest import open_page

# four leads: an id, a stage, a manager and a creation date; no name, amount, close date or lost reason
LEADS = ("ID,Stage,Manager,Created\n"
         "1,New,Anna,2024-03-01\n"
         "2,Qualified,Boris,2024-03-02\n"
         "3,Qualified,Anna,2024-03-03\n"
         "4,Won,Boris,2024-03-04\n")


def test_the_deal_list_leaves_out_the_columns_no_deal_fills(data_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("leads") / "leads.csv"
    path.write_text(LEADS, encoding="utf-8")
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _ = import_file(store, path, path.name, stages=["New", "Qualified", "Won"], name="bare leads")
    store.close()
    assert set(info.capabilities.empty_columns) == {"deal_name", "amount", "closed_at", "lost_reason"}
    at = open_page("pages/overview.py", lang="en", ds=str(info.id))
    at.button(key="ov_tile_deals").click().run()
    assert not at.exception
    rows = at.dataframe[-1].value
    assert list(rows.columns) == ["Deal ID", "Stage", "Status", "Manager", "Created"]
    assert sorted(rows["Deal ID"].astype(str)) == ["1", "2", "3", "4"]
    sort = next(s for s in at.selectbox if s.key == "drill_sort")
    assert list(sort.options) == ["Deal ID", "Stage", "Status", "Manager", "Created"]
