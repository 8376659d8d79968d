"""Issue 16, survey 32: deal exports saved as Excel workbooks the way real tools write them (38 workbooks: 1904
dates, inline and rich strings, currency formats, text amounts and dates, hidden rows, formulas, several sheets,
.xls, .ods). Most read right; these did not. Each workbook is made here with openpyxl; values worked by hand."""

from __future__ import annotations

import io
import json

import openpyxl

from funnel.cli import main as cli_main
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings

HEADER = ["ID", "Название сделки", "Бюджет", "Ответственный", "Этап сделки", "Дата создания"]


def _book(rows, header=HEADER, **options) -> bytes:
    wb = openpyxl.Workbook()
    if options.get("date1904"):
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = options.get("title", "Сделки")
    ws.append(header)
    for row in rows:
        ws.append(row)
    for title, extra in options.get("sheets_before", []):
        other = wb.create_sheet(title, 0)
        for row in extra:
            other.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _deals(store, info, column: str):
    with store.connect() as con:
        return con.execute(f'SELECT deal_id, "{column}" FROM ds_{info.id}.deals ORDER BY deal_id').fetchall()


def test_bare_serial_dates_of_a_1904_workbook_are_read_in_its_system(mem_store):
    """A Mac workbook (1904 date system) with its date column left in the General format: bare serials, counted
    from 1904-01-01. 1 March 2024 is day 45352 of the 1900 system (1 Jan 2024 = 45292, + 31 + 29) and day 45352 -
    1462 = 43890 of the 1904 one; 10:00 is 10/24 of a day. Before: read in the 1900 system, 29 Feb 2020 10:00
    (4 years and a day early), nothing said."""
    rows = [[1, "Сделка 1", 100, "Анна", "Переговоры", 43890 + 10 / 24], [2, "Сделка 2", 200, "Анна", "Переговоры", 43900]]
    info, _built, _ = import_file(mem_store, _book(rows, date1904=True), "mac.xlsx")
    created = dict(_deals(mem_store, info, "created_at"))
    assert created["1"].isoformat() == "2024-03-01T10:00:00"
    assert created["2"].isoformat() == "2024-03-11T00:00:00"  # 10 days later


def test_formulas_saved_without_values_are_said(mem_store):
    """openpyxl (like many export scripts) writes «Бюджет = Кол-во × Цена» as the formula alone, no value: read as
    empty cells, revenue gone, nothing said. Now a warning names the sheet, the column, its 3 cells and row 2."""
    header = ["ID", "Кол-во", "Цена", "Бюджет", "Этап сделки"]
    rows = [[k, 2, 50, f"=B{k + 1}*C{k + 1}", stage] for k, stage in
            ((1, "Переговоры"), (2, "Успешно реализовано"), (3, "Переговоры"))]
    info, _built, _ = import_file(mem_store, _book(rows, header), "script.xlsx")
    severity, n, params = findings(mem_store, info)["readers.formulas_uncached"]
    assert severity == "warning" and n == 3
    assert (params["sheet"], params["columns"], params["row"]) == ("Сделки", "«Бюджет» (3)", 2)


def test_a_line_break_after_a_managers_name_is_no_second_manager(mem_store):
    """«Иванов» typed with Alt+Enter after it on one deal: two managers «Иванов» (3 deals and 1). Now one, 4 deals."""
    rows = [[k, f"Сделка {k}", 100, "Иванов\n" if k == 4 else "Иванов", "Переговоры", "01.03.2024"] for k in range(1, 5)]
    rows.append([5, "Сделка 5", 100, "\tПетров", "Переговоры", "01.03.2024"])
    info, _built, _ = import_file(mem_store, _book(rows), "alt_enter.xlsx")
    managers = sorted({m for _id, m in _deals(mem_store, info, "manager")})
    assert managers == ["Иванов", "Петров"]


def test_the_cli_names_the_sheet_it_read_of_several(tmp_path, monkeypatch, capsys):
    """A summary sheet «Лист1» of more rows than the deals on «Сделки» was read, and the CLI never said which sheet
    (only an info line of the quality report). Now the deal list is read (a table of counts per stage loses to a
    deal list in the same book), and the CLI prints the sheet read and how to read another."""
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    rows = [[k, f"Сделка {k}", 100, "Анна", "Переговоры", "01.03.2024"] for k in range(1, 4)]
    summary = [["Менеджер", "Этап", "Сделок"]] + [["Анна", "Переговоры", 3]] * 5
    path = tmp_path / "book.xlsx"
    path.write_bytes(_book(rows, sheets_before=[("Лист1", summary)]))
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "В книге «book.xlsx» 2 листа; сделки прочитаны с листа «Сделки». Другой лист: --sheet НАЗВАНИЕ." in out
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deals"] == 3  # the three rows of «Сделки», not 5 × 3


def test_a_book_of_counts_and_a_notes_sheet_still_reads_the_counts(mem_store):
    """The counts sheet loses only to a deal list: beside a sheet of a few notes it is still the one read (a CRM's
    funnel report: Stage, Deals; 40 reached the first stage)."""
    counts = [["Lead", 40], ["Meeting", 12], ["Won", 5]]
    notes = [["Note"], ["exported by hand"], ["from the CRM's funnel report"], ["ask Anna"], ["v2"], ["final"]]
    info, _built, _ = import_file(mem_store, _book(counts, header=["Stage", "Deals"], sheets_before=[("Лист2", notes)]),
                                  "report.xlsx")
    assert info.shape == "counts"
