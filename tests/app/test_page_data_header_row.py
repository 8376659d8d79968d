"""Data page under AppTest: "Header on row" re-reads an upload whose header was found on the wrong row.

The file: a title row with as many text cells as the header above it (read as the header, the import
is refused for want of a stage column), then 4 deals. Expected values worked out by hand."""

from __future__ import annotations

from tests.app.conftest import uploaded

TITLED = (b"Pipeline report,Q1 2024,Sales team,Moscow office\n"
          b"Deal ID,Stage,Amount,Created\n"
          b"D1,Closed Won,1000,2024-01-10\n"
          b"D2,Closed Lost,500,2024-01-12\n"
          b"D3,Proposal,700,2024-02-01\n"
          b"D4,Qualification,300,2024-02-03\n")
TWO_ROWS = ("№,Сделка,,,Даты,,Менеджер\n"
            ",Название,Этап,Сумма,Создана,Дата закрытия,\n"
            "1,Поставка,Успешно реализовано,250000,10.01.2024,15.02.2024,Иванов\n"
            "2,Сервер,Переговоры,90000,01.02.2024,,Петров\n").encode()


def _header_input(at):
    return next(n for n in at.number_input if n.key.endswith("header_row"))


def test_header_row_rereads_the_upload_and_names_a_bad_row(data_dir):
    at = uploaded("pipeline.csv", TITLED)
    # read from row 1 (the title): refused, the control offered under the error, at row 1
    assert any("Pipeline report" in e.value for e in at.error)
    assert _header_input(at).value == 1
    # the file was read (from the title row) and then refused: "Column titles" is shown open
    assert next(e for e in at.expander if e.label == "Column titles").proto.expanded
    _header_input(at).set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    # rows 3-6 under the titles of row 2: 4 deals
    assert any(s.value.startswith("Read 4 rows from pipeline") for s in at.success)
    assert _header_input(at).value == 2
    # a row past the end: a message naming the file and the row, the control still there
    _header_input(at).set_value(9).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("pipeline" in e.value and "has 6 rows: row 9 is past its end" in e.value for e in at.error)
    assert _header_input(at).value == 9


def test_a_found_two_row_header_is_shown_as_found(data_dir):
    at = uploaded("deals.csv", TWO_ROWS)
    assert not at.error
    # titles on rows 1 and 2: the input shows the lower row, "over two rows" ticked
    assert _header_input(at).value == 2
    assert next(c for c in at.checkbox if c.key.endswith("header_two")).value is True
    assert any("Found: rows 1 and 2" in c.value for c in at.caption)
    # read and not refused: the box stays closed
    assert not next(e for e in at.expander if e.label == "Column titles").proto.expanded
