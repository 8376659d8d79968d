"""Every sample export in /work/shared/reference/crm-headers stages (skipped when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from funnel.readers import stage_file

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "crm-headers"

# file -> (delimiter, header count after dropping the empty trailing column, data rows, first row's c0)
EXPECTED = {
    "amocrm_ru.csv": (",", 31, 4, "31245067"),
    "bitrix24_en.csv": (";", 25, 3, "2043"),
    "bitrix24_ru.csv": (";", 26, 4, "1043"),
    "bitrix24_stagehistory_rest.csv": (",", 7, 6, "5501"),
    "hubspot_en.csv": (",", 21, 3, "15230047811"),
    "pipedrive_en.csv": (",", 29, 3, "412"),
    "salesforce_en.csv": (",", 16, 3, "Jane Example"),
    "salesforce_opportunityhistory_dataexport.csv": (",", 14, 4, "0085g00000Aa1AAAAZ"),
    "zoho_en.csv": (",", 24, 3, "zcrm_5368271000001234567"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_stages(name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("shared reference samples are not available")
    con = duckdb.connect()
    raw = stage_file(con, path, name)
    delim, n_headers, n_rows, first = EXPECTED[name]
    assert (raw.delimiter, len(raw.headers), raw.n_rows) == (delim, n_headers, n_rows)
    assert raw.headers[0] in ("ID", "Record ID", "Deal - ID", "Opportunity Owner", "Id", "Record Id")
    assert con.execute("SELECT c0 FROM raw ORDER BY row_no LIMIT 1").fetchall() == [(first,)]
    # Cross-check every cell against Python's csv module (independent parser).
    with open(path, encoding="utf-8-sig", newline="") as fh:
        records = [r for r in csv.reader(fh, delimiter=delim)][1: 1 + n_rows]
    got = con.execute("SELECT * EXCLUDE (row_no) FROM raw ORDER BY row_no").fetchall()
    want = [tuple((c.strip() or None) for c in r[:n_headers]) for r in records]
    assert got == want


def test_salesforce_footer_rows_listed():
    path = SAMPLES / "salesforce_en.csv"
    if not path.exists():
        pytest.skip("shared reference samples are not available")
    raw = stage_file(duckdb.connect(), path, path.name)
    # Lines 5..9 of the file: blank, Grand Totals, blank, Confidential, Copyright.
    assert [(s.row_no, s.reason) for s in raw.skipped] == [
        (5, "blank"), (6, "total"), (7, "blank"), (8, "footer"), (9, "footer")]


def test_multiline_note_keeps_row_numbers():
    path = SAMPLES / "zoho_en.csv"
    if not path.exists():
        pytest.skip("shared reference samples are not available")
    con = duckdb.connect()
    stage_file(con, path, path.name)
    # The second deal's description spans two lines; the third deal is still record 4.
    assert con.execute("SELECT row_no FROM raw ORDER BY row_no").fetchall() == [(2,), (3,), (4,)]
    assert con.execute("SELECT c23 FROM raw WHERE row_no = 3").fetchall() == [("Lost on price,\nrevisit in Q3",)]
