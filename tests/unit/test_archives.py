"""A CRM's zip archive imports as the CRM wrote it (funnel/readers/archive.py).

The archives are written here, shaped like the real ones (crm-exports.md, sections 3, 5 and 6): a
Salesforce Weekly Data Export (object CSVs with API field names, every value quoted, LF line ends, ISO UTC
times), a Zoho Data Backup (``Deals_001.csv`` + ``Deals_002.csv``, one module per file), HubSpot's e-mailed
zip of ``hubspot-crm-exports-all-deals-….csv``. Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from funnel.cli import main
from funnel.errors import FunnelError
from funnel.i18n import t
from funnel.importer import import_file
from funnel.metrics import metrics_json
from funnel.readers import archive, limits, list_sheets, preferred_sheet, sniff, stage_file
from funnel.spec import FunnelSpec
from funnel.store import Store


def sf_csv(rows: list[list[str]]) -> str:
    """Salesforce's Data Export dialect: every value double-quoted, LF line ends."""
    return "".join(",".join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)


OPP_HEADER = ["Id", "AccountId", "Name", "StageName", "Amount", "Probability", "CloseDate", "Type", "LeadSource",
              "IsClosed", "IsWon", "ForecastCategory", "OwnerId", "CreatedDate", "LastModifiedDate"]
#          id     account  stage                  amount prob  close         closed   won      forecast  created
OPPS = [("0065g00000Opp01AAA", "Acme - 200 seats", "Closed Won", "12500", "100", "2024-04-11", "true", "true", "Closed",
         "2024-01-05T10:00:00.000Z"),
        ("0065g00000Opp02AAA", "Beta - Renewal", "Closed Won", "8000", "100", "2024-05-12", "true", "true", "Closed",
         "2024-01-08T09:30:00.000Z"),
        ("0065g00000Opp03AAA", "Gamma - Pilot", "Closed Lost", "4800", "0", "2024-03-13", "true", "false", "Omitted",
         "2024-01-10T11:00:00.000Z"),
        ("0065g00000Opp04AAA", "Delta - Expansion", "Negotiation/Review", "9000", "90", "2024-05-30", "false", "false",
         "Commit", "2024-01-09T12:00:00.000Z"),
        ("0065g00000Opp05AAA", "Epsilon - New", "Prospecting", "3000", "10", "2024-06-30", "false", "false", "Pipeline",
         "2024-01-02T08:00:00.000Z")]
OPPORTUNITY = sf_csv([OPP_HEADER] + [
    [oid, "0015g00000Acc01AAA", name, stage, amount, prob, close, "New Customer", "Web", closed, won, forecast,
     "0055g00000Usr01AAA", created, created] for oid, name, stage, amount, prob, close, closed, won, forecast, created
    in OPPS])
HIST_HEADER = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "ExpectedRevenue", "CloseDate",
               "Probability", "ForecastCategory", "SystemModstamp", "IsDeleted"]
# Opp01: Prospecting → Qualification → Proposal/Price Quote → Closed Won (skips Negotiation/Review)
# Opp02: Prospecting → Qualification → Proposal/Price Quote → Negotiation/Review → Closed Won
# Opp03: Prospecting → Qualification → Closed Lost;  Opp04: … → Negotiation/Review (open);  Opp05: Prospecting (open)
MOVES = {"01": ["Prospecting", "Qualification", "Proposal/Price Quote", "Closed Won"],
         "02": ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won"],
         "03": ["Prospecting", "Qualification", "Closed Lost"],
         "04": ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review"],
         "05": ["Prospecting"]}
OPPORTUNITY_HISTORY = sf_csv([HIST_HEADER] + [
    [f"0085g00000H{deal}{k:03d}AA", f"0065g00000Opp{deal}AAA", "0055g00000Usr01AAA", f"2024-0{k + 1}-1{deal[1]}T10:00:00.000Z",
     stage, "1000", "100", "2024-06-30", "10", "Pipeline", f"2024-0{k + 1}-1{deal[1]}T10:00:00.000Z", "false"]
    for deal, stages in MOVES.items() for k, stage in enumerate(stages)])
