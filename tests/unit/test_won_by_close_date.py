"""A won stage the company renamed is found by its close dates: amoCRM writes «Дата закрытия» only when a deal
closes («не закрыта» for an open one), so the one stage besides the known loss whose every deal has a close date
is the sale. Before, the amoCRM preset's «Успешно реализовано» (absent from the file) was taken for the sale: win
rate 0 %, no revenue, «Nothing to fix if that is so» (the bundled B2B sample's deal file, imported alone, did it).
"""

from __future__ import annotations

from funnel.cli import main as cli_main
from tests.unit.test_survey34 import _metrics
from tests.unit.test_survey38 import _import

HEADER = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата закрытия,Этап сделки,Воронка\n"
OPEN = ("101,Окна,20000,Анна,01.03.2024 09:00:00,не закрыта,Новая заявка,Продажи\n"
        "102,Двери,15000,Анна,02.03.2024 09:00:00,не закрыта,Новая заявка,Продажи\n"
        "103,Кухня,40000,Борис,03.03.2024 09:00:00,не закрыта,Переговоры,Продажи\n"
        "104,Шкаф,25000,Борис,04.03.2024 09:00:00,не закрыта,Переговоры,Продажи\n")
# the sale under the company's own name: 10, 20 and 31 days from creation to close
SIGNED = ("105,Офис,100000,Анна,01.03.2024 10:00:00,11.03.2024 10:00:00,Договор подписан,Продажи\n"
          "106,Склад,50000,Борис,02.03.2024 09:00:00,22.03.2024 09:00:00,Договор подписан,Продажи\n"
          "107,Магазин,30000,Анна,05.03.2024 12:00:00,05.04.2024 12:00:00,Договор подписан,Продажи\n")
LOST = ("108,Кафе,12000,Борис,01.03.2024 11:00:00,10.03.2024 11:00:00,Закрыто и не реализовано,Продажи\n"
        "109,Салон,8000,Анна,02.03.2024 11:00:00,12.03.2024 11:00:00,Закрыто и не реализовано,Продажи\n")


def _import_json(tmp_path, capsys, text: str) -> dict:
    return _import(tmp_path, capsys, text, "amocrm_export.csv")


def _codes(doc: dict) -> set[str]:
    return {f["code"] for f in doc["warnings"] + doc["info"]}


def test_the_renamed_sale_is_the_stage_whose_every_deal_has_a_close_date(tmp_path, capsys):
    """By hand: 9 deals; won 3 (105–107), lost 2, open 4; win rate 3 / (3 + 2) = 60 %; revenue 100,000 + 50,000 +
    30,000 = 180,000; cycles 10, 20, 31 days, median 20. The sale is last: Новая заявка 9 → Переговоры 5 → 3."""
    doc = _import_json(tmp_path, capsys, HEADER + OPEN + SIGNED + LOST)
    said = next(f for f in doc["warnings"] if f["code"] == "stages.won_by_close_date")
    assert said["value"] == "Договор подписан" and said["column"] == "Дата закрытия" and said["count"] == 3
    assert "stages.no_won_yet" not in _codes(doc) and "deals.closed_no_outcome" not in _codes(doc)
    m = _metrics(tmp_path, capsys)
    assert (m["deals"], m["won"], m["lost"], m["open"]) == (9, 3, 2, 4)
    assert m["win_rate"] == 0.6 and m["revenue"] == 180000 and m["median_cycle_days"] == 20
    assert [(s["stage"], s["reached"]) for s in m["stages"]] == [
        ("Новая заявка", 9), ("Переговоры", 5), ("Договор подписан", 3)]
    assert m["outcome_guesses"] == [{"code": "stages.won_by_close_date", "stage": "Договор подписан"}]


def test_it_is_said_in_russian_with_how_to_change_it(tmp_path, capsys, monkeypatch):
    path = tmp_path / "amocrm_export.csv"
    path.write_text(HEADER + OPEN + SIGNED + LOST, encoding="utf-8")
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Этап «Договор подписан» принят за продажу" in out and "edit --won" in out


