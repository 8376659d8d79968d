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
