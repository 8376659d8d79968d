"""``import --header-row N`` / ``N-M``: the column titles' row(s) given when the one found is wrong.

A report whose title row has as many text cells as its header («Pipeline report, Q1 2024, Sales team,
Moscow office» above «Deal ID, Stage, Amount, Created») is read from its title row: no stage column,
refused. ``--header-row 2`` reads it. Expected values worked out by hand in the comments.
"""

from __future__ import annotations

import json

import duckdb
import openpyxl
import pytest

from funnel.cli import main
from funnel.errors import FunnelError
from funnel.readers import header_rows_text, parse_header_rows, stage_file

TITLED = ("Pipeline report,Q1 2024,Sales team,Moscow office\n"
          "Deal ID,Stage,Amount,Created\n"
          "D1,Closed Won,1000,2024-01-10\n"
          "D2,Closed Lost,500,2024-01-12\n"
          "D3,Proposal,700,2024-02-01\n"
          "D4,Qualification,300,2024-02-03\n")


def _run(folder, capsys, *argv):
    code = main(["--data-dir", str(folder), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def titled(tmp_path):
    path = tmp_path / "pipeline.csv"
    path.write_text(TITLED, encoding="utf-8")
    return path


def test_parse_header_rows():
    assert parse_header_rows("3") == (3, 3) and parse_header_rows("3-4") == (3, 4)
    assert parse_header_rows(" 3 - 4 ") == (3, 4) and parse_header_rows(None) is None
    assert header_rows_text((3, 3)) == "3" and header_rows_text((3, 4)) == "3-4"
    for bad in ("0", "4-3", "3-5", "x", "3-"):
        with pytest.raises(FunnelError) as err:
            parse_header_rows(bad)
        assert err.value.code == "file.header_row_invalid" and err.value.params["value"] == bad


def test_a_title_row_read_as_the_header_is_fixed_by_header_row(tmp_path, capsys, titled):
    code, _out, err = _run(tmp_path, capsys, "import", str(titled))
    assert code == 2 and "Pipeline report" in err  # the title row was taken for the header: no stage column
    code, out, err = _run(tmp_path, capsys, "import", str(titled), "--header-row", "2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    # rows 3-6: 4 deals; Closed Won D1 (1,000), Closed Lost D2, open D3 and D4
    assert (doc["rows_read"], doc["deals"], doc["rejected_rows"]) == (4, 4, 0)
    assert doc["mapping"]["fields"]["stage"] == "Stage" and doc["mapping"]["fields"]["deal_id"] == "Deal ID"
    assert doc["stage_order"] == {"": ["Qualification", "Proposal", "Closed Won"]}
    said = [w["message"] for w in doc["info"] if w["code"] == "readers.header_given"]
    assert said == ["In “pipeline.csv” the column titles were read from row 2, as chosen; the rows above it "
                    "were skipped."]


def test_a_row_past_the_end_or_an_empty_row_is_refused_by_name(tmp_path, capsys, titled):
    code, out, err = _run(tmp_path, capsys, "import", str(titled), "--header-row", "9", "--json")
    assert code == 2
    assert json.loads(out)["error"]["code"] == "file.header_row_past_end"
    # the file has 6 rows
    assert "“pipeline.csv” has 6 rows: row 9 is past its end" in err
    blank = tmp_path / "blank.csv"
    blank.write_text("Deals\n\nID,Stage\n1,New\n", encoding="utf-8")
    code, _out, err = _run(tmp_path, capsys, "import", str(blank), "--header-row", "2")
    assert code == 2 and "Row 2 of “blank.csv” is empty" in err
    code, _out, err = _run(tmp_path, capsys, "import", str(titled), "--header-row", "2-4")
    assert code == 2 and "“2-4” is not a header row" in err


def test_refresh_takes_header_row_too(tmp_path, capsys, titled):
    code, out, _err = _run(tmp_path, capsys, "import", str(titled), "--header-row", "2", "--json")
    dataset = json.loads(out)["dataset_id"]
    later = tmp_path / "pipeline_week2.csv"
    # a week later: D3 won (700), D5 new
    later.write_text(TITLED.replace("D3,Proposal", "D3,Closed Won") + "D5,Qualification,900,2024-02-10\n",
                     encoding="utf-8")
    code, out, err = _run(tmp_path, capsys, "import", str(later), "--into", str(dataset), "--header-row", "2",
                          "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["dataset_id"], doc["version"], doc["deals"], doc["rejected_rows"]) == (dataset, 2, 5, 0)


def test_two_header_rows_given_in_a_workbook(tmp_path):
    # group titles on row 2, not merged; «Даты» stands over one column only, where a title of its own
    # (a column merged down) would have an empty cell under it: not found as two rows, row 2 is taken for
    # the header. Given as --header-row 2-3
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Воронка продаж", None, None, None], [None, "Сделка", None, "Даты"],
                ["ID", "Этап", "Сумма", "Создана"], ["1", "Новая", "100", "01.03.2024"],
                ["2", "Успешно", "200", "02.03.2024"]):
        ws.append(row)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    con = duckdb.connect()
    raw = stage_file(con, path.read_bytes(), "book.xlsx")
    assert (raw.headers, raw.header_row, raw.header_rows) == (["", "Сделка", "", "Даты"], 2, 1)
    raw = stage_file(con, path.read_bytes(), "book.xlsx", header_rows=(2, 3))
    # the lower row names every column; «ID» has no group above it
    assert (raw.headers, raw.header_row, raw.header_rows, raw.n_rows) == (["ID", "Этап", "Сумма", "Создана"], 3, 2, 2)
    assert raw.notes[0] == ("readers.header_given_two", {"first": 2, "second": 3, "file": "book.xlsx"})
    raw = stage_file(con, path.read_bytes(), "book.xlsx", header_rows=(3, 3))
    assert (raw.headers, raw.header_row, raw.n_rows) == (["ID", "Этап", "Сумма", "Создана"], 3, 2)
    with pytest.raises(FunnelError) as err:
        stage_file(con, path.read_bytes(), "book.xlsx", header_rows=(6, 6))
    assert err.value.code == "file.header_row_past_end" and err.value.params == {"file": "book.xlsx", "row": 6, "n": 5}
