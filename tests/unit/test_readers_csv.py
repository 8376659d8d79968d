"""CSV staging: encodings, dialects, row numbers, skipped rows and bad input (files built here)."""

from __future__ import annotations

import codecs

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.readers import stage_file


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def stage(con, tmp_path, data: bytes, name="deals.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return stage_file(con, path, name)


def rows(con, table="raw"):
    return con.execute(f'SELECT * FROM "{table}" ORDER BY row_no').fetchall()


RU = "ID;Этап сделки;Бюджет\n1;Успешно реализовано;185000\n2;Переговоры;0\n"


@pytest.mark.parametrize("encoding, expected_name", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1251", "cp1251"),
])
def test_russian_text_in_each_encoding_reads_the_same(con, tmp_path, encoding, expected_name):
    raw = stage(con, tmp_path, RU.encode(encoding))
    assert raw.encoding == expected_name
    assert raw.headers == ["ID", "Этап сделки", "Бюджет"]  # BOM stripped from "ID"
    assert rows(con) == [(2, "1", "Успешно реализовано", "185000"), (3, "2", "Переговоры", "0")]


def test_cp1251_gets_an_encoding_note(con, tmp_path):
    raw = stage(con, tmp_path, RU.encode("cp1251"))
    assert ("readers.encoding", {"encoding": "cp1251", "file": "deals.csv"}) in raw.notes


def test_cp1252_western_text(con, tmp_path):
    raw = stage(con, tmp_path, "Opportunity,Owner\nCafé crème,José Müller\n".encode("cp1252"))
    assert raw.encoding == "cp1252"
    assert rows(con) == [(2, "Café crème", "José Müller")]


def test_utf16_unicode_text_with_tabs(con, tmp_path):
    # Excel "Unicode text": UTF-16 LE with BOM, tab-separated, CRLF.
    text = "Record ID\tDeal Name\tAmount\r\n101\tСделка, один\t12500\r\n"
    raw = stage(con, tmp_path, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "deals.txt")
    assert raw.encoding == "utf-16" and raw.delimiter == "\t"
    assert rows(con) == [(2, "101", "Сделка, один", "12500")]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiters(con, tmp_path, delim):
    lines = ["ID", "Stage", "Amount"], ["1", "Won", "10"], ["2", "Lost", "20"]
    raw = stage(con, tmp_path, "\n".join(delim.join(r) for r in lines).encode() + b"\n")
    assert raw.delimiter == delim
    assert rows(con) == [(2, "1", "Won", "10"), (3, "2", "Lost", "20")]


def test_comma_in_header_does_not_fool_the_semicolon_sniffer(con, tmp_path):
    data = b"ID;Probability, %;Stage\n1;40;Won\n2;10;Open\n3;0;Lost\n"
    raw = stage(con, tmp_path, data)
    assert raw.delimiter == ";" and raw.headers == ["ID", "Probability, %", "Stage"]


def test_quotes_multiline_cells_and_record_numbers(con, tmp_path):
    # Record 2 spans three physical lines; record 3 must still be row 3 (as a spreadsheet shows it).
    data = b'ID,Note,Amount\n1,"first line\nsecond ""quoted""\nthird",5\n2,plain,6\n'
    stage(con, tmp_path, data)
    assert rows(con) == [(2, "1", 'first line\nsecond "quoted"\nthird', "5"), (3, "2", "plain", "6")]


def test_mixed_line_endings(con, tmp_path):
    # CRLF rows, LF inside a quoted cell, a lone-CR row, an LF row.
    data = b'ID,Note\r\n1,"a\r\nb"\n2,x\r3,y\n'
    stage(con, tmp_path, data)
    assert rows(con) == [(2, "1", "a\r\nb"), (3, "2", "x"), (4, "3", "y")]


def test_trailing_delimiter_column_is_dropped_and_ragged_rows_padded(con, tmp_path):
    data = '\ufeff"ID";"Stage";"Amount";\n"1";"Won";"5";\n"2";"Lost";\n'.encode()
    raw = stage(con, tmp_path, data)
    assert raw.headers == ["ID", "Stage", "Amount"]
    assert rows(con) == [(2, "1", "Won", "5"), (3, "2", "Lost", None)]


