"""Survey 53: real CRM exports and the header rows real code reads them by.

What it found (each test fails on main's code):
- Bitrix24's deal reports of a travel agency, as a public parser's column mapping names them (a PHP ``mapping.php``
  with two profiles: «Отчет по сделкам», sheet «Отчет по сделкам»: ``ID, Название, Дата создания, Стадия,
  Ответственный, …, Результат сделки, Причина стадии Сделка проиграна, …, Сервисный сбор, Комиссия, Всего к оплате
  Клиентом``; the older «Универсальный отчёт»: ``Номер сделки, Название сделки, Лид, …, Дата создания сделки, Статус
  сделки, Ответственное лицо, …, Сумма продажи, Прибыль, Прибыль без НДС, Комиссия, Сервисный сбор, Результат сделки,
  Причина стадии Сделка проиграна, Партнер``). On main the old report had no manager («Ответственное лицо» kept as an
  attribute), no amount (revenue «—», «Сумма продажи» only named) and no lost reason; the new one's «Всего к оплате
  Клиентом» (the total the client pays) was not even named, so its revenue was empty without a word.
- A HubSpot import file (Dgbusiness/hubspot_migration_test ``deals.csv``: ``dealname,dealstage,close date,associated
  contact``, stages «Pending Response», «Pending Contract», «Closed Won»): with 11 deals in each open stage, the
  contract came first (ordered by counts: «Pending Response» was on no rung of the stage ladder).
The rows are invented (the mapping names only columns); the headers are the real ones.
"""

from __future__ import annotations

import json
from datetime import datetime

import openpyxl

from funnel.cli import main as cli_main

# id, title, created, stage, manager, total to pay (the sale), service fee, commission, paid by the client, lost reason
DEALS = (
    (101, "Тур в Турцию", datetime(2024, 3, 1, 10, 15), "Новая", "Анна Смирнова", 50000, 1500, 2500, None, ""),
    (102, "Авиабилеты", datetime(2024, 3, 2, 11, 0), "В работе", "Борис Орлов", 120000, 3000, 6000, None, ""),
    (103, "Отель Сочи", datetime(2024, 3, 4, 9, 30), "В работе", "Анна Смирнова", 80000, 2000, 4000, None, ""),
    (104, "Корпоративная поездка", datetime(2024, 3, 5, 14, 0), "Выставлен счёт", "Борис Орлов", 200000, 5000, 10000,
     None, ""),
    (105, "Тур в Египет", datetime(2024, 3, 1, 12, 0), "Сделка успешна", "Анна Смирнова", 90000, 2500, 4500,
     datetime(2024, 3, 11, 12, 0), ""),
    (106, "Круиз", datetime(2024, 3, 3, 16, 0), "Сделка успешна", "Борис Орлов", 150000, 4000, 7500,
     datetime(2024, 3, 23, 16, 0), ""),
    (107, "ЖД билеты", datetime(2024, 3, 6, 10, 0), "Сделка успешна", "Анна Смирнова", 60000, 1500, 3000,
     datetime(2024, 3, 12, 10, 0), ""),
    (108, "Тур в Таиланд", datetime(2024, 3, 2, 13, 0), "Сделка проиграна", "Борис Орлов", 70000, 0, 0, None, "Дорого"),
    (109, "Визовая поддержка", datetime(2024, 3, 7, 15, 0), "Сделка проиграна", "Анна Смирнова", 40000, 0, 0, None,
     "Не отвечает"),
    (110, "Тур на Алтай", datetime(2024, 3, 8, 9, 0), "Новая", "Борис Орлов", 30000, 900, 1500, None, ""),
)
RESULT = {"Сделка успешна": "Успешна", "Сделка проиграна": "Проиграна"}


def _xlsx(path, sheet: str, header: list[str], rows: list[list]) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)


