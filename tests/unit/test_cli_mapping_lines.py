"""`python -m funnel import` says which column it read as what, one «role ← column» per line in the reader's
language. It printed the mapping's JSON on one line (``{"preset": "amocrm_ru", "fields": {"deal_id": "ID", ...}``):
a consultant reading it in front of a client had to decode ``closed_at`` and ``extras``. ``--json`` keeps the
dictionary for scripts."""

from __future__ import annotations

import json

from funnel.cli import main as cli_main

AMO = ("ID;Название сделки;Этап сделки;Бюджет;Ответственный;Дата создания;Дата закрытия;Город\n"
       "1;Окна;Успешно реализовано;50 000;Анна;01.03.2024;11.03.2024;Москва\n"
       "2;Двери;Переговоры;20 000;Иван;02.03.2024;не закрыта;Казань\n"
       "3;Крыша;Закрыто и не реализовано;10 000;Анна;03.03.2024;05.03.2024;Москва\n")

HOSTILE = ("Deal ID,'); DROP TABLE deals; --,<img src=x onerror=alert(1)>,Created\n"
           "D1,Won,100,2024-03-01\nD2,Lost,50,2024-03-02\nD3,Proposal,70,2024-03-03\n")


def _import(tmp_path, capsys, monkeypatch, text: str, name: str, *args: str, lang: str = "en") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("FUNNEL_LANG", lang)
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path), *args]) == 0
    return capsys.readouterr().out


def _block(out: str, head: str) -> list[str]:
    """The mapping's lines: its head and the indented lines under it."""
    lines = out.splitlines()
    start = lines.index(head)
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        block.append(line)
    return block


def test_an_amocrm_export_says_each_column_it_read_in_russian(tmp_path, capsys, monkeypatch):
    out = _import(tmp_path, capsys, monkeypatch, AMO, "amocrm_export.csv", lang="ru")
    assert _block(out, "  сопоставление (пресет amocrm_ru):") == [
        "  сопоставление (пресет amocrm_ru):",
        "    ID сделки ← «ID»",
        "    Название сделки ← «Название сделки»",
        "    Дата создания ← «Дата создания»",
        "    Дата закрытия ← «Дата закрытия»",
        "    Этап ← «Этап сделки»",
        "    Сумма ← «Бюджет»",
        "    Менеджер (ответственный) ← «Ответственный»",
        "    сохранены как атрибуты (фильтры, сегменты): «Город»",
    ]
    assert '"fields"' not in out  # no JSON left in the reader's output


def test_json_keeps_the_mapping_as_a_dictionary(tmp_path, capsys, monkeypatch):
    doc = json.loads(_import(tmp_path, capsys, monkeypatch, AMO, "amocrm_export.csv", "--json"))
    assert doc["mapping"]["preset"] == "amocrm_ru"
    assert doc["mapping"]["fields"]["closed_at"] == "Дата закрытия"
    assert doc["mapping"]["extras"] == ["Город"]


def test_a_chinese_reader_gets_chinese_quotes_and_labels(tmp_path, capsys, monkeypatch):
    out = _import(tmp_path, capsys, monkeypatch, AMO, "amocrm_export.csv", lang="zh")
    assert "    阶段 ← “Этап сделки”" in out and "    金额 ← “Бюджет”" in out


def test_a_column_named_like_sql_or_html_is_printed_as_its_name(tmp_path, capsys, monkeypatch):
    out = _import(tmp_path, capsys, monkeypatch, HOSTILE, "hostile.csv", "--map", "stage=');"
                  " DROP TABLE deals; --", "--map", "amount=<img src=x onerror=alert(1)>")
    assert "    Stage ← «'); DROP TABLE deals; --»" in out
    assert "    Amount ← «<img src=x onerror=alert(1)>»" in out
