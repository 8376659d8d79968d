"""A quality finding names the column its value came from (survey 34: «Closed before it was created» named no
column when the close was read from a won date rather than a close date)."""

from __future__ import annotations

from funnel.cli import main as cli_main

# A was won on 1 March, four days before its creation on 5 March (row 2 of the file, the header being row 1)
WON_DATE = ("Deal,Stage,Amount,Created,Won Date\n"
            "A,Won,100,2024-03-05,2024-03-01\n"
            "B,Won,200,2024-03-01,2024-03-10\n"
            "C,Lead,50,2024-03-01,\n")


def test_closed_before_created_names_the_won_date_column(tmp_path, capsys):
    path = tmp_path / "deals.csv"
    path.write_text(WON_DATE, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--stages", "Lead,Won"]) == 0
    out = capsys.readouterr().out
    assert "Closed before it was created (Won Date · Row 2)" in out
