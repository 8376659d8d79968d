"""Issue 16, survey 30: bad and odd files against the input rule (a clear message naming file, row, column and value;
nothing stored changes). What it found, each fixed here or beside the code it concerns:

- **A zip of two tables with the same columns** (deals_a.csv, deals_b.csv, not parts by their names): 3 deals of 5,
  said only as a note of the table read. Now a warning naming the table left out and what to do.
- Elsewhere: a one-character typo in a Chinese stage name (``test_order_check.py``), negative amounts and repeated
  ids named in the quality summary (``test_quality_report.py``), «stage» in the RU and ZH refusal of a workbook
  (``test_crm_exports_reports.py``), an unknown dataset's name quoted (``test_cli_metrics.py``).
"""

from __future__ import annotations

import io
import zipfile

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings

HEADER = "ID;Этап сделки;Бюджет\n"


def test_a_table_of_an_archive_with_the_read_ones_columns_is_said_left_out(mem_store):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("deals_a.csv", HEADER + "1001;Первичный контакт;100\n1002;Переговоры;200\n1003;Успешно реализовано;300\n")
        zf.writestr("deals_b.csv", HEADER + "1004;Закрыто и не реализовано;0\n1005;Переговоры;500\n")
    info, built, _ = import_file(mem_store, buf.getvalue(), "export.zip")
    assert built["n_deals"] == 3
    said = findings(mem_store, info)
    assert said["archive.same_columns_left"][0] == "warning"
    assert "«deals_b.csv»" in said["archive.same_columns_left"][2]["others"]


AMO = ("ID;Название сделки;Бюджет;Ответственный;Этап сделки\n1001;Сделка 1;10000;Иван;Первичный контакт\n"
       "1002;Сделка 2;20000;Иван;Переговоры\n{row}\n1004;Сделка 4;40000;Анна;Закрыто и не реализовано\n"
       "1005;Сделка 5;50000;Олег;Переговоры\n")


def test_a_row_shifted_by_an_unquoted_separator_is_skipped_and_said(mem_store):
    """Row 4's «ООО Ромашка; поставка» (a «;» not in quotes) put «Анна» in the stage column: a funnel step «Анна»
    and the won deal lost, said only as unreadable cells. Now the row is skipped, said as a warning naming row 4 and
    its text; the other 4 deals are read (1 lost)."""
    from funnel import quality_report
    text = AMO.format(row="1003;ООО Ромашка; поставка;30000;Анна;Успешно реализовано")
    info, built, _ = import_file(mem_store, text.encode(), "amo.csv")
    assert (built["n_deals"], built["rows_read"], built["rows_rejected"]) == (4, 5, 1)  # row 4 read, not imported
    assert "Анна" not in info.meta["stage_order"][""]
    with mem_store.connect() as con:
        report = quality_report.report(con, info)
    shifted = report[report["code"] == "file.skipped_extra_cells"]
    assert set(shifted["severity"]) == {"warning"}
    assert list(shifted["row_no"].dropna().astype(int)) == [4]
    assert shifted["value"].dropna().iloc[0].startswith("1003;ООО Ромашка;поставка;30000;Анна")


def test_a_column_without_a_title_in_most_rows_stays():
    """Every row with one cell more than the titles (a trailing column the export left unnamed): no row skipped."""
    import duckdb

    from funnel.readers import stage_file
    text = "ID;Stage\n" + "".join(f"{k};Lead;note {k}\n" for k in range(1, 6))
    raw = stage_file(duckdb.connect(), text.encode(), "x.csv", table="t")
    assert raw.n_rows == 5 and not [s for s in raw.skipped if s.reason == "extra_cells"]


def test_history_rows_of_deals_not_in_the_list_name_their_ids(mem_store):
    """«Stage history rows for a deal not in the deal list (skipped) (Row 2, 3, 4): 3» named no deal: 9001, 9002."""
    from funnel import quality_report
    deals = "ID,Stage\n1,Lead\n2,Won\n"
    history = "Deal ID,Stage,Date\n9001,Lead,2024-01-01\n9001,Won,2024-01-05\n9002,Lead,2024-01-02\n1,Lead,2024-01-03\n"
    info, _built, _ = import_file(mem_store, deals.encode(), "deals.csv", history=history.encode(),
                                  history_name="history.csv", stages=["Lead", "Won"])
    with mem_store.connect() as con:
        summary = quality_report.summary(quality_report.report(con, info)).set_index("code")
    assert summary.loc["history.unknown_deal", "value"] == "9001, 9002"
