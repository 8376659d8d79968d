"""Issue 16, survey 35: deal lists as the spreadsheet programs small teams use write them (Excel in a Russian or
Chinese Windows, Google Sheets, LibreOffice, Numbers, WPS; RU / ZH / EN). Most read right; these did not. Each file
is written here in the program's layout, values invented, numbers worked out by hand.
"""

from __future__ import annotations

import json

from funnel.cli import main as cli_main
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings


def _imported(tmp_path, capsys, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    capsys.readouterr()


def _doc(tmp_path, capsys, command: str, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), command, "1", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _outcomes(tmp_path, capsys) -> tuple:
    doc = _doc(tmp_path, capsys, "metrics")
    return doc["won"], doc["lost"], doc["open"], doc["revenue"]


def test_a_chinese_sheets_tick_column_marks_the_won_deals(tmp_path, capsys):
    """«赢单» ticked «√» on 甲 (1,000), empty on 乙 (closed 2026/11/2) and 丙 (no close): won 1, lost 1 (closed and
    not ticked), open 1. Before: the column was not read (0 won); mapped by hand, 甲's row was rejected."""
    text = ("商机名称,阶段,金额,创建日期,成交日期,赢单\r\n甲,商务谈判,1000,2026/9/3,2026/10/15,√\r\n"
            "乙,方案报价,2000,2026/9/10,2026/11/2,\r\n丙,商务谈判,3000,2026/10/1,,\r\n")
    _imported(tmp_path, capsys, text.encode("gb18030"), "商机.csv")
    assert _outcomes(tmp_path, capsys) == (1, 1, 1, 1000)


def test_a_russian_excel_yes_no_column_named_uspeshno_is_the_won_flag(tmp_path, capsys):
    """«Успешно?» ИСТИНА / ЛОЖЬ / ЛОЖЬ (Excel's TRUE/FALSE in Russian): А won (100); Б closed 02.11.2026, not won:
    lost; В no close: open."""
    text = ("Сделка;Этап;Сумма;Дата создания;Дата закрытия;Успешно?\r\nА;Переговоры;100;03.09.2026;15.10.2026;ИСТИНА\r\n"
            "Б;КП отправлено;50;10.09.2026;02.11.2026;ЛОЖЬ\r\nВ;Переговоры;70;01.10.2026;;ЛОЖЬ\r\n")
    _imported(tmp_path, capsys, text.encode("utf-8-sig"), "сделки.csv")
    assert _outcomes(tmp_path, capsys) == (1, 1, 1, 100)


def test_a_status_written_as_a_mark_alone(tmp_path, capsys):
    """«Статус» ✅ / ❌ / ⏳: won (100), lost, open. Before: three unknown statuses, every deal open."""
    text = ("Сделка;Этап;Сумма;Статус\r\nА;Переговоры;100;✅\r\nБ;КП отправлено;50;❌\r\nВ;Переговоры;70;⏳\r\n")
    _imported(tmp_path, capsys, text.encode("utf-8-sig"), "сделки.csv")
    assert _outcomes(tmp_path, capsys) == (1, 1, 1, 100)


def test_chinese_closed_and_won_flag_columns(tmp_path, capsys):
    """«已关闭» TRUE/TRUE/FALSE and «赢单» TRUE/FALSE/FALSE: 甲 won (1,000), 乙 closed not won: lost, 丙 open."""
    text = ("商机名称,阶段,金额,创建日期,已关闭,赢单\r\n甲,商务谈判,1000,2026/9/3,TRUE,TRUE\r\n"
            "乙,方案报价,2000,2026/9/10,TRUE,FALSE\r\n丙,商务谈判,3000,2026/10/1,FALSE,FALSE\r\n")
    _imported(tmp_path, capsys, text.encode("utf-8"), "商机.csv")
    assert _outcomes(tmp_path, capsys) == (1, 1, 1, 1000)


def test_an_ansi_csv_whose_currency_sign_became_a_question_mark(tmp_path, capsys):
    """Excel's «CSV (разделители — запятые)» in cp1251 cannot hold «₽»: «150 000,00 ?». The number is read (the won
    deal's 150,000); before, the whole amount column was left out."""
    text = "Сделка;Этап;Сумма\r\nА;Выиграна;150 000,00 ?\r\nБ;Проиграна;1 500,50 ?\r\n"
    _imported(tmp_path, capsys, text.encode("cp1251"), "ansi.csv")
    assert _outcomes(tmp_path, capsys) == (1, 1, 0, 150000)


def test_the_old_rouble_sign_r_dot(tmp_path, capsys, mem_store):
    """«150 000,00 р.» (Windows 7's ru-RU currency format): 150,000 RUB."""
    text = "Сделка;Этап;Сумма\r\nА;Выиграна;150 000,00 р.\r\nБ;Проиграна;1 500,50 р.\r\n"
    _imported(tmp_path, capsys, text.encode("cp1251"), "r.csv")
    assert _outcomes(tmp_path, capsys) == (1, 1, 0, 150000)
    info, _built, _ = import_file(mem_store, text.encode("cp1251"), "r.csv")
    assert "deals.currency_from_amounts" in findings(mem_store, info)
    with mem_store.connect() as con:
        assert con.execute(f"SELECT DISTINCT currency FROM ds_{info.id}.deals").fetchall() == [("RUB",)]


MIXED = ("Сделка;Этап;Сумма;Валюта;Дата создания;Дата закрытия\r\n"
         "А;Выиграна;150000;RUB;03.09.2026;15.10.2026\r\n"
         "Б;Выиграна;1500,50;USD;10.09.2026;02.11.2026\r\n"
         "В;Проиграна;80000;RUB;15.09.2026;01.10.2026\r\n"
         "Г;Переговоры;230000;RUB;01.10.2026;\r\n")


def test_velocity_pipeline_and_forecast_add_no_currencies_together(tmp_path, capsys):
    """А 150,000 RUB and Б 1,500.50 USD won: their «average deal» 75,750.25 added roubles to dollars. Without a
    currency picked, velocity, pipeline and forecast give no money (the reason said); with RUB picked the window's
    (as of 2 Nov 2026, 90 days) RUB deals: won А, lost В, win rate 1/2, average deal 150,000, cycle 3 Sep → 15 Oct
    = 42 days; Г 230,000 open at «Переговоры»."""
    _imported(tmp_path, capsys, MIXED.encode("utf-8-sig"), "mixed.csv")
    reason = "velocity.reason.mixed_currencies"
    vel = _doc(tmp_path, capsys, "velocity")
    assert vel["sales_velocity"]["avg_deal_size"] is None and vel["sales_velocity"]["per_day"] is None
    assert vel["reasons"]["velocity"] == reason
    rub = _doc(tmp_path, capsys, "velocity", "--currency", "rub")["sales_velocity"]
    assert (rub["win_rate"], rub["avg_deal_size"], rub["avg_cycle_days"]) == (0.5, 150000, 42)
    pipe = _doc(tmp_path, capsys, "pipeline")
    assert [r["amount"] for r in pipe["snapshot"]] == [None] and pipe["reasons"]["amount"] == reason
    assert [r["amount"] for r in _doc(tmp_path, capsys, "pipeline", "--currency", "RUB")["snapshot"]] == [230000]
    fc = _doc(tmp_path, capsys, "forecast")
    assert fc["weighted_pipeline"] is None and fc["reasons"]["amount"] == reason
    assert all(m["expected"] is None for m in fc["by_month"]) and fc["won_so_far"] is None


def test_the_won_stage_added_for_a_won_flag_is_named_in_the_files_language(tmp_path, capsys):
    """«Выиграна» Да / Нет / Нет beside Russian stages: the won stage the app adds is «Выиграна» (was «Won» at the end
    of «Новый лид → КП отправлено → Переговоры»); beside Chinese stages «赢单»."""
    text = "Сделка;Этап;Сумма;Выиграна\r\nА;Переговоры;100;Да\r\nБ;КП отправлено;50;Нет\r\nВ;Новый лид;70;Нет\r\n"
    _imported(tmp_path, capsys, text.encode("utf-8-sig"), "сделки.csv")
    assert _doc(tmp_path, capsys, "metrics")["stages"][-1]["stage"] == "Выиграна"
    zh = tmp_path / "zh"
    zh.mkdir()
    _imported(zh, capsys, "商机,阶段,是否赢单\n甲,商务谈判,是\n乙,方案报价,否\n".encode(), "商机.csv")
    assert _doc(zh, capsys, "metrics")["stages"][-1]["stage"] == "赢单"


def test_a_dollar_among_rouble_amounts_is_another_currency(tmp_path, capsys):
    """«150 000 ₽», «1 500,50 $», «80 000 ₽» won: the dollar cell is USD, not a rouble (the column was taken for RUB
    and 1,500.50 added to 230,000). Revenue is given per currency: RUB 230,000."""
    text = ("Сделка;Этап;Сумма\r\nА;Выиграна;150 000 ₽\r\nБ;Выиграна;1 500,50 $\r\nВ;Выиграна;80 000 ₽\r\n"
            "Г;Проиграна;10 000 ₽\r\n")
    _imported(tmp_path, capsys, text.encode("utf-8-sig"), "sign.csv")
    assert _doc(tmp_path, capsys, "metrics")["revenue"] is None  # two currencies: no one sum
    assert _doc(tmp_path, capsys, "metrics", "--currency", "RUB")["revenue"] == 230000
    assert _doc(tmp_path, capsys, "metrics", "--currency", "USD")["revenue"] == 1500.5