FIELD_HISTORY = sf_csv([["Id", "OpportunityId", "CreatedById", "CreatedDate", "Field", "OldValue", "NewValue", "IsDeleted"],
                        ["0175g00000F0001AAA", "0065g00000Opp01AAA", "0055g00000Usr01AAA", "2024-01-20T10:00:00.000Z",
                         "StageName", "Prospecting", "Qualification", "false"]])
# more rows than Opportunity.csv: the deals are chosen by name, not by size
ACCOUNT = sf_csv([["Id", "Name", "Industry", "BillingCountry"]]
                 + [[f"0015g00000Acc0{k}AAA", f"Company {k}", "Technology", "US"] for k in range(1, 9)])


def make_zip(path: Path, members: dict[str, str | bytes], *, method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return path


@pytest.fixture
def salesforce_zip(tmp_path) -> Path:
    return make_zip(tmp_path / "WE_00D5g000001abcd_1.zip", {
        "Account.csv": ACCOUNT, "Opportunity.csv": OPPORTUNITY, "OpportunityHistory.csv": OPPORTUNITY_HISTORY,
        "OpportunityFieldHistory.csv": FIELD_HISTORY, "__MACOSX/": b"", "__MACOSX/._Opportunity.csv": b"\x00\x05\x16\x07junk",
        ".DS_Store": b"\x00\x00\x00\x01Bud1", "attachments/": b"", "attachments/logo.png": b"\x89PNG\r\n\x1a\n"})


ZOHO_HEADER = '"Record Id","Deal Owner","Deal Name","Amount","Closing Date","Stage","Created Time"\r\n'
ZOHO_1 = (ZOHO_HEADER
          + '"zcrm_5368271000001000001","Jane Example","Acme annual","1000.00","2024-03-28","Closed Won","2024-02-03 11:42:17"\r\n'
          + '"zcrm_5368271000001000002","Tom Placeholder","Sample pilot","500.00","2024-03-12","Closed Lost","2024-02-05 09:03:55"\r\n'
          + '"zcrm_5368271000001000003","Jane Example","Demo expansion","700.00","2024-04-30","Qualification","2024-03-14 18:27:09"')
ZOHO_2 = (ZOHO_HEADER  # part 2: the same header line, then its deals
          + '"zcrm_5368271000001000004","Tom Placeholder","Beta renewal","2500.00","2024-04-15","Closed Won","2024-03-01 10:00:00"\r\n'
          + '"zcrm_5368271000001000005","Jane Example","Gamma upsell","300.00","2024-06-30","Negotiation/Review","2024-03-20 15:30:00"\r\n')
ZOHO_ACCOUNTS = ('"Record Id","Account Name","Industry"\r\n'
                 + "".join(f'"zcrm_53682710000002{k:05d}","Account {k}","Retail"\r\n' for k in range(1, 7)))


@pytest.fixture
def zoho_zip(tmp_path) -> Path:
    return make_zip(tmp_path / "Data_Backup_2024_04_01.zip", {
        "Accounts_001.csv": ZOHO_ACCOUNTS, "Deals_001.csv": ZOHO_1, "Deals_002.csv": ZOHO_2})


HUBSPOT = ('"Record ID","Deal Name","Pipeline","Deal Stage","Amount","Close Date","Create Date","Deal owner"\n'
           '"15230047811","Acme - Annual plan","Sales Pipeline","Closed Won","12500","2024-03-28 16:40","2024-02-03 11:42","Jane Example"\n'
           '"15230047899","Sample - Pilot","Sales Pipeline","Closed Lost","4800","2024-03-12 10:11","2024-02-05 09:03","Tom Placeholder"\n'
           '"15230051234","Demo - Expansion","Sales Pipeline","Qualified To Buy","9000","2024-04-30 00:00","2024-03-14 18:27","Jane Example"\n'
           '"15230051300","Beta - Seats","Sales Pipeline","Contract Sent","2000","2024-05-15 00:00","2024-03-20 09:00","Tom Placeholder"\n')


@pytest.fixture
def con():
    c = duckdb.connect(":memory:")
    yield c
    c.close()


def funnel_of(store: Store, info) -> dict:
    with store.connect() as c:
        return metrics_json(c, info, FunnelSpec())


def notes(raw) -> dict[str, dict]:
    return dict(raw.notes)


# ------------------------------------------------------------------ kinds


def test_a_zip_is_told_from_a_workbook_by_its_directory_not_its_name(tmp_path, salesforce_zip):
    book = Workbook()
    book.active.append(["Deal", "Stage"])
    book.save(tmp_path / "deals.zip")  # an xlsx under a zip's name is still a workbook
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as zf:  # an ods under an xlsx's name, mimetype first
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    archive_as_xlsx = tmp_path / "export.xlsx"
    archive_as_xlsx.write_bytes(salesforce_zip.read_bytes())

    def kind(path: Path) -> str:
        return sniff.file_kind(path.read_bytes()[:sniff.SAMPLE_BYTES], path)

    assert kind(tmp_path / "deals.zip") == "xlsx"
    assert kind(tmp_path / "sheet.xlsx") == "xlsx"  # ods: the workbook reader tells it (xlsx_extent.is_ods)
    assert kind(archive_as_xlsx) == "zip"
    assert kind(salesforce_zip) == "zip"


# ------------------------------------------------------------------ Salesforce Weekly Data Export


def test_salesforce_listing_skips_folders_macos_forks_dotfiles_and_other_files(salesforce_zip):
    # rows by line breaks less the header: Account 8, Opportunity 5, history 5+4+3+4+1 = 17 rows, field history 1
    assert list_sheets(salesforce_zip, "export.zip") == [
        ("Account.csv", 8), ("Opportunity.csv", 5), ("OpportunityHistory.csv", 17), ("OpportunityFieldHistory.csv", 1)]
    # Account and the history have more rows: the deals are chosen by name
    assert preferred_sheet(salesforce_zip, "export.zip") == "Opportunity.csv"


def test_salesforce_export_imports_opportunities_with_their_stage_history(salesforce_zip):
    store = Store(":memory:")
    info, built, draft = import_file(store, salesforce_zip, "export.zip")
    assert draft.raw.sheet == "Opportunity.csv" and draft.raw.file_name == "export.zip › Opportunity.csv"
    assert built["history_file"] == "export.zip › OpportunityHistory.csv"
    assert built["meta"]["mapping"]["history"] == {"deal_id": "OpportunityId", "stage": "StageName",
                                                   "entered_at": "CreatedDate"}
    got = funnel_of(store, info)
    # 5 opportunities: Opp01 and Opp02 won (12,500 + 8,000), Opp03 lost, Opp04 and Opp05 open
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (5, 2, 1, 2)
    assert got["revenue"] == 20_500
    # reached, from the history: all 5 Prospecting; 4 Qualification (not Opp05); 3 Proposal (Opp01, 02, 04);
    # 3 Negotiation/Review (Opp02, Opp04, and Opp01, won beyond it); 2 Closed Won
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Prospecting", 5), ("Qualification", 4), ("Proposal/Price Quote", 3), ("Negotiation/Review", 3),
        ("Closed Won", 2)]
    assert got["lost_stage_unknown"] == 0  # Opp03's history says it was lost after Qualification
    # 5 + 4 + 3 + 4 + 1 = 17 history rows, one stage event each
    assert built["n_events"] == 17
    with store.connect(info) as c:
        said = dict(c.execute(f"SELECT code, detail FROM ds_{info.id}.quality WHERE severity = 'info'").fetchall())
    assert json.loads(said["archive.history_member"]) == {"archive": "export.zip", "deals": "Opportunity.csv",
                                                          "history": "OpportunityHistory.csv"}
    assert json.loads(said["archive.member"])["n"] == 4
    sentence = t("archive.history_member", "en", **json.loads(said["archive.history_member"]))
    assert "OpportunityHistory.csv" in sentence and "Opportunity.csv" in sentence


