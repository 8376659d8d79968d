"""Issue 16, survey 25: deal tables as BI tools and notebooks download them.

Twelve deals, worked by hand (the same in every shape):

| deal | stage | amount | created | closed |
|---|---|---|---|---|
| Acme | Closed Won | 12,000 | 2024-01-05 | 2024-02-04 (30 d) |
| Beta | Closed Won | 8,500.50 | 2024-01-10 | 2024-01-30 (20 d) |
| Gamma | Closed Won | 1,200 | 2024-02-01 | 2024-03-12 (40 d: 2024 is a leap year) |
| Kappa | Closed Won | 15,000 | 2024-02-15 | 2024-04-05 (50 d) |
| Delta, Epsilon, Zeta | Closed Lost | 5,000, 3,000, 7,000 | … | … |
| Eta | Negotiation | 9,000 | 2024-03-05 | — |
| Theta, Mu | Proposal | 4,000, 6,000 | … | — |
| Iota, Lambda | Qualification | 2,000, 1,000 | … | — |

Won 4, lost 3, open 5; revenue 12,000 + 8,500.50 + 1,200 + 15,000 = 36,700.50; median cycle (30 + 40) / 2 = 35 d;
reached Qualification 12 (the lost deals keep no stage: counted at the first), Proposal 7 (2 + 1 + 4), Negotiation
5, Closed Won 4.

Found misread or refused before:
- **Looker Studio's table** (a «Record Count» column, dates as ``20240105``): read as counts per stage, 5 deals of
  12, silently but for duplicate ids; and a report of a stage's deals on several rows numbered them per row, so
  all but the first row's were dropped (``stage_counts.expand``).
- **Tableau's long layout** («Measure Names» / «Measure Values»): every deal counted once per measure (24 of 12, won
  8), no amount; «Day of Created Date» not read as the creation.
- **Metabase's «100’000.00» separators**: the amount dropped.
- **pandas**: ``to_json()`` in its default orient (and ``split``, ``index``) refused with advice about CRM APIs;
  ``to_parquet()`` refused as binary data.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

DEALS = [  # (name, stage, amount, created, closed, owner)
    ("Acme", "Closed Won", 12000, "2024-01-05", "2024-02-04", "Alice Smith"),
    ("Beta", "Closed Won", 8500.5, "2024-01-10", "2024-01-30", "Bob Jones"),
    ("Gamma", "Closed Won", 1200, "2024-02-01", "2024-03-12", "Alice Smith"),
    ("Delta", "Closed Lost", 5000, "2024-01-15", "2024-02-14", "Bob Jones"),
    ("Epsilon", "Closed Lost", 3000, "2024-02-10", "2024-02-20", "Carol White"),
    ("Zeta", "Closed Lost", 7000, "2024-03-01", "2024-03-21", "Alice Smith"),
    ("Eta", "Negotiation", 9000, "2024-03-05", None, "Bob Jones"),
    ("Theta", "Proposal", 4000, "2024-03-08", None, "Carol White"),
    ("Iota", "Qualification", 2000, "2024-03-10", None, "Alice Smith"),
    ("Kappa", "Closed Won", 15000, "2024-02-15", "2024-04-05", "Carol White"),
    ("Lambda", "Qualification", 1000, "2024-03-20", None, "Bob Jones"),
    ("Mu", "Proposal", 6000, "2024-03-25", None, "Alice Smith"),
]
OUTCOME = (12, 4, 3, 5, 36700.5, 35.0)
REACHED = [("Qualification", 12), ("Proposal", 7), ("Negotiation", 5), ("Closed Won", 4)]


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def _check(store, info):
    assert outcome(store, info) == OUTCOME
    assert reached(store, info) == REACHED


def test_a_looker_studio_table_with_a_record_count_and_compact_dates_is_a_deal_list(mem_store):
    rows = [(n, s, o, c.replace("-", ""), (x or "").replace("-", ""), f"{a:g}", 1) for n, s, a, c, x, o in DEALS]
    text = _csv(["Deal Name", "Stage", "Owner", "Created Date", "Close Date", "Amount", "Record Count"], rows)
    info, _built, _ = import_file(mem_store, text, "Deals table.csv")
    _check(mem_store, info)  # before: 5 deals, 1 won, 12,000, no dates


def test_a_stage_report_on_several_rows_per_stage_keeps_every_deal(mem_store):
    """«Deal Stage, Team, Count of Deals», two teams: 3 + 2 at Qualification, 2 + 1 at Negotiation, 1 + 2 won, 1 + 1 lost
    = 13 deals; won 3, lost 2; reached Qualification 13, Negotiation 3 + 3 won = 6, Closed Won 3. Before: 8 deals."""
    text = b"Deal Stage,Team,Count of Deals\n" + b"".join(
        f"{s},{t},{n}\n".encode() for s, t, n in [
            ("Qualification", "East", 3), ("Qualification", "West", 2), ("Negotiation", "East", 2),
            ("Negotiation", "West", 1), ("Closed Won", "East", 1), ("Closed Won", "West", 2),
            ("Closed Lost", "East", 1), ("Closed Lost", "West", 1)])
    info, _built, _ = import_file(mem_store, text, "deals by stage.csv")
    assert outcome(mem_store, info)[:4] == (13, 3, 2, 8)
    assert reached(mem_store, info) == [("Qualification", 13), ("Negotiation", 6), ("Closed Won", 3)]
    assert "deals.duplicate_id" not in findings(mem_store, info)


def _tableau_long(measures=("Amount", "Probability")) -> list[list]:
    rows = []
    for n, s, a, c, x, o in DEALS:
        for m in measures:
            value = f"{a:,g}" if m == "Amount" else ("1" if s == "Closed Won" else "0" if s == "Closed Lost" else "0.5")
            rows.append([n, s, o, _long_date(c), _long_date(x) if x else "Null", m, value])
    return rows


def _long_date(iso: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(iso)
    return f"{d:%B} {d.day}, {d.year}"


TABLEAU_HEADER = ["Deal Name", "Stage", "Owner", "Day of Created Date", "Day of Close Date", "Measure Names",
                  "Measure Values"]


def test_tableaus_measure_names_and_values_are_one_row_per_deal(mem_store):
    text = "\ufeff".encode() + _csv(TABLEAU_HEADER, _tableau_long())
    info, _built, _ = import_file(mem_store, text, "Deals_data.csv")
    _check(mem_store, info)  # before: 24 deals, 8 won, no amount, no dates
    said = findings(mem_store, info)["readers.measure_rows"]
    assert said[0] == "info"


def test_a_measure_twice_for_the_same_deal_is_refused_by_row(mem_store):
    rows = _tableau_long()
    rows.insert(2, list(rows[0]))  # Acme's Amount again (file row 4); its first is file row 2, the one named
    with pytest.raises(FunnelError) as caught:
        import_file(mem_store, _csv(TABLEAU_HEADER, rows), "Deals_data.csv")
    assert caught.value.code == "readers.measure_rows_twice" and caught.value.params["row"] == 2
    assert "Measure Names" in caught.value.message("ru") and "度量" in caught.value.message("zh")


def test_metabases_apostrophe_thousands_are_amounts(mem_store):
    rows = [(i, n, s, f"{a:,.2f}".replace(",", "’"), c, x or "", o) for i, (n, s, a, c, x, o) in enumerate(DEALS, 1)]
    info, _built, _ = import_file(mem_store, _csv(["ID", "Name", "Stage", "Amount", "Created At", "Closed At", "Owner"],
                                                  rows), "query_result.csv")
    _check(mem_store, info)  # before: no amount (revenue empty)


def _frame():
    import pandas as pd

    return pd.DataFrame([{"deal_id": i, "deal_name": n, "stage": s, "amount": float(a),
                          "created_at": pd.Timestamp(c), "closed_at": pd.Timestamp(x) if x else pd.NaT, "owner": o}
                         for i, (n, s, a, c, x, o) in enumerate(DEALS, 1)])


@pytest.mark.parametrize("orient", ["columns", "split", "index"])
def test_pandas_to_json_in_any_orient_with_names_is_a_table(mem_store, orient):
    text = _frame().to_json(orient=orient).encode()  # the default orient is "columns", dates in epoch ms
    info, _built, _ = import_file(mem_store, text, "deals.json")
    _check(mem_store, info)
    assert findings(mem_store, info)["json.data_frame"][0] == "info"


def test_pandas_to_json_without_column_names_is_refused_saying_so(mem_store):
    with pytest.raises(FunnelError) as caught:
        import_file(mem_store, _frame().to_json(orient="values").encode(), "deals.json")
    assert caught.value.code == "json.no_column_names"
    assert "orient" in caught.value.message("ru")


def test_a_json_array_is_said_to_be_one(mem_store):
    info, _built, _ = import_file(mem_store, _frame().to_json(orient="records").encode(), "deals.json")
    _check(mem_store, info)
    said = findings(mem_store, info)
    assert "json.array" in said and "json.lines" not in said


def test_pandas_parquet_is_read(mem_store, tmp_path):
    path = tmp_path / "deals.parquet"
    _frame().to_parquet(path)
    info, _built, _ = import_file(mem_store, path.read_bytes(), "deals.parquet")
    _check(mem_store, info)  # before: refused, "binary data"


def test_a_cut_parquet_file_is_refused_by_name(mem_store, tmp_path):
    path = tmp_path / "deals.parquet"
    _frame().to_parquet(path)
    with pytest.raises(FunnelError) as caught:
        import_file(mem_store, path.read_bytes()[:300], "deals.parquet")
    assert caught.value.code == "file.parquet_unreadable"
    assert json.dumps(caught.value.params["file"]) == '"deals.parquet"'


def _multi_index_frame():
    import pandas as pd

    frame = _frame().drop(columns="deal_id")
    frame.columns = pd.MultiIndex.from_tuples([("Deal", "Name"), ("Pipeline", "Stage"), ("Pipeline", "Amount"),
                                               ("Dates", "Created"), ("Dates", "Closed"), ("Team", "Owner")])
    return frame


def test_pandas_multiindex_columns_in_a_csv_are_a_header_of_two_rows(mem_store):
    """pandas writes each group over every column of it (``,Deal,Pipeline,Pipeline,Dates,Dates,Team``) and «Team» over
    the single «Owner»: before, refused ("no column for «stage»")."""
    text = _multi_index_frame().to_csv().encode()
    assert text.splitlines()[0] == b",Deal,Pipeline,Pipeline,Dates,Dates,Team"
    info, _built, _ = import_file(mem_store, text, "deals.csv")
    _check(mem_store, info)


def test_pandas_multiindex_columns_in_a_workbook_are_a_header_of_two_rows(mem_store, tmp_path):
    """to_excel merges each group over its columns and leaves a blank row (the index's names) above the data."""
    path = tmp_path / "deals.xlsx"
    _multi_index_frame().to_excel(path)
    info, _built, _ = import_file(mem_store, path.read_bytes(), "deals.xlsx")
    _check(mem_store, info)


def _redash(order: str) -> bytes:
    def written(iso: str | None) -> str:
        if not iso:
            return ""
        y, m, d = iso[2:4], iso[5:7], iso[8:10]
        return f"{y}/{m}/{d}" if order == "YY/MM/DD" else f"{d}/{m}/{y}"
    rows = [(i, n, s, f"{a:g}", written(c), written(x), o) for i, (n, s, a, c, x, o) in enumerate(DEALS, 1)]
    return _csv(["id", "name", "stage", "amount", "created_at", "closed_at", "owner"], rows)


def test_redashs_year_first_short_dates_are_read_year_first_and_said(mem_store):
    """REDASH_DATE_FORMAT=YY/MM/DD writes «24/01/05»: read day first (24 January 2005) every date was wrong, a median
    cycle of thousands of days. The first parts take one value (24), the third eleven: years first."""
    info, _built, _ = import_file(mem_store, _redash("YY/MM/DD"), "query_result.csv")
    _check(mem_store, info)
    said = findings(mem_store, info)["date.year_first"]
    assert said[0] == "warning" and said[2]["read_day"] == "20" + said[2]["example"].replace("/", "-")  # yy/mm/dd


def test_redashs_default_day_first_short_dates_stay_day_first(mem_store):
    info, _built, _ = import_file(mem_store, _redash("DD/MM/YY"), "query_result.csv")
    _check(mem_store, info)
    assert "date.year_first" not in findings(mem_store, info)


def test_pandas_missing_dates_in_to_html_are_empty(mem_store):
    """``to_html()`` writes «NaT» for an open deal's missing close: before, a «date cannot be read» warning on each."""
    text = _frame().to_html(index=False).encode()
    assert b"<td>NaT</td>" in text
    info, _built, _ = import_file(mem_store, text, "deals.html")
    _check(mem_store, info)
    assert not [code for code in findings(mem_store, info) if code.startswith("date.unreadable")]
