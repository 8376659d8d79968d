"""Issue 16, survey 22: dates and numbers as Russian and Chinese exports and hand-kept sheets write them.

- Date spellings the column reader reads but the mapper's look at sample cells did not take for dates
  («01.03.2024 г.», «01-мар-24», «мар 1, 2024»): the creation and close columns were left out, and the import said
  the file had none. Spellings neither read: «2024-03-01 下午2:30» (WPS's 12-hour time after an ISO date), «2024年3月1日
  14时30分» (a time in words), «01.03.24», «GMT+3» and JavaScript's «Fri Mar 01 2024 14:30:00 GMT+0300 (Москва, …)».
- A Russian file whose close column came from another system as «4/12/2024 10:00 AM» (a 12-hour US time, every day
  ≤ 12) was read day first because the creation column («13.03.2024») settles day first: every close a month off,
  silently.
- «20 %» with a no-break space (Excel's and Babel's Russian percent) in «Вероятность, %» was not read: the stages
  were ordered by their names instead of by their probability.
- Full-width digits («１２３４», «２０２４年３月１日»), typed in an input method's full-width mode, were bad numbers and dates.

Every file: deal 1 won (created Mar 1 14:30, closed Mar 11 14:30: 10 days, 100,000), deal 2 won (Mar 2 10:00 →
Mar 22 10:00: 20 days, 250,000), deal 3 lost (Mar 5 09:00 → Mar 15 09:00), deal 4 open (Mar 10 12:00); median won
cycle (10 + 20) / 2 = 15 days, revenue 350,000.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from funnel.importer import import_file
from funnel.mapping.cell_kinds import is_date
from tests.unit.test_crm_exports_spreadsheets import findings, outcome

CREATED = [datetime(2024, 3, 1, 14, 30), datetime(2024, 3, 2, 10), datetime(2024, 3, 5, 9), datetime(2024, 3, 10, 12)]
CLOSED = [datetime(2024, 3, 11, 14, 30), datetime(2024, 3, 22, 10), datetime(2024, 3, 15, 9), None]
STAGES = ["Успешно реализовано", "Успешно реализовано", "Закрыто и не реализовано", "Переговоры"]
AMOUNTS = [100000, 250000, 50000, 70000]
RU_MONTHS = ["янв", "фев", "мар", "апр"]


def _file(write, amount=str, extra: tuple[str, list[str]] | None = None) -> bytes:
    header = "ID;Название сделки;Этап сделки;Ответственный;Дата создания;Дата закрытия;Бюджет"
    header += f";{extra[0]}" if extra else ""
    rows = [f"{k};Сделка {k};{STAGES[k - 1]};Анна;{write(CREATED[k - 1])};"
            f"{write(CLOSED[k - 1]) if CLOSED[k - 1] else ''};{amount(AMOUNTS[k - 1])}"
            + (f";{extra[1][k - 1]}" if extra else "") for k in range(1, 5)]
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _dates(store, info) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"SELECT created_at, closed_at FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()


WRITERS = {
    "year mark": lambda d: d.strftime("%d.%m.%Y г. %H:%M"),
    "dash month": lambda d: f"{d.day:02d}-{RU_MONTHS[d.month - 1]}-{d:%y}",  # Excel's d-mmm-yy: a day, no time
    "month first": lambda d: f"{RU_MONTHS[d.month - 1]} {d.day}, {d:%Y} {d:%H:%M}",
    "iso 12-hour": lambda d: f"{d:%Y-%m-%d} {'下午' if d.hour >= 12 else '上午'}{(d.hour - 1) % 12 + 1}:{d:%M}",
    "time in words": lambda d: f"{d.year}年{d.month}月{d.day}日 {d.hour}时{d.minute}分",
    "short year": lambda d: d.strftime("%d.%m.%y %H:%M"),
    "gmt": lambda d: d.strftime("%d.%m.%Y %H:%M:%S GMT+3"),
    "javascript": lambda d: d.strftime("%a %b %d %Y %H:%M:%S GMT+0300 (Москва, стандартное время)"),
}


@pytest.mark.parametrize("spelling", list(WRITERS))
def test_date_spellings_are_read_as_dates(mem_store, spelling):
    write = WRITERS[spelling]
    assert is_date(write(CREATED[0]))
    info, _built, _ = import_file(mem_store, _file(write), f"{spelling}.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["created_at"], fields["closed_at"]) == ("Дата создания", "Дата закрытия")
    # one offset shared by the whole file is its zone: the times kept as written (tz.instants_offset says so)
    got = [c for c, _x in _dates(mem_store, info)]
    assert got == ([c.replace(hour=0, minute=0) for c in CREATED] if spelling == "dash month" else CREATED)
    assert outcome(mem_store, info) == (4, 2, 1, 1, 350000, 15.0)


def test_a_us_12_hour_close_column_keeps_its_own_order_beside_day_first_creations(mem_store):
    """The creations («13.03.2024», a day above 12) say day first for the file, but the close column's «4/12/2024
    10:00 AM» is another system's US time: month first, said as a guess."""
    created = [datetime(2024, 3, 13, 9), datetime(2024, 3, 1, 10), datetime(2024, 3, 2, 11), datetime(2024, 3, 3, 12)]
    closed = [datetime(2024, 4, 12, 10), datetime(2024, 4, 3, 14, 30), datetime(2024, 4, 5, 9), None]
    text = "ID;Название сделки;Этап сделки;Дата создания;Дата закрытия;Бюджет\n" + "".join(
        f"{k};Сделка {k};{STAGES[k - 1]};{created[k - 1]:%d.%m.%Y %H:%M};"
        f"{closed[k - 1].strftime('%-m/%-d/%Y %-I:%M %p') if closed[k - 1] else ''};{AMOUNTS[k - 1]}\n"
        for k in range(1, 5))
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    assert [x for _c, x in _dates(mem_store, info)] == closed
    # won cycles: Mar 13 09:00 → Apr 12 10:00 = 30 days 1 hour; Mar 1 10:00 → Apr 3 14:30 = 33 days 4.5 hours
    assert outcome(mem_store, info)[5] == pytest.approx(((30 + 1 / 24) + (33 + 4.5 / 24)) / 2)
    assert findings(mem_store, info)["date.ambiguous_order"][0] == "warning"


