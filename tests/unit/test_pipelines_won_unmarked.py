"""Several pipelines in one file, each said honestly (session 49): a pipeline whose deals nothing can mark won (no
won stage of its own, no status, no flag) has its won count, win rate and revenue unknown, with the reason beside
them, while the other pipeline keeps its numbers. Before, the file-wide ``stages.no_won`` stayed silent as soon as
one pipeline had a won stage, and Renewals read «won 0, revenue 0»."""

from __future__ import annotations

import json

from funnel.cli import main as cli_main

# Sales ends in amoCRM's won stage and has a lost one; Renewals' stages are all open-looking names; no status column.
TWO = ("Сделка,Воронка,Этап,Бюджет,Создана,Закрыта\n"
       "S1,Продажи,Новая заявка,100,2024-01-01,\n"
       "S2,Продажи,Переговоры,200,2024-01-02,\n"
       "S3,Продажи,Успешно реализовано,300,2024-01-03,2024-01-13\n"
       "S4,Продажи,Успешно реализовано,500,2024-01-04,2024-01-24\n"
       "S5,Продажи,Закрыто и не реализовано,400,2024-01-05,2024-01-10\n"
       "R1,Продления,Напоминание,1000,2024-02-01,\n"
       "R2,Продления,Напоминание,2000,2024-02-02,\n"
       "R3,Продления,Обсуждение условий,3000,2024-02-03,\n"
       "R4,Продления,Ожидание оплаты,4000,2024-02-04,\n")


def _import(tmp_path, capsys, text: str = TWO) -> str:
    path = tmp_path / "two.csv"
    path.write_text(text, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    return capsys.readouterr().out


def _metrics(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_pipeline_nothing_marks_won_has_unknown_outcomes_while_the_other_keeps_its_numbers(tmp_path, capsys):
    """Sales (by hand): S3 300 and S4 500 won (closed after 10 and 20 days), S5 lost, S1 and S2 open: won 2, lost 1,
    open 2, win rate 2 / 3, won / all 2 / 5 = 0.4, revenue 800, average 400, median cycle (10 + 20) / 2 = 15 days.
    Renewals: 4 deals, all open, none of its stages a won one and no status: won, win rate and revenue unknown."""
    out = _import(tmp_path, capsys)
    assert "Pipeline «Продления»: none of its stages" in out
    sales = _metrics(tmp_path, capsys, "--pipeline", "Продажи")
    assert (sales["deals"], sales["won"], sales["lost"], sales["open"]) == (5, 2, 1, 2)
    assert abs(sales["win_rate"] - 2 / 3) < 1e-9 and sales["win_rate_all"] == 0.4
    assert (sales["revenue"], sales["avg_deal_size"], sales["median_cycle_days"]) == (800.0, 400.0, 15.0)
    assert sales["won_unmarked"] is False and sales["won_unmarked_reason"] is None
    renewals = _metrics(tmp_path, capsys, "--pipeline", "Продления")
    assert (renewals["deals"], renewals["lost"], renewals["open"]) == (4, 0, 4)
    assert renewals["won"] is None and renewals["revenue"] is None
    assert renewals["win_rate"] is None and renewals["win_rate_all"] is None
    assert renewals["won_unmarked"] is True
    assert renewals["won_unmarked_reason"] == "pipes49.reason.won_unmarked_pipeline"


def test_the_cli_says_it_of_the_pipeline_in_the_users_language(tmp_path, capsys, monkeypatch):
    _import(tmp_path, capsys)
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--pipeline", "Продления"]) == 0
    text = capsys.readouterr().out
    assert "выиграно: —" in text and "В этой воронке ничто не отмечает сделку как выигранную" in text
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--pipeline", "Продажи"]) == 0
    assert "ничто не отмечает" not in capsys.readouterr().out


def test_naming_the_renewals_sale_gives_its_revenue(tmp_path, capsys):
    """«Ожидание оплаты» named the sale: R4 won, 4 000; R1-R3 open, no lost: won 1, win rate 1 / 1, revenue 4 000."""
    _import(tmp_path, capsys)
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--won", "Ожидание оплаты"]) == 0
    capsys.readouterr()
    renewals = _metrics(tmp_path, capsys, "--pipeline", "Продления")
    assert renewals["won_unmarked"] is False
    assert (renewals["won"], renewals["win_rate"], renewals["revenue"]) == (1, 1.0, 4000.0)
    sales = _metrics(tmp_path, capsys, "--pipeline", "Продажи")
    assert (sales["won"], sales["revenue"]) == (2, 800.0)


def test_a_status_column_tells_the_pipeline_won_nothing_yet(tmp_path, capsys):
    """With a status column saying Renewals' deals are all open, its «won 0, revenue 0» is a fact, not unknown."""
    rows = TWO.splitlines()
    text = "\n".join([rows[0] + ",Статус"] + [r + (",Открыта" if ",Продления," in r else ",") for r in rows[1:]]) + "\n"
    _import(tmp_path, capsys, text)
    renewals = _metrics(tmp_path, capsys, "--pipeline", "Продления")
    assert renewals["won_unmarked"] is False and (renewals["won"], renewals["revenue"]) == (0, 0.0)
