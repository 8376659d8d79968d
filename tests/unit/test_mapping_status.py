"""Won/lost detection tables (names from crm-exports.md: amoCRM 142/143, Bitrix24 defaults, HubSpot,
Salesforce, Zoho, Kommo, Pipedrive/1C/Dynamics status values)."""

from __future__ import annotations

import pytest

from funnel.mapping import classify_stage_name, classify_status_value


@pytest.mark.parametrize("value,expected", [
    ("Won", "won"), ("Lost", "lost"), ("Open", "open"), ("Deleted", None),       # Pipedrive Deal - Status
    ("Выиграна", "won"), ("Проиграна", "lost"), ("В работе", "open"),            # 1C Статус
    ("Closed Won", "won"), ("closedwon", "won"), ("closedlost", "lost"), ("Успешно", "won"),
    ("  WON ", "won"), ("成交", "won"), ("输单", "lost"), ("进行中", "open"),
    ("", None), (None, None), ("Negotiation", None),
    ("✅ Won", "won"), ("❌ Lost", "lost"), ("🟡 In progress", "open"),  # a status decorated with emoji
])
def test_status_values(value, expected):
    assert classify_status_value(value) == expected


@pytest.mark.parametrize("name,expected", [
    ("Успешно реализовано", "won"), ("Закрыто и не реализовано", "lost"),       # amoCRM 142 / 143
    ("Сделка успешна", "won"), ("Сделка провалена", "lost"), ("Анализ причины провала", "lost"),  # Bitrix24
    ("Closed Won", "won"), ("Closed Lost", "lost"), ("Closed-Lost to Competition", "lost"),       # Zoho
    ("closedwon", "won"), ("closedlost", "lost"),                                 # HubSpot internal ids
    ("Deal won", "won"), ("Deal lost", "lost"),                                   # Bitrix24 EN sample
    ("Closed - won", "won"), ("Closed - lost", "lost"),                           # Kommo 142 / 143
    ("Closed Won & Paid", "won"), ("成交", "won"), ("输单", "lost"), ("Сделка провалена ", "lost"),
    ("Переговоры", None), ("Qualified To Buy", None), ("Negotiation/Review", None), ("Закрыто", None),
    ("", None), (None, None),
    # decorated with emoji (Notion, ClickUp, amoCRM users): the words decide
    ("Won 🎉", "won"), ("💰 Успешно реализовано", "won"), ("⛔ Закрыто и не реализовано", "lost"), ("赢单 ✔️", "won"),
    ("🔥 Hot lead", None), ("Сделка провалена 👎🏻", "lost"),
    # SalesMan CRM's stages by probability: «100%» is the sale, «0%» and a bare 100 are not said
    ("100%", "won"), ("100 %", "won"), ("0%", None), ("100", None),
])
def test_stage_names(name, expected):
    assert classify_stage_name(name) == expected