def test_a_history_file_given_wins_over_the_one_in_the_archive(salesforce_zip, tmp_path):
    only_two = tmp_path / "history.csv"
    only_two.write_text(sf_csv([HIST_HEADER] + [
        ["h1", "0065g00000Opp01AAA", "u", "2024-01-05T10:00:00.000Z", "Prospecting", "", "", "", "", "", "", "false"],
        ["h2", "0065g00000Opp01AAA", "u", "2024-03-28T10:00:00.000Z", "Closed Won", "", "", "", "", "", "", "false"]]))
    store = Store(":memory:")
    _info, built, draft = import_file(store, salesforce_zip, "export.zip", history=only_two)
    assert built["history_file"] == "history.csv" and built["n_events"] == 2
    assert "archive.history_member" not in notes(draft.raw)


def test_an_archive_given_as_the_history_file_gives_its_history_table(salesforce_zip, tmp_path):
    deals = tmp_path / "Opportunity.csv"
    deals.write_text(OPPORTUNITY)
    store = Store(":memory:")
    info, built, _draft = import_file(store, deals, history=salesforce_zip, history_name="export.zip")
    assert built["history_file"] == "export.zip › OpportunityHistory.csv" and built["n_events"] == 17
    assert funnel_of(store, info)["won"] == 2


