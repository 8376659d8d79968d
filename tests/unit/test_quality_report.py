"""The stored data-quality report reads back, translates and downloads."""

import io

import pandas as pd

from funnel import quality_report
from funnel.importer import import_file


def test_report_summary_translation_and_csv(mem_store, tmp_path):
    p = tmp_path / "q.csv"
    # row 3 has an unreadable amount (kept without it); id 1 appears twice (row 4 is the duplicate); one
    # amount is negative (row 5)
    p.write_text("ID,Stage,Amount\n1,Lead,10\n2,Lead,abc\n1,Lead,30\n3,Closed Won,-5\n", encoding="utf-8")
    info, built, _ = import_file(mem_store, p, stages=["Lead", "Closed Won"])
    with mem_store.connect() as con:
        report = quality_report.report(con, info)
    summary = quality_report.summary(report)
    counts = dict(zip(summary["code"], summary["count"], strict=True))
    # and the file-wide notes: no creation date column; one deal won (id 3), none lost
    assert counts == {"amount.unreadable": 1, "deals.duplicate_id": 1, "amount.negative": 1,
                      "date.no_created_column_at_all": 1, "deals.no_lost": 1}
    en = quality_report.translated(summary, "en").set_index("code")["finding"]
    assert en["deals.no_lost"].startswith("No lost deals recorded (won: 1, lost: 0)")
    rows = report[report["row_no"].notna()].set_index("code")
    assert int(rows.loc["amount.unreadable", "row_no"]) == 3 and rows.loc["amount.unreadable", "value"] == "abc"
    assert int(rows.loc["deals.duplicate_id", "row_no"]) == 4
    ru = quality_report.translated(summary, "ru")
    assert any(f.startswith("Сумму не удалось прочитать: сделка сохранена без суммы") for f in ru["finding"])
    csv = pd.read_csv(io.BytesIO(quality_report.to_csv(report, "en")), encoding="utf-8-sig")
    assert "Negative amount" in set(csv["Finding"]) and len(csv) == len(report)


def test_a_note_that_counts_no_rows_shows_a_dash_on_screen(mem_store, tmp_path):
    # 1,200 rows of one id, all Lead: 1,199 duplicates (counted, «1 199» in Russian); «no creation date
    # column» is about the file, not about rows: «—», never «1»
    p = tmp_path / "q.csv"
    p.write_text("ID,Stage\n" + "1,Lead\n" * 1200, encoding="utf-8")
    info, _built, _ = import_file(mem_store, p)
    with mem_store.connect() as con:
        report = quality_report.report(con, info)
    summary = quality_report.summary(report)
    shown = quality_report.display(summary, "ru")
    rows = dict(zip(summary["code"], shown["Строк"], strict=True))
    assert rows["deals.duplicate_id"] == "1\u00a0199" and rows["date.no_created_column_at_all"] == "—"


def test_a_line_of_unreadable_cells_names_their_values(mem_store, tmp_path):
    """Row 2's «32.13.2024» (no 13th month), row 3's «abc» and «TBD»-like notes: the summary line (the Data page's
    table, the CLI's warning) said the column and the rows but not what stood in them. A note pasted into a date
    cell is cut at 40 characters (39 and «…»)."""
    note = "to be confirmed with the client after the demo next week"
    p = tmp_path / "q.csv"
    p.write_text("ID,Stage,Amount,Created\n1,Lead,10,32.13.2024\n2,Lead,abc,2024-01-05\n"
                 f"3,Lead,20,{note}\n4,Closed Won,5,2024-01-07\n", encoding="utf-8")
    info, _built, _ = import_file(mem_store, p, stages=["Lead", "Closed Won"])
    with mem_store.connect() as con:
        summary = quality_report.summary(quality_report.report(con, info)).set_index("code")
    assert summary.loc["amount.unreadable", "value"] == "abc"
    assert summary.loc["date.unreadable", "value"] == "32.13.2024, " + note[:39] + "…"


def test_an_unreadable_creation_date_is_said_once(mem_store, tmp_path):
    """Row 2's «32.13.2024» was said twice: «Creation date missing» and «The date cannot be read». Now once, as
    unreadable with its value; row 3's empty cell stays «missing»."""
    p = tmp_path / "q.csv"
    p.write_text("ID,Stage,Created\n1,Lead,32.13.2024\n2,Lead,\n3,Closed Won,2024-01-07\n", encoding="utf-8")
    info, _built, _ = import_file(mem_store, p, stages=["Lead", "Closed Won"])
    with mem_store.connect() as con:
        report = quality_report.report(con, info)
    rows = report[report["row_no"].notna()]
    assert sorted(rows[rows["code"] == "date.missing_created"]["row_no"].astype(int)) == [3]
    assert sorted(rows[rows["code"] == "date.unreadable"]["row_no"].astype(int)) == [2]


def test_a_line_of_negative_amounts_or_repeated_ids_names_them(mem_store, tmp_path):
    """Survey 30: «Negative amount (Amount · Row 4)» and «Duplicate deal ID: first row kept (ID · Row 5)» said
    neither the amount nor the id."""
    p = tmp_path / "q.csv"
    p.write_text("ID,Stage,Amount\n1003,Lead,10\n1004,Lead,20\n1005,Closed Won,-30000\n1003,Closed Won,40\n",
                 encoding="utf-8")
    info, _built, _ = import_file(mem_store, p, stages=["Lead", "Closed Won"])
    with mem_store.connect() as con:
        summary = quality_report.summary(quality_report.report(con, info)).set_index("code")
    assert summary.loc["deals.duplicate_id", "value"] == "1003"
    assert summary.loc["amount.negative", "value"] == "-30000"  # as the file writes it, not DOUBLE's «-30000.0» (h3)