def _import(tmp_path, capsys, path, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _metrics(tmp_path, capsys, dataset: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), "metrics", dataset, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


UNIVERSAL = ["Номер сделки", "Название сделки", "Лид", "% участия агента в продаже", "Дата создания сделки",
             "Статус сделки", "Ответственное лицо", "Тип клиента", "Клиент", "ID клиента", "Тип карты",
             "Полное наименование организации", "Категория", "Канал связи", "Маркетинговый канал", "Тип запроса",
             "Дата оказания услуги", "Дата платы клиентом", "Сумма продажи", "Прибыль", "Прибыль без НДС", "Комиссия",
             "Сервисный сбор", "Результат сделки", "Причина стадии Сделка проиграна", "Партнер"]


def test_bitrix24_universal_report_reads_the_responsible_person_the_sale_sum_and_the_lost_reason(tmp_path, capsys):
    """By hand: 10 deals; won 105, 106, 107 (90,000 + 150,000 + 60,000 = 300,000 of «Сумма продажи»), lost 108 and
    109, open 5: win rate 3 / 5 = 0.6. Anna has 5 deals, Boris 5; the lost reasons «Дорого», «Не отвечает».
    «Прибыль» (the fee plus the commission) is the agency's profit, not the sale. Before: revenue «—» («Сумма продажи»
    only named as a candidate), no manager, no lost reason."""
    rows = [[i, t, 900 + i, 100, c, s, m, "Физлицо", f"Клиент {i}", 5000 + i, "", "", "Туризм", "Телефон",
             "Яндекс.Директ", "Звонок", None, paid, total, fee + com, round((fee + com) / 1.2, 2), com, fee,
             RESULT.get(s, ""), reason, ""]
            for (i, t, c, s, m, total, fee, com, paid, reason) in DEALS]
    path = tmp_path / "Универсальный отчёт.xlsx"
    _xlsx(path, "Лист1", UNIVERSAL, rows)
    doc = _import(tmp_path, capsys, path, "--name", "universal")
    fields = doc["mapping"]["fields"]
    assert fields["manager"] == "Ответственное лицо"
    assert fields["amount"] == "Сумма продажи"
    assert fields["lost_reason"] == "Причина стадии Сделка проиграна"
    assert doc["stage_order"][""] == ["Новая", "В работе", "Выставлен счёт", "Сделка успешна"]
    assert doc["lost_stages"] == {"": ["Сделка проиграна"]}
    got = _metrics(tmp_path, capsys, "universal")
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (10, 3, 2, 5)
    assert got["win_rate"] == 0.6
    assert got["revenue"] == 300000


DEALS_REPORT = ["ID", "Название", "Дата создания", "Стадия", "Ответственный", "% участия агента в продаже",
                "Тип клиента", "Клиент", "ID клиента", "Тип карты", "Категория", "Канал связи", "Лид", "Тип запроса",
                "Дата оказания услуги", "Дата оплаты Клиентом", "Плановая дата закрытия", "Дата последней активности",
                "Источник", "Маркетинговый канал", "Количество звонков", "Количество встреч", "Результат сделки",
                "Причина стадии Сделка проиграна", "Полное наименование организации", "Сервисный сбор", "Комиссия",
                "Всего к оплате Клиентом"]


def test_bitrix24_deals_report_names_the_total_the_client_pays_as_the_amount_to_pick(tmp_path, capsys):
    """By hand: as above, the sale is «Всего к оплате Клиентом» (won 300,000); «Сервисный сбор» and «Комиссия» are
    the agency's fee and commission. Nothing in the header says «amount», so the app cannot know which column is the
    deal's sum: it must say so, naming «Всего к оплате Клиентом» (before: revenue «—» and not a word about it).
    Mapped so (``--map amount=… --map closed_at="Дата оплаты Клиентом"``): revenue 300,000; cycles 10, 20 and 6
    days, median 10."""
    rows = [[i, t, c, s, m, 100, "Физлицо", f"Клиент {i}", 5000 + i, "", "Туризм", "Телефон", 900 + i, "Звонок",
             None, paid, datetime(2024, 3, 28), c, "Сайт", "Яндекс.Директ", 3, 1, RESULT.get(s, ""), reason, "", fee,
             com, total]
            for (i, t, c, s, m, total, fee, com, paid, reason) in DEALS]
    path = tmp_path / "Отчет по сделкам.xlsx"
    _xlsx(path, "Отчет по сделкам", DEALS_REPORT, rows)
    doc = _import(tmp_path, capsys, path, "--name", "report")
    assert "amount" not in doc["mapping"]["fields"]
    assert doc["mapping"]["fields"]["lost_reason"] == "Причина стадии Сделка проиграна"
    said = [w["message"] for w in doc["warnings"] if w["code"] == "mapping.amount_candidates"]
    assert len(said) == 1 and "«Всего к оплате Клиентом»" in said[0]
    assert "Комиссия" not in said[0] and "Сервисный сбор" not in said[0]
    _import(tmp_path, capsys, path, "--name", "mapped", "--force", "--map", "amount=Всего к оплате Клиентом",
            "--map", "closed_at=Дата оплаты Клиентом")
    got = _metrics(tmp_path, capsys, "mapped")
    assert (got["won"], got["lost"], got["revenue"], got["median_cycle_days"]) == (3, 2, 300000, 10.0)


def test_hubspot_import_file_awaits_the_response_before_the_contract(tmp_path, capsys):
    """Dgbusiness/hubspot_migration_test ``deals.csv`` (its first rows, names as written there): «Pending Response»
    (the client's answer awaited: contacted) before «Pending Contract», then «Closed Won». By hand: 9 deals, won 3,
    lost 0 (none recorded: said), open 6; reached 9 / 6 / 3. Before: «Pending Contract» first (3 deals each, ordered
    by counts), reached 9 / 6 / 3 with the stages swapped. The order stays a guess, said."""
    text = ("dealname,dealstage,close date,associated contact\n"
            "WvFIEngCeXG,Closed Won,01-14-2020,LjUSdsIWoLV\n"
            "jHKeaoTBJEl,Pending Response,04-02-2022,YrjKaIThxMv\n"
            "dZsopMDZkjm,Pending Response,03-26-2021,QcnUhoOSGGh\n"
            "NaaGTlLqPrL,Closed Won,09-26-2017,mLcxyfxrLlY\n"
            "mCfNfNveGgy,Pending Contract,03-09-2020,hLSBGCykgcj\n"
            "qTZoyjGBZQr,Closed Won,01-02-2019,RkphHYHqLyW\n"
            "PksungtInjT,Pending Contract,11-23-2020,SlBFOBGhhbH\n"
            "tVzWnbgvyPS,Pending Contract,04-20-2019,YaLkOeKwAFW\n"
            "ATJfpIoHHnr,Pending Response,01-08-2018,WLrnuqmniZt\n")
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    doc = _import(tmp_path, capsys, path, "--name", "hs")
    assert doc["stage_order"][""] == ["Pending Response", "Pending Contract", "Closed Won"]
    codes = {w["code"] for w in doc["warnings"]}
    assert "stages.order_guessed" in codes
    got = _metrics(tmp_path, capsys, "hs")
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (9, 3, 0, 6)
    assert [s["reached"] for s in got["stages"]] == [9, 6, 3]
    assert got["no_lost_recorded"] is True