def test_sheet_chooses_another_member_and_an_unknown_name_lists_them(salesforce_zip, con):
    raw = stage_file(con, salesforce_zip, "export.zip", sheet="Account.csv")
    assert (raw.sheet, raw.n_rows, raw.headers[:2]) == ("Account.csv", 8, ["Id", "Name"])
    with pytest.raises(FunnelError) as err:
        stage_file(con, salesforce_zip, "export.zip", sheet="Opportunities.csv")
    assert err.value.code == "archive.member_not_found"
    assert err.value.params["members"] == ("Account.csv, Opportunity.csv, OpportunityHistory.csv, "
                                           "OpportunityFieldHistory.csv")
    message = err.value.message("en")
    assert "export.zip" in message and "Opportunities.csv" in message and "OpportunityHistory.csv" in message


def test_accounts_chosen_as_the_deals_are_refused_naming_the_archive_and_its_other_tables(salesforce_zip):
    with pytest.raises(FunnelError) as err:
        import_file(Store(":memory:"), salesforce_zip, "export.zip", sheet="Account.csv")
    assert err.value.code == "archive.missing_column"
    assert err.value.params["file"] == "export.zip" and err.value.params["member"] == "Account.csv"
    assert "«Opportunity.csv»" in err.value.params["members"]
    for lang in ("en", "ru", "zh"):
        assert "Account.csv" in err.value.message(lang) and "--sheet" in err.value.message(lang)


def test_cli_imports_the_preferred_member_and_sheet_picks_another(salesforce_zip, tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path / "store"), "import", str(salesforce_zip)])
    out = capsys.readouterr().out
    assert code == 0
    assert "deals: 5" in out
    assert "The stage history was read from “OpportunityHistory.csv”" in out
    code = main(["--data-dir", str(tmp_path / "store"), "import", str(salesforce_zip), "--sheet", "Nope.csv", "--force"])
    err = capsys.readouterr().err
    assert code == 2 and "holds no table named “Nope.csv”" in err and "Opportunity.csv" in err


def test_sheet_help_says_sheet_or_archive_member_in_every_language():
    assert "zip" in t("cli.help.sheet", "en") and "zip" in t("cli.help.sheet", "ru") and "zip" in t("cli.help.sheet", "zh")
    assert "архив" in t("cli.help.sheet", "ru") and "压缩包" in t("cli.help.sheet", "zh")


# ------------------------------------------------------------------ Zoho Data Backup: multi-part tables


def test_zoho_parts_are_one_table(zoho_zip, con):
    # Deals_001: 3 rows (its last without a line break), Deals_002: 2 rows
    assert list_sheets(zoho_zip, "backup.zip") == [("Accounts_001.csv", 6), ("Deals_001.csv", 5)]
    assert preferred_sheet(zoho_zip, "backup.zip") == "Deals_001.csv"
    raw = stage_file(con, zoho_zip, "backup.zip")
    assert raw.n_rows == 5 and raw.sheet == "Deals_001.csv"
    # the second part's header line was left out, not read as a row (nor skipped as a repeated header)
    assert not [s for s in raw.skipped if s.reason == "header"]
    ids = [r[0] for r in con.execute(f"SELECT c0 FROM {raw.table} ORDER BY row_no").fetchall()]
    assert ids == [f"zcrm_536827100000100000{k}" for k in range(1, 6)]
    assert notes(raw)["archive.parts"] == {"file": "backup.zip", "member": "Deals_001.csv", "n": 2,
                                           "parts": "Deals_001.csv, Deals_002.csv"}
    # a part may be named too: the whole table
    assert stage_file(con, zoho_zip, "backup.zip", sheet="Deals_002.csv").n_rows == 5


