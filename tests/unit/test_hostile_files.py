"""Hostile and odd files: each is refused or cut with a translated line, never a crash or a hang.

Each file is built here in the shape the outside campaign used (issue 13): one cell at XFD1048576,
a 100 MB line (scaled down with the limit), 5,000 columns, 10,000 stages, a megabyte cell, ``1e309``,
an unclosed quote, ``/dev/zero``.
"""

import dataclasses
import zipfile
from pathlib import Path

import duckdb
import pytest

from funnel import cli
from funnel.errors import FunnelError
from funnel.i18n import LANGUAGES, catalog
from funnel.importer import Source, finish, import_file, prepare
from funnel.readers import csv_reader, limits, list_sheets, stage_file
from funnel.readers.sandbox import run_isolated
from funnel.readers.xlsx_extent import column_number, sheet_extents
from funnel.store import Store

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
       '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
       'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
         '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
       '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def one_cell_workbook(path: Path, ref: str = "XFD1048576") -> Path:
    """A minimal .xlsx (raw zip) whose only cell is at ``ref``; no <dimension> element."""
    row = "".join(ch for ch in ref if ch.isdigit())
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData><row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is>'
             '</c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS), ("xl/worksheets/sheet1.xml", sheet)):
            zf.writestr(name, text)
    return path


@pytest.fixture
def con():
    c = duckdb.connect(":memory:")
    yield c
    c.close()


def test_column_letters():
    assert column_number(b"A") == 1 and column_number(b"Z") == 26 and column_number(b"AA") == 27
    assert column_number(b"XFD") == 16_384  # Excel's last column


