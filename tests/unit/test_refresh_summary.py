"""``import FILE --into DATASET`` (a refresh) says what it did on one screen, as the Data page does: the file read,
its rows, the deals before → after, the deals new and gone, the columns read as before, the columns new in the file
or gone from it, the user's choices awaited; ``--json`` gives the same under ``"refresh"``. Before, it printed the
counts after the refresh and the warnings only.

Hand counts. WEEK1 (an amoCRM-like list, 4 deals: 1, 2, 3, 4). WEEK2: deal 2 gone from the export, deals 5 and 6
new, 1, 3, 4 kept: 4 → 5 deals, new 2, gone 1 (id 2); deal 1 moved to «Переговоры», deal 6 won. Its columns are
WEEK1's plus «Регион» (new; a text column beside the deals, kept as an extra column). The columns read as before:
ID → the deal id, «Этап сделки» → the stage, «Бюджет» → the amount, «Ответственный» → the manager, «Дата создания»
→ the creation date, «Название сделки» → the deal's name.

AB10 → week 2 without its ``group`` column (tests/unit/test_refresh_roles.py): 10 visitors → 14; the variant the
user chose (``group``) is not in the file: read from the proposal's ``landing_page`` meanwhile, ``group`` awaited
and said gone from the file.
"""

from __future__ import annotations

import pytest

from tests.unit.test_chosen_roles import AB10
from tests.unit.test_edit_roles import _cli, _imported
from tests.unit.test_refresh_roles import AB_WEEK2_NO_GROUP

HEAD = "ID,Название сделки,Этап сделки,Бюджет,Ответственный,Дата создания"
WEEK1 = (f"{HEAD}\n"
         "1,Поставка,Первичный контакт,1000,Анна,01.03.2025\n"
         "2,Сервер,Переговоры,2000,Борис,02.03.2025\n"
         "3,Ноутбуки,Успешно реализовано,3000,Анна,03.03.2025\n"
         "4,Мониторы,Закрыто и не реализовано,500,Борис,04.03.2025\n")
WEEK2 = (f"{HEAD},Регион\n"
         "1,Поставка,Переговоры,1000,Анна,01.03.2025,Москва\n"
         "3,Ноутбуки,Успешно реализовано,3000,Анна,03.03.2025,Казань\n"
         "4,Мониторы,Закрыто и не реализовано,500,Борис,04.03.2025,Москва\n"
         "5,Принтеры,Первичный контакт,700,Вера,09.03.2025,Казань\n"
         "6,Кабели,Успешно реализовано,90,Анна,10.03.2025,Москва\n")


def _refresh(tmp_path, capsys, text: str, *extra: str):
    path = tmp_path / "week2.csv"
    path.write_text(text, encoding="utf-8")
    return _cli(tmp_path, capsys, "import", str(path), "--into", "1", *extra)


def test_a_deal_list_refresh_says_before_after_new_gone_and_its_columns(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")
    _imported(tmp_path, capsys, "week1.csv", WEEK1)
    code, doc = _refresh(tmp_path, capsys, WEEK2, "--json")
    assert code == 0, doc
    assert isinstance(doc, dict)
    said = doc["refresh"]
    assert said["file"] == "week2.csv"
    assert (said["rows_read"], said["rejected_rows"]) == (5, 0)
    count = said["count"]
    assert (count["unit"], count["before"], count["after"]) == ("deals", 4, 5)
    assert (count["new"], count["gone"], count["gone_ids"], count["won"]) == (2, 1, "2", 1)
    assert said["mapping"]["kept"] == {"deal_id": "ID", "deal_name": "Название сделки", "stage": "Этап сделки",
                                       "amount": "Бюджет", "manager": "Ответственный", "created_at": "Дата создания"}
    assert said["mapping"]["changed"] == {} and said["mapping"]["dropped"] == {}
    assert said["columns_new"] == [{"column": "Регион", "read": True}]
    assert said["columns_gone"] == []
    assert said["awaited"] == {"fields": {}, "steps": []}


@pytest.mark.parametrize(("lang", "lines"), ids=["ru", "en", "zh"], argvalues=[
    ("ru", ["  прочитан файл: «week2.csv»", "  прочитано строк: 5, отклонено: 0", "  сделок: 4 → 5",
            "  новых сделок: 2, пропало из выгрузки: 1 (ID: 2)", "  новые столбцы в файле, прочитаны: «Регион»"]),
    ("en", ["  file read: «week2.csv»", "  rows read: 5, rejected: 0", "  deals: 4 → 5",
            "  new deals: 2, gone from the export: 1 (ids: 2)", "  new columns in the file, read: «Регион»"]),
    ("zh", ["  读取的文件：“week2.csv”", "  读取行数：5，拒绝：0", "  商机：4 → 5", "  新增商机：2，从导出中消失：1（ID：2）",
            "  文件中的新列，已读取：“Регион”"]),
])
def test_the_summary_is_printed_in_the_readers_language(tmp_path, capsys, monkeypatch, lang, lines):
    monkeypatch.setenv("FUNNEL_LANG", lang)
    _imported(tmp_path, capsys, "week1.csv", WEEK1)
    path = tmp_path / "week2.csv"
    path.write_text(WEEK2, encoding="utf-8")
    from funnel.cli import main

    assert main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--into", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index(lines[0])
    assert out[start:start + 4] == lines[:4]
    assert lines[4] in out[start + 4:]  # after the columns read as before
    kept = next(line for line in out if line.startswith(("  columns read as before", "  столбцы читаются", "  与之前")))
    assert kept.count("←") == 6  # the six columns, each once


def test_a_visitor_file_refresh_says_the_awaited_variant_and_the_gone_column(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "variant=group")[0] == 0
    code, doc = _refresh(tmp_path, capsys, AB_WEEK2_NO_GROUP, "--json")
    assert code == 0, doc
    assert isinstance(doc, dict)
    said = doc["refresh"]
    assert (said["count"]["unit"], said["count"]["before"], said["count"]["after"]) == ("visitors", 10, 14)
    assert "new" not in said["count"]  # no deal ids compared for visitors
    assert said["mapping"]["changed"] == {"variant": {"was": "group", "now": "landing_page"}}
    assert said["columns_gone"] == ["group"] and said["columns_new"] == []
    assert said["awaited"]["fields"] == {"variant": "group"}
