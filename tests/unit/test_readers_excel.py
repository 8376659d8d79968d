"""Workbooks: xlsx (multi-sheet, title rows, totals, typed cells), fake ".xls" HTML, corrupt files."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import pytest
import xlsxwriter

from funnel.errors import FunnelError
from funnel.readers import list_sheets, stage_file


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def workbook(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    date_fmt = wb.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, date_fmt)
                elif value is not None:
                    ws.write(r, c, value)
        if name in hidden:
            ws.hide()
    wb.close()
    return buf.getvalue()


DEALS = [["ID", "Stage", "Amount", "Created"],
         [101, "Won", 12500.5, dt.datetime(2024, 3, 28, 16, 40)],
         [102, "Lost", 4800, dt.datetime(2024, 2, 5, 9, 3)]]


def test_xlsx_cells_become_text(con):
    raw = stage_file(con, workbook({"Deals": DEALS}), "deals.xlsx")
    assert raw.kind == "xlsx" and raw.sheet == "Deals" and raw.header_row == 1
    assert raw.headers == ["ID", "Stage", "Amount", "Created"]
    # 101 stays an integer, 12500.5 keeps its fraction, the date reads as ISO text.
    assert con.execute("SELECT * FROM raw ORDER BY row_no").fetchall() == [
        (2, "101", "Won", "12500.5", "2024-03-28 16:40:00"),
        (3, "102", "Lost", "4800", "2024-02-05 09:03:00")]


def test_sheet_with_most_rows_is_picked_and_listed(con):
    data = workbook({"Notes": [["Title", "Text"], ["a", "b"]], "Deals": DEALS,
                     "Meta": [["k", "v"]] + [[str(i), "x"] for i in range(5)]}, hidden=("Meta",))
    assert list_sheets(data, "book.xlsx") == [("Notes", 1), ("Deals", 2), ("Meta", 5)]
    raw = stage_file(con, data, "book.xlsx")
    assert raw.sheet == "Deals"  # Meta has more rows but is hidden
    assert raw.sheets == ["Notes", "Deals", "Meta"]
    raw = stage_file(con, data, "book.xlsx", sheet="Notes")
    assert raw.n_rows == 1


def test_unknown_sheet(con):
    with pytest.raises(FunnelError) as err:
        stage_file(con, workbook({"Deals": DEALS}), "book.xlsx", sheet="Nope")
    assert err.value.code == "file.sheet_not_found" and err.value.params["file"] == "book.xlsx"


def test_formatted_report_title_rows_and_totals(con):
    rows = [["Opportunity Pipeline"], [None], ["Owner", "Stage", "Amount"],
            ["Jane", "Won", 5], ["Tom", "Lost", 3], ["Итого", None, 8]]
    raw = stage_file(con, workbook({"Report": rows}), "report.xlsx")
    assert raw.header_row == 3
    assert con.execute("SELECT row_no, c0 FROM raw ORDER BY row_no").fetchall() == [(4, "Jane"), (5, "Tom")]
    assert [(s.row_no, s.reason, s.text) for s in raw.skipped] == [(6, "total", "Итого")]


def test_bitrix_html_xls_with_bom(con):
    html = ('\ufeff<meta http-equiv="Content-type" content="text/html;charset=utf-8" />'
            "<table border=\"1\"><tr><th>ID</th><th>Название сделки</th><th>Сумма</th></tr>"
            "<tr><td>1043</td><td>Поставка &amp; монтаж</td><td>185000.00</td></tr>"
            "<tr><td>1057</td><td> Сервис </td><td></td></tr></table>").encode("utf-8")
    raw = stage_file(con, html, "deals.xls")  # extension says xls, bytes say HTML
    assert raw.kind == "html" and raw.headers == ["ID", "Название сделки", "Сумма"]
    assert con.execute("SELECT * FROM raw ORDER BY row_no").fetchall() == [
        (2, "1043", "Поставка & монтаж", "185000.00"), (3, "1057", "Сервис", None)]


def test_csv_named_xlsx_is_read_as_csv(con):
    raw = stage_file(con, b"ID,Stage\n1,Won\n", "deals.xlsx")
    assert raw.kind == "csv"


@pytest.mark.parametrize("data, code", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 200, "file.excel_unreadable"),
    (b"PK\x03\x04" + b"broken zip" * 50, "file.excel_unreadable"),
])
def test_corrupt_workbooks(con, data, code):
    with pytest.raises(FunnelError) as err:
        stage_file(con, data, "broken.xls")
    assert err.value.code == code and err.value.params["file"] == "broken.xls"


def test_zip_that_is_not_a_workbook(con):
    """A zip without a workbook's parts is an archive of files (readers/archive.py), whatever its name:
    its text file is read as a table, and refused naming the archive and the file; an Office document
    that is no workbook (a .docx) is still no table."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(FunnelError) as err:
        stage_file(con, buf.getvalue(), "deals.xlsx")
    assert err.value.code == "file.no_rows" and err.value.params["file"] == "deals.xlsx › readme.txt"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FunnelError) as err:
        stage_file(con, buf.getvalue(), "deals.xlsx")
    assert err.value.code == "file.binary"