def test_zoho_backup_imports_every_deal_of_both_parts(zoho_zip):
    store = Store(":memory:")
    info, built, _draft = import_file(store, zoho_zip, "Data_Backup.zip")
    got = funnel_of(store, info)
    # D1 and D4 won (1,000 + 2,500), D2 lost, D3 and D5 open
    assert (built["rows_read"], built["rows_rejected"]) == (5, 0)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (5, 2, 1, 2)
    assert got["revenue"] == 3_500


def test_parts_with_other_headers_or_numbers_that_do_not_count_up_stay_separate(tmp_path):
    other = '"Record Id","Deal Name","Stage"\n"z9","Other","Qualification"\n'
    path = make_zip(tmp_path / "b.zip", {"Deals_001.csv": ZOHO_1 + "\r\n", "Deals_002.csv": other,
                                         "Deals_2023.csv": ZOHO_2, "Deals_2024.csv": ZOHO_2})
    assert [name for name, _n in list_sheets(path, "b.zip")] == ["Deals_001.csv", "Deals_002.csv", "Deals_2023.csv",
                                                                  "Deals_2024.csv"]


# ------------------------------------------------------------------ HubSpot, a workbook inside, odd names


def test_hubspot_export_zip(tmp_path):
    path = make_zip(tmp_path / "hubspot-crm-exports-all-deals-2024-08-27.zip",
                    {"hubspot-crm-exports-all-deals-2024-08-27.csv": HUBSPOT})
    store = Store(":memory:")
    info, built, draft = import_file(store, path)
    got = funnel_of(store, info)
    # 4 deals: one Closed Won (12,500), one Closed Lost, two open
    assert draft.raw.sheet == "hubspot-crm-exports-all-deals-2024-08-27.csv"
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (4, 1, 1, 2)
    assert got["revenue"] == 12_500
    assert "archive.member" not in notes(draft.raw)  # the only table: nothing to say


def test_hubspot_deals_chosen_among_other_objects(tmp_path):
    contacts = '"Record ID","First Name","Lifecycle Stage"\n' + "".join(f'"{k}","N{k}","Lead"\n' for k in range(9))
    path = make_zip(tmp_path / "h.zip", {"hubspot-crm-exports-all-contacts-2024-08-27.csv": contacts,
                                         "hubspot-crm-exports-all-deals-2024-08-27.csv": HUBSPOT})
    assert preferred_sheet(path, "h.zip") == "hubspot-crm-exports-all-deals-2024-08-27.csv"


def test_a_workbook_inside_an_archive_gives_its_preferred_sheet(tmp_path):
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Stage", "Deals"])
    summary.append(["Won", 1])
    deals = book.create_sheet("Deals")
    deals.append(["Deal ID", "Stage", "Amount", "Created"])
    for row in (["D1", "Closed Won", 1000, "2024-01-10"], ["D2", "Closed Lost", 500, "2024-01-12"],
                ["D3", "Proposal", 700, "2024-02-01"]):
        deals.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path = make_zip(tmp_path / "book.zip", {"pipeline.xlsx": buffer.getvalue(), "README.md": "exported by hand"})
    assert list_sheets(path, "book.zip") == [("pipeline.xlsx", 3)]
    store = Store(":memory:")
    info, _built, draft = import_file(store, path)
    assert draft.raw.kind == "xlsx" and draft.raw.sheet == "pipeline.xlsx"
    assert notes(draft.raw)["readers.sheet"] == {"sheet": "Deals", "n": 2, "file": "book.zip › pipeline.xlsx"}
    got = funnel_of(store, info)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (3, 1, 1, 1)