def test_a_probability_with_a_no_break_space_orders_the_stages(mem_store):
    stages = ["Успешно реализовано", "Квалификация", "Счёт выставлен", "Квалификация"]
    probability = ["100\u00a0%", "60\u00a0%", "20\u00a0%", "60\u00a0%"]
    text = "ID;Название сделки;Этап сделки;Бюджет;Вероятность, %\n" + "".join(
        f"{k};Сделка {k};{stages[k - 1]};{AMOUNTS[k - 1]};{probability[k - 1]}\n" for k in range(1, 5))
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    # 20 % before 60 %: «Счёт выставлен» (an invoice, on no earlier rung by its name) first
    assert info.meta["stage_order"][""][:2] == ["Счёт выставлен", "Квалификация"]


def test_full_width_digits_are_read(mem_store):
    full = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
    text = "商机编号,商机名称,商机阶段,负责人,创建时间,成交日期,商机金额\n" + "".join(
        f"{k},项目{k},{['赢单', '赢单', '输单', '谈判'][k - 1]},王芳,{CREATED[k - 1].year}年{CREATED[k - 1].month}月"
        f"{CREATED[k - 1].day}日,{'' if CLOSED[k - 1] is None else f'{CLOSED[k - 1]:%Y-%m-%d}'.translate(full)},"
        f"\"{f'{AMOUNTS[k - 1]:,.2f}'.translate(full)}元\"\n" for k in range(1, 5))
    text = text.replace("2024年", "２０２４年")
    info, _built, _ = import_file(mem_store, text.encode("utf-8"), "商机.csv")
    # won 100,000 + 250,000; cycles counted from the days (Mar 1 → Mar 11: 10, Mar 2 → Mar 22: 20)
    assert outcome(mem_store, info) == (4, 2, 1, 1, 350000, 15.0)
    assert findings(mem_store, info)["readers.fullwidth"][0] == "info"


def _cell(value, kind: str = "String", index: int | None = None) -> str:
    at = f' ss:Index="{index}"' if index else ""
    return f'<Cell{at}><Data ss:Type="{kind}">{value}</Data></Cell>'


def test_an_excel_2003_xml_spreadsheet_saved_as_xls(mem_store):
    """«XML Spreadsheet 2003» as OpenERP's export and Java grid exporters write it, with an .xls name: it had gone to
    the HTML reader and been refused as having no header row. ``ss:Index`` skips an empty cell (deal 4's close)."""
    head = "".join(_cell(h) for h in ("ID", "Название сделки", "Этап сделки", "Дата создания", "Дата закрытия", "Бюджет"))
    rows = "".join(
        "<Row>" + _cell(k, "Number") + _cell(f"Сделка {k}" + ("&x;" if k == 1 else "")) + _cell(STAGES[k - 1])
        + _cell(f"{CREATED[k - 1]:%Y-%m-%dT%H:%M:%S}.000", "DateTime")
        + (_cell(f"{CLOSED[k - 1]:%Y-%m-%dT%H:%M:%S}.000", "DateTime") if CLOSED[k - 1] else "")
        + _cell(AMOUNTS[k - 1], "Number", index=None if CLOSED[k - 1] else 6) + "</Row>" for k in range(1, 5))
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<!DOCTYPE Workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Сделки"><Table>'
           f"<Row>{head}</Row>{rows}</Table></Worksheet></Workbook>")
    info, _built, _ = import_file(mem_store, xml.encode(), "export.xls")
    assert outcome(mem_store, info) == (4, 2, 1, 1, 350000, 15.0)
    assert [x for _c, x in _dates(mem_store, info)] == CLOSED
    with mem_store.connect() as con:  # the entity is not resolved: no file's content in any cell
        name, = con.execute(f"SELECT deal_name FROM ds_{info.id}.deals WHERE deal_id = '1'").fetchone()
    assert name.startswith("Сделка 1") and "root:" not in name


