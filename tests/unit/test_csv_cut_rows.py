"""A CSV cut short: a row that ends before the header's last titles, a file that ends inside a quoted value.

Survey 30's files (an amoCRM leads export, «;», seven titles): row 4 «1003;Сделка 3;30000» (a won deal cut after its
budget) was read as an open deal at the first stage, said only as «no creation date» and «a deal without a stage»;
a file ending in «1003;"Сделка 3 обрезана;30000;Анна» (a download cut in the middle of a quoted name) was refused
as «damaged or unusual», naming neither the row nor the cell.
"""

from __future__ import annotations

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.readers import stage_file

HEADER = "ID;Название сделки;Бюджет;Ответственный;Этап сделки;Дата создания;Дата закрытия\n"
ROWS = ["1001;Сделка 1;10000;Иван Петров;Первичный контакт;01.02.2024;",
        "1002;Сделка 2;20000;Иван Петров;Переговоры;02.02.2024;",
        "{row}",
        "1004;Сделка 4;40000;Анна Смирнова;Закрыто и не реализовано;04.02.2024;21.02.2024",
        "1005;Сделка 5;50000;Олег Лебедев;Принимают решение;05.02.2024;"]


def _file(row: str) -> bytes:
    return (HEADER + "\n".join(ROWS).format(row=row) + "\n").encode()


def test_a_row_cut_short_is_skipped_and_said(mem_store):
    """Row 4 has 3 cells of 7 and leaves «Этап сделки» and «Дата создания» empty, which every other row fills: the
    row is read (5 rows) and not imported (1 rejected, 4 deals: 1 lost, 3 open), said as a warning naming row 4 and
    its text."""
    from funnel import quality_report
    info, built, _ = import_file(mem_store, _file("1003;Сделка 3;30000"), "amo.csv")
    assert (built["n_deals"], built["rows_read"], built["rows_rejected"]) == (4, 5, 1)
    with mem_store.connect() as con:
        report = quality_report.report(con, info)
        ids = sorted(r[0] for r in con.execute(f'SELECT deal_id FROM "{info.schema}".deals').fetchall())
    assert ids == ["1001", "1002", "1004", "1005"]
    cut = report[report["code"] == "file.skipped_short_cells"]
    assert set(cut["severity"]) == {"warning"}
    assert list(cut["row_no"].dropna().astype(int)) == [4]
    assert cut["value"].dropna().iloc[0] == "1003;Сделка 3;30000"
    assert "deals.no_stage" not in set(report["code"])  # the cut row is not also a deal without a stage


def test_a_row_that_leaves_off_only_empty_cells_stays():
    """Excel writes some rows of a CSV without their empty cells at the end: row 4 stops before «Дата закрытия»,
    which the open deals leave empty too. The row stays, nothing skipped."""
    raw = stage_file(duckdb.connect(), _file("1003;Сделка 3;30000;Анна Смирнова;Переговоры;03.02.2024"), "amo.csv",
                     table="t")
    assert raw.n_rows == 5
    assert not [s for s in raw.skipped if s.reason == "short_cells"]


def test_a_line_break_outside_quotes_cuts_a_record_into_two_rows_both_skipped():
    """«Сделка 3» followed by a line break not in quotes: rows 4 («1003;Сделка») and 5 («3;30000;Анна …») each miss
    a column the others fill; both skipped, the other four rows stay."""
    row = "1003;Сделка\n3;30000;Анна Смирнова;Переговоры;03.02.2024;"
    raw = stage_file(duckdb.connect(), _file(row), "amo.csv", table="t")
    cut = [(s.row_no, s.text) for s in raw.skipped if s.reason == "short_cells"]
    assert cut == [(4, "1003;Сделка"), (5, "3;30000;Анна Смирнова;Переговоры;03.02.2024;")]
    assert raw.n_rows == 4


def test_many_short_rows_are_the_writers_habit_and_stay():
    """Every other row without its last two cells (a writer that drops empty cells at a row's end): more than half
    would be skipped, so none is."""
    text = "ID;Stage;Amount;Owner\n" + "".join(f"{k};Lead\n" if k % 2 else f"{k};Lead;10;Ann\n" for k in range(1, 8))
    raw = stage_file(duckdb.connect(), text.encode(), "x.csv", table="t")
    assert raw.n_rows == 7 and not [s for s in raw.skipped if s.reason == "short_cells"]


def test_a_file_cut_inside_a_quoted_value_names_the_row_the_column_and_the_value(mem_store):
    """The file ends in «1003;"Сделка 3 обрезана;30000;Анна»: the quote opened in row 4 (the header is row 1), in
    «Название сделки», is never closed. Refused naming them (RU as the user reads it), nothing stored."""
    text = HEADER + ROWS[0] + "\n" + ROWS[1] + '\n1003;"Сделка 3 обрезана;30000;Анна'
    with pytest.raises(FunnelError) as caught:
        import_file(mem_store, text.encode(), "cut.csv")
    error = caught.value
    assert error.code == "file.cut_in_quote"
    assert (error.params["row"], error.params["column"]) == (4, "Название сделки")
    assert error.params["value"] == "Сделка 3 обрезана;30000;Анна"
    said = error.message("ru")
    assert "строке 4" in said and "«Название сделки»" in said and "«cut.csv»" in said
    assert mem_store.datasets() == []