MONDAY_HEADER = ["Name", "Subitems", "Owner", "Stage", "Deal Value", "Expected Close Date", "Item ID (auto generated)"]
MONDAY_BOARD = [
    ["Deals"], ["Active Deals"], MONDAY_HEADER,
    ["Acme renewal", None, "Ann Lee", "Proposal", 12000, dt.datetime(2024, 5, 1), 1501],
    ["Beta rollout", None, "Bob Ray", "Negotiation", 30000, dt.datetime(2024, 5, 15), 1502],
    ["Gamma pilot", None, "Ann Lee", "Discovery", 5000, dt.datetime(2024, 6, 1), 1503],
    [], ["Won"], MONDAY_HEADER,
    ["Delta deal", None, "Bob Ray", "Won", 8000, dt.datetime(2024, 3, 1), 1504],
    [], ["Lost"], MONDAY_HEADER,
    ["Eps deal", None, "Ann Lee", "Lost", 4000, dt.datetime(2024, 2, 1), 1505],
]


def test_a_monday_board_skips_its_group_titles_and_repeated_headers(con):
    """monday.com's "Export board to Excel": the board's name, then per group its name, the header and its
    items (the layout importers of such exports skip: nworbdier/orderly_flow ``IMPORT_GUIDE.md``, "Board Name
    Row ... skipped"; leochung/monday-data-export: "group names ... only one table header"). The group
    titles «Won» and «Lost» were read as two deals without a stage, the repeated headers as bad rows."""
    raw = stage_file(con, workbook({"Deals": MONDAY_BOARD}), "deals_board.xlsx")
    assert raw.header_row == 3
    assert con.execute("SELECT c0 FROM raw ORDER BY row_no").fetchall() == [
        ("Acme renewal",), ("Beta rollout",), ("Gamma pilot",), ("Delta deal",), ("Eps deal",)]
    # rows 7 and 11 are empty; 8 and 12 the titles; 9 and 13 the header again
    assert [(s.row_no, s.reason, s.text) for s in raw.skipped if s.reason != "blank"] == [
        (8, "section", "Won"), (9, "header", " | ".join(MONDAY_HEADER)),
        (12, "section", "Lost"), (13, "header", " | ".join(MONDAY_HEADER))]


def test_a_row_that_only_shares_two_cells_with_the_header_is_data(con):
    rows = [["Stage", "Owner", "Amount"], ["Stage", "Owner", "100"], ["Won", "Ann", "5"]]
    raw = stage_file(con, workbook({"Deals": rows}), "deals.xlsx")
    assert raw.n_rows == 2 and not raw.skipped


def test_a_monday_board_imports_five_deals_in_their_order(tmp_path):
    from funnel.importer import import_file
    from funnel.store import Store

    store = Store(tmp_path / "funnel.duckdb")
    info, built, _ = import_file(store, workbook({"Deals": MONDAY_BOARD}), "deals_board.xlsx")
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    assert info.meta["mapping"]["fields"]["deal_id"] == "Item ID (auto generated)"
    # every open stage is on a rung: Discovery (qualification) < Proposal < Negotiation; then the sale
    assert info.meta["stage_order"] == {"": ["Discovery", "Proposal", "Negotiation", "Won"]}
    with store.connect() as c:
        got = c.execute(f"SELECT deal_id, status FROM ds_{info.id}.deals ORDER BY row_no").fetchall()
    assert got == [("1501", "open"), ("1502", "open"), ("1503", "open"), ("1504", "won"), ("1505", "lost")]
    store.close()
