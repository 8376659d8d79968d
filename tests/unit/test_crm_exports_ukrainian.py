"""Deal lists of Bitrix24 and amoCRM accounts kept in Ukrainian, and amounts in the hryvnia.

Evidence (low): no Ukrainian export was found in public repositories. The headers and stage names are
the Ukrainian words of the Russian export's own (Bitrix24's «Стадия сделки», «Сделка закрыта», stages
Новая → … → Сделка успешна / Сделка провалена; amoCRM's «Этап», «Бюджет», «не закрыта»); «Угода
успішна» as a won pipeline status appears in a Ukrainian company's sales sheet reader (code search).
The expected numbers are worked out by hand from the rows.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import outcome, reached

BITRIX_UK = (
    "ID;Назва угоди;Стадія угоди;Воронка;Сума;Валюта;Відповідальний;Дата створення;Угода закрита;Джерело\n"
    "11;Вікна;Нова;Загальна;12 000,00;UAH;Олена Коваль;01.02.2024 10:00:00;Ні;Сайт\n"
    "12;Двері;Підготовка документів;Загальна;8 000,00;UAH;Петро Бондар;02.02.2024 11:00:00;Ні;Дзвінок\n"
    "13;Дах;В роботі;Загальна;30 000,00;UAH;Олена Коваль;03.02.2024 09:00:00;Ні;Сайт\n"
    "14;Фасад;Угода успішна;Загальна;50 000,00;UAH;Петро Бондар;04.02.2024 12:00:00;Так;Сайт\n"
    "15;Ганок;Угода провалена;Загальна;5 000,00;UAH;Олена Коваль;05.02.2024 15:00:00;Так;Дзвінок\n"
    "16;Гараж;Угода успішна;Загальна;20 000,00;UAH;Олена Коваль;06.02.2024 08:00:00;Так;Сайт\n")


def test_bitrix24_deal_list_in_ukrainian(mem_store):
    info, built, _ = import_file(mem_store, BITRIX_UK.encode("utf-8"), "DEAL_20240301.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    assert info.meta["mapping"]["preset"] == "bitrix24_uk"
    f = info.meta["mapping"]["fields"]
    assert (f["stage"], f["amount"], f["manager"], f["created_at"], f["closed_flag"], f["source"]) == (
        "Стадія угоди", "Сума", "Відповідальний", "Дата створення", "Угода закрита", "Джерело")
    # won 14 (50 000) and 16 (20 000): 70 000 UAH; lost 15; open 11, 12, 13; no close date: no cycle
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (6, 2, 1, 3, 70000.0)
    assert list(info.capabilities.currencies) == ["UAH"]
    # the stages with deals, in Bitrix24's default order: Нова all 6 (the lost one counted at the first
    # stage); Підготовка документів 12, 13 and the 2 won = 4; В роботі 13 and the 2 won = 3; Угода успішна 2
    assert reached(mem_store, info) == [("Нова", 6), ("Підготовка документів", 4), ("В роботі", 3),
                                        ("Угода успішна", 2)]


AMO_UK = (
    "ID,Назва угоди,Бюджет,Відповідальний,Створено,Дата закриття,Етап угоди,Воронка\n"
    "201,Сайт,\"15 000 грн\",Ірина,01.03.2024 10:00,не закрита,Первинний контакт,Продажі\n"
    "202,Лендінг,\"9 000 грн\",Тарас,02.03.2024 11:00,12.03.2024 11:00,Успішно реалізовано,Продажі\n"
    "203,Магазин,\"40 000 грн\",Ірина,03.03.2024 12:00,06.03.2024 12:00,Закрито і не реалізовано,Продажі\n")


def test_amocrm_deal_list_in_ukrainian_with_hryvnia(mem_store):
    info, built, _ = import_file(mem_store, AMO_UK.encode("utf-8"), "amocrm_export_leads.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (3, 0)  # «не закрита»: open, not a bad date
    f = info.meta["mapping"]["fields"]
    assert (f["deal_name"], f["amount"], f["stage"], f["created_at"], f["closed_at"]) == (
        "Назва угоди", "Бюджет", "Етап угоди", "Створено", "Дата закриття")
    # won 202: 9 000 UAH in 10 days (2 -> 12 March, 11:00 both); lost 203; open 201
    assert outcome(mem_store, info) == (3, 1, 1, 1, 9000.0, 10.0)
    assert list(info.capabilities.currencies) == ["UAH"]