def test_blank_rows_are_skipped_and_later_rows_keep_their_numbers(con, tmp_path):
    # Physical records: 1 header, 2 deal, 3 empty, 4 deal, 5 ",,", 6 deal.
    data = b"ID,Stage\n1,Won\n\n2,Lost\n,\n3,Open\n"
    raw = stage(con, tmp_path, data)
    assert rows(con) == [(2, "1", "Won"), (4, "2", "Lost"), (6, "3", "Open")]
    assert [(s.row_no, s.reason) for s in raw.skipped] == [(3, "blank"), (5, "blank")]


def test_header_below_title_rows(con, tmp_path):
    data = b'"Opportunities report"\n"Filtered by: Owner = Jane"\n\nOwner,Stage,Amount\nJane,Won,5\n'
    raw = stage(con, tmp_path, data)
    assert raw.header_row == 4 and raw.headers == ["Owner", "Stage", "Amount"]
    assert rows(con) == [(5, "Jane", "Won", "5")]
    assert ("readers.header_row", {"row": 4, "file": "deals.csv"}) in raw.notes


def test_salesforce_footer_and_totals_are_skipped(con, tmp_path):
    data = (b'"Owner","Stage","Amount"\n"Jane","Won","5"\n"Total","","5"\n"Tom","Lost","3"\n\n'
            b'"Grand Totals (2 records)"\n\n"Confidential Information - Do Not Distribute"\n'
            b'"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n')
    raw = stage(con, tmp_path, data)
    assert rows(con) == [(2, "Jane", "Won", "5"), (4, "Tom", "Lost", "3")]
    assert [(s.row_no, s.reason) for s in raw.skipped] == [
        (3, "total"), (5, "blank"), (6, "total"), (7, "blank"), (8, "footer"), (9, "footer")]
    assert raw.n_rows == 2


@pytest.mark.parametrize("word", ["Итого", "Всего", "Subtotal", "合计", "总计", "Итого по менеджеру"])
def test_total_words(con, tmp_path, word):
    raw = stage(con, tmp_path, f"Name,Amount\nA,1\n{word},1\n".encode())
    assert raw.n_rows == 1 and raw.skipped[0].reason == "total"


def test_deal_named_like_total_is_kept(con, tmp_path):
    raw = stage(con, tmp_path, b"Name,Amount\nTotal Energies renewal,1\n")
    assert raw.n_rows == 1 and raw.skipped == []


def test_duplicate_headers_kept_by_position(con, tmp_path):
    raw = stage(con, tmp_path, "ID,Источник,Источник\n1,site,call\n".encode())
    assert raw.headers == ["ID", "Источник", "Источник"]
    assert rows(con) == [(2, "1", "site", "call")]


def test_cells_are_stripped_and_empty_is_null(con, tmp_path):
    stage(con, tmp_path, b'ID,Name,Amount\n 1 ,"  Acme  ",\n')
    assert rows(con) == [(2, "1", "Acme", None)]


def test_bytes_source_and_table_name(con, tmp_path):
    raw = stage_file(con, b"ID,Stage\n1,Won\n", "upload.csv", table="my raw")
    assert raw.table == "my raw" and raw.n_rows == 1 and raw.kind == "csv"
    assert rows(con, "my raw") == [(2, "1", "Won")]


def test_giant_cell(con, tmp_path):
    big = "x" * 300_000
    raw = stage(con, tmp_path, f'ID,Emails\n1,"{big}"\n'.encode())
    # cut to Excel's cell limit (32,767 characters), with a note naming the column and row
    assert con.execute('SELECT length(c1) FROM raw').fetchone()[0] == 32_767
    assert ("limits.cell_truncated", {"file": "deals.csv", "column": "Emails", "row": 2, "count": 1,
                                      "limit": 32_767}) in raw.notes


@pytest.mark.parametrize("data, code", [
    (b"", "file.empty"),
    (b"  \r\n\n ", "file.empty"),
    (bytes(range(256)) * 50, "file.binary"),
    (b"\x00\x01\x02junk\x00" * 100, "file.binary"),
    (b"12,13\n14,15\n", "file.no_header"),
    (b"ID,Stage,Amount\n", "file.no_rows"),
    (b"ID,Stage,Amount\n\n,,\n", "file.no_rows"),
])
def test_bad_input_raises_coded_errors(con, tmp_path, data, code):
    with pytest.raises(FunnelError) as err:
        stage(con, tmp_path, data, "bad.csv")
    assert err.value.code == code and err.value.params["file"] == "bad.csv"
    assert "bad.csv" in err.value.message("en") and "bad.csv" in err.value.message("ru")
