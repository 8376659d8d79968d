"""Issue 16, survey 36: real public exports again (a Dutch company's Salesforce report in EUR and GBP, a Salesforce
Data Export, a Bitrix24 REST dump, HubSpot API files). Each case is written here in the same layout, values invented,
numbers worked out by hand."""

from __future__ import annotations

import json

from funnel.cli import main as cli_main
from tests.unit.test_survey34 import _import

DUTCH = ('"Opportunity Name";"Stage";"Amount Currency";"Amount";"Created Date";"Close Date"\n'
         '"A";"Closed Won";"EUR";"100,00";"1-2-2018";"5-2-2018"\n'
         '"B";"Closed Won";"EUR";"50,00";"1-2-2018";"6-2-2018"\n')


def test_a_european_salesforce_report_reads_its_dates_day_first(tmp_path, capsys):
    """A Salesforce report in a Dutch locale («;», «100,00», «1-2-2018»), no day above 12: Salesforce writes its
    user's locale, so the file's own signs decide, not the preset's American default. Cycles 1 → 5 and 1 → 6
    February: 4 and 5 days, median 4.5 (read month first: 2 Jan → 2 May and 2 Jan → 2 June, 120 and 151 days)."""
    out = _import(tmp_path, capsys, DUTCH, "report.csv")
    assert "read day first" in out and "separated by semicolons" in out
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["median_cycle_days"] == 4.5


def test_forecast_text_titles_its_tables_and_says_how_it_counts(tmp_path, capsys):
    """No lost deal recorded: the stage chances count open deals as not won (Prospecting: 1 won of 3 that reached
    it, 0.33), said as the page says it; the months and the back-test are titled."""
    text = ("Id,StageName,Amount,CreatedDate,CloseDate,IsClosed,IsWon\n"
            "a,Prospecting,100,2026-01-05,2026-02-01,false,false\n"
            "b,Closed Won,50,2026-01-05,2026-03-01,true,true\n"
            "d,Qualification,80,2026-01-07,2026-04-01,false,false\n")
    _import(tmp_path, capsys, text, "Opportunity.csv")
    assert cli_main(["--data-dir", str(tmp_path), "forecast", "1"]) == 0
    out = capsys.readouterr().out
    assert "P(won)=0.33" in out and "n=3" in out
    assert "open deals count as not won" in out
    assert "Expected wins by month, age-adjusted:" in out and "Back-test: forecast vs actual" in out
