"""A pipeline whose wins cannot be told shows no number as if they could (session 50). Support's «Closed lost» says
which deals were lost, not that the others were not won: with no won stage, status or flag of its own its won count,
win rates, revenue, forecast and the managers' win rates are unknown (null, with the reason), not 0. Before: won 0,
win rate 0 %, a forecast of zeros by month, Vera's win rate 0 %."""

from __future__ import annotations

import json

from funnel.cli import main as cli_main

# Sales: Lead → Meeting → Won, lost «Отказ»; Support: New → Work, lost «Closed lost», no won stage; no status column
TWO = ("Deal,Pipeline,Stage,Amount,Manager,Created,Closed\n"
       "S1,Sales,Lead,100,Anna,2024-01-01,\n"
       "S2,Sales,Meeting,200,Anna,2024-01-02,\n"
       "S3,Sales,Won,300,Anna,2024-01-03,2024-01-13\n"
       "S4,Sales,Won,500,Boris,2024-01-04,2024-01-24\n"
       "S5,Sales,Отказ,400,Boris,2024-01-05,2024-01-10\n"
       "S6,Sales,Отказ,150,Anna,2024-01-06,2024-01-16\n"
       "P1,Support,New,50,Vera,2024-02-01,\n"
       "P2,Support,New,60,Vera,2024-02-02,\n"
       "P3,Support,Work,70,Vera,2024-02-03,\n"
       "P4,Support,Work,80,Vera,2024-02-04,\n"
       "P5,Support,Closed lost,90,Vera,2024-02-05,2024-02-10\n"
       "P6,Support,Closed lost,95,Boris,2024-02-06,2024-02-12\n"
       "P7,Support,New,40,Vera,2024-02-07,\n")

UNMARKED = "pipes49.reason.won_unmarked_pipeline"


def _import(tmp_path, capsys, text: str = TWO, *args: str) -> None:
    path = tmp_path / "two.csv"
    path.write_text(text, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), *args]) == 0
    capsys.readouterr()


