"""Every download goes through funnel.exports: no live formula, no row split by a bare CR, locale CSV.

Expected texts are written out by hand from OWASP's CSV-injection advice (prefix ``'`` before
= + - @ tab CR, also after a line break inside a cell) and RFC 4180 quoting.
"""

import csv
import io

import openpyxl
import pandas as pd
import pytest

from funnel import exports, quality_report
from funnel.dataset import DatasetInfo
from funnel.store import Store

OWASP = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r'=1+1"),
    ("Acme\r=cmd|' /C calc'!A0", "Acme\r'=cmd|' /C calc'!A0"),
    ("Acme\n@SUM(1)", "Acme\n'@SUM(1)"), ("a\r\n+1", "a\r\n'+1"),
    ("plain", "plain"), ("a-b=c", "a-b=c"), ("", ""),
])
def test_defuse_text(value, expected):
    assert exports.defuse_text(value) == expected


def _records(data: bytes, sep: str) -> list[list[str]]:
    """The file as a spreadsheet reads it: RFC 4180 records."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


def test_csv_keeps_one_record_per_row_and_no_cell_starts_a_formula():
    names = OWASP + ["Acme\r=cmd|' /C calc'!A0", "line1\nline2", "x\r\n-2", "ok"]
    frame = pd.DataFrame({"deal": names, "amount": [1.5] * len(names)})
    data = exports.to_csv(frame, "en")
    rows = _records(data, ",")
    assert len(rows) == 1 + len(names)  # no value split into two records
    assert [r[0] for r in rows[1:]][:len(OWASP)] == ["'" + v if not v.startswith("\r") else "'\r'=1+1"
                                                      for v in OWASP]
    for record in rows[1:]:
        for line in record[0].replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            assert not line.startswith(("=", "+", "-", "@", "\t")), record
    # the bare CR is inside quotes in the raw bytes
    assert b'"Acme\r\'=cmd|\' /C calc\'!A0"' in data


def test_csv_follows_the_locale_and_keeps_numbers_numbers():
    frame = pd.DataFrame({"deal": ["A", "-2+3"], "amount": [1234.5, -5.0]})
    en = exports.to_csv(frame, "en").decode("utf-8-sig")
    ru = exports.to_csv(frame, "ru").decode("utf-8-sig")
    assert en.splitlines() == ["deal,amount", "A,1234.5", "'-2+3,-5.0"]
    assert ru.splitlines() == ["deal;amount", "A;1234,5", "'-2+3;-5,0"]
    assert exports.to_csv(frame, "zh").decode("utf-8-sig") == en


def test_xlsx_writes_formula_text_as_strings():
    frame = pd.DataFrame({"deal": ["=HYPERLINK(\"http://x\",\"y\")", "http://x.example"]})
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame, "deals")))
    cells = [c for c in book["deals"]["A"]][1:]
    assert [c.value for c in cells] == ["=HYPERLINK(\"http://x\",\"y\")", "http://x.example"]
    assert all(c.data_type == "s" for c in cells) and all(c.hyperlink is None for c in cells)


def test_quality_report_csv_defuses_values(tmp_path):
    store = Store(":memory:")
    from funnel.importer import import_file

    good = "".join(f"{i},d{i},Won,{i}00\n" for i in range(4, 12))
    data = ("ID,Name,Stage,Amount\n1,a,Won,=HYPERLINK(\"http://evil\")\n2,b,Won,100\n"
            "3,c,Won,\"5\r=cmd|' /C calc'!A0\"\n" + good).encode()
    info, _built, _draft = import_file(store, data, "deals.csv")
    with store.connect() as con:
        report = quality_report.report(con, info)
    data = quality_report.to_csv(report, "ru")
    rows = _records(data, ";")
    values = [r[rows[0].index("value")] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in values
    assert "5\r'=cmd|' /C calc'!A0" in values
    assert all(not v.startswith(("=", "+", "@")) for v in values)
    assert isinstance(info, DatasetInfo)


def test_a_deal_list_download_holds_every_deal_not_the_first_ten_thousand():
    import duckdb

    from funnel.metrics import Selection, deals_behind
    from funnel.metrics.drill import every_deal_behind
    from funnel.metrics.fixture import SALES, make_dataset
    from funnel.spec import FunnelSpec

    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES})
    con.execute("""INSERT INTO ds_1.deals (deal_id, deal_name, status, pipeline, furthest_pos, amount)
                   SELECT 'D' || i, '=cmd' || i, 'open', 'Sales', 1, i + 0.5 FROM range(10005) AS t(i)""")
    selection = Selection("open_here", position=1)
    shown = deals_behind(con, info, FunnelSpec(), selection, "amount", True)
    every = every_deal_behind(con, info, FunnelSpec(), selection, "amount", True)
    assert (len(shown.frame), shown.total, len(every)) == (10_000, 10_005, 10_005)
    assert list(every["deal_id"][:2]) == ["D10004", "D10003"]  # the dialog's order: amount descending
    rows = _records(exports.to_csv(every, "ru"), ";")
    assert len(rows) == 1 + 10_005
    assert rows[1][:2] == ["D10004", "'=cmd10004"] and "10004,5" in rows[1]
