"""CSV staging: encodings, dialects, row numbers, skipped rows and bad input (files built here)."""

from __future__ import annotations

import codecs

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.readers import stage_file
from funnel.readers.staging import FOOTER_PATTERN, SUBTOTAL_LAST_CHARS, TOTAL_FIRST_CHARS, TOTAL_PATTERN


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

# The cheap forms of staging's per-cell work give what the per-cell forms gave: staging strips only the
# cells that begin or end with a space, runs the totals/footer regex only on rows whose first cell
# begins with a letter a match can begin with, reads a cell's character count only when its byte
# length is over the limit, and looks for line breaks only in a file that has a quote character.
# Each test states the value the plain per-cell rule gives, worked out by hand.


def test_first_chars_are_every_case_variant_re2_folds():
    # the letters the patterns' alternatives begin with: (grand|sub|total), итого/итоги, всего, общий итог,
    # 合计, 总计, 小计, 共计, confidential, copyright, generated; RE2's case-insensitive match folds each
    # with its variants
    folded = duckdb.connect().execute(
        "SELECT list(cp ORDER BY cp) FROM range(1, 1114112) t(cp) WHERE (cp < 55296 OR cp > 57343) "
        "AND regexp_matches(chr(CAST(cp AS INTEGER)), '(?i)^[gstивоc合总小共]')").fetchone()[0]
    assert tuple(folded) == TOTAL_FIRST_CHARS
    # by hand: g G s S ſ (long s folds to s) t T и И в В ᲀ (rounded ve folds to в) о О ᲂ (narrow o folds
    # to о) c C 合 总 小 共
    assert len(TOTAL_FIRST_CHARS) == 21 and ord("ſ") in TOTAL_FIRST_CHARS and 0x1C80 in TOTAL_FIRST_CHARS
    assert 0x1C82 in TOTAL_FIRST_CHARS
    # and the last letters of "… total(s)", "… итог(о)", "… 小计/合计/汇总": l L s S ſ г Г о О ᲂ 计 总
    last = duckdb.connect().execute(
        "SELECT list(cp ORDER BY cp) FROM range(1, 1114112) t(cp) WHERE (cp < 55296 OR cp > 57343) "
        "AND regexp_matches(chr(CAST(cp AS INTEGER)), '(?i)^[lsго计总]$')").fetchone()[0]
    assert tuple(last) == SUBTOTAL_LAST_CHARS and len(SUBTOTAL_LAST_CHARS) == 12


@pytest.mark.parametrize("text", ["Grand Totals (2 records)", "subtotal", "Sub-Total:", "TOTAL", "Итого",
                                  "итоги по менеджеру", "ВСЕГО", "合计", "总计", "ſubtotal", "Общий итог",
                                  "小计", "合计：5个商机", "总计（元）", "Confidential Information - x",
                                  "copyright (c) 2024", "Copyright © 2000-2024 salesforce.com, inc.",
                                  "Generated By:  Jane Example 3/5/2024 2:33 PM"])
def test_every_total_or_footer_begins_with_a_listed_letter(text):
    con = duckdb.connect()
    matched = con.execute("SELECT regexp_matches($t, $a) OR regexp_matches($t, $b)",
                          {"t": text, "a": TOTAL_PATTERN, "b": FOOTER_PATTERN}).fetchone()[0]
    assert matched and ord(text[0]) in TOTAL_FIRST_CHARS


def test_long_s_total_row_is_skipped_as_the_regex_says(con, tmp_path):
    # RE2 (?i) reads "ſubtotal" as "subtotal": the prefilter must not keep the row
    raw = stage(con, tmp_path, "Name,Amount\nA,1\nſubtotal,1\nB,2\n".encode())
    assert [(s.row_no, s.reason) for s in raw.skipped] == [(3, "total")]
    assert rows(con) == [(2, "A", "1"), (4, "B", "2")]


def test_only_cells_with_spaces_at_an_end_are_stripped(con, tmp_path):
    data = (b'ID,Name,Note,Amount\n'
            b' 1,Acme ,   ,"  5  "\n'          # leading, trailing, only spaces (empty), quoted spaces
            b'2,"",\tTab\t,7 000\n'           # quoted empty, tabs stay (only spaces are stripped), inner space stays
            b'3,  Mid dle  ,x,\n')
    raw = stage(con, tmp_path, data)
    assert rows(con) == [(2, "1", "Acme", None, "5"), (3, "2", None, "\tTab\t", "7 000"),
                         (4, "3", "Mid dle", "x", None)]
    assert raw.quoted is True


def test_a_few_spaced_cells_are_rewritten_in_place_with_the_same_result(con, tmp_path):
    # 30 rows, one cell with spaces: fewer than one in ten rows, so the cell is updated in place
    body = "".join(f"{i},Deal {i}\n" for i in range(1, 30))
    raw = stage(con, tmp_path, ("ID,Name\n" + body + "30,  Last deal \n").encode())
    assert raw.n_rows == 30
    assert con.execute("SELECT c1 FROM raw WHERE row_no = 31").fetchone()[0] == "Last deal"
    assert con.execute("SELECT count(*) FROM raw WHERE prefix(c1, ' ') OR suffix(c1, ' ')").fetchone()[0] == 0