def test_one_cell_at_xfd1048576_is_refused_by_its_extent(tmp_path, con):
    path = one_cell_workbook(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2_000
    assert sheet_extents(path) == {"xl/worksheets/sheet1.xml": (1_048_576, 16_384)}
    for call in (lambda: list_sheets(path, "bomb.xlsx"), lambda: stage_file(con, path, "bomb.xlsx")):
        with pytest.raises(FunnelError) as err:
            call()
        assert err.value.code == "limits.too_many_columns"
        assert err.value.params == {"file": "bomb.xlsx", "columns": 16_384, "limit": 1_000}


@pytest.mark.parametrize("ref, rows, columns", [
    ("J1000000", 1_000_000, 10),  # 10 million cells
    ("A2000000", 2_000_000, 1),  # one column, but more rows than Excel has (1,048,576)
])
def test_many_rows_times_columns_is_refused(tmp_path, ref, rows, columns):
    path = one_cell_workbook(tmp_path / "tall.xlsx", ref)
    with pytest.raises(FunnelError) as err:
        list_sheets(path, "tall.xlsx")
    assert err.value.code == "limits.sheet_too_big"
    assert (err.value.params["rows"], err.value.params["columns"]) == (rows, columns)


def test_the_parser_itself_crashing_on_the_bomb_is_an_error_line(tmp_path):
    # the unchecked parser on the bomb asks for 17 billion cells: it dies in the child, pytest survives
    path = one_cell_workbook(tmp_path / "bomb.xlsx")
    with pytest.raises(FunnelError) as err:
        run_isolated("funnel.readers.excel_reader:_calamine_sheets", (path,), crash_code="limits.parse_crashed",
                     params={"file": "bomb.xlsx"}, memory=1 << 30)
    assert err.value.code in ("limits.parse_crashed", "limits.parse_memory")
    assert err.value.params["file"] == "bomb.xlsx"


def test_sandbox_turns_abort_memory_and_time_into_errors():
    with pytest.raises(FunnelError) as err:
        run_isolated("os:abort", (), crash_code="limits.parse_crashed", params={"file": "a.xlsx"})
    assert err.value.code == "limits.parse_crashed"
    with pytest.raises(FunnelError) as err:
        run_isolated("builtins:bytearray", (3 << 30,), crash_code="limits.parse_crashed", params={"file": "m"},
                     memory=1 << 30)
    assert err.value.code == "limits.parse_memory"
    with pytest.raises(FunnelError) as err:
        run_isolated("time:sleep", (60,), crash_code="limits.parse_crashed", params={"file": "s"}, seconds=2)
    assert err.value.code == "limits.parse_timeout" and err.value.params["seconds"] == 2
    assert run_isolated("math:hypot", (3, 4), crash_code="x", params={}) == 5.0


def test_a_line_over_the_limit_is_one_translated_line(tmp_path, con, monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_LINE", 1 << 20)
    path = tmp_path / "long.csv"
    path.write_text("id,stage\n1,Won\n2,\"" + "x" * (3 << 20) + "\"\n")
    with pytest.raises(FunnelError) as err:
        stage_file(con, path, "long.csv")
    assert err.value.code == "limits.line_too_long" and err.value.params["file"] == "long.csv"


def test_five_thousand_columns_are_refused(tmp_path, con):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n")
    with pytest.raises(FunnelError) as err:
        stage_file(con, path, "wide.csv")
    assert err.value.code == "limits.too_many_columns" and err.value.params["columns"] == 5000


def test_ten_thousand_stages_are_refused():
    data = "id,name,stage\n" + "".join(f"{i},d{i},Stage {i}\n" for i in range(10_000))
    store = Store(":memory:")
    with pytest.raises(FunnelError) as err:
        import_file(store, data.encode(), "stages.csv")
    assert err.value.code == "limits.too_many_stages" and err.value.params["stages"] == 10_000
    assert store.datasets() == []


def test_megabyte_deal_name_is_cut_with_a_note():
    data = "id,name,stage\n1," + "y" * (1 << 20) + ",Won\n2,b,Won\n"
    store = Store(":memory:")
    info, _built, draft = import_file(store, data.encode(), "cell.csv")
    with store.connect() as con:
        assert con.execute(f"SELECT max(length(deal_name)) FROM {info.tables['deals']}").fetchone()[0] == 32_767
    assert draft.raw.notes[0][0] == "limits.cell_truncated" and draft.raw.notes[0][1]["row"] == 2


def test_infinite_amount_is_a_reported_row_with_its_value():
    # 1e309 is no amount a deal can have: the deal is kept without it, the row reported with its value
    data = "id,name,stage,amount\n1,a,Won,1e309\n2,b,Won,100\n3,c,Won,200\n"
    store = Store(":memory:")
    info, built, _draft = import_file(store, data.encode(), "inf.csv")
    assert built["rows_rejected"] == 0 and built["n_deals"] == 3
    with store.connect() as con:
        found = con.execute(f"SELECT code, row_no, value FROM {info.tables['quality']} WHERE row_no IS NOT NULL "
                            "AND code = 'amount.unreadable'").fetchall()
        revenue = con.execute(f"SELECT sum(amount) FROM {info.tables['deals']}").fetchone()[0]
    assert found == [("amount.unreadable", 2, "1e309")]
    assert revenue == 300.0  # a finite sum, not infinity or null


def test_unclosed_quote_is_refused_naming_the_row():
    lines = ["id,name,stage,amount"] + [f"{i},Deal {i},Won,{i}00" for i in range(1, 501)]
    lines[3] = '3,"Deal 3,Won,300'
    store = Store(":memory:")
    with pytest.raises(FunnelError) as err:
        import_file(store, ("\n".join(lines) + "\n").encode(), "quote.csv")
    assert err.value.code == "limits.unclosed_quote"
    assert (err.value.params["row"], err.value.params["column"], err.value.params["lines"]) == (4, "name", 498)
    assert store.datasets() == []


def test_multi_line_notes_are_not_an_unclosed_quote():
    data = 'id,name,stage\n1,"first line\nsecond, with a comma\nthird",Won\n2,b,Won\n'
    info, built, _draft = import_file(Store(":memory:"), data.encode(), "notes.csv")
    assert built["n_deals"] == 2


def test_mapping_of_a_mostly_rejected_file_is_not_remembered():
    # a user maps "amount" onto a column of a broken file: 8 of 10 amounts are unreadable under it (the
    # deals are kept without them)
    store = Store(":memory:")
    bad = "id,name,stage,amount\n" + "".join(f"{i},d,Won,x{i}\n" for i in range(1, 9)) + "9,d,Won,5\n10,d,Won,6\n"
    with store.connect() as con:
        draft = prepare(con, store, Source(bad.encode(), "bad.csv"))
        draft.mapping = dataclasses.replace(draft.mapping, fields={**draft.mapping.fields, "amount": 3}, extras={})
        _info, built = finish(con, store, draft)
    assert (built["rows_rejected"], built["rows_unread"], built["rows_read"]) == (0, 8, 10)
    clean = "id,name,stage,amount\n1,a,Won,Mon\n2,b,Won,Tue\n"  # same headers, no amounts: nothing to reject
    _info, built, draft = import_file(store, clean.encode(), "clean.csv")
    assert not draft.remembered and built["rows_rejected"] == 0


def test_cli_refuses_dev_zero_without_reading_it(tmp_path, capsys):
    deals = tmp_path / "d.csv"
    deals.write_text("id,stage\n1,Won\n")
    code = cli.main(["--data-dir", str(tmp_path / "store"), "import", str(deals), "--history", "/dev/zero"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "/dev/zero" in err


def test_every_limit_message_is_translated():
    keys = [k for k in catalog("en") if k.startswith(("error.limits.", "limits."))]
    assert len(keys) >= 12
    for lang in LANGUAGES:
        for key in keys:
            assert catalog(lang).get(key), (lang, key)
    assert limits.MAX_CELL_CHARS == 32_767  # Excel's own cell limit