def test_a_traditional_chinese_export_in_big5(mem_store):
    """A Taiwan team's sheet (Big5): 商機編號, 銷售階段, 負責人, 建立時間, 金額; 贏單 / 輸單. The encoding was read, but
    no header matched (Simplified words only): refused. Its names stay as the file writes them."""
    stages = ["贏單", "贏單", "輸單", "談判"]
    text = "商機編號,商機名稱,銷售階段,負責人,建立時間,成交日期,金額\n" + "".join(
        f"{k},商機{k},{stages[k - 1]},張偉,{CREATED[k - 1]:%Y/%m/%d %H:%M},"
        f"{'' if CLOSED[k - 1] is None else f'{CLOSED[k - 1]:%Y/%m/%d %H:%M}'},{AMOUNTS[k - 1]}\n" for k in range(1, 5))
    info, _built, _ = import_file(mem_store, text.encode("big5"), "商機.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["manager"], fields["created_at"]) == ("銷售階段", "負責人", "建立時間")
    assert outcome(mem_store, info) == (4, 2, 1, 1, 350000, 15.0)
    with mem_store.connect() as con:
        assert con.execute(f"SELECT stage FROM ds_{info.id}.deals WHERE deal_id = '3'").fetchone() == ("輸單",)


def test_a_manager_s_name_merged_across_the_table_above_her_deals(mem_store):
    """A hand-made Excel report: a title, the header, then per manager her name merged across every column and her
    deals under it, no manager column. The names had become three open deals at the first stage (15 deals)."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Сделки по менеджерам"])
    ws.merge_cells("A1:F1")
    ws.append(["ID", "Название сделки", "Этап сделки", "Дата создания", "Дата закрытия", "Бюджет"])
    for name, deals in (("Анна Смирнова", (1, 3)), ("Олег Петров", (2, 4))):
        ws.append([name])
        ws.merge_cells(f"A{ws.max_row}:F{ws.max_row}")
        for k in deals:
            ws.append([k, f"Сделка {k}", STAGES[k - 1], CREATED[k - 1], CLOSED[k - 1], AMOUNTS[k - 1]])
    out = io.BytesIO()
    wb.save(out)
    info, _built, _ = import_file(mem_store, out.getvalue(), "отчет.xlsx")
    assert outcome(mem_store, info) == (4, 2, 1, 1, 350000, 15.0)
    assert info.meta["mapping"]["fields"]["manager"] == "Manager"
    with mem_store.connect() as con:
        assert con.execute(f"SELECT deal_id, manager FROM ds_{info.id}.deals ORDER BY deal_id").fetchall() == [
            ("1", "Анна Смирнова"), ("2", "Олег Петров"), ("3", "Анна Смирнова"), ("4", "Олег Петров")]


def test_a_count_line_under_the_total_is_no_deal_s_continuation(mem_store):
    """«Итого:» with the sum, then «Количество сделок: 4» under the name column: the count line was read as the last
    deal's continuation row, said as "its cells are merged" (nothing was merged)."""
    text = "ID;Название сделки;Этап сделки;Дата создания;Дата закрытия;Бюджет\n" + "".join(
        f"{k};Сделка {k};{STAGES[k - 1]};{CREATED[k - 1]:%d.%m.%Y %H:%M};"
        f"{'' if CLOSED[k - 1] is None else f'{CLOSED[k - 1]:%d.%m.%Y %H:%M}'};{AMOUNTS[k - 1]}\n" for k in range(1, 5))
    text += ";Итого:;;;;470000\n;Количество сделок: 4;;;;\n"
    info, _built, _ = import_file(mem_store, text.encode("cp1251"), "сделки.csv")
    assert outcome(mem_store, info) == (4, 2, 1, 1, 350000, 15.0)
    found = findings(mem_store, info)
    assert "readers.continuation_rows" not in found and "readers.skipped_rows" in found


def test_dates_without_a_year_are_said_not_made_up(mem_store):
    """«3月1日» (a list view copied from a screen): the creation and close columns were left out and the import only said
    the file had no creation date column at all (it still says what that costs, as beside date.month_only)."""
    text = "编号,商机名称,商机阶段,创建时间,成交日期,商机金额\n" + "".join(
        f"{k},项目{k},{['赢单', '赢单', '输单', '谈判'][k - 1]},{CREATED[k - 1].month}月{CREATED[k - 1].day}日,"
        f"{'' if CLOSED[k - 1] is None else f'{CLOSED[k - 1].month}月{CLOSED[k - 1].day}日'},{AMOUNTS[k - 1]}\n"
        for k in range(1, 5))
    info, _built, _ = import_file(mem_store, text.encode(), "商机.csv")
    found = findings(mem_store, info)
    assert found["date.no_year"][0] == "warning"
    with mem_store.connect() as con:
        said = con.execute(f"SELECT column_name, value FROM ds_{info.id}.quality WHERE code = 'date.no_year' "
                           "ORDER BY 1").fetchall()
    assert said == [("创建时间", "3月1日"), ("成交日期", "3月11日")]
    assert outcome(mem_store, info)[:5] == (4, 2, 1, 1, 350000)  # no year made up: no cycle
    assert outcome(mem_store, info)[5] is None