def test_cells_written_as_excels_text_formula_read_as_their_text(con, tmp_path):
    # json2csv's excelStrings and "Excel-friendly" exports write ="00123" (unquoted, or quoted as
    # "=""00123""") so Excel keeps the leading zeros; the header too. Inner "" is one quote.
    data = (b'="ID",="Stage",Amount\n'
            b'="00123",="Lead",="1200"\n'
            b'"=""00124""",Won,200\n'
            b'7,="a""b", ="9" \n'        # spaced: stripped only (a padded formula is no export's: left as text)
            b'=SUM(A1),="",="\n')       # a real formula stays text; ="" is the empty text; =" alone stays
    raw = stage(con, tmp_path, data)
    assert raw.headers == ["ID", "Stage", "Amount"]
    assert rows(con) == [(2, "00123", "Lead", "1200"), (3, "00124", "Won", "200"), (4, "7", 'a"b', '="9"'),
                         (5, "=SUM(A1)", None, '="')]


def test_excel_text_cells_in_many_rows_rebuild_the_table_the_same(con, tmp_path):
    # every row's id so written: more than one in ten rows, so the table is rebuilt, not updated in place
    body = "".join(f'="{i:05d}",Deal {i}\n' for i in range(1, 31))
    raw = stage(con, tmp_path, ("ID,Name\n" + body).encode())
    assert raw.n_rows == 30
    assert con.execute("SELECT list(c0 ORDER BY row_no)[1:3] FROM raw").fetchone()[0] == ["00001", "00002", "00003"]


def test_a_row_of_spaces_is_blank(con, tmp_path):
    # cells of spaces are empty, so the row is blank (the first non-empty cell is looked at after stripping)
    raw = stage(con, tmp_path, b"ID,Name\n1,A\n  ,   \n2,B\n")
    assert [(s.row_no, s.reason) for s in raw.skipped] == [(3, "blank")]
    assert rows(con) == [(2, "1", "A"), (4, "2", "B")]


def test_file_without_quotes_has_no_line_break_check(con, tmp_path):
    raw = stage(con, tmp_path, b"ID,Name\n1,A\n2,B\n")
    assert raw.quoted is False and raw.n_rows == 2


def test_quoted_line_break_is_kept_and_unclosed_quote_still_refused(con, tmp_path):
    raw = stage(con, tmp_path, b'ID,Note\n1,"two\nlines"\n2,x\n')
    assert raw.quoted is True
    assert rows(con) == [(2, "1", "two\nlines"), (3, "2", "x")]
    with pytest.raises(FunnelError) as err:
        stage(con, tmp_path, b'ID,Name,Stage\n1,"open,Won\n2,B,Lost\n3,C,Won\n4,D,Lost\n', name="broken.csv")
    assert err.value.code == "limits.unclosed_quote"


def test_cell_of_many_bytes_but_few_characters_is_not_cut(con, tmp_path):
    # 20,000 Cyrillic letters: 40,000 bytes but 20,000 characters, under the 32,767-character limit
    text = "я" * 20_000
    raw = stage(con, tmp_path, f"ID,Note\n1,{text}\n2,{'z' * 40_000}\n".encode())
    assert con.execute("SELECT length(c1) FROM raw ORDER BY row_no").fetchall() == [(20_000,), (32_767,)]
    assert [n for n in raw.notes if n[0] == "limits.cell_truncated"] == [
        ("limits.cell_truncated", {"file": "deals.csv", "column": "Note", "row": 3, "count": 1, "limit": 32_767})]


def test_an_export_of_excel_text_cells_imports_as_plain_text(mem_store):
    # json2csv's excelStrings wraps every text cell, dates and ids too; numbers stay bare
    from funnel.importer import import_file
    from tests.unit.test_crm_exports_spreadsheets import outcome

    data = (b'="Deal ID",="Stage",="Amount",="Created",="Closed"\n'
            b'="0001",="Lead",1000,="2024-01-01",=""\n'
            b'="0002",="Closed Won",2500,="2024-01-02",="2024-01-12"\n'
            b'="0003",="Closed Lost",700,="2024-01-03",="2024-01-05"\n')
    info, built, _ = import_file(mem_store, data, "deals-export.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (3, 0)
    # won 0002: 2,500 in 10 days (2 -> 12 Jan); lost 0003; open 0001
    assert outcome(mem_store, info) == (3, 1, 1, 1, 2500.0, 10.0)
    with mem_store.connect() as con:
        assert con.execute(f"SELECT list(deal_id ORDER BY deal_id) FROM ds_{info.id}.deals").fetchone()[0] == [
            "0001", "0002", "0003"]
