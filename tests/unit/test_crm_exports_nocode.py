"""Survey 11: pipelines kept in no-code tools (monday.com, Airtable, Notion, ClickUp, Trello), exported
and imported end to end. Each file is written here in its tool's shape; the expected numbers are worked
out by hand from the rows (the arithmetic in the comments). Sources and confidence:

- monday.com "Export board to Excel" (medium): the board's name, then per group its title, the header
  ``Name, Subitems, …, Item ID (auto generated)`` again and the group's items — the layout
  nworbdier/orderly_flow ``src/lib/excel-import.js`` parses (and its ``IMPORT_GUIDE.md``: "Board Name
  Row ... skipped"); leochung/monday-data-export ("group names ... only one table header"). Groups now
  become the column ``Group`` (funnel/readers/board_groups.py). Subitem rows (``Subitems, Name, …`` under
  an item) are in the same parser; not handled here (left: see the report).
- Airtable grid-view CSV (low): ``1/5/2024 10:00am`` dates, ``$1,200.00`` currency, ``checked`` checkbox
  and comma-joined linked records — from memory of the download, no public file found. Read right as it
  was (no change needed).
- Notion database CSV (medium): ``Name,Created time,Last edited time`` with «April 10, 2026 9:00 AM»
  (a Notion-CSV importer's test, code search), a UTF-8 BOM, the database id in the file name; a date
  with an end as «October 1, 2023 → November 30, 2024» (a page copied from Notion, code search; low for
  the CSV). The range now keeps its first date; before, the row was rejected.
- ClickUp CSV (medium): ``Task ID, Task Name, Task Content, Status, Date Created, Date Created (Unix), …,
  Date Closed (Unix), Space Name, Folder Name, List Name, Assignees`` (``[Name1,Name2]``), custom fields
  after them (a ClickUp-CSV parser's column list, code search). The text dates' exact format is not
  established; the Unix twins are read. Before: refused (no stage; the text date unread).
- Trello CSV (low-medium): ``Card ID,Card Name,Card URL,Card Description,Labels,Members,Due Date,List
  ID,List Name,Board Name,Archived``, labels «Einkauf (green), Dringend (red)» (an importer's test of a
  Trello export, code search). Before: refused, no stage column; now the list is the stage.
- Smartsheet: no real export found; not tested.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached


def _fields(info):
    return info.meta["mapping"]["fields"]


AIRTABLE = ("Name,Stage,Owner,Company,Deal Value,Created,Close Date,Won,Contacts\n"
            "Acme renewal,Qualified,Ann Lee,Acme,\"$1,200.00\",1/5/2024 10:00am,,,\"Bob Smith,Cara Jones\"\n"
            "Beta rollout,Proposal,Bob Ray,Beta,\"$3,000.00\",1/8/2024 2:30pm,,,Dan Poe\n"
            "Gamma,Closed Won,Ann Lee,Gamma,\"$2,500.00\",1/10/2024 9:00am,1/30/2024,checked,\n"
            "Delta,Closed Lost,Bob Ray,Delta,\"$800.00\",1/12/2024 11:15am,1/20/2024,,\n"
            "Eps,Closed Won,Ann Lee,Eps,\"$1,000.00\",1/15/2024 4:45pm,2/14/2024,checked,\n")


def test_airtable_grid_view_csv(mem_store):
    info, built, _ = import_file(mem_store, AIRTABLE.encode(), "Deals-Grid view.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    f = _fields(info)
    assert (f["stage"], f["amount"], f["created_at"], f["closed_at"], f["manager"]) == (
        "Stage", "Deal Value", "Created", "Close Date", "Owner")
    # won Gamma (2,500: 10 Jan 9:00 -> 30 Jan, a day: 20 calendar days) and Eps (1,000: 15 Jan 16:45 -> 14 Feb:
    # 16 + 14 = 30): 3,500, median 25; lost Delta; open Acme, Beta
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (5, 2, 1, 2, 3500.0)
    assert cycle == 25
    assert reached(mem_store, info) == [("Qualified", 5), ("Proposal", 3), ("Closed Won", 2)]


@pytest.mark.parametrize("mark", ["✓", "x", "X", "+"])
def test_a_sheets_won_column_of_ticks_is_a_checkbox(mem_store, mark):
    # a hand-kept sheet (or a no-code table: APITable reads ☑️) ticks the won deals («✓», «x») and leaves
    # the rest empty: an empty box on a closed deal is lost, as Airtable's «checked» column
    text = ("Deal,Stage,Value,Created,Closed on,Won\n"
            f"A-1,Proposal,1000,2024-01-01,2024-01-11,{mark}\n"
            "A-2,Proposal,2000,2024-01-02,2024-01-12,\n"
            "A-3,Lead,500,2024-01-03,,\n"
            f"A-4,Negotiation,4000,2024-01-04,2024-01-09,{mark}\n")
    info, built, _ = import_file(mem_store, text.encode(), "pipeline.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    assert _fields(info)["won_flag"] == "Won"
    # won A-1 (1,000 in 10 days) and A-4 (4,000 in 5 days): 5,000, median 7.5; lost A-2 (closed, unticked);
    # open A-3
    assert outcome(mem_store, info) == (4, 2, 1, 1, 5000.0, 7.5)


def test_property_names_and_statuses_decorated_with_emoji(mem_store):
    # Notion users name properties with an icon («📊 Stage», «💰 Value») and decorate select options
    text = ("\ufeffName,📊 Stage,💰 Value,📅 Created,👤 Owner\n"
            "Acme,📥 Lead,1200,2024-01-05,Ann Lee\n"
            "Beta,📞 Contacted,3000,2024-01-08,Bob Ray\n"
            "Gamma,✅ Won,2500,2024-01-10,Ann Lee\n"
            "Delta,❌ Lost,800,2024-01-12,Bob Ray\n")
    info, built, _ = import_file(mem_store, text.encode(), "Deals 0123456789abcdef.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    f = _fields(info)
    assert (f["stage"], f["amount"], f["created_at"], f["manager"]) == ("📊 Stage", "💰 Value", "📅 Created", "👤 Owner")
    # won Gamma 2,500; lost Delta; open Acme, Beta (no close date: no cycle)
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 1, 1, 2, 2500.0)


NOTION = ("\ufeffName,Status,Owner,Value,Created time,Expected close,Last edited time,Company\n"
          "Acme renewal,Lead,Ann Lee,1200,\"January 5, 2024 10:00 AM\",\"February 1, 2024\",\"January 6, 2024 9:00 AM\","
          "Acme (https://www.notion.so/Acme-0123456789abcdef0123456789abcdef)\n"
          "Beta rollout,Proposal,Bob Ray,3000,\"January 8, 2024 2:30 PM\",\"March 1, 2024 → March 15, 2024\","
          "\"January 9, 2024 9:00 AM\",\n"
          "Gamma,Won,Ann Lee,2500,\"January 10, 2024 9:00 AM\",\"January 30, 2024\",\"January 30, 2024 9:00 AM\",\n"
          "Delta,Lost,Bob Ray,800,\"January 12, 2024 11:15 AM\",\"January 20, 2024\",\"January 20, 2024 9:00 AM\",\n")


def test_notion_database_csv_with_a_date_range(mem_store):
    info, built, _ = import_file(mem_store, NOTION.encode(), "Pipeline 0123456789abcdef0123456789abcdef.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)  # the range row was rejected before
    f = _fields(info)
    assert (f["stage"], f["created_at"], f["expected_close"], f["amount"]) == (
        "Status", "Created time", "Expected close", "Value")
    with mem_store.connect() as con:
        got = con.execute(f"SELECT created_at FROM ds_{info.id}.deals WHERE deal_name = 'Beta rollout'").fetchone()
    assert str(got[0]) == "2024-01-08 14:30:00"
    # won Gamma 2,500; lost Delta; no close date column (Expected close is an expectation): no cycle
    assert outcome(mem_store, info) == (4, 1, 1, 2, 2500.0, None)
    assert reached(mem_store, info) == [("Lead", 4), ("Proposal", 2), ("Won", 1)]
    assert "date.close_is_expected" in findings(mem_store, info)


CLICKUP = ("Task ID,Task Name,Task Content,Status,Date Created,Date Created (Unix),Due Date,Due Date (Unix),"
           "Date Closed,Date Closed (Unix),Space Name,Folder Name,List Name,Assignees,Tags,Deal Value\n"
           "86a1,Acme renewal,,lead,\"Friday, January 5th 2024\",1704448800000,,,,,Sales,,Pipeline,[Ann Lee],[],1200\n"
           "86a2,Beta rollout,,proposal,\"Monday, January 8th 2024\",1704724200000,,,,,Sales,,Pipeline,[Bob Ray],[],3000\n"
           "86a3,Gamma,,won,\"Wednesday, January 10th 2024\",1704877200000,,,\"Tuesday, January 30th 2024\","
           "1706605200000,Sales,,Pipeline,[Ann Lee],[],2500\n"
           "86a4,Delta,,lost,\"Friday, January 12th 2024\",1705058100000,,,\"Saturday, January 20th 2024\","
           "1705749300000,Sales,,Pipeline,\"[Bob Ray, Ann Lee]\",[],800\n")


def test_clickup_csv_reads_the_unix_dates_and_the_status_as_stage(mem_store):
    info, built, _ = import_file(mem_store, CLICKUP.encode(), "clickup.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    f = _fields(info)
    assert (f["deal_id"], f["stage"], f["pipeline"], f["created_at"], f["closed_at"], f["manager"]) == (
        "Task ID", "Status", "List Name", "Date Created (Unix)", "Date Closed (Unix)", "Assignees")
    # Gamma: 1704877200000 (10 Jan 2024 09:00 UTC) -> 1706605200000 (30 Jan 09:00): 20 days, 2,500 won
    assert outcome(mem_store, info) == (4, 1, 1, 2, 2500.0, 20.0)
    assert reached(mem_store, info) == [("lead", 4), ("proposal", 2), ("won", 1)]


def test_ordinal_day_dates_read():
    # the text twin alone (moment.js's «dddd, MMMM Do YYYY»): read once its weekday and «th» are dropped
    import duckdb

    from funnel.readers.values import date_sql, profile_column

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('Friday, January 5th 2024'), ('March 1st, 2024'),"
                " ('April 22nd 2024'), ('May 3rd 2024')) v(c)")
    p = profile_column(con, "t", "c", prefer="date")
    got = con.execute(f"SELECT {date_sql('c', p)} FROM t").fetchall()
    assert [str(r[0].date()) for r in got] == ["2024-01-05", "2024-03-01", "2024-04-22", "2024-05-03"]


def test_a_notion_date_range_reads_as_its_start():
    import duckdb

    from funnel.readers.values import date_sql, profile_column

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('March 1, 2024 → March 15, 2024'), ('February 1, 2024'),"
                " ('January 5, 2024 10:00 AM → January 6, 2024 11:00 AM')) v(c)")
    p = profile_column(con, "t", "c", prefer="date")
    got = con.execute(f"SELECT {date_sql('c', p)} FROM t").fetchall()
    assert [str(r[0]) for r in got] == ["2024-03-01 00:00:00", "2024-02-01 00:00:00", "2024-01-05 10:00:00"]


TRELLO = ("Card ID,Card Name,Card URL,Card Description,Labels,Members,Due Date,List ID,List Name,Board Name,Archived\n"
          "c1,Acme renewal,https://trello.com/c/aaa,,\"Hot (red), Inbound (green)\",Ann Lee,,l1,Leads,Sales,false\n"
          "c2,Beta rollout,https://trello.com/c/bbb,,,Bob Ray,2024-03-01T12:00:00.000Z,l2,Proposal Sent,Sales,false\n"
          "c3,Gamma,https://trello.com/c/ccc,,,Ann Lee,,l3,Won,Sales,false\n"
          "c4,Delta,https://trello.com/c/ddd,,,Bob Ray,,l4,Lost,Sales,true\n")


def test_trello_csv_lists_are_stages(mem_store):
    info, built, _ = import_file(mem_store, TRELLO.encode(), "trello.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    f = _fields(info)
    assert (f["deal_id"], f["deal_name"], f["stage"], f["manager"]) == ("Card ID", "Card Name", "List Name", "Members")
    # no amount, no created date: outcomes only from the lists Won / Lost
    assert outcome(mem_store, info) == (4, 1, 1, 2, None, None)
    assert reached(mem_store, info) == [("Leads", 4), ("Proposal Sent", 2), ("Won", 1)]
    assert "date.no_created_column_at_all" in findings(mem_store, info)


MONDAY_H = ["Name", "Subitems", "Person", "Status", "Deal Value", "Date", "Close Date", "Item ID (auto generated)"]
MONDAY = [["Sales Pipeline"], ["Leads"], MONDAY_H,
          ["Acme", None, "Ann Lee", "Working on it", 1200, dt.datetime(2024, 1, 5), None, 5001],
          ["Beta", None, "Bob Ray", "Working on it", 3000, dt.datetime(2024, 1, 8), None, 5002],
          [], ["Negotiation"], MONDAY_H,
          ["Zeta", None, "Bob Ray", "Working on it", 4000, dt.datetime(2024, 1, 9), None, 5006],
          [], ["Won"], MONDAY_H,
          ["Gamma", None, "Ann Lee", "Done", 2500, dt.datetime(2024, 1, 10), dt.datetime(2024, 1, 30), 5003],
          ["Eps", None, "Ann Lee", "Done", 1000, dt.datetime(2024, 1, 15), dt.datetime(2024, 2, 14), 5005],
          [], ["Lost"], MONDAY_H,
          ["Delta", None, "Bob Ray", "Stuck", 800, dt.datetime(2024, 1, 12), dt.datetime(2024, 1, 20), 5004]]


def _monday():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales Pipeline"
    for r in MONDAY:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_monday_board_groups_become_a_column(mem_store):
    info, built, _ = import_file(mem_store, _monday(), "Sales_Pipeline_1700000000.xlsx")
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    f = _fields(info)
    assert (f["deal_id"], f["manager"], f["amount"]) == ("Item ID (auto generated)", "Person", "Deal Value")
    assert "stage" not in f  # «Group» is never the stage unasked
    assert findings(mem_store, info)["nocode.board_groups"][2]["groups"] == "Leads, Negotiation, Won, Lost"
    with mem_store.connect() as con:
        cols = [r[0] for r in con.execute(f"DESCRIBE ds_{info.id}.deals").fetchall()]
    assert "x_group" in cols


def test_monday_groups_as_the_stage_when_mapped(mem_store):
    info, built, _ = import_file(mem_store, _monday(), "board.xlsx", mapping_pairs=["stage=Group", "status="])
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    # Leads 2, Negotiation 1, Won 2 (Gamma 2,500 + Eps 1,000), Lost 1 (Delta); no created date mapped
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (6, 2, 1, 3, 3500.0)
    assert reached(mem_store, info) == [("Leads", 6), ("Negotiation", 3), ("Won", 2)]


def test_monday_board_saved_as_csv_keeps_its_first_groups_title(mem_store):
    # the same board saved from Excel as CSV: the board's name, the first group's title, then the header;
    # the first group («Leads») is the one-cell row above the header, as in the workbook
    def cell(v):
        return "" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else str(v)
    text = "\n".join(",".join(cell(v) for v in row) for row in MONDAY) + "\n"
    info, built, _ = import_file(mem_store, text.encode(), "Sales_Pipeline.csv", mapping_pairs=["stage=Group", "status="])
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    assert findings(mem_store, info)["nocode.board_groups"][2]["groups"] == "Leads, Negotiation, Won, Lost"
    # the two «Leads» items are in «Leads», not in no group: Leads 6, Negotiation 3, Won 2
    assert reached(mem_store, info) == [("Leads", 6), ("Negotiation", 3), ("Won", 2)]


def test_a_plain_workbook_gets_no_group_column(mem_store):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [["Deals 2024"], ["Deal", "Stage", "Amount"], ["A", "Won", 10], ["B", "Lost", 5]]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    info, _built, _ = import_file(mem_store, buf.getvalue(), "deals.xlsx")
    assert "nocode.board_groups" not in findings(mem_store, info)


# A board whose items have subitems: under an item, the subitems' own header («Subitems, Name, …», one
# column right of the board's) and one row per subitem, its first cell empty (the shape nworbdier/
# orderly_flow ``src/lib/excel-import.js`` parses: "Subitems header row", "Subitem detail rows").
MONDAY_SUB_H = ["Subitems", "Name", "Owner", "Status", "Date", "Item ID (auto generated)"]
MONDAY_SUB = [["Sales Pipeline"], ["Leads"], MONDAY_H,
              ["Acme", "Call, Demo", "Ann Lee", "Working on it", 1200, dt.datetime(2024, 1, 5), None, 5001],
              MONDAY_SUB_H,
              [None, "Call", "Ann Lee", "Done", dt.datetime(2024, 1, 6), 7001],
              [None, "Demo", "Bob Ray", "Working on it", dt.datetime(2024, 1, 9), 7002],
              ["Beta", None, "Bob Ray", "Working on it", 3000, dt.datetime(2024, 1, 8), None, 5002],
              [], ["Won"], MONDAY_H,
              ["Gamma", "Contract", "Ann Lee", "Done", 2500, dt.datetime(2024, 1, 10), dt.datetime(2024, 1, 30), 5003],
              MONDAY_SUB_H,
              [None, "Contract", "Ann Lee", "Done", dt.datetime(2024, 1, 25), 7003]]


def test_monday_subitems_are_tasks_not_deals(mem_store):
    wb = openpyxl.Workbook()
    for row in MONDAY_SUB:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    info, built, _ = import_file(mem_store, buf.getvalue(), "board.xlsx", mapping_pairs=["stage=Group", "status="])
    # 3 items, none rejected; the subitem header «Date» under «Deal Value» had made every amount unreadable.
    # Rows 5-7 (header, Call, Demo) and 13-14 (header, Contract) skipped: 5 rows
    assert (built["n_deals"], built["rows_rejected"]) == (3, 0)
    assert findings(mem_store, info)["nocode.subitems"][2]["n"] == 5
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT deal_id, amount, stage FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()
        skipped = con.execute(f"SELECT list(row_no ORDER BY row_no) FROM ds_{info.id}.quality "
                              "WHERE code = 'file.skipped_subitem'").fetchone()[0]
    assert rows == [("5001", 1200.0, "Leads"), ("5002", 3000.0, "Leads"), ("5003", 2500.0, "Won")]
    assert skipped == [5, 6, 7, 13, 14]
    # with the groups as stages: Leads 3, Won 1 (Gamma, 2,500), 2 open
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (3, 1, 0, 2, 2500.0)


def test_an_airtable_checkbox_unticked_is_false(mem_store):
    # Airtable's CSV writes a ticked checkbox «checked» and an unticked one as nothing: A ticked and
    # closed = won; B unticked and closed = lost (not "closed, no outcome"); C unticked and open = open
    csv = ("Name,Stage,Amount,Created,Closed,Won\n"
           "A,Negotiation,100,1/5/2024 10:00am,1/20/2024 3:00pm,checked\n"
           "B,Negotiation,200,1/6/2024 10:00am,1/22/2024 3:00pm,\n"
           "C,Proposal,300,1/7/2024 10:00am,,\n")
    info, _built, _ = import_file(mem_store, csv.encode(), "Deals-Grid view.csv")
    assert _fields(info)["won_flag"] == "Won"
    # won A: 100, 5 Jan 10:00 → 20 Jan 15:00 = 15 days 5 hours = 15.2083 days
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (3, 1, 1, 1, 100.0)
    assert round(cycle, 4) == round(15 + 5 / 24, 4)
    assert "deals.closed_no_outcome" not in findings(mem_store, info)