@pytest.mark.parametrize("name", ["'); DROP TABLE deals; --.csv", "<img src=x onerror=alert(1)>.csv"])
def test_a_hostile_member_name_is_just_a_name(tmp_path, con, name):
    path = make_zip(tmp_path / "x.zip", {name: HUBSPOT, "Account.csv": ACCOUNT})
    assert list_sheets(path, "x.zip") == [(name, 4), ("Account.csv", 8)]
    raw = stage_file(con, path, "x.zip", sheet=name)
    assert raw.n_rows == 4 and raw.sheet == name and raw.file_name == f"x.zip › {name}"


def test_names_a_windows_zip_tool_wrote_in_its_code_page_read_back(tmp_path):
    path = make_zip(tmp_path / "ru.zip", {"Sdelki.csv": HUBSPOT, "Kontakty_long.csv": ACCOUNT})
    data = path.read_bytes()  # the same byte lengths, no UTF-8 flag: as Windows' own zip writes them (cp866)
    data = data.replace(b"Sdelki", "Сделки".encode("cp866")).replace(b"Kontakty", "Контакты".encode("cp866"))
    path.write_bytes(data)
    assert [n for n, _r in list_sheets(path, "ru.zip")] == ["Сделки.csv", "Контакты_long.csv"]
    assert preferred_sheet(path, "ru.zip") == "Сделки.csv"


# ------------------------------------------------------------------ refusals


def test_an_archive_without_a_table_is_refused_naming_what_it_holds(tmp_path, con):
    path = make_zip(tmp_path / "pics.zip", {"docs/": b"", "docs/logo.png": b"\x89PNG", "notes.md": "hello"})
    with pytest.raises(FunnelError) as err:
        stage_file(con, path, "pics.zip")
    assert err.value.code == "archive.no_tables"
    assert err.value.params == {"file": "pics.zip", "members": "docs/logo.png, notes.md"}
    for lang in ("en", "ru", "zh"):
        assert "pics.zip" in err.value.message(lang) and "notes.md" in err.value.message(lang)
    with pytest.raises(FunnelError) as err:
        stage_file(con, make_zip(tmp_path / "empty.zip", {}), "empty.zip")
    assert err.value.code == "archive.no_tables"


def test_a_zip_bomb_is_refused_by_name_before_it_is_unpacked_and_nothing_is_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 64 * 1024)
    # 20,000 times the same row: ~3 MB that packs into a few KB
    rows = OPPORTUNITY + sf_csv([["0065g00000Opp06AAA", "a", "n", "Prospecting", "1", "10", "2024-06-30", "t", "w",
                                  "false", "false", "Pipeline", "u", "2024-03-01T08:00:00.000Z", "x"]] * 20_000)
    path = make_zip(tmp_path / "bomb.zip", {"Opportunity.csv": rows, "Account.csv": ACCOUNT})
    assert path.stat().st_size < 64 * 1024 < len(rows)
    store = Store(tmp_path / "funnel.duckdb")
    with pytest.raises(FunnelError) as err:
        import_file(store, path, "bomb.zip")
    assert err.value.code == "limits.file_too_big" and err.value.params["file"] == "bomb.zip › Opportunity.csv"
    assert store.datasets() == []
    # the size the archive declares lies (checked before): the bytes unpacked are counted as they are written
    monkeypatch.setattr(limits, "check_size", lambda size, file_name: None)
    with pytest.raises(FunnelError) as err:
        import_file(store, path, "bomb.zip")
    assert err.value.code == "limits.file_too_big" and err.value.params["file"] == "bomb.zip › Opportunity.csv"
    assert err.value.params["size"].startswith("> ")
    assert store.datasets() == []


def test_a_member_whose_declared_size_lies_is_refused_as_damaged(tmp_path, con):
    path = make_zip(tmp_path / "lie.zip", {"Opportunity.csv": OPPORTUNITY})
    size = len(OPPORTUNITY.encode())
    data = path.read_bytes()
    # the uncompressed size in the local header and the central directory: 100 bytes instead of the real size
    path.write_bytes(data.replace(size.to_bytes(4, "little"), (100).to_bytes(4, "little")))
    with zipfile.ZipFile(path) as zf:
        assert zf.infolist()[0].file_size == 100
    with pytest.raises(FunnelError) as err:
        stage_file(con, path, "lie.zip")
    assert err.value.code == "archive.damaged_member" and err.value.params["file"] == "lie.zip › Opportunity.csv"