def _json(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_pipeline_with_a_lost_stage_and_no_won_one_has_unknown_wins(tmp_path, capsys):
    """Support (by hand): 7 deals, P5 and P6 lost, 5 open; nothing could mark a win, so won, won / closed, won / all,
    revenue, average deal and cycle are null with the pipeline's reason (before: won 0, win rate 0.0). Sales keeps
    its numbers: won S3 300 and S4 500 (10 and 20 days), lost S5 and S6, open S1 and S2: win rate 2 / 4 = 0.5,
    won / all 2 / 6, revenue 800, average 400, median cycle (10 + 20) / 2 = 15."""
    _import(tmp_path, capsys)
    support = _json(tmp_path, capsys, "metrics", "1", "--pipeline", "Support")
    assert (support["deals"], support["lost"], support["open"]) == (7, 2, 5)
    for key in ("won", "win_rate", "win_rate_all", "revenue", "avg_deal_size", "median_cycle_days"):
        assert support[key] is None and support["reasons"][key] == UNMARKED, key
    assert support["won_unmarked"] is True and support["won_unmarked_reason"] == UNMARKED
    sales = _json(tmp_path, capsys, "metrics", "1", "--pipeline", "Sales")
    assert (sales["deals"], sales["won"], sales["lost"], sales["open"]) == (6, 2, 2, 2)
    assert sales["win_rate"] == 0.5 and abs(sales["win_rate_all"] - 2 / 6) < 1e-9
    assert (sales["revenue"], sales["avg_deal_size"], sales["median_cycle_days"]) == (800.0, 400.0, 15.0)
    # no pipeline named: Support, 7 deals against Sales' 6, and its unknowns
    default = _json(tmp_path, capsys, "metrics", "1")
    assert default["pipeline"] == "Support" and default["win_rate"] is None


def test_a_file_with_lost_deals_and_nothing_marking_a_win_has_unknown_wins(tmp_path, capsys):
    """One pipeline, Support's rows alone: the file-wide «no won stage» with 2 lost deals; win rate null, not 0 / 2."""
    text = "\n".join(r for r in TWO.splitlines() if not r.startswith("S")) + "\n"
    _import(tmp_path, capsys, text)
    doc = _json(tmp_path, capsys, "metrics", "1")
    assert (doc["deals"], doc["lost"], doc["open"]) == (7, 2, 5)
    assert doc["won"] is None and doc["win_rate"] is None and doc["win_rate_all"] is None
    assert doc["reasons"]["win_rate"] == "metrics.reason.won_unmarked"


def test_a_status_column_can_say_zero(tmp_path, capsys):
    """With a status column telling Support's outcomes (Open / Lost) its 0 won of 2 closed is a fact: win rate 0."""
    rows = TWO.splitlines()
    status = {"Closed lost": "Lost", "Отказ": "Lost", "Won": "Won"}
    text = "\n".join([rows[0] + ",Status"] + [r + "," + status.get(r.split(",")[2], "Open") for r in rows[1:]]) + "\n"
    _import(tmp_path, capsys, text)
    support = _json(tmp_path, capsys, "metrics", "1", "--pipeline", "Support")
    assert support["won_unmarked"] is False
    assert (support["won"], support["lost"], support["win_rate"]) == (0, 2, 0.0)


def test_the_forecast_of_an_unmarked_pipeline_is_none_with_its_reason(tmp_path, capsys):
    """Support: no stage probability, no months, no back-test, every money figure null, ``reasons.forecast`` says why
    (before: P(won | New) = 0 / 2, six months of 0.00, a back-test of 0 against 0). Sales (by hand): P(won | Lead) =
    won 2 of the 4 closed deals, P(won | Meeting) = 2 of 2 (the lost ones have no stage: lost at the first); open S1
    at Lead 100 × 0.5 + S2 at Meeting 200 × 1 = weighted pipeline 250."""
    _import(tmp_path, capsys)
    support = _json(tmp_path, capsys, "forecast", "1", "--pipeline", "Support")
    assert support["reasons"] == {"forecast": "pipes50.forecast.won_unmarked_pipeline"}
    assert support["stage_probability"] == [] and support["by_month"] == [] and support["backtest"] == []
    assert support["weighted_pipeline"] is None and support["age_adjusted"] is None and support["won_so_far"] is None
    sales = _json(tmp_path, capsys, "forecast", "1", "--pipeline", "Sales")
    assert sales["weighted_pipeline"] == 250.0 and "forecast" not in sales["reasons"]
    assert [(r["stage"], r["p_won"]) for r in sales["stage_probability"][:2]] == [("Lead", 0.5), ("Meeting", 1.0)]


def test_the_forecast_text_says_why_instead_of_zeros(tmp_path, capsys, monkeypatch):
    _import(tmp_path, capsys)
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert cli_main(["--data-dir", str(tmp_path), "forecast", "1", "--pipeline", "Support"]) == 0
    text = capsys.readouterr().out
    assert "Прогноза выигрышей по этой воронке нет" in text and "0,00" not in text


def test_managers_of_an_unmarked_pipeline_have_unknown_win_rates(tmp_path, capsys, monkeypatch):
    """Support: Vera's 6 deals (P5 lost) and Boris's 1 (P6 lost): won and win rate null with the reason, not 0 of 1
    (before: both 0 %). Sales: Anna won S3, lost S6: 1 / 2; Boris won S4, lost S5: 1 / 2."""
    _import(tmp_path, capsys)
    support = {m["manager"]: m for m in _json(tmp_path, capsys, "managers", "1", "--pipeline", "Support")["managers"]}
    assert (support["Vera"]["deals"], support["Vera"]["lost"], support["Boris"]["deals"]) == (6, 1, 1)
    for m in support.values():
        assert m["won"] is None and m["win_rate"] is None and m["reasons"]["win_rate"] == UNMARKED
    sales = {m["manager"]: m for m in _json(tmp_path, capsys, "managers", "1", "--pipeline", "Sales")["managers"]}
    assert [(m, sales[m]["won"], sales[m]["win_rate"], sales[m]["reasons"]) for m in ("Anna", "Boris")] == [
        ("Anna", 1, 0.5, {}), ("Boris", 1, 0.5, {})]
    monkeypatch.setenv("FUNNEL_LANG", "en")
    assert cli_main(["--data-dir", str(tmp_path), "managers", "1", "--pipeline", "Support"]) == 0
    assert "No stage, status or flag of this pipeline marks a deal as won" in capsys.readouterr().out


def test_sales_velocity_of_an_unmarked_pipeline_is_unknown_not_none_won(tmp_path, capsys):
    """Support: velocity null with the pipeline's reason (before: win rate 0.0 and «none was won in the window»). Sales
    (by hand, the 90 days to 12 Feb): open S1 and S2 = 2, win rate 2 / 4, average won 400, average cycle 15 days:
    2 × 0.5 × 400 / 15 = 26.67 a day."""
    _import(tmp_path, capsys)
    support = _json(tmp_path, capsys, "velocity", "1", "--pipeline", "Support")
    assert support["sales_velocity"]["win_rate"] is None and support["sales_velocity"]["per_day"] is None
    assert support["reasons"]["sales_velocity"] == UNMARKED
    sales = _json(tmp_path, capsys, "velocity", "1", "--pipeline", "Sales")["sales_velocity"]
    assert (sales["open_deals"], sales["win_rate"], sales["avg_deal_size"], sales["avg_cycle_days"]) == (2, 0.5, 400.0, 15.0)
    assert sales["per_day"] == 26.67
