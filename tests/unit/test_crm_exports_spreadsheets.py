"""Survey 9: spreadsheet-native exports, as users hand them over: .xlsx / .xls / .ods written by CRMs
and by people. Each file is written here, in the shape of its source; the expected numbers are worked
out by hand from the rows (the arithmetic in the comments).

Layouts and their evidence:
- amoCRM's Excel export widget (nasimxonov/AmoCRM-ExcelExportWidget ``backend/src/export/excel/
  column-formatters.ts`` and ``excel-export-writer.ts``, ExcelJS): ``ID, Name, Budget`` (``#,##0.00``),
  ``Pipeline, Status`` (filled with the status's colour), ``Responsible user, …, Created at, Updated at,
  Closed at`` (date cells, ``yyyy-mm-dd hh:mm``), ``Notes`` (joined by «\\n---\\n»), ``CRM link`` (a
  hyperlink «Open in amoCRM»); the header frozen; a second sheet «Summary» (Field, Value). Read right.
- A genuine BIFF8 .xls (Excel 97-2003; Zoho CRM's report export, older CRMs: docs only) with date
  cells and a currency format: read right. The same format ends at 65,536 rows: a sheet that fills its
  last row was most likely cut by the CRM (Excel's specification; docs only) — said now.
- LibreOffice's .ods (OpenDocument ``content.xml``, its last row repeated to the sheet's end): refused
  as "binary" before, read now (python-calamine reads ods), its extent measured first.
- Borders or a fill applied down to Excel's last row (every empty cell styled, ``<c r="F1048576"
  s="1"/>``): refused as "too big" before, as the extent counted cells that hold nothing; the parser
  does not read them (tafia/calamine#237 discusses what it reads of a row).
- A person's workbook: a title row, the header frozen under it, an AutoFilter whose filter hides rows
  (users expect filtered rows to stay out: SheetJS/sheetjs#630, awalker89/openxlsx#359; calamine cannot
  tell, tafia/calamine#237), ``Amount = Qty × Price`` formulas with cached values, a SUBTOTAL total row,
  a sheet «Stages» listing the pipeline's stages in order with their probabilities (the list a Stage
  drop-down reads) and an Excel pivot sheet. Before: «Price» taken for the amount, the order guessed
  alphabetically, no won stage (0 % win rate), the hidden rows imported unsaid.
- Amounts typed as text with a decimal comma («1 234,56 ₽», «3 500,00 ₽») beside real numbers
  formatted ``# ##0,00 ₽`` in one column (docs only): the typed numbers' «15000.5» outvoted the comma,
  two amounts did not read.
- A team's Google Sheet downloaded as .xlsx: a probability formatted as a percent (0.1 shown «10%»),
  money ``$#,##0``, a checkbox column «Won?» (TRUE / FALSE cells) and a «Closed» date (docs only):
  FALSE on a closed deal was counted as open ("closed, no outcome"), the lost deals' stage a step.
- WPS / Excel in Chinese: dates typed as numbers under the built-in CJK format 31 (yyyy"年"m"月"d"日",
  no <numFmt> of its own; docs only): read right. Its «结束时间» (end time) is not taken for the close
  (CordysCRM names the expected end 商机结束时间); the warning that won deals have no close date now
  names it and how to map it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
import xlsxwriter
import xlwt

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.mapping import propose_mapping
from funnel.readers import list_sheets
from funnel.readers.xlsx_extent import ods_extents, sheet_extents

D = dt.datetime


def outcome(store, info):
    """(deals, won, lost, open, won amount, median cycle in days)."""
    with store.connect() as con:
        return con.execute(f"""SELECT count(*), count(*) FILTER (WHERE status = 'won'),
                                      count(*) FILTER (WHERE status = 'lost'), count(*) FILTER (WHERE status = 'open'),
                                      sum(amount) FILTER (WHERE status = 'won'),
                                      median(cycle_days) FILTER (WHERE status = 'won')
                               FROM ds_{info.id}.deals""").fetchone()


def reached(store, info):
    with store.connect() as con:
        stages = con.execute(f"SELECT stage, position FROM ds_{info.id}.stages WHERE position IS NOT NULL "
                             "AND kind <> 'lost' ORDER BY position").fetchall()
        return [(s, con.execute(f"SELECT count(*) FROM ds_{info.id}.deals WHERE furthest_pos >= ?",
                                [p]).fetchone()[0]) for s, p in stages]


def kinds(store, info):
    with store.connect() as con:
        return dict(con.execute(f"SELECT stage, kind FROM ds_{info.id}.stages WHERE kind <> 'open'").fetchall())


def findings(store, info):
    """code -> (severity, n, detail as a dict)"""
    with store.connect() as con:
        rows = con.execute(f"SELECT code, severity, n, detail FROM ds_{info.id}.quality").fetchall()
    return {code: (sev, n, json.loads(detail) if detail and detail.startswith("{") else detail)
            for code, sev, n, detail in rows}


def amounts(store, info):
    with store.connect() as con:
        return dict(con.execute(f"SELECT deal_id, amount FROM ds_{info.id}.deals").fetchall())


# --- amoCRM's Excel export widget (ExcelJS) -------------------------------------------------------------

def test_amocrm_widget_xlsx_reads_its_date_cells_and_skips_its_summary_sheet(mem_store, tmp_path):
    path = tmp_path / "leads.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Leads")
    ws.freeze_panes(1, 0)
    money, date = wb.add_format({"num_format": "#,##0.00"}), wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, ["ID", "Name", "Budget", "Pipeline", "Status", "Responsible user", "Created at",
                        "Updated at", "Closed at", "Notes", "CRM link"])
    rows = [(31001, 10000, "Первичный контакт", D(2024, 3, 1, 9), None),
            (31002, 25000.5, "Переговоры", D(2024, 3, 2, 10), None),
            (31003, 40000, "Принимают решение", D(2024, 3, 3, 11), None),
            (31004, 15000, "Успешно реализовано", D(2024, 3, 1, 12), D(2024, 3, 11, 12)),
            (31005, 30000, "Успешно реализовано", D(2024, 3, 3, 8), D(2024, 3, 23, 8)),
            (31006, 5000, "Закрыто и не реализовано", D(2024, 3, 4, 9), D(2024, 3, 8, 9)),
            (31007, 12000, "Закрыто и не реализовано", D(2024, 3, 5, 9), D(2024, 3, 6, 9)),
            (31008, 8000, "Переговоры", D(2024, 3, 6, 9), None)]
    for i, (lead, budget, status, created, closed) in enumerate(rows, start=1):
        ws.write_number(i, 0, lead)
        ws.write_string(i, 1, f"Lead {lead}")
        ws.write_number(i, 2, budget, money)
        ws.write_string(i, 3, "Воронка")
        ws.write_string(i, 4, status, wb.add_format({"bg_color": "#99ccff"}))
        ws.write_string(i, 5, "Анна")
        ws.write_datetime(i, 6, created, date)
        ws.write_datetime(i, 7, closed or created, date)
        if closed:
            ws.write_datetime(i, 8, closed, date)
        ws.write_string(i, 9, "Позвонил клиенту\n---\nОтправил КП")
        ws.write_url(i, 10, f"https://example.amocrm.ru/leads/detail/{lead}", string="Open in amoCRM")
    summary = wb.add_worksheet("Summary")
    for i, pair in enumerate([("Field", "Value"), ("Entity", "Leads"), ("Total rows", "8")]):
        summary.write_row(i, 0, pair)
    wb.close()
    info, built, draft = import_file(mem_store, path)
    assert draft.raw.sheet == "Leads" and built["rows_rejected"] == 0
    # won 31004 (15,000: 1 → 11 March, 10 days) and 31005 (30,000: 3 → 23 March, 20 days): 45,000, median
    # (10 + 20) / 2 = 15; lost 31006, 31007; open the other 4
    assert outcome(mem_store, info) == (8, 2, 2, 4, 45000.0, 15.0)
    # amoCRM's default order; the two lost leads keep no stage: counted at the first
    assert reached(mem_store, info) == [("Первичный контакт", 8), ("Переговоры", 5), ("Принимают решение", 3),
                                        ("Успешно реализовано", 2)]


# --- a real .xls (BIFF8) -------------------------------------------------------------------------------

def test_a_biff_xls_reads_its_date_cells_and_currency(mem_store, tmp_path):
    book = xlwt.Workbook()
    ws = book.add_sheet("Deals")
    day, stamp = xlwt.easyxf(num_format_str="dd/mm/yyyy"), xlwt.easyxf(num_format_str="dd/mm/yyyy hh:mm")
    money = xlwt.easyxf(num_format_str='"$"#,##0.00')
    for c, h in enumerate(["Record Id", "Deal Name", "Deal Owner", "Amount", "Stage", "Closing Date", "Created Time"]):
        ws.write(0, c, h)
    rows = [("zcrm_1", 1200.0, "Qualification", D(2024, 4, 30), D(2024, 3, 1, 9, 30)),
            ("zcrm_2", 3400.5, "Negotiation/Review", D(2024, 4, 30), D(2024, 3, 2, 9, 30)),
            ("zcrm_3", 5000.0, "Closed Won", D(2024, 3, 21), D(2024, 3, 3, 9, 30)),
            ("zcrm_4", 700.0, "Closed Lost", D(2024, 3, 15), D(2024, 3, 4, 9, 30)),
            ("zcrm_5", 2500.0, "Closed Won", D(2024, 3, 30), D(2024, 3, 13, 9, 30))]
    for r, (rid, amount, stage, closing, created) in enumerate(rows, start=1):
        for c, value, style in ((0, rid, None), (1, rid.upper(), None), (2, "Jane", None), (3, amount, money),
                                (4, stage, None), (5, closing, day), (6, created, stamp)):
            ws.write(r, c, value, style) if style else ws.write(r, c, value)
    path = tmp_path / "Deals.xls"
    book.save(str(path))
    info, built, _ = import_file(mem_store, path)
    # won zcrm_3 (5,000; 3 March 9:30 → 21 March, a day: 18 calendar days) and zcrm_5 (2,500; 13 March 9:30 →
    # 30 March: 17): 7,500, median 17.5
    deals, won, lost, open_, revenue, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, revenue) == (5, 2, 1, 2, 7500.0)
    assert cycle == 17.5
    assert amounts(mem_store, info)["zcrm_2"] == 3400.5
    assert reached(mem_store, info) == [("Qualification", 5), ("Negotiation/Review", 3), ("Closed Won", 2)]


def test_rows_an_xls_hides_are_imported_and_said(mem_store, tmp_path):
    # an Excel 97-2003 list with rows 3 and 5 (deals B and D) hidden by hand: 4 deals all imported, the
    # two hidden ones named by their row numbers as Excel shows them
    book = xlwt.Workbook()
    ws = book.add_sheet("Deals")
    for r, row in enumerate([("ID", "Stage", "Amount"), ("A", "New", 100), ("B", "Won", 200), ("C", "New", 300),
                             ("D", "Lost", 400)]):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.row(2).hidden = ws.row(4).hidden = True
    path = tmp_path / "deals.xls"
    book.save(str(path))
    info, _built, _ = import_file(mem_store, path)
    assert outcome(mem_store, info)[:4] == (4, 1, 1, 2)
    severity, n, detail = findings(mem_store, info)["sheets9.hidden_rows"]
    assert (severity, n, detail["rows"], detail["sheet"]) == ("warning", 2, "3, 5", "Deals")


def test_an_xls_full_to_its_last_row_is_said_to_be_cut(mem_store, tmp_path):
    book = xlwt.Workbook()
    ws = book.add_sheet("Deals")
    for c, h in enumerate(["Deal ID", "Stage", "Amount", "Created"]):
        ws.write(0, c, h)
    stages = ["Qualification", "Closed Won", "Closed Lost"]
    for r in range(1, 65_536):  # the header and 65,535 deals: every row an .xls sheet has
        ws.write(r, 0, r)
        ws.write(r, 1, stages[r % 3])
        ws.write(r, 2, 100)
        ws.write(r, 3, "2024-03-01")
    path = tmp_path / "export.xls"
    book.save(str(path))
    info, built, _ = import_file(mem_store, path)
    # deals 1 … 65,535: a third of them (21,845) at each stage, r % 3 = 1 won: 21,845 × 100 = 2,184,500
    assert outcome(mem_store, info)[:5] == (65_535, 21_845, 21_845, 21_845, 2_184_500.0)
    severity, _n, detail = findings(mem_store, info)["sheets9.rows_at_limit"]
    assert severity == "warning" and detail["rows"] == 65_536 and detail["format"] == ".xls"


def test_a_sheet_short_of_the_last_row_is_not_said_to_be_cut(mem_store, tmp_path):
    path = tmp_path / "short.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Deal ID", "Stage", "Amount"])
    wb.active.append([1, "Closed Won", 100])
    wb.save(path)
    info, _built, _ = import_file(mem_store, path)
    assert "sheets9.rows_at_limit" not in findings(mem_store, info)


# --- LibreOffice .ods ------------------------------------------------------------------------------------

def _ods(rows, tail='<table:table-row table:number-rows-repeated="1048571">'
                    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>') -> bytes:
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, dt.datetime):
            return (f'<table:table-cell office:value-type="date" office:date-value="{v:%Y-%m-%d}">'
                    f"<text:p>{v:%d.%m.%Y}</text:p></table:table-cell>")
        if isinstance(v, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Deals">'
               f'<table:table-column table:number-columns-repeated="5"/>{body}{tail}'
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             "</manifest:manifest>")


def test_a_libreoffice_ods_is_read(mem_store, tmp_path):
    path = tmp_path / "deals.ods"
    path.write_bytes(_ods([["Deal", "Stage", "Amount", "Created", "Closed"],
                           ["A", "Qualification", 1000, D(2024, 3, 1), None],
                           ["B", "Closed Won", 2000, D(2024, 3, 2), D(2024, 3, 12)],
                           ["C", "Closed Won", 3000, D(2024, 3, 3), D(2024, 3, 7)],
                           ["D", "Closed Lost", 400, D(2024, 3, 4), D(2024, 3, 5)]]))
    # the empty row LibreOffice repeats to the sheet's end counts for nothing: 5 rows, 5 columns
    scan = ods_extents(path)["Deals"]
    assert (scan.rows, scan.columns) == (5, 5)
    info, built, _ = import_file(mem_store, path)
    # won B (2,000; 10 days) and C (3,000; 4 days): 5,000, median 7; lost D; open A
    assert outcome(mem_store, info) == (4, 2, 1, 1, 5000.0, 7.0) and built["rows_rejected"] == 0


def test_an_ods_repeating_a_filled_row_past_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "bomb.ods"
    path.write_bytes(_ods([["Deal", "Stage"]], tail='<table:table-row table:number-rows-repeated="2000000">'
                                                    '<table:table-cell office:value-type="string"><text:p>x</text:p>'
                                                    "</table:table-cell></table:table-row>"))
    with pytest.raises(FunnelError) as err:
        list_sheets(path, "bomb.ods")
    # the header row and 2,000,000 repeats of a filled one: more rows than a sheet has
    assert err.value.code == "limits.sheet_too_big" and err.value.params["rows"] == 2_000_001


# --- formats applied down to Excel's last row -----------------------------------------------------------

def test_borders_down_to_the_last_row_are_no_extent(mem_store, tmp_path):
    path = tmp_path / "bordered.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Deals")
    border = wb.add_format({"border": 1})
    ws.write_row(0, 0, ["Deal", "Stage", "Amount", "Created", "Closed", "Owner"], border)
    for i, row in enumerate([["A", "Qualification", 100, "2024-03-01", "", "Jo"],
                             ["B", "Closed Won", 200, "2024-03-02", "2024-03-05", "Jo"],
                             ["C", "Closed Lost", 300, "2024-03-03", "2024-03-04", "Jo"]], start=1):
        ws.write_row(i, 0, row, border)
    for c in range(6):  # the styled, empty cells of Excel's last row (1,048,576)
        ws.write_blank(1_048_575, c, None, border)
    wb.close()
    # 4 rows × 6 columns hold something; before, 1,048,576 × 6 = 6.3 million cells were refused
    assert sheet_extents(path) == {"xl/worksheets/sheet1.xml": (4, 6)}
    info, _built, _ = import_file(mem_store, path)
    # won B: 200, 2 → 5 March = 3 days
    assert outcome(mem_store, info) == (3, 1, 1, 1, 200.0, 3.0)


# --- a person's workbook: filter, formulas, totals, a stage list, a pivot ------------------------------

HANDMADE = [  # deal, region, stage, qty (× 1,000 = amount), created, closed
    ("D-01", "West", "Backlog", 1, D(2024, 1, 10), None),
    ("D-02", "East", "Scoping", 2, D(2024, 1, 11), None),
    ("D-03", "West", "Pilot", 3, D(2024, 1, 12), None),
    ("D-04", "East", "Live", 4, D(2024, 1, 13), D(2024, 2, 2)),
    ("D-05", "West", "Live", 5, D(2024, 1, 14), D(2024, 2, 13)),
    ("D-06", "East", "Parked", 6, D(2024, 1, 15), D(2024, 1, 20)),
    ("D-07", "West", "Rollout", 7, D(2024, 1, 16), None),
    ("D-08", "West", "Backlog", 8, D(2024, 1, 17), None),
]


def _handmade(path, *, stage_sheet=True, filtered=True):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Deals")
    money, day = wb.add_format({"num_format": "#,##0"}), wb.add_format({"num_format": "dd.mm.yyyy"})
    ws.merge_range(0, 0, 0, 8, "Pipeline Q1 2024", wb.add_format({"bold": True}))
    ws.write_row(2, 0, ["Deal", "Client", "Region", "Stage", "Qty", "Price", "Amount", "Created", "Closed"])
    ws.freeze_panes(3, 0)
    for k, (deal, region, stage, qty, created, closed) in enumerate(HANDMADE):
        i = 3 + k
        ws.write_row(i, 0, [deal, f"Client {k}", region, stage])
        ws.write_number(i, 4, qty)
        ws.write_number(i, 5, 1000, money)
        ws.write_formula(i, 6, f"=E{i + 1}*F{i + 1}", money, qty * 1000)
        ws.write_datetime(i, 7, created, day)
        if closed:
            ws.write_datetime(i, 8, closed, day)
        if region == "East":
            ws.set_row(i, None, None, {"hidden": True})
    if filtered:
        ws.autofilter(2, 0, 10, 8)
        ws.filter_column(2, "Region == West")
    # the total row under the data: SUBTOTAL(109) sums the visible amounts (West: 1 + 3 + 5 + 7 + 8 = 24 × 1,000)
    ws.write_string(11, 0, "Total")
    ws.write_formula(11, 6, "=SUBTOTAL(109,G4:G11)", money, 24000)
    if stage_sheet:
        stages = wb.add_worksheet("Stages")
        stages.write_row(0, 0, ["Stage", "Order", "Probability"])
        for i, (stage, p) in enumerate([("Backlog", 0.05), ("Scoping", 0.2), ("Pilot", 0.5), ("Rollout", 0.8),
                                        ("Live", 1), ("Parked", 0)], start=1):
            stages.write_row(i, 0, [stage, i, p])
    pivot = wb.add_worksheet("Pivot")
    for i, row in enumerate([("Row Labels", "Count of Deal"), ("Backlog", 2), ("Live", 2), ("Parked", 1),
                             ("Pilot", 1), ("Rollout", 1), ("Scoping", 1), ("Grand Total", 8)]):
        pivot.write_row(i, 0, row)
    wb.close()
    return path


def test_a_workbooks_own_stage_list_orders_the_funnel_and_names_won_and_lost(mem_store, tmp_path):
    info, built, draft = import_file(mem_store, _handmade(tmp_path / "pipeline.xlsx"))
    assert draft.raw.sheet == "Deals" and draft.raw.headers[6] == "Amount"
    # the Amount column (Qty × Price), not «Price» (1,000 on every row) further left
    assert draft.raw.headers[draft.mapping.fields["amount"]] == "Amount"
    # the total row is no deal: 8 deals. «Stages» gives the order Backlog → Scoping → Pilot → Rollout →
    # Live, and its probabilities Live (100 %) won, Parked (0) lost. Won D-04 (4,000; 13 Jan → 2 Feb =
    # 20 days) and D-05 (5,000; 14 Jan → 13 Feb = 30 days): 9,000, median 25; lost D-06; open 5
    assert outcome(mem_store, info) == (8, 2, 1, 5, 9000.0, 25.0)
    assert kinds(mem_store, info) == {"Live": "won", "Parked": "lost"}
    # the «Deal» column of codes D-01…D-08 is the deals' id, not a name nor an extra column
    assert draft.raw.headers[draft.mapping.fields["deal_id"]] == "Deal"
    with mem_store.connect() as con:
        ids = con.execute(f"SELECT list(deal_id ORDER BY deal_id) FROM ds_{info.id}.deals").fetchone()[0]
    assert ids == [f"D-0{n}" for n in range(1, 9)]
    # reached: Backlog all 8 (D-06 lost, its stage unknown); Scoping D-02, D-03, D-07 + 2 won = 5; Pilot
    # D-03, D-07 + 2 = 4; Rollout D-07 + 2 = 3; Live 2
    assert reached(mem_store, info) == [("Backlog", 8), ("Scoping", 5), ("Pilot", 4), ("Rollout", 3), ("Live", 2)]
    found = findings(mem_store, info)
    assert found["sheets9.order_from_sheet"][2]["sheet"] == "Stages"
    assert "stages.order_guessed" not in found and "stages.no_won" not in found
    # the East rows 5, 7 and 9 (D-02, D-04, D-06) are filtered out in Excel: imported, and said
    severity, n, detail = found["sheets9.hidden_rows_filter"]
    assert (severity, n, detail["rows"]) == ("warning", 3, "5, 7, 9")


def test_without_a_stage_list_the_order_stays_a_guess(mem_store, tmp_path):
    info, _built, _ = import_file(mem_store, _handmade(tmp_path / "pipeline.xlsx", stage_sheet=False))
    found = findings(mem_store, info)
    # the pivot's row labels (alphabetical) are no stage list
    assert "sheets9.order_from_sheet" not in found and "stages.order_guessed" in found


def test_rows_a_filter_hides_are_imported_and_said(mem_store, tmp_path):
    info, _built, _ = import_file(mem_store, _handmade(tmp_path / "pipeline.xlsx", stage_sheet=False))
    # all 8 deals, the West ones visible and the East ones (rows 5, 7, 9) filtered out; the total row
    # (row 12) is no deal
    assert outcome(mem_store, info)[0] == 8
    severity, n, detail = findings(mem_store, info)["sheets9.hidden_rows_filter"]
    assert (severity, n, detail["rows"], detail["sheet"]) == ("warning", 3, "5, 7, 9", "Deals")


def test_a_unit_price_beside_the_lines_amount_is_not_the_amount():
    # «Qty, Price, Amount» (Amount = Qty × Price): «Price» came first and was taken for the amount
    headers = ["Deal", "Stage", "Qty", "Price", "Amount"]
    mapping = propose_mapping(headers, [["D-01", "Pilot", "3", "1000", "3000"]])
    assert headers[mapping.fields["amount"]] == "Amount"
    # alone, a price is still the amount
    alone = propose_mapping(["Deal", "Stage", "Price"], [["D-01", "Pilot", "1000"]])
    assert alone.fields["amount"] == 2


def test_a_column_named_for_the_deal_is_its_id_when_it_holds_codes():
    # «Deal» / «Сделка» / «商机» alone: codes (a digit, no space, all different) are the id ...
    for headers, rows in ((["Deal", "Stage"], [["D-01", "Pilot"], ["D-02", "Live"]]),
                          (["Сделка", "Этап"], [["1042", "Новая"], ["1043", "Новая"]]),
                          (["商机", "阶段"], [["SO-2024/17", "初步接洽"], ["SO-2024/18", "赢单"]])):
        assert propose_mapping(headers, rows).fields == {"deal_id": 0, "stage": 1}, headers
    # ... words are its name («Сделка» is a name synonym), a repeated code is no id, nor is one named
    # «Deal» beside an «ID» column
    assert propose_mapping(["Сделка", "Этап"], [["Поставка серверов", "Новая"], ["Аудит", "Новая"]]).fields \
        == {"deal_name": 0, "stage": 1}
    assert "deal_id" not in propose_mapping(["Deal", "Stage"], [["D-01", "Pilot"], ["D-01", "Live"]]).fields
    assert propose_mapping(["ID", "Deal", "Stage"], [["7", "D-01", "Pilot"], ["8", "D-02", "Live"]]).fields["deal_id"] == 0


def test_rows_hidden_by_hand_are_said_without_a_filter(mem_store, tmp_path):
    info, _built, _ = import_file(mem_store, _handmade(tmp_path / "pipeline.xlsx", filtered=False))
    found = findings(mem_store, info)
    assert "sheets9.hidden_rows_filter" not in found
    assert found["sheets9.hidden_rows"][:2] == ("warning", 3)


# --- amounts typed as text with a decimal comma, beside typed numbers ----------------------------------

def test_typed_amounts_beside_decimal_comma_text_all_read(mem_store, tmp_path):
    path = tmp_path / "сделки.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Сделки")
    rub = wb.add_format({"num_format": '#,##0.00 "₽"'})
    ws.write_row(0, 0, ["№", "Сделка", "Этап", "Сумма", "Дата создания", "Дата закрытия"])
    rows = [(1, "Новая", "1 234,56 ₽", "01.03.2024", None), (2, "Переговоры", 15000.5, "02.03.2024", None),
            (3, "Сделка успешна", "12 000 ₽", "03.03.2024", "13.03.2024"),
            (4, "Сделка успешна", 20000.25, "04.03.2024", "09.03.2024"),
            (5, "Сделка провалена", "3 500,00 ₽", "05.03.2024", "07.03.2024"),
            (6, "Сделка успешна", 1500.75, "06.03.2024", "26.03.2024")]
    for i, (n, stage, amount, created, closed) in enumerate(rows, start=1):
        ws.write_row(i, 0, [n, f"Сделка {n}", stage])
        if isinstance(amount, str):
            ws.write_string(i, 3, amount)
        else:
            ws.write_number(i, 3, amount, rub)
        ws.write_string(i, 4, created)
        if closed:
            ws.write_string(i, 5, closed)
    wb.close()
    info, built, _ = import_file(mem_store, path)
    assert amounts(mem_store, info) == {"1": 1234.56, "2": 15000.5, "3": 12000.0, "4": 20000.25, "5": 3500.0,
                                        "6": 1500.75}
    # won 3, 4, 6: 12,000 + 20,000.25 + 1,500.75 = 33,501; cycles 10, 5, 20 days: median 10
    assert outcome(mem_store, info) == (6, 3, 1, 2, 33501.0, 10.0)
    assert "amount.unreadable" not in findings(mem_store, info)


# --- a Google Sheet with a percent probability and a «Won?» checkbox ------------------------------------

GSHEET = [  # deal, stage, probability, value, created, closed, won?
    ("A", "Discovery", 0.1, 1000, D(2024, 3, 1), None, None),
    ("B", "Discovery", 0.1, 1500, D(2024, 3, 2), None, None),
    ("C", "Scoping", 0.3, 2000, D(2024, 3, 3), None, None),
    ("D", "Pilot", 0.6, 2500, D(2024, 3, 4), None, None),
    ("E", "Pilot", 0.6, 3000, D(2024, 3, 5), None, None),
    ("F", "Signed", 1.0, 4000, D(2024, 3, 6), D(2024, 3, 20), True),
    ("G", "Signed", 1.0, 5000, D(2024, 3, 7), D(2024, 3, 17), True),
    ("H", "Dropped", 0.0, 6000, D(2024, 3, 8), D(2024, 3, 9), False),
    ("I", "Dropped", 0.0, 7000, D(2024, 3, 9), D(2024, 3, 12), False),
]


def _gsheet(path, closed_header="Closed"):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Pipeline")
    pct, usd = wb.add_format({"num_format": "0%"}), wb.add_format({"num_format": "$#,##0"})
    day = wb.add_format({"num_format": "m/d/yyyy"})
    ws.write_row(0, 0, ["Deal", "Stage", "Probability", "Value", "Created", closed_header, "Owner", "Won?"])
    for i, (deal, stage, p, value, created, closed, won) in enumerate(GSHEET, start=1):
        ws.write_row(i, 0, [deal, stage])
        ws.write_number(i, 2, p, pct)
        ws.write_number(i, 3, value, usd)
        ws.write_datetime(i, 4, created, day)
        if closed:
            ws.write_datetime(i, 5, closed, day)
        ws.write_string(i, 6, "Kim")
        if won is not None:
            ws.write_boolean(i, 7, won)
    wb.close()
    return path


def test_a_won_checkbox_false_on_a_closed_deal_is_a_loss(mem_store, tmp_path):
    info, _built, _ = import_file(mem_store, _gsheet(tmp_path / "pipeline.xlsx"))
    # won F (4,000; 6 → 20 March, 14 days) and G (5,000; 7 → 17 March, 10 days): 9,000, median 12; lost H
    # and I (FALSE, closed); open A … E. Before: 7 open, no loss, a win rate of 100 %.
    assert outcome(mem_store, info) == (9, 2, 2, 5, 9000.0, 12.0)
    found = findings(mem_store, info)
    assert "deals.closed_no_outcome" not in found and "deals.no_lost" not in found
    # «Dropped» holds only lost deals: a lost stage, no step; «Signed» (two deals, both won) the won one.
    # The open stages by their percent probability (10 %, 30 %, 60 %): still a guess, said
    assert kinds(mem_store, info) == {"Signed": "won", "Dropped": "lost"}
    # reached: Discovery all 9; Scoping C, D, E + F, G = 5; Pilot D, E + F, G = 4; Signed 2
    assert reached(mem_store, info) == [("Discovery", 9), ("Scoping", 5), ("Pilot", 4), ("Signed", 2)]
    assert "stages.order_guessed" in found


def test_a_won_checkbox_false_beside_a_crms_close_date_stays_open(mem_store, tmp_path):
    # «Close Date» is a CRM's expected close while a deal is open (HubSpot, Salesforce): FALSE says nothing
    info, _built, _ = import_file(mem_store, _gsheet(tmp_path / "pipeline.xlsx", closed_header="Close Date"))
    _deals, won, lost, *_rest = outcome(mem_store, info)
    assert (won, lost) == (2, 0)


# --- WPS / Excel in Chinese: built-in CJK date formats ------------------------------------------------

def _wps(path):
    """Dates typed as numbers under the built-in format 31 (yyyy"年"m"月"d"日"), which WPS and a Chinese
    Excel write with no <numFmt> of their own; «结束时间» (an end time) beside «创建时间»."""
    serial = lambda d: (d - D(1899, 12, 30)).days  # noqa: E731
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "商机"
    ws.append(["商机编号", "商机名称", "商机阶段", "商机金额", "创建时间", "结束时间", "负责人"])
    for code, stage, amount, created, ended in [("B1", "初步接洽", 12000, D(2024, 3, 1), None),
                                                ("B2", "需求确定", 8000, D(2024, 3, 2), None),
                                                ("B3", "赢单", 30000, D(2024, 3, 3), D(2024, 3, 13)),
                                                ("B4", "赢单", 20000, D(2024, 3, 4), D(2024, 3, 24)),
                                                ("B5", "输单", 5000, D(2024, 3, 5), D(2024, 3, 8))]:
        ws.append([code, f"商机{code}", stage, amount, serial(created), serial(ended) if ended else None, "王伟"])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=6):
        for c in row:
            c.number_format = "0.00"  # built-in id 2, turned into id 31 below
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(b'numFmtId="2"', b'numFmtId="31"')
            zout.writestr(item, data)
    return path


def test_cjk_date_cells_read_and_an_end_time_is_asked_not_taken(mem_store, tmp_path):
    path = _wps(tmp_path / "商机.xlsx")
    info, _built, _ = import_file(mem_store, path)
    with mem_store.connect() as con:
        created = con.execute(f"SELECT deal_id, created_at FROM ds_{info.id}.deals ORDER BY 1").fetchall()
    assert created[0] == ("B1", D(2024, 3, 1)) and created[4] == ("B5", D(2024, 3, 5))
    # won B3 and B4: 30,000 + 20,000; «结束时间» is not taken for the close (CordysCRM's 商机结束时间 is the
    # expected end): no cycle, and the warning names the column and how to map it
    assert outcome(mem_store, info)[:5] == (5, 2, 1, 2, 50000.0)
    severity, n, detail = findings(mem_store, info)["deals.won_no_close_columns"]
    assert (severity, n, detail["columns"]) == ("warning", 2, "«结束时间»")
    mapped, _built, _ = import_file(mem_store, path, mapping_pairs=["closed_at=结束时间"], force=True)
    # mapped: B3 3 → 13 March (10 days), B4 4 → 24 March (20 days): median 15
    assert outcome(mem_store, mapped) == (5, 2, 1, 2, 50000.0, 15.0)