def test_a_cut_off_archive_is_called_damaged(tmp_path, salesforce_zip, con):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(salesforce_zip.read_bytes()[:400])  # the download stopped: no central directory
    with pytest.raises(FunnelError) as err:
        stage_file(con, cut, "cut.zip")
    assert err.value.code == "archive.damaged" and err.value.params == {"file": "cut.zip"}


def test_a_password_protected_member_is_refused_by_name(tmp_path, con):
    path = make_zip(tmp_path / "locked.zip", {"Opportunity.csv": OPPORTUNITY}, method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
        at = data.find(signature)
        data[at + offset] |= 0x1
    path.write_bytes(bytes(data))
    with pytest.raises(FunnelError) as err:
        stage_file(con, path, "locked.zip")
    assert err.value.code == "archive.encrypted" and err.value.params["file"] == "locked.zip › Opportunity.csv"


def test_too_many_entries_are_refused_before_the_directory_is_parsed(tmp_path, con, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ARCHIVE_ENTRIES", 3)
    path = make_zip(tmp_path / "many.zip", {f"f{k}.csv": "a,b\n1,2\n" for k in range(5)})
    with pytest.raises(FunnelError) as err:
        stage_file(con, path, "many.zip")
    assert err.value.code == "archive.too_many_entries" and err.value.params == {"file": "many.zip", "n": 5, "limit": 3}


def test_a_path_traversal_name_is_read_from_a_temporary_file_never_written_by_its_path(tmp_path, monkeypatch, con):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    scratch = tmp_path / "tmp" / "t"
    scratch.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    path = make_zip(tmp_path / "evil.zip", {"../../x.csv": HUBSPOT, "/etc/y.csv": ACCOUNT})
    assert list_sheets(path, "evil.zip") == [("../../x.csv", 4), ("/etc/y.csv", 8)]
    raw = stage_file(con, path, "evil.zip", sheet="../../x.csv")
    assert raw.n_rows == 4 and raw.file_name == "evil.zip › ../../x.csv"
    assert list(tmp_path.rglob("x.csv")) == [] and list(tmp_path.rglob("y.csv")) == []
    assert list(scratch.iterdir()) == []  # the temporary copies are gone


def test_the_member_name_is_never_the_extracted_files_name(tmp_path):
    path = make_zip(tmp_path / "n.zip", {"../Opportunity.csv": OPPORTUNITY})
    out = tmp_path / "out"
    out.mkdir()
    with zipfile.ZipFile(path) as zf:
        member = archive.extract(zf, archive.tables(zf)[0], "n.zip › ../Opportunity.csv", out)
    assert member == tmp_path / "out" / "member.csv" and member.read_text() == OPPORTUNITY


def test_a_history_beside_that_is_no_history_is_left_out_with_a_warning_saying_why(tmp_path):
    from funnel.quality_report import finding_text

    path = make_zip(tmp_path / "e.zip", {"Opportunity.csv": OPPORTUNITY,
                                         "OpportunityHistory.csv": sf_csv([["Id", "Note"], ["1", "hello"]])})
    store = Store(":memory:")
    info, built, _draft = import_file(store, path, "e.zip")
    assert built["history_file"] is None and built["n_events"] == 0
    with store.connect(info) as c:
        severity, detail = c.execute(f"SELECT severity, detail FROM ds_{info.id}.quality "
                                     "WHERE code = 'archive.history_unread'").fetchone()
    assert severity == "warning"
    said = finding_text("archive.history_unread", detail, "en")
    assert said == ("“OpportunityHistory.csv” in the archive “e.zip” was not used as the stage history of "
                    "“Opportunity.csv”: it holds no deal id, stage and date columns of a stage history. "
                    "The deals were imported without it.")
    # the 5 opportunities still: 2 won, 1 lost, 2 open, as their IsWon / IsClosed say
    got = funnel_of(store, info)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (5, 2, 1, 2)
