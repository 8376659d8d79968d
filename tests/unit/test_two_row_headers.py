"""Two-row headers and deals written over several merged rows (readers).

- CordysCRM's 商机 export (and hand-made Chinese / Russian sheets) write group titles above the column
  names: «基本信息» over 商机名称 / 客户名称 / 商机阶段, «金额信息» over 商机金额 / 赢单金额, «时间信息» over
  创建时间 / 结单日期, «产品信息» over 产品名称 / 数量; 序号 and 负责人 are merged down over both rows.
- The same export writes one row per product of a deal, the deal's cells merged down over its rows:
  only the deal's first row has them.

The layouts follow the brief's description of CordysCRM (no real export of it is public); the rows are
invented. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import openpyxl
import pytest

from funnel.importer import import_file
from funnel.metrics import metrics_json
from funnel.readers import stage_file
from funnel.spec import FunnelSpec

D = dt.datetime
# (序号 is the position) name, customer, stage, amount, won amount, created, closed, manager, product lines
CORDYS_DEALS = [
    ("ERP实施", "华星科技", "赢单", 100000, 100000, D(2024, 1, 5), D(2024, 2, 20), "张三",
     [("ERP标准版", 1), ("实施服务", 20), ("培训", 2)]),
    ("CRM订阅", "远航物流", "初步接洽", 30000, None, D(2024, 2, 1), None, "李四", [("CRM专业版", 10)]),
    ("数据平台", "恒通制造", "赢单", 50000, 50000, D(2024, 1, 10), D(2024, 3, 1), "李四",
     [("数据中台", 1), ("运维服务", 12)]),
    ("安全审计", "金盾银行", "输单", 80000, None, D(2024, 1, 15), D(2024, 2, 28), "王五", [("审计服务", 1)]),
    ("云迁移", "蓝海零售", "需求确认", 120000, None, D(2024, 2, 10), None, "张三", [("迁移服务", 1), ("云主机", 30)]),
    ("移动办公", "青松教育", "方案报价", 45000, None, D(2024, 2, 15), None, "王五", [("移动OA", 50)]),
    ("呼叫中心", "快达快递", "商务谈判", 200000, None, D(2024, 2, 20), None, "李四",
     [("坐席许可", 100), ("语音网关", 2), ("实施服务", 10)]),
    ("电子签章", "同创律所", "初步接洽", 15000, None, D(2024, 3, 1), None, "张三", [("签章服务", 1)]),
]
CORDYS_UPPER = ["序号", "基本信息", None, None, "金额信息", None, "时间信息", None, "产品信息", None, "负责人"]
CORDYS_LOWER = [None, "商机名称", "客户名称", "商机阶段", "商机金额", "赢单金额", "创建时间", "结单日期", "产品名称", "数量", None]
CORDYS_HEADERS = ["序号", "商机名称", "客户名称", "商机阶段", "商机金额", "赢单金额", "创建时间", "结单日期", "产品名称", "数量",
                  "负责人"]
# rows 1-2 the header; deal 1 on rows 3-5, 2 on 6, 3 on 7-8, 4 on 9, 5 on 10-11, 6 on 12, 7 on 13-15, 8 on 16:
# the continuation rows are 4, 5 (deal 1), 8 (deal 3), 11 (deal 5), 14, 15 (deal 7): 6 rows of 4 deals
CONTINUATION_ROWS = [4, 5, 8, 11, 14, 15]


def cordys_rows() -> list[list]:
    rows = [CORDYS_UPPER, CORDYS_LOWER]
    for k, (name, customer, stage, amount, won, created, closed, manager, lines) in enumerate(CORDYS_DEALS, 1):
        for j, (product, qty) in enumerate(lines):
            if j == 0:
                rows.append([k, name, customer, stage, amount, won, created, closed, product, qty, manager])
            else:
                rows.append([None] * 8 + [product, qty, None])
    return rows


def cordys_xlsx(merged: bool) -> bytes:
    """The export as a workbook: with its merged cells (as CordysCRM writes it), or without (a sheet
    retyped by hand: the titles and the deal's cells only in the first cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "商机"
    for row in cordys_rows():
        ws.append(row)
    if merged:
        for cells in ("A1:A2", "B1:D1", "E1:F1", "G1:H1", "I1:J1", "K1:K2"):
            ws.merge_cells(cells)
        top = 3
        for deal in CORDYS_DEALS:
            n = len(deal[8])
            if n > 1:
                for col in "ABCDEFGHK":  # every deal cell; 产品名称 (I) and 数量 (J) are the lines'
                    ws.merge_cells(f"{col}{top}:{col}{top + n - 1}")
            top += n
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cordys_csv() -> bytes:
    """The same sheet saved as CSV: a merged cell's text in its first cell, the others empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in cordys_rows():
        writer.writerow(["" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else v
                         for v in row])
    return out.getvalue().encode("utf-8")


def got(store, info) -> dict:
    with store.connect() as con:
        return metrics_json(con, info, FunnelSpec())


def quality(store, info) -> dict:
    with store.connect() as con:
        return {code: detail for code, detail in con.execute(
            f"SELECT code, detail FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall()}


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


@pytest.mark.parametrize("kind", ["xlsx merged", "xlsx by hand", "csv"])
def test_cordys_opportunity_export_two_row_header_and_deals_over_several_rows(mem_store, kind):
    data = cordys_csv() if kind == "csv" else cordys_xlsx(merged=kind == "xlsx merged")
    name = "商机.csv" if kind == "csv" else "商机.xlsx"
    info, built, draft = import_file(mem_store, data, name)
    raw = draft.raw
    # the column names are the lower row's; 序号 and 负责人 (merged down over both rows) the upper row's
    assert raw.headers == CORDYS_HEADERS and (raw.header_row, raw.header_rows) == (2, 2)
    assert [(s.row_no, s.reason) for s in raw.skipped] == [(r, "continuation") for r in CONTINUATION_ROWS]
    assert [s.text for s in raw.skipped][:2] == ["实施服务 | 20", "培训 | 2"]
    # 14 data rows, 6 of them product lines: 8 deals; won: deal 1 (100,000) and deal 3 (50,000) = 150,000 (not
    # 100,000 x 3 + 50,000 x 2, as summing the merged amount over the product rows would give); lost: deal 4;
    # open: deals 2, 5, 6, 7, 8
    figures = got(mem_store, info)
    assert (figures["deals"], figures["won"], figures["lost"], figures["open"]) == (8, 2, 1, 5)
    assert figures["revenue"] == 150_000 and built["rows_rejected"] == 0
    assert info.meta["mapping"]["fields"]["stage"] == "商机阶段" and info.meta["mapping"]["fields"]["amount"] == "商机金额"
    # reached: 初步接洽 all 8 (the lost deal has no recorded stage: counted at the first); 需求确认: deal 5 there,
    # 6 and 7 further, the 2 won = 5; 方案报价 4; 商务谈判 3; 赢单 2
    assert [(s["stage"], s["reached"]) for s in figures["stages"]] == [
        ("初步接洽", 8), ("需求确认", 5), ("方案报价", 4), ("商务谈判", 3), ("赢单", 2)]
    notes = quality(mem_store, info)
    assert '"first": 1, "second": 2' in notes["readers.header_two_rows"]
    assert '"n": 6, "deals": 4' in notes["readers.continuation_rows"]


def test_russian_two_row_header_with_product_rows_as_csv(mem_store):
    data = ("№;Сделка;;;Даты;;Товары;;Ответственный\n"
            ";Название;Этап;Сумма;Создана;Дата закрытия;Товар;Кол-во;\n"
            "1;Поставка ПО;Успешно реализовано;250 000;10.01.2024;15.02.2024;Лицензия;5;Иванов И.И.\n"
            ";;;;;;Внедрение;1;\n"
            "2;Сервер;Переговоры;90 000;01.02.2024;;Сервер;1;Петров П.П.\n"
            "3;Обучение;Закрыто и не реализовано;40 000;05.02.2024;20.02.2024;Курс;2;Иванов И.И.\n"
            ";;;;;;Сертификат;2;\n"
            ";;;;;;Методичка;10;\n"
            "4;Аудит;Первичный контакт;60 000;12.02.2024;;Аудит;1;Сидоров С.С.\n"
            "5;Поддержка;Успешно реализовано;120 000;15.01.2024;01.03.2024;Поддержка;12;Петров П.П.\n")
    info, built, draft = import_file(mem_store, data.encode("utf-8"), "сделки.csv")
    assert draft.raw.headers == ["№", "Название", "Этап", "Сумма", "Создана", "Дата закрытия", "Товар", "Кол-во",
                                 "Ответственный"]
    # rows 4, 7 and 8 continue deals 1 and 3
    assert [s.row_no for s in draft.raw.skipped if s.reason == "continuation"] == [4, 7, 8]
    # 5 deals; won 1 and 5: 250,000 + 120,000 = 370,000; lost 3; open 2 and 4
    figures = got(mem_store, info)
    assert (figures["deals"], figures["won"], figures["lost"], figures["open"]) == (5, 2, 1, 2)
    assert figures["revenue"] == 370_000 and built["rows_rejected"] == 0
    assert '"n": 3, "deals": 2' in quality(mem_store, info)["readers.continuation_rows"]


def test_a_bare_closed_under_a_dates_group_holds_the_close_dates(mem_store):
    # «Закрыта» alone is 1C's closed flag (Да/Нет); under «Даты» beside «Создана» it holds dates: it is
    # the close date, not a flag whose dates are rejected (three deals were rejected before)
    data = ("Сделка;;Даты;;Ответственный\n"
            "Название;Этап;Создана;Закрыта;\n"
            "Поставка ПО;Успешно реализовано;10.01.2024;15.02.2024;Иванов И.И.\n"
            "Сервер;Переговоры;01.02.2024;;Петров П.П.\n"
            "Обучение;Закрыто и не реализовано;05.02.2024;20.02.2024;Иванов И.И.\n"
            "Поддержка;Успешно реализовано;15.01.2024;01.03.2024;Петров П.П.\n")
    info, built, draft = import_file(mem_store, data.encode("utf-8"), "сделки.csv")
    assert draft.raw.headers[draft.mapping.fields["closed_at"]] == "Закрыта"
    assert "closed_flag" not in draft.mapping.fields and built["rows_rejected"] == 0
    # won: 10 Jan → 15 Feb = 21 + 15 = 36 days; 15 Jan → 1 Mar 2024 = 16 + 29 + 1 = 46 days; lost 1, open 1
    with mem_store.connect() as con:
        cycles = con.execute(f"SELECT list(cycle_days ORDER BY cycle_days) FROM ds_{info.id}.deals "
                             "WHERE status = 'won'").fetchone()[0]
        counts = con.execute(f"SELECT count(*) FILTER (WHERE status = 'lost'), count(*) FILTER (WHERE status = 'open') "
                             f"FROM ds_{info.id}.deals").fetchone()
    assert cycles == [36, 46] and counts == (1, 1)


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


def test_rows_without_an_id_that_keep_their_name_and_stage_are_no_continuation(con):
    # the key columns are those empty under the rows without an id: here only ID, so nothing is folded;
    # the row without an id stays (the importer reports it)
    raw = stage_file(con, b"ID,Name,Stage,Amount\n1,A,New,10\n,B,Won,20\n3,C,New,30\n", "ids.csv")
    assert raw.n_rows == 3 and not raw.skipped


def test_a_merged_group_value_over_several_deals_is_still_filled_down(con):
    # one merged column (a Salesforce formatted report's stage) is a group's value, not a deal over rows
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Stage", "Name", "Amount", "ID"], ["Won", "A", 10, "D1"], [None, "B", 20, "D2"],
                ["Lost", "C", 5, "D3"]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    buf = io.BytesIO()
    wb.save(buf)
    raw = stage_file(con, buf.getvalue(), "report.xlsx")
    assert raw.n_rows == 3 and not raw.skipped
    assert con.execute("SELECT c0, c3 FROM raw ORDER BY row_no").fetchall() == [("Won", "D1"), ("Won", "D2"),
                                                                               ("Lost", "D3")]
