"""Header rows with no sample file (Kommo, 1C, NetHunt, Dynamics, Chinese, generic) and the hard cases
of crm-exports.md (homoglyphs, trailing spaces, currency suffixes, HubSpot header generations).

Expected indexes are positions in the header lists below, counted by hand.
"""

from __future__ import annotations

from funnel.mapping import Mapping, propose_mapping


def fields_by_header(m: Mapping, headers: list[str]) -> dict[str, str]:
    return {f: headers[i] for f, i in m.fields.items()}


def test_kommo_en():
    h = ["ID", "Lead title", "Sale", "Responsible user", "Date Created", "Created by", "Closed at", "Tags",
         "Lead status", "Pipeline", "Contact", "Company", "utm_source", "Loss reason"]
    m = propose_mapping(h)
    assert m.preset == "kommo_en"
    assert m.fields == {"deal_id": 0, "deal_name": 1, "amount": 2, "manager": 3, "created_at": 4,
                        "closed_at": 6, "stage": 8, "pipeline": 9, "lost_reason": 13,
                        "source": 12}  # no CRM source column: utm_source is the fallback
    assert m.won_stages == ["Closed - won"] and m.lost_stages == ["Closed - lost"]
    assert 5 not in m.extras and 10 not in m.extras  # created by, contact


def test_onec_russian():
    h = ["Дата", "Номер", "Наименование", "Клиент", "Менеджер", "Этап", "Статус", "Сумма", "Валюта",
         "Закрыта", "Причина проигрыша", "Дата завершения"]
    rows = [["03.02.2024 11:42:17", "00001", "Поставка", "ООО Тест", "Анна", "Переговоры", "Выиграна",
             "1 250 000,00", "RUB", "Да", "", "19.02.2024"]]
    m = propose_mapping(h, rows)
    assert m.preset == "onec" and m.date_order == "dmy"
    assert m.fields == {"created_at": 0, "deal_id": 1, "deal_name": 2, "manager": 4, "stage": 5, "status": 6,
                        "amount": 7, "currency": 8, "closed_flag": 9, "lost_reason": 10, "closed_at": 11}
    assert m.extras == {3: "Клиент"}


def test_nethunt():
    h = ["Record ID", "Name", "Stage", "Budget", "Owner", "Created time", "Source", "Lost reason",
         "Close date", "Email"]
    m = propose_mapping(h)
    assert m.preset == "nethunt"
    assert m.fields == {"deal_id": 0, "deal_name": 1, "stage": 2, "amount": 3, "manager": 4, "created_at": 5,
                        "source": 6, "lost_reason": 7, "expected_close": 8}
    assert m.extras == {}  # e-mail is contact data


def test_dynamics():
    h = ["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Topic",
         "Potential Customer", "Est. Close Date", "Est. Revenue", "Owner", "Status", "Status Reason",
         "Sales Stage", "Actual Close Date", "Actual Revenue", "Created On"]
    m = propose_mapping(h)
    assert m.preset == "dynamics"
    assert m.fields == {"deal_id": 0, "deal_name": 3, "expected_close": 5, "amount": 6, "manager": 7,
                        "status": 8, "lost_reason": 9, "stage": 10, "closed_at": 11, "created_at": 13}
    assert 1 not in m.extras and 2 not in m.extras  # checksum and modified-on columns
    assert m.extras == {4: "Potential Customer", 12: "Actual Revenue"}


def test_chinese_spreadsheet():
    h = ["编号", "商机名称", "阶段", "金额（元）", "币种", "负责人", "创建日期", "来源", "输单原因", "版本", "城市"]
    m = propose_mapping(h)
    assert m.preset is None
    # 金额（元）: full-width parentheses and the yuan suffix are folded away
    assert m.fields == {"deal_id": 0, "deal_name": 1, "stage": 2, "amount": 3, "currency": 4, "manager": 5,
                        "created_at": 6, "source": 7, "lost_reason": 8, "variant": 9}
    assert m.extras == {10: "城市"}


GENERIC = ["Deal ID", "Deal Name", "Stage", "Amount (USD)", "Currency", "Owner", "Created", "Closed",
           "Status", "Source", "Landing page", "Lost reason", "Pipeline", "Region", "Phone", "utm_source"]


