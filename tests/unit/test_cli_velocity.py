"""``python -m funnel velocity | pipeline | forecast``: the documented JSON on files and stored datasets."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main

DEALS = "Deal ID,Stage,Created,Closed,Status,Amount\nA,Won,2024-01-01,2024-01-11,won,1000\n" \
        "B,Qualified,2024-01-02,,open,500\nC,Lead,2024-01-03,2024-01-04,lost,200\n"
HISTORY = "Deal ID,Stage,Date Entered\nA,Lead,2024-01-01\nA,Qualified,2024-01-03\nA,Won,2024-01-11\n" \
          "B,Lead,2024-01-02\nB,Qualified,2024-01-06\nC,Lead,2024-01-03\n"


@pytest.fixture
def files(tmp_path):
    deals, history = tmp_path / "deals.csv", tmp_path / "history.csv"
    deals.write_text(DEALS, encoding="utf-8")
    history.write_text(HISTORY, encoding="utf-8")
    return deals, history


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_velocity_json(files, capsys):
    deals, history = files
    doc = run_json(capsys, "velocity", str(deals), "--history", str(history), "--stages", "Lead,Qualified,Won",
                   "--as-of", "2024-01-10")
    assert doc["as_of"] == "2024-01-10 23:59:59"
    lead, qual = doc["time_in_stage"]
    # Lead: A 2 days, B 4 days, C 1 day (lost Jan 4, no Lost row: ends at close) -> median 2
    assert set(lead) == {"stage", "n", "median_days", "p75_days", "p90_days", "mean_days", "open_n",
                         "open_over_p90", "km_median_days", "p90_reason"}
    assert (lead["stage"], lead["n"], lead["median_days"], lead["open_n"]) == ("Lead", 3, 2.0, 0)
    # Qualified on Jan 10: A (Jan 3, left Jan 11) and B (Jan 6) are both still there
    assert (qual["n"], qual["open_n"], qual["median_days"], qual["open_over_p90"]) == (0, 2, None, None)
    # by Jan 10 nothing is won yet; C was lost after 1 day
    # a p90 of one lost cycle is not said: null and the reason (cycle_rules: at least 10)
    assert doc["cycle"] == {"won": {"n": 0, "median_days": None, "p90_days": None, "p90_reason": None},
                            "lost": {"n": 1, "median_days": 1.0, "p90_days": None, "p90_reason": "cycle49.p90.few_lost"}}
    assert set(doc["sales_velocity"]) == {"per_day", "open_deals", "win_rate", "avg_deal_size", "avg_cycle_days"}
    assert doc["sales_velocity"]["open_deals"] == 2 and doc["sales_velocity"]["win_rate"] == 0.0
    # no deal won in the window: the velocity is unknown, and the JSON says which factor is missing
    assert doc["sales_velocity"]["per_day"] is None and doc["reasons"]["velocity"] == "velocity.ui.unknown.no_won"


def test_velocity_json_of_a_status_change_list_says_no_creation_date(tmp_path, capsys):
    # Мегаплан: «Дата изменения статуса» dates the close of deals 1 (won 100) and 3 (lost); 2 is open
    path = tmp_path / "megaplan.csv"
    path.write_text("Номер;Статус;Стоимость;Дата изменения статуса\n1;Оплачена;100;06.02.2024 10:00\n"
                    "2;Новая;50;07.02.2024 10:00\n3;Отказ;70;08.02.2024 10:00\n", encoding="utf-8")
    doc = run_json(capsys, "velocity", str(path), "--stages", "Новая,Оплачена")
    sv = doc["sales_velocity"]
    # won 1 of 2 closed = 0.5; average won 100; 1 open; no cycle without a creation date
    assert (sv["win_rate"], sv["avg_deal_size"], sv["open_deals"], sv["per_day"]) == (0.5, 100.0, 1, None)
    assert doc["reasons"]["velocity"] == doc["reasons"]["cycle"] == "velocity.reason.no_created"


def test_velocity_without_history_says_why(files, capsys):
    deals, _history = files
    doc = run_json(capsys, "velocity", str(deals), "--stages", "Lead,Qualified,Won")
    assert doc["time_in_stage"] == [] and doc["reasons"]["time_in_stage"] == "velocity.reason.no_history"
    assert main(["velocity", str(deals), "--stages", "Lead,Qualified,Won"]) == 0
    out = capsys.readouterr().out
    assert "stage history" in out and "one row per stage change" in out


def test_bad_as_of_is_a_clear_error(files, capsys):
    deals, history = files
    assert main(["velocity", str(deals), "--history", str(history), "--as-of", "31.01.2024"]) == 2
    assert "31.01.2024" in capsys.readouterr().err


def test_pipeline_json_with_a_waterfall(files, capsys):
    deals, history = files
    doc = run_json(capsys, "pipeline", str(deals), "--history", str(history), "--stages", "Lead,Qualified,Won",
                   "--from", "2024-01-02", "--to", "2024-01-05")
    # latest timestamp: A closed Jan 11 -> only B is open, in Qualified since Jan 6
    assert doc["snapshot"] == [{"stage": "Lead", "open_deals": 0, "amount": 0.0},
                               {"stage": "Qualified", "open_deals": 1, "amount": 500.0}]
    # end of Jan 2: A (Lead), B (Lead) open; C created Jan 3, lost Jan 4; end of Jan 5: A in Qualified, B in Lead
    assert doc["waterfall"] == {"start": {"deals": 2, "amount": 1500.0}, "new": {"deals": 1, "amount": 200.0},
                                "forward": {"deals": 1, "amount": 1000.0}, "back": {"deals": 0, "amount": 0.0},
                                "won": {"deals": 0, "amount": 0.0}, "lost": {"deals": 1, "amount": 200.0},
                                "end": {"deals": 2, "amount": 1500.0}}


def test_pipeline_needs_both_dates_in_order(files, capsys):
    deals, history = files
    assert main(["pipeline", str(deals), "--history", str(history), "--from", "2024-01-05"]) == 2
    assert main(["pipeline", str(deals), "--history", str(history), "--from", "2024-01-05", "--to", "2024-01-01"]) == 2
    assert "--from" in capsys.readouterr().err


def test_forecast_json(files, capsys):
    deals, history = files
    doc = run_json(capsys, "forecast", str(deals), "--history", str(history), "--stages", "Lead,Qualified,Won",
                   "--plan", "400", "--runs", "500", "--seed", "5")
    # closed: A won (reached Won), C lost at Lead -> P(won | Lead) 1/2, Qualified 1/1, Won 1/1
    assert [(r["stage"], r["p_won"], r["n"]) for r in doc["stage_probability"]] == [
        ("Lead", 0.5, 2), ("Qualified", 1.0, 1), ("Won", 1.0, 1)]
    assert set(doc["stage_probability"][0]) == {"stage", "p_won", "ci_low", "ci_high", "n"}
    assert doc["weighted_pipeline"] == 500.0  # B, 500 at Qualified × 1.0
    assert len(doc["by_month"]) == 6 and set(doc["by_month"][0]) == {"month", "expected"}
    assert doc["month"] == "2024-01" and (doc["runs"], doc["seed"]) == (500, 5)
    # A was won this month (Jan 11): 1000 already, so a plan of 400 is met in every run
    assert doc["won_so_far"] == 1000.0 and doc["p_meet_plan"] == 1.0 and doc["p10"] >= 1000.0
    assert [set(b) >= {"month", "forecast", "actual"} for b in doc["backtest"]] == [True] * 6
