"""A deal list without an id column beside a stage history keyed by one of its columns (a sheet's «Deal, Stage,
Amount, Created» and a history «Deal, Stage, Date»): that column is the deals' id, and the history's rows that
repeat the stage their deal was at are said, not dropped unseen (survey 34: duplicate history rows unreported).
Before: the row numbers were the ids, the history matched no deal and was left out (7 rows)."""

from __future__ import annotations

import json

import duckdb

from funnel.cli import main as cli_main

DEALS = ("Deal,Stage,Amount,Created\n"
         "A,Won,100,2024-03-01\n"
         "B,Meeting,200,2024-03-01\n")
# A: Lead → Meeting (written twice) → Won; B: Lead → Meeting (written twice): 7 rows, 5 entries, 2 repeats
HISTORY = ("Deal,Stage,Date\n"
           "A,Lead,2024-03-01\n"
           "A,Meeting,2024-03-02\n"
           "A,Meeting,2024-03-02\n"
           "A,Won,2024-03-05\n"
           "B,Lead,2024-03-01\n"
           "B,Meeting,2024-03-03\n"
           "B,Meeting,2024-03-03\n")


def test_the_history_keys_the_list_and_its_repeats_are_said(tmp_path, capsys):
    deals, history = tmp_path / "deals.csv", tmp_path / "history.csv"
    deals.write_text(DEALS, encoding="utf-8")
    history.write_text(HISTORY, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(deals), "--history", str(history),
                     "--stages", "Lead,Meeting,Won"]) == 0
    out = capsys.readouterr().out
    assert "stage events: 5" in out and "not in the deal list" not in out
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(s["stage"], s["reached"]) for s in doc["stages"]] == [("Lead", 2), ("Meeting", 2), ("Won", 1)]
    con = duckdb.connect(str(next(tmp_path.glob("*.duckdb"))), read_only=True)
    quality = {code: (column, n) for code, column, n in con.execute(
        "SELECT code, column_name, n FROM ds_1.quality").fetchall()}
    con.close()
    assert quality["deals.id_from_history"] == ("Deal", None)
    assert quality["history.repeats_collapsed"] == (None, 2)
    assert "deals.no_id_column" not in quality