def test_the_users_won_stage_replaces_the_guess(tmp_path, capsys):
    """Told that «Переговоры» is the sale (2 deals, 40,000 + 25,000), the close dates no longer choose."""
    _import_json(tmp_path, capsys, HEADER + OPEN + SIGNED + LOST)
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--won", "Переговоры"]) == 0
    capsys.readouterr()
    m = _metrics(tmp_path, capsys)
    assert m["won"] == 2 and m["revenue"] == 65000 and m["outcome_guesses"] == []


def test_metrics_says_the_sale_was_taken_from_the_close_dates(tmp_path, capsys):
    _import_json(tmp_path, capsys, HEADER + OPEN + SIGNED + LOST)
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1"]) == 0
    assert "! The sale is taken to be the stage «Договор подписан»" in capsys.readouterr().out


def test_two_closed_stages_of_the_companys_own_are_not_guessed_between(tmp_path, capsys):
    """No known loss, two stages closed by their dates («Договор подписан», «Архив»): which is the sale the file
    cannot tell. Nothing is won (the win rate unknown, not 0); both stand after the open stages; the 5 dated deals
    are said to be counted as open, and that no stage marks a win."""
    archive = LOST.replace("Закрыто и не реализовано", "Архив")
    doc = _import_json(tmp_path, capsys, HEADER + OPEN + SIGNED + archive)
    assert "stages.won_by_close_date" not in _codes(doc) and "stages.no_won_yet" not in _codes(doc)
    assert {"stages.no_won", "deals.closed_no_outcome"} <= _codes(doc)
    assert next(f["count"] for f in doc["warnings"] if f["code"] == "deals.closed_no_outcome") == 5
    assert set(doc["stage_order"]["Продажи"][:2]) == {"Новая заявка", "Переговоры"}
    m = _metrics(tmp_path, capsys)
    # the won count is unknown too, not 0 (session 49: nothing marks a win, so the file cannot say none was won)
    assert (m["won"], m["lost"], m["open"], m["win_rate"]) == (None, 0, 9, None)


def test_close_dates_on_open_stages_too_say_nothing(tmp_path, capsys):
    """A file where an open stage's deals carry close dates as well (1 of 4 open deals, 25 % > 5 %): the dates are
    not the CRM's close, so no stage is taken for the sale by them."""
    dated_open = OPEN.replace("04.03.2024 09:00:00,не закрыта", "04.03.2024 09:00:00,20.03.2024 09:00:00")
    doc = _import_json(tmp_path, capsys, HEADER + dated_open + SIGNED + LOST)
    assert "stages.won_by_close_date" not in _codes(doc)
    assert _metrics(tmp_path, capsys)["won"] == 0


def test_a_known_won_stage_with_deals_keeps_the_sale(tmp_path, capsys):
    """«Успешно реализовано» holds one deal (amoCRM's won stage): «Договор подписан», dated too, is not taken for a
    second sale. Won 1: 5,000."""
    won = "110,Бар,5000,Анна,01.03.2024 10:00:00,02.03.2024 10:00:00,Успешно реализовано,Продажи\n"
    doc = _import_json(tmp_path, capsys, HEADER + OPEN + SIGNED + LOST + won)
    assert "stages.won_by_close_date" not in _codes(doc)
    m = _metrics(tmp_path, capsys)
    assert m["won"] == 1 and m["revenue"] == 5000


def test_beside_the_crms_own_sale_the_one_other_dated_stage_is_the_loss(tmp_path, capsys):
    """amoCRM's «Успешно реализовано» holds the 3 sales; the loss renamed «Архив» (2 deals, each with a close date,
    none of the open deals has one) is the loss: won 3, lost 2, open 4, win rate 60 %, revenue 180,000."""
    won = SIGNED.replace("Договор подписан", "Успешно реализовано")
    archive = LOST.replace("Закрыто и не реализовано", "Архив")
    doc = _import_json(tmp_path, capsys, HEADER + OPEN + won + archive)
    said = next(f for f in doc["warnings"] if f["code"] == "stages.lost_by_close_date")
    assert said["value"] == "Архив" and said["count"] == 2
    assert "deals.closed_no_outcome" not in _codes(doc)
    m = _metrics(tmp_path, capsys)
    assert (m["won"], m["lost"], m["open"], m["win_rate"], m["revenue"]) == (3, 2, 4, 0.6, 180000)
