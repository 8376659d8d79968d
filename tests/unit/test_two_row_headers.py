"""Two-row headers (readers).

- CordysCRM's 商机 export (and hand-made Chinese / Russian sheets) write group titles above the column
  names: «基本信息» over 商机名称 / 客户名称 / 商机阶段, «金额信息» over 商机金额 / 赢单金额, «时间信息» over
  创建时间 / 结单日期, «产品信息» over 产品名称 / 数量; 序号 and 负责人 are merged down over both rows.

The layouts follow the brief's description of CordysCRM (no real export of it is public); the rows are
invented. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import duckdb
import pytest

from funnel.readers import stage_file


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def test_one_name_under_two_groups_is_named_with_its_group(con):
    data = ("№,Создание,,Закрытие,\n"
            ",Дата,Менеджер,Дата,Менеджер\n"
            "1,01.03.2024,Иван,05.03.2024,Пётр\n"
            "2,02.03.2024,Анна,,\n")
    raw = stage_file(con, data.encode(), "dates.csv")
    assert raw.headers == ["№", "Создание Дата", "Создание Менеджер", "Закрытие Дата", "Закрытие Менеджер"]
    assert raw.n_rows == 2 and raw.notes[0][0] == "readers.header_two_rows"


def test_a_header_with_a_first_deal_of_text_only_stays_one_row(con):
    # a full header: no upper cell is followed by an empty one, so no two-row header
    raw = stage_file(con, b"Name,Stage,Manager\nAcme,New,Ann\nBeta,Won,Bob\nGamma,New,Ann\n", "plain.csv")
    assert (raw.headers, raw.header_row, raw.header_rows, raw.n_rows) == (["Name", "Stage", "Manager"], 1, 1, 3)
    # a header with unnamed columns over a first deal of text: «New» recurs under «Stage» below, so the
    # lower row is a deal, not names
    raw = stage_file(con, b"Deal,,Stage,\nAcme,x,New,note\nBeta,y,New,200\nGamma,z,Won,300\n", "gaps.csv")
    assert (raw.headers, raw.header_rows, raw.n_rows) == (["Deal", "", "Stage", ""], 1, 3)


def test_title_and_parameter_rows_above_a_header_are_not_group_titles(con):
    # one title cell: a title, as before (header on row 2)
    raw = stage_file(con, "Сделки за март,,,\nID,Этап,Сумма,Создана\n1,Новая,100,01.03.2024\n".encode(), "t.csv")
    assert (raw.header_row, raw.header_rows, raw.headers[:2]) == (2, 1, ["ID", "Этап"])
    # 1C's parameter row: «Параметры:» and a period with digits are no group titles
    data = ("Параметры:,Период: 01.01.2024 - 31.03.2024,,\nID,Этап,Сумма,Создана\n"
            "1,Новая,100,01.03.2024\n2,Успешно,200,02.03.2024\n")
    raw = stage_file(con, data.encode(), "1c.csv")
    assert (raw.header_row, raw.header_rows, raw.headers) == (2, 1, ["ID", "Этап", "Сумма", "Создана"])