def test_generic_english():
    m = propose_mapping(GENERIC)
    assert m.preset is None
    assert m.fields == {"deal_id": 0, "deal_name": 1, "stage": 2, "amount": 3, "currency": 4, "manager": 5,
                        "created_at": 6, "closed_flag": 7, "status": 8, "source": 9, "variant": 10,
                        "lost_reason": 11, "pipeline": 12}
    assert m.extras == {13: "Region", 15: "utm_source"}


def test_generic_closed_column_of_dates_is_closed_at():
    row = ["7", "A", "Won", "100", "USD", "Ann", "2024-01-02", "2024-02-03", "Won", "ads", "/a", "", "Main",
           "EU", "+1 555", "google"]
    m = propose_mapping(GENERIC, [row])
    # "Closed" holds dates, so it cannot be the Yes/No flag
    assert m.fields["closed_at"] == 7 and "closed_flag" not in m.fields
    assert m.won_stages == ["Won"]  # a stage value named like a default won stage


def test_homoglyph_and_trailing_space():
    h = ["ID", "Название", "Cтатус", "Бюджет ", "Дата создания", "Ответственный"]  # "Cтатус": Latin C
    assert h[2][0] == "C" and h[2][0] != "С"
    m = propose_mapping(h)
    assert m.fields == {"deal_id": 0, "deal_name": 1, "status": 2, "amount": 3, "created_at": 4, "manager": 5}


def test_budget_with_currency_suffix_amocrm():
    h = ["ID", "Название сделки", "Бюджет, ₽", "Ответственный", "Дата создания", "Этап сделки", "Воронка"]
    m = propose_mapping(h)
    assert m.preset == "amocrm_ru"
    assert m.fields["amount"] == 2 and m.fields["created_at"] == 4  # older "Дата создания" spelling


def test_hubspot_legacy_quotes_and_flags():
    h = ["Record ID", "Deal Stage", "Deal owner", "Create Date", "Date entered 'Closed Won (Sales Pipeline)'",
         "Date entered “Closed Lost”", "Date exited 'Closed Won (Sales Pipeline)'", "Is Closed Won",
         "Is Deal Closed?"]
    m = propose_mapping(h)
    assert m.preset == "hubspot"
    assert m.stage_entered == {4: ("Closed Won", "Sales Pipeline"), 5: ("Closed Lost", None)}
    assert m.fields["won_flag"] == 7 and m.fields["closed_flag"] == 8
    assert 6 not in m.extras


def test_pipedrive_second_generation_and_czech():
    new = ["Deal - Pipedrive System ID", "Deal - Title", "Deal - Value", "Deal - Currency of value",
           "Deal - Stage (pipeline)", "Deal - Status", "Deal - Creation date", "Deal - Closed on", "Organization"]
    m = propose_mapping(new)
    assert m.preset == "pipedrive"
    assert m.fields == {"deal_id": 0, "deal_name": 1, "amount": 2, "currency": 3, "stage": 4, "status": 5,
                        "created_at": 6, "closed_at": 7}
    cz = ["Obchod - ID", "Obchod - Název", "Obchod - Hodnota", "Obchod - Měna hodnoty", "Obchod - Fáze",
          "Obchod - Stav", "Obchod - Důvod prohry", "Osoba - Telefon"]
    m = propose_mapping(cz)
    assert m.preset == "pipedrive"
    assert m.fields == {"deal_id": 0, "deal_name": 1, "amount": 2, "currency": 3, "stage": 4, "status": 5,
                        "lost_reason": 6}
    assert 7 not in m.extras  # a person's phone


def test_salesforce_closed_and_won_columns_are_flags():
    h = ["Opportunity Owner", "Opportunity Name", "Stage", "Amount", "Close Date", "Created Date", "Closed",
         "Won", "Opportunity ID"]
    m = propose_mapping(h)
    assert m.preset == "salesforce_report"
    assert m.fields["closed_flag"] == 6 and m.fields["won_flag"] == 7
    assert m.fields["expected_close"] == 4 and "closed_at" not in m.fields


def test_duplicate_headers_first_is_canonical_second_is_extra():
    h = ["ID", "Этап сделки", "Бюджет", "Воронка", "Источник", "Город", "Источник"]
    m = propose_mapping(h)
    assert m.fields["source"] == 4
    assert m.extras == {5: "Город", 6: "Источник"}


def test_empty_and_unknown_headers_are_a_result():
    assert propose_mapping([]).fields == {}
    m = propose_mapping(["", "foo", None])
    assert m.preset is None and m.fields == {} and m.extras == {1: "foo"}
