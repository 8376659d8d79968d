"""Fresh-eyes audit of the hard cases in the research note on CRM exports (shared reference
«crm-exports.md», «Hard cases an importer must survive»): each file is shaped as the note describes, the numbers
worked by hand from the definitions (DOMAIN.md), then run end to end through the CLI."""

from __future__ import annotations

import json

from funnel.cli import main as cli_main


def _import(tmp_path, capsys, data: bytes, name: str, *args: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), *args]) == 0
    return capsys.readouterr().out


def _metrics(tmp_path, capsys) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _b24(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """A Bitrix24 deal list of an English portal as its CSV template writes it: UTF-8 BOM, «;», every value
    quoted, a «;» ending every line; dates MM/DD/YYYY hh:mi:ss am."""
    head = ('"ID";"Deal Name";"Pipeline";"Stage";"Income";"Currency";"Responsible";"Created";"Closed";'
            '"Probability, %";"Stage change date";\n')
    body = "".join(f'"{i}";"Deal {i}";"General";"{st}";"{amt}";"US Dollar";"Jane";"{cr}";'
                   f'"{"Yes" if st.startswith("Deal ") else "No"}";"20";"{mv}";\n' for i, st, amt, cr, mv in rows)
    return b"\xef\xbb\xbf" + (head + body).encode()


def test_bitrix24_english_dates_stay_month_first_when_no_day_is_above_12(tmp_path, capsys):
    """Hard case 21/22 (and Bitrix24's own dialect, case 6): an English portal writes MM/DD/YYYY hh:mi:ss am
    and always separates with «;» — the «;» is Bitrix24's template, not a day-first locale's sign. Every day
    here is ≤ 12, so only the CRM (and the am/pm clock, which day-first locales do not write) can tell.

    By hand (month first): won 1: 2 Jan → 12 Jan = 10 days; won 2: 5 Apr → 5 May = 30; won 3: 1 Mar → 10 Apr
    = 31 + 9 = 40; median 30. Lost 4 (10 Jan → 3 Feb), lost 5; open 6, 7, 8. Deals 8, won 3, lost 2, open 3,
    win rate 3/5 = 0.6, revenue 1000 + 2500 + 500 = 4000. Read day first (the bug): 1 Feb → 1 Dec = 304,
    4 May → 5 May = 1, 3 Jan → 4 Oct = 275; median 275, and deal 4 «closed» (2 Mar) before created (1 Oct)."""
    rows = [("1", "Deal won", "1000.00", "01/02/2024 10:00:00 am", "01/12/2024 10:00:00 am"),
            ("2", "Deal won", "2500.00", "04/05/2024 10:00:00 am", "05/05/2024 10:00:00 am"),
            ("3", "Deal won", "500.00", "03/01/2024 10:00:00 am", "04/10/2024 10:00:00 am"),
            ("4", "Deal lost", "700.00", "01/10/2024 10:00:00 am", "02/03/2024 10:00:00 am"),
            ("5", "Deal lost", "300.00", "02/01/2024 10:00:00 am", "02/11/2024 10:00:00 am"),
            ("6", "In progress", "900.00", "05/06/2024 10:00:00 am", "05/08/2024 10:00:00 am"),
            ("7", "Preparing documents", "400.00", "06/07/2024 10:00:00 am", "06/09/2024 10:00:00 am"),
            ("8", "New", "0.00", "07/08/2024 10:00:00 am", "07/10/2024 10:00:00 am")]
    out = _import(tmp_path, capsys, _b24(rows), "DEAL_20240712.csv")
    assert "read day first" not in out and "Closed before it was created" not in out
    got = _metrics(tmp_path, capsys)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (8, 3, 2, 3)
    assert got["win_rate"] == 0.6 and got["revenue"] == 4000.0
    assert got["median_cycle_days"] == 30.0


ZOHO_HEAD = '"Record Id","Deal Owner","Deal Name","Amount","Closing Date","Stage","Pipeline","Created Time","Currency"\n'


def test_ids_rounded_by_excel_are_not_taken_for_one_deal(tmp_path, capsys):
    """Hard case 20: a Zoho export opened and saved in Excel turns every 19-digit id into «5.36827E+18». The
    digits are lost for good, so rows sharing such an id are not one deal repeated: each row stays a deal and the
    loss is said. Before: 7 of 8 rows dropped as «duplicate deal id», 1 deal, win rate 100 %.

    By hand: won 1 (1 Jan → 11 Jan, 10 days, 1000), 2 (5 → 25 Jan, 20, 2500), 3 (1 Feb → 2 Mar 2024, 30, 500);
    lost 4, 5 (Closed Lost, Closed-Lost to Competition); open 6, 7, 8. Deals 8, won 3, lost 2, open 3,
    win rate 3/5 = 0.6, revenue 4000, median cycle 20."""
    rows = [("Closed Won", "1000", "2024-01-11", "2024-01-01"), ("Closed Won", "2500", "2024-01-25", "2024-01-05"),
            ("Closed Won", "500", "2024-03-02", "2024-02-01"), ("Closed Lost", "700", "2024-01-20", "2024-01-10"),
            ("Closed-Lost to Competition", "300", "2024-02-01", "2024-01-15"),
            ("Proposal/Price Quote", "900", "2024-04-30", "2024-02-10"),
            ("Needs Analysis", "400", "2024-04-30", "2024-02-12"), ("Qualification", "0", "2024-04-30", "2024-02-15")]
    text = ZOHO_HEAD + "".join(f'"5.36827E+18","Jane","Deal {i}","{amt}","{close}","{st}","Standard",'
                               f'"{created} 00:00:00","USD"\n' for i, (st, amt, close, created) in enumerate(rows, 1))
    out = _import(tmp_path, capsys, text.encode(), "Deals_001.csv")
    assert "rounded by Excel" in out and "5.36827E+18" in out and "Duplicate deal id" not in out
    got = _metrics(tmp_path, capsys)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (8, 3, 2, 3)
    assert got["win_rate"] == 0.6 and got["revenue"] == 4000.0 and got["median_cycle_days"] == 20.0


def test_a_true_duplicate_id_is_still_kept_once(tmp_path, capsys):
    """The rule above is for ids in Excel's scientific notation only: «zcrm_1» twice is one deal, its first row."""
    text = ZOHO_HEAD + ('"zcrm_1","Jane","A","100","2024-01-11","Closed Won","Standard","2024-01-01 00:00:00","USD"\n'
                        '"zcrm_1","Jane","A","100","2024-01-11","Closed Won","Standard","2024-01-01 00:00:00","USD"\n'
                        '"zcrm_2","Jane","B","50","2024-01-20","Closed Lost","Standard","2024-01-10 00:00:00","USD"\n')
    out = _import(tmp_path, capsys, text.encode(), "Deals_002.csv")
    assert "Duplicate deal id" in out and "rounded by Excel" not in out
    got = _metrics(tmp_path, capsys)
    assert (got["deals"], got["won"], got["lost"], got["revenue"]) == (2, 1, 1, 100.0)


def test_hubspot_no_value_cells_are_empty_not_unreadable(tmp_path, capsys):
    """HubSpot section («Formats»): empty values sometimes appear as «(No value)». Such a cell is an empty one —
    an open deal's close, a deal without amount, a source never set — not an unreadable date or amount to be
    fixed in the file (before: «The date cannot be read … Write the date in full» on rows 5 and 6, and «The amount
    cannot be read» on row 6; the numbers were already right).

    By hand: A won 2024-01-01 → 2024-01-11 (10 days, 1000), B won 2024-01-05 → 2024-01-25 (20 days, 2500),
    C lost, D and E open. Deals 5, won 2, lost 1, open 2, win rate 2/3, revenue 3500, median cycle 15."""
    text = ('"Record ID","Deal Name","Pipeline","Deal Stage","Amount","Close Date","Create Date","Original Source Type"\n'
            '"15230047801","A","Sales Pipeline","Closed Won","1000","2024-01-11","2024-01-01","Paid Search"\n'
            '"15230047802","B","Sales Pipeline","Closed Won","2500","2024-01-25","2024-01-05","Direct Traffic"\n'
            '"15230047803","C","Sales Pipeline","Closed Lost","700","2024-01-20","2024-01-10","(No value)"\n'
            '"15230047804","D","Sales Pipeline","Qualified To Buy","400","(No value)","2024-02-12","Paid Search"\n'
            '"15230047805","E","Sales Pipeline","Appointment Scheduled","(No value)","(No value)","2024-02-15",'
            '"Paid Search"\n')
    out = _import(tmp_path, capsys, text.encode(), "hubspot-crm-exports-all-deals-2024-03-01.csv")
    assert "cannot be read" not in out
    got = _metrics(tmp_path, capsys)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (5, 2, 1, 2)
    assert round(got["win_rate"], 4) == 0.6667 and got["revenue"] == 3500.0 and got["median_cycle_days"] == 15.0
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json", "--by", "source"]) == 0
    assert "(No value)" not in json.loads(capsys.readouterr().out)["groups"]
