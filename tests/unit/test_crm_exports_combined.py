"""Survey 13: real exports carry several quirks at once. Each quirk below is handled and tested alone
elsewhere; here one file per CRM carries 3-5 of them together, the way that CRM's export (and the
spreadsheet a user makes of it) writes them. The expected numbers are worked out by hand from the rows
(the arithmetic in the comments), never copied from the import.

Files and the evidence that the combination is real (``../shared/reference/crm-exports.md`` unless named):

1. amoCRM leads exported to Excel and worked on in Russian Excel: two pipelines («Воронка») with the same
   system statuses, «не закрыта» in «Дата закрытия», close times to the minute (the minute of creation
   for a deal lost at once), «Бюджет ₽» with numbers formatted ``# ##0,00 ₽`` beside amounts typed as
   text («30 000,00 ₽»), «Причина отказа», Excel's Данные → Промежуточные итоги by «Воронка» («Продажи
   Итог», «Общий итог»: the labels Russian Excel writes) and a row hidden by hand.
2. Bitrix24 on a self-hosted site in windows-1251 (the CSV template: ``;``, every value quoted, a ``;``
   ending every line), with the Product column chosen (one row per product, the row's own total in
   «Сумма»), «Сделка закрыта» Да/Нет, «Дата изменения стадии», the currency as a name, two pipelines; the
   stage history from REST ``crm.stagehistory.list`` (``C1:`` codes of the second pipeline) as a second
   file.
3. Salesforce Weekly Data Export zip: ``Opportunity.csv`` (API names, 18-character ids, ISO UTC times,
   ``IsClosed``/``IsWon``, ``IsDeleted``, a NUL byte in a description) and ``OpportunityHistory.csv``
   (one row per change: an amount change at the same time as its stage's row, an ``IsDeleted`` row),
   imported with ``--timezone``.
4. HubSpot deals export as XLSX: two pipelines with ``Date entered "<stage> (<pipeline>)"`` columns, a
   custom pipeline whose closing stages say nothing («Signed Contract», «No budget») but ``Is Closed Won`` /
   ``Is closed lost`` do, amounts in two currencies beside ``Amount in company currency``.
5. Pipedrive in German, the CSV opened and saved again by German Excel (cp1252, ``;``, «12.500,00 €»,
   dates «25.01.2024 10:00»), a deal with status «Gelöscht» (Pipedrive's Deleted) and a deal pasted twice.
6. 纷享销客 opportunities saved as CSV by Chinese Excel (GB18030) after 数据 → 分类汇总 by 负责人 («张伟 汇总»,
   «总计»: Chinese Excel's labels), stage names with full-width parentheses and their probability
   («初步接洽（10%）»), amounts «12万» / «1.5万» / «2亿», 阶段状态 赢单 / 输单 / 进行中.
7. A team's Google Sheet downloaded as .xlsx: a title row above the frozen header, a checkbox «Won?»
   (TRUE/FALSE), one «Closed» stage for both outcomes, a sheet «Stages» giving the order, a row hidden by
   a filter.
8. Salesforce report "Details Only" CSV exported in ISO-8859-1 (cp1252): every value quoted, LF, US dates
   «1/5/2024 4:40 PM», ``Amount Currency`` beside «12,500.00», 15-character ``Opportunity ID``, the footer
   block; with ``OpportunityHistory.csv`` (18-character ids) from the Data Export as the history.
9. Bitrix24 in English, "Export to Excel": an HTML table named .xls (BOM, ``<meta charset>``, HTML-escaped
   values, ``<br>`` in a comment), ``MM/DD/YYYY hh:mi:ss am`` (12:05 pm, 12:00 am), «Closed» Yes/No with
   «Stage change date» the close, currencies by name («US Dollar», «Euro»), English UTM columns.
10. Zoho CRM Data Backup zip: ``Deals_001.csv`` + ``Deals_002.csv`` (each with the header), ``zcrm_`` ids,
    ``.id`` sibling columns, CRLF with a multi-line description, «2,500.00», Zoho's three closing stages
    («Closed-Lost to Competition»), ``Reason For Loss``.

Fixed on the way (each with its test here): Pipedrive's «Deleted» status; Excel subtotal rows labelled
right of their sums (and Chinese Excel's «汇总»); Bitrix24 history codes no deal is at; HubSpot's amount in
several currencies; a «Closed» stage holding won and lost deals; the product columns of a deal of several product rows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
import xlsxwriter

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, kinds, outcome

D = dt.datetime


def summary(store, info) -> dict[str, tuple[str, int | None, dict | str | None]]:
    """code -> (severity, n, detail) of the quality report's summary rows (no row number)."""
    with store.connect() as con:
        rows = con.execute(f"SELECT code, severity, n, detail FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall()
    return {code: (sev, n, json.loads(detail) if detail and detail.startswith("{") else detail)
            for code, sev, n, detail in rows}


def row_findings(store, info, code: str) -> list[int]:
    with store.connect() as con:
        return [r[0] for r in con.execute(f"SELECT row_no FROM ds_{info.id}.quality WHERE code = ? AND row_no IS NOT NULL "
                                          "ORDER BY row_no", [code]).fetchall()]


def reached_by_pipeline(store, info) -> dict[str | None, list[tuple[str, int]]]:
    """Per pipeline, its open and won stages in order with the deals of that pipeline that reached each."""
    with store.connect() as con:
        stages = con.execute(f"SELECT pipeline, stage, position FROM ds_{info.id}.stages WHERE position IS NOT NULL "
                             "AND kind <> 'lost' ORDER BY pipeline, position").fetchall()
        out: dict[str | None, list[tuple[str, int]]] = {}
        for pipeline, stage, pos in stages:
            n = con.execute(f"SELECT count(*) FROM ds_{info.id}.deals WHERE pipeline IS NOT DISTINCT FROM ? "
                            "AND furthest_pos >= ?", [pipeline, pos]).fetchone()[0]
            out.setdefault(pipeline, []).append((stage, n))
    return out


def deal_rows(store, info, cols: str, key: str = "deal_id") -> dict:
    with store.connect() as con:
        return {r[0]: r[1:] for r in con.execute(f"SELECT {key}, {cols} FROM ds_{info.id}.deals").fetchall()}


def skipped(draft) -> list[tuple[int, str]]:
    return [(s.row_no, s.reason) for s in draft.raw.skipped]


# --- 1. amoCRM in Russian Excel ---------------------------------------------------------------------------

AMO_HEAD = ["ID", "Название сделки", "Бюджет ₽", "Ответственный", "Дата создания сделки", "Дата закрытия",
            "Этап сделки", "Воронка", "Причина отказа"]
#        id   name      budget (number, or text as typed)  who     created                 closed
AMO = [(201, "Окна", 12500, "Анна", "01.03.2024 10:15:42", "05.03.2024 16:20", "Успешно реализовано", "Продажи", ""),
       (202, "Двери", "30 000,00 ₽", "Анна", "02.03.2024 11:00:00", "не закрыта", "Переговоры", "Продажи", ""),
       (203, "Пол", 8000, "Иван", "03.03.2024 09:30:27", "03.03.2024 09:30", "Закрыто и не реализовано", "Продажи",
        "Дорого"),
       (204, "Крыша", "45 000,00 ₽", "Иван", "04.03.2024 12:00:00", "14.03.2024 12:00", "Успешно реализовано",
        "Продажи", ""),
       (205, "Забор", 5000, "Иван", "05.03.2024 09:00:00", "не закрыта", "Первичный контакт", "Продажи", ""),
       ("Продажи Итог",),  # Excel's subtotal of the group: C = SUBTOTAL(9, C2:C6) = 12,500 + 8,000 + 5,000
       (301, "Опт-1", 150000, "Мария", "01.03.2024 08:00:00", "11.03.2024 08:00", "Успешно реализовано", "Опт", ""),
       (302, "Опт-2", "90 000,00 ₽", "Мария", "02.03.2024 08:00:00", "не закрыта", "Принимают решение", "Опт", ""),
       (303, "Опт-3", 60000, "Мария", "02.03.2024 14:10:05", "02.03.2024 14:10", "Закрыто и не реализовано", "Опт",
        "Нет бюджета"),
       (304, "Опт-4", 20000, "Мария", "03.03.2024 10:00:00", "не закрыта", "Переговоры", "Опт", ""),  # hidden
       ("Опт Итог",),  # SUBTOTAL(9, C8:C11) = 150,000 + 60,000 + 20,000 (9 counts hidden rows)
       ("Общий итог",)]
AMO_TOTALS = {"Продажи Итог": 25500, "Опт Итог": 230000, "Общий итог": 255500}


def _amo_xlsx(path) -> bytes:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Сделки")
    rub = wb.add_format({"num_format": '# ##0,00 "₽"'})
    ws.write_row(0, 0, AMO_HEAD)
    for i, row in enumerate(AMO, start=1):
        if len(row) == 1:  # Excel writes the subtotal's label in the grouped column, «Воронка»
            ws.write_string(i, 7, row[0])
            ws.write_formula(i, 2, "=SUBTOTAL(9,C2:C6)", rub, AMO_TOTALS[row[0]])
            continue
        ws.write_number(i, 0, row[0])
        ws.write_string(i, 1, row[1])
        if isinstance(row[2], str):
            ws.write_string(i, 2, row[2])
        else:
            ws.write_number(i, 2, row[2], rub)
        for c in range(3, 9):
            if row[c]:
                ws.write_string(i, c, row[c])
        if row[0] == 304:
            ws.set_row(i, None, None, {"hidden": True})
    wb.close()
    return path.read_bytes()


def test_amocrm_xlsx_two_pipelines_text_budgets_subtotals_and_a_hidden_row(mem_store, tmp_path):
    info, built, draft = import_file(mem_store, _amo_xlsx(tmp_path / "amocrm_export_leads_2024-03-15.xlsx"),
                                     "amocrm_export_leads_2024-03-15.xlsx")
    # 12 data rows: 9 deals, the three subtotal rows (file rows 7, 12, 13) skipped as totals, none rejected
    assert (built["n_deals"], built["rows_rejected"]) == (9, 0)
    # before: the three were skipped as the «continuation» of the deal above (rows of a product), said so
    assert skipped(draft) == [(7, "total"), (12, "total"), (13, "total")]
    assert "readers.continuation_rows" not in dict(draft.raw.notes)
    f = info.meta["mapping"]["fields"]
    assert (f["amount"], f["closed_at"], f["pipeline"], f["lost_reason"]) == (
        "Бюджет ₽", "Дата закрытия", "Воронка", "Причина отказа")
    # won 201 (12,500), 204 (45,000 typed as text), 301 (150,000): 207,500. Lost 203, 303; open 202, 205,
    # 302, 304 («не закрыта»). Cycles: 201 01.03 10:15:42 -> 05.03 16:20 = 4 d 6 h 4 min 18 s = 367,458 s;
    # 204 04.03 12:00 -> 14.03 12:00 = 10 d; 301 01.03 08:00 -> 11.03 08:00 = 10 d: median 10
    assert outcome(mem_store, info) == (9, 3, 2, 4, 207500.0, 10.0)
    got = deal_rows(mem_store, info, "amount, currency, cycle_days, lost_reason")
    assert got["202"][:2] == (30000.0, "RUB") and got["302"][0] == 90000.0
    assert got["201"][2] == pytest.approx(367458 / 86400)
    # 203 and 303 closed in the minute they were created (09:30 of 09:30:27, 14:10 of 14:10:05): 0, not negative
    assert (got["203"][2], got["303"][2]) == (0.0, 0.0)
    assert (got["203"][3], got["303"][3]) == ("Дорого", "Нет бюджета")
    # the pipelines apart, amoCRM's default order of the stages each holds. Продажи: Первичный контакт all
    # 5 (the lost 203 kept no stage); Переговоры 202 + won 201, 204 = 3; Успешно реализовано 2. Опт:
    # Переговоры all 4; Принимают решение 302 + won 301 = 2; Успешно реализовано 1
    assert reached_by_pipeline(mem_store, info) == {
        "Продажи": [("Первичный контакт", 5), ("Переговоры", 3), ("Успешно реализовано", 2)],
        "Опт": [("Переговоры", 4), ("Принимают решение", 2), ("Успешно реализовано", 1)]}
    found = summary(mem_store, info)
    assert found["date.close_rounded"][0] == "info" and row_findings(mem_store, info, "date.close_rounded") == [4, 10]
    assert "date.closed_before_created" not in found
    sev, n, detail = findings(mem_store, info)["sheets9.hidden_rows"]
    assert (sev, n, detail["rows"]) == ("warning", 1, "11")  # 304, hidden by hand: imported, and said
    assert found["deals.currency_from_header"][0] == "info"


def test_excel_subtotal_rows_labelled_right_of_their_sums_are_totals(mem_store):
    # Data > Subtotal at each change in «Stage», sum of «Amount»: the label lands in «Stage», right of the
    # sum; a deal whose name holds «Total» and a row with two words stay
    text = ("Deal,Amount,Stage,Owner\n"
            "Total Fitness,100,Qualified,Ann\n"
            "Beta,200,Qualified,Bob\n"
            ",300,Qualified Total,\n"
            "Gamma,400,Won,Ann\n"
            ",400,Won Total,\n"
            ",700,Grand Total,\n")
    info, built, draft = import_file(mem_store, text.encode(), "deals.csv")
    assert skipped(draft) == [(4, "total"), (6, "total"), (7, "total")]
    assert built["n_deals"] == 3 and outcome(mem_store, info)[:5] == (3, 1, 0, 2, 400.0)


# --- 2. Bitrix24 in windows-1251 with product rows, and its stage history ---------------------------------

B24_HEAD = ["ID", "Название сделки", "Стадия сделки", "Воронка", "Сумма", "Валюта", "Ответственный", "Дата создания",
            "Дата изменения стадии", "Сделка закрыта", "Товар", "Цена", "Количество"]
#        id    stage               pipeline  row total  created                moved                  closed product price qty
B24 = [("11", "Новая", "Общая", "1000.00", "01.02.2024 10:00:00", "01.02.2024 10:00:00", "Нет", "Замер", "1000.00", "1"),
       ("12", "В работе", "Общая", "2000.00", "02.02.2024 10:00:00", "05.02.2024 12:00:00", "Нет", "Окно", "2000.00", "1"),
       ("12", "В работе", "Общая", "1000.00", "02.02.2024 10:00:00", "05.02.2024 12:00:00", "Нет", "Монтаж", "500.00", "2"),
       ("13", "Сделка успешна", "Общая", "4000.00", "03.02.2024 09:00:00", "13.02.2024 09:00:00", "Да", "Окно", "2000.00",
        "2"),
       ("13", "Сделка успешна", "Общая", "1000.00", "03.02.2024 09:00:00", "13.02.2024 09:00:00", "Да", "Монтаж", "1000.00",
        "1"),
       ("14", "Сделка провалена", "Общая", "700.00", "04.02.2024 11:00:00", "06.02.2024 11:00:00", "Да", "Замер", "700.00",
        "1"),
       ("21", "Новая", "Опт", "9000.00", "06.02.2024 10:00:00", "06.02.2024 10:00:00", "Нет", "Двери", "900.00", "10"),
       ("22", "Сделка успешна", "Опт", "6000.00", "07.02.2024 10:00:00", "27.02.2024 10:00:00", "Да", "Окно", "2000.00", "3"),
       ("22", "Сделка успешна", "Опт", "1000.00", "07.02.2024 10:00:00", "27.02.2024 10:00:00", "Да", "Доставка", "1000.00",
        "1")]


def _b24_csv() -> bytes:
    def line(cells):
        return "".join('"' + c.replace('"', '""') + '";' for c in cells) + "\n"
    rows = [line(B24_HEAD)] + [line([r[0], f"Сделка {r[0]}", r[1], r[2], r[3], "Российский рубль", "Ольга Петрова",
                                     *r[4:]]) for r in B24]
    return "".join(rows).encode("cp1251")


# crm.stagehistory.list saved as CSV: OWNER_ID the deal, STAGE_ID the code (C1: in the second pipeline),
# CREATED_TIME with the portal's offset (Moscow, as the deal list's times are)
B24_HISTORY = [("11", "0", "NEW", "2024-02-01T10:00:00+03:00"),
               ("12", "0", "NEW", "2024-02-02T10:00:00+03:00"), ("12", "0", "PREPARATION", "2024-02-03T10:00:00+03:00"),
               ("12", "0", "EXECUTING", "2024-02-05T12:00:00+03:00"),
               ("13", "0", "NEW", "2024-02-03T09:00:00+03:00"), ("13", "0", "PREPARATION", "2024-02-04T09:00:00+03:00"),
               ("13", "0", "EXECUTING", "2024-02-06T09:00:00+03:00"), ("13", "0", "WON", "2024-02-13T09:00:00+03:00"),
               ("14", "0", "NEW", "2024-02-04T11:00:00+03:00"), ("14", "0", "LOSE", "2024-02-06T11:00:00+03:00"),
               ("21", "1", "C1:NEW", "2024-02-06T10:00:00+03:00"),
               ("22", "1", "C1:NEW", "2024-02-07T10:00:00+03:00"), ("22", "1", "C1:PREPARATION", "2024-02-10T10:00:00+03:00"),
               ("22", "1", "C1:WON", "2024-02-27T10:00:00+03:00")]


def _b24_history() -> bytes:
    semantic = {"WON": "S", "LOSE": "F"}
    text = "ID,TYPE_ID,OWNER_ID,CREATED_TIME,CATEGORY_ID,STAGE_SEMANTIC_ID,STAGE_ID\n" + "".join(
        f"{k},{2 if k > 1 else 1},{deal},{at},{cat},{semantic.get(code.split(':')[-1], 'P')},{code}\n"
        for k, (deal, cat, code, at) in enumerate(B24_HISTORY, start=1))
    return text.encode()


def test_bitrix24_cp1251_product_rows_two_pipelines_and_stage_history(mem_store):
    info, built, draft = import_file(mem_store, _b24_csv(), "DEAL_20240301.csv", history=_b24_history(),
                                     history_name="stagehistory.csv")
    assert (draft.raw.encoding or "").lower().replace("-", "") in ("cp1251", "windows1251")
    # 9 rows, 6 deals: 12, 13 and 22 on two product rows each
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    assert findings(mem_store, info)["deals.product_rows"][1] == 3
    # amounts are the sums of a deal's rows: 12 = 2,000 + 1,000; 13 = 4,000 + 1,000; 22 = 6,000 + 1,000
    got = deal_rows(mem_store, info, "amount, currency, status")
    assert {k: v[0] for k, v in got.items()} == {"11": 1000.0, "12": 3000.0, "13": 5000.0, "14": 700.0, "21": 9000.0,
                                                 "22": 7000.0}
    assert {v[1] for v in got.values()} == {"RUB"}
    # a deal of several products names them all and keeps no one line's price or quantity; before, 12 was
    # an «Окно» deal at 2,000 × 1 (its first line), and a segment by product missed its «Монтаж»
    lines = deal_rows(mem_store, info, '"x_товар", "x_цена", "x_количество"')
    assert lines["12"] == ("Окно, Монтаж", None, None) and lines["22"] == ("Окно, Доставка", None, None)
    assert lines["11"] == ("Замер", "1000.00", "1")
    # won 13 (5,000; 03.02 09:00 -> 13.02 09:00 = 10 d) and 22 (7,000; 07.02 10:00 -> 27.02 10:00 = 20 d):
    # 12,000, median 15; lost 14; open 11, 12, 21
    assert outcome(mem_store, info) == (6, 2, 1, 3, 12000.0, 15.0)
    # the history's codes take the deal list's names in each pipeline. Общая: Новая 4; Подготовка документов
    # 12, 13 = 2 (14 went NEW -> LOSE); В работе 12, 13 = 2; Сделка успешна 1. Опт: Новая 2, Подготовка
    # документов 1 (22), Сделка успешна 1
    assert reached_by_pipeline(mem_store, info) == {
        "Общая": [("Новая", 4), ("Подготовка документов", 2), ("В работе", 2), ("Сделка успешна", 1)],
        "Опт": [("Новая", 2), ("Подготовка документов", 1), ("Сделка успешна", 1)]}
    found = summary(mem_store, info)
    # before: PREPARATION and C1:PREPARATION (no deal is there now) stayed codes, a stage «PREPARATION»
    # between «Новая» and «В работе», with a mismatch warning. Renamed: NEW, PREPARATION, EXECUTING, WON,
    # LOSE, C1:NEW, C1:PREPARATION, C1:WON = 8
    assert found["history.stage_renamed"][:2] == ("info", 8)
    assert "history.stage_mismatch" not in found


def test_a_bitrix24_history_code_no_deal_is_at_takes_the_english_default_name(mem_store):
    deals = ("ID,Deal Name,Stage,Income,Created\n"
             "1,A,New,100,2024-02-01 10:00:00\n"
             "2,B,Deal won,200,2024-02-02 10:00:00\n")
    hist = ("OWNER_ID,STAGE_ID,CREATED_TIME\n"
            "1,NEW,2024-02-01T10:00:00+03:00\n"
            "2,NEW,2024-02-02T10:00:00+03:00\n2,PREPARATION,2024-02-03T10:00:00+03:00\n"
            "2,WON,2024-02-05T10:00:00+03:00\n")
    info, _built, _ = import_file(mem_store, deals.encode(), "deals.csv", history=hist.encode(),
                                  history_name="stagehistory.csv")
    # New 2; Preparing documents 1 (B passed it); Deal won 1
    assert reached_by_pipeline(mem_store, info) == {"": [("New", 2), ("Preparing documents", 1), ("Deal won", 1)]}


# --- 3. Salesforce Weekly Data Export zip, read in a time zone --------------------------------------------

def _sf(rows: list[list[str]]) -> str:
    return "".join(",".join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)


SF_OPP_HEAD = ["Id", "IsDeleted", "AccountId", "Name", "Description", "StageName", "Amount", "Probability", "CloseDate",
               "Type", "IsClosed", "IsWon", "ForecastCategory", "OwnerId", "CreatedDate", "LastModifiedDate"]
#          id  deleted  stage                  amount  close         closed   won     created (UTC)
SF_OPPS = [("01", "false", "Closed Won", "10000", "2024-01-20", "true", "true", "2024-01-10T09:00:00.000Z"),
           ("02", "false", "Closed Won", "25000", "2024-02-21", "true", "true", "2024-01-31T23:30:00.000Z"),
           ("03", "false", "Closed Lost", "5000", "2024-02-15", "true", "false", "2024-02-05T10:00:00.000Z"),
           ("04", "false", "Negotiation/Review", "40000", "2024-04-30", "false", "false", "2024-02-10T10:00:00.000Z"),
           ("05", "false", "Prospecting", "3000", "2024-06-30", "false", "false", "2024-03-31T22:30:00.000Z"),
           ("06", "true", "Qualification", "7000", "2024-05-31", "false", "false", "2024-02-11T10:00:00.000Z")]
SF_HIST_HEAD = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "ExpectedRevenue",
                "CloseDate", "Probability", "ForecastCategory", "SystemModstamp", "IsDeleted"]
SF_MOVES = {"01": [("Prospecting", "2024-01-10T09:00:00"), ("Qualification", "2024-01-12T09:00:00"),
                   ("Proposal/Price Quote", "2024-01-15T09:00:00"),
                   ("Proposal/Price Quote", "2024-01-15T09:00:00"),  # the amount changed in the same save
                   ("Closed Won", "2024-01-20T15:00:00")],
            "02": [("Prospecting", "2024-01-31T23:30:00"), ("Qualification", "2024-02-05T10:00:00"),
                   ("Negotiation/Review", "2024-02-12T10:00:00"), ("Closed Won", "2024-02-21T10:00:00")],
            "03": [("Prospecting", "2024-02-05T10:00:00"), ("Qualification", "2024-02-08T10:00:00"),
                   ("Closed Lost", "2024-02-15T10:00:00")],
            "04": [("Prospecting", "2024-02-10T10:00:00"), ("Qualification", "2024-02-12T10:00:00"),
                   ("Proposal/Price Quote", "2024-02-20T10:00:00"), ("Negotiation/Review", "2024-03-01T10:00:00"),
                   ("Closed Lost", "2024-03-05T10:00:00")],  # deleted (IsDeleted true below): no visit
            "05": [("Prospecting", "2024-03-31T22:30:00")]}


def _sf_zip() -> bytes:
    opp = _sf([SF_OPP_HEAD] + [[f"0065g00000Opp{k}AAA", deleted, "0015g00000Acc01AAA", f"Deal {k}",
                                "Renewal\x00 notes" if k == "01" else "", stage, amount, "", close, "New Customer",
                                closed, won, "Closed" if closed == "true" else "Pipeline", "0055g00000Usr01AAA",
                                created, created] for k, deleted, stage, amount, close, closed, won, created in SF_OPPS])
    hist = _sf([SF_HIST_HEAD] + [
        [f"0085g00000H{deal}{i:03d}AA", f"0065g00000Opp{deal}AAA", "0055g00000Usr01AAA", f"{at}.000Z", stage,
         str(1000 + i), "", "2024-06-30", "", "Pipeline", f"{at}.000Z",
         "true" if (deal, stage) == ("04", "Closed Lost") else "false"]
        for deal, moves in SF_MOVES.items() for i, (stage, at) in enumerate(moves)])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Account.csv", _sf([["Id", "Name"], ["0015g00000Acc01AAA", "Acme"]]))
        zf.writestr("Opportunity.csv", opp)
        zf.writestr("OpportunityHistory.csv", hist)
    return buf.getvalue()


def test_salesforce_data_export_zip_with_history_in_a_time_zone(mem_store):
    info, built, draft = import_file(mem_store, _sf_zip(), "WE_00D5g000001abcd_1.zip", timezone="Europe/Berlin")
    # 6 opportunities, 06 deleted: 5 deals
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    # created in Berlin's time: 02 at 2024-01-31 23:30 UTC is 1 February 00:30 (CET, +1); 05 at 2024-03-31
    # 22:30 UTC is 1 April 00:30 (CEST, +2: summer time began that morning)
    got = deal_rows(mem_store, info, "created_at, closed_at, cycle_days, status")
    assert str(got["0065g00000Opp02AAA"][0]) == "2024-02-01 00:30:00"
    assert str(got["0065g00000Opp05AAA"][0]) == "2024-04-01 00:30:00"
    # the CloseDate of a closed opportunity is its close, a day with no zone: 01 closed 20 January, 02 on
    # 21 February. Cycles in calendar days (a close known to its day): 01 10 Jan -> 20 Jan = 10; 02 1 Feb (in
    # Berlin) -> 21 Feb = 20: median 15
    assert str(got["0065g00000Opp01AAA"][1])[:10] == "2024-01-20"
    assert str(got["0065g00000Opp02AAA"][1])[:10] == "2024-02-21"
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (5, 2, 1, 2, 35000.0)
    assert cycle == 15
    # the history: 04's deleted «Closed Lost» row is no visit (04 stays open at Negotiation/Review), 01's two
    # Proposal rows are one visit. Salesforce's order of the stages present: Prospecting 5; Qualification
    # 01-04 = 4; Proposal/Price Quote 01, 02 (won, passed it), 04 = 3; Negotiation/Review 01, 02, 04 = 3;
    # Closed Won 2
    assert reached_by_pipeline(mem_store, info) == {"": [
        ("Prospecting", 5), ("Qualification", 4), ("Proposal/Price Quote", 3), ("Negotiation/Review", 3),
        ("Closed Won", 2)]}
    found = summary(mem_store, info)
    assert found["deals.deleted"][:2] == ("warning", 1)  # 06
    assert found["history.deleted"][:2] == ("warning", 1)  # 04's «Closed Lost» row
    assert "readers.nul_bytes" in findings(mem_store, info)  # the NUL in 01's description, dropped
    assert "history.same_time" not in found


# --- 4. HubSpot XLSX: two pipelines, Date entered columns, outcome flags, two currencies ------------------

HS_SALES = ["Appointment Scheduled", "Qualified To Buy", "Contract Sent", "Closed Won", "Closed Lost"]
HS_PARTNER = ["Discovery", "Proposal", "Signed Contract", "No budget"]
HS_ENTERED = ([f'Date entered "{s} (Sales Pipeline)"' for s in HS_SALES]
              + [f'Date entered "{s} (Partner Pipeline)"' for s in HS_PARTNER])
HS_HEAD = ["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Currency", "Amount in company currency",
           "Create Date", "Close Date", "Deal owner", "Is Closed Won", "Is closed lost", *HS_ENTERED]
#         id        pipeline            stage              amount cur  company  created          close (expected if open)
HS = [("1001", "Sales Pipeline", "Closed Won", 1000, "USD", 1000, D(2024, 1, 2, 10), D(2024, 1, 12, 10), "true", "false",
       {"Appointment Scheduled": D(2024, 1, 2, 10), "Qualified To Buy": D(2024, 1, 5, 10),
        "Contract Sent": D(2024, 1, 8, 10), "Closed Won": D(2024, 1, 12, 10)}),
      ("1002", "Sales Pipeline", "Closed Lost", 2000, "EUR", 2200, D(2024, 1, 3, 9), D(2024, 1, 10, 9), "false", "true",
       {"Appointment Scheduled": D(2024, 1, 3, 9), "Qualified To Buy": D(2024, 1, 6, 9), "Closed Lost": D(2024, 1, 10, 9)}),
      ("1003", "Sales Pipeline", "Contract Sent", 3000, "USD", 3000, D(2024, 1, 4, 8), D(2024, 3, 31), "false", "false",
       {"Appointment Scheduled": D(2024, 1, 4, 8), "Qualified To Buy": D(2024, 1, 7, 8), "Contract Sent": D(2024, 1, 9, 8)}),
      ("2001", "Partner Pipeline", "Signed Contract", 5000, "EUR", 5500, D(2024, 1, 5, 12), D(2024, 1, 25, 12), "true",
       "false", {"Discovery": D(2024, 1, 5, 12), "Proposal": D(2024, 1, 15, 12), "Signed Contract": D(2024, 1, 25, 12)}),
      ("2002", "Partner Pipeline", "No budget", 800, "EUR", 880, D(2024, 1, 6, 12), D(2024, 1, 9, 12), "false", "true",
       {"Discovery": D(2024, 1, 6, 12), "No budget": D(2024, 1, 9, 12)}),
      ("2003", "Partner Pipeline", "Proposal", 1500, "USD", 1500, D(2024, 1, 7, 12), D(2024, 4, 30), "false", "false",
       {"Discovery": D(2024, 1, 7, 12), "Proposal": D(2024, 1, 10, 12)})]


def _hubspot_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "All deals"
    ws.append(HS_HEAD)
    for rid, pipeline, stage, amount, cur, company, created, close, won, lost, entered in HS:
        dates = [entered.get(s) if pipeline == "Sales Pipeline" else None for s in HS_SALES]
        dates += [entered.get(s) if pipeline == "Partner Pipeline" else None for s in HS_PARTNER]
        ws.append([rid, f"Deal {rid}", pipeline, stage, amount, cur, company, created, close, "Jane Example", won, lost,
                   *dates])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_hubspot_xlsx_two_pipelines_flags_and_two_currencies(mem_store):
    info, built, _ = import_file(mem_store, _hubspot_xlsx(), "hubspot-crm-exports-all-deals-2024-02-01.xlsx")
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    f = info.meta["mapping"]["fields"]
    # the amount that adds up is the company currency's (USD here), not «Amount» in USD and EUR
    assert f["amount"] == "Amount in company currency"
    # won 1001 (1,000; 2 Jan -> 12 Jan = 10 d) and 2001 (5,500; 5 Jan -> 25 Jan = 20 d): 6,500, median 15;
    # lost 1002, 2002 (by «Is closed lost»); open 1003, 2003
    assert outcome(mem_store, info) == (6, 2, 2, 2, 6500.0, 15.0)
    # «Signed Contract» / «No budget» hold only won / lost deals: the partner pipeline's won and lost stages
    assert kinds(mem_store, info) == {"Closed Won": "won", "Closed Lost": "lost", "Signed Contract": "won",
                                      "No budget": "lost"}
    # the Date entered columns order each pipeline and give a lost deal the stage it died after.
    # Sales: Appointment Scheduled 3; Qualified To Buy 3 (1002 entered it before losing); Contract Sent
    # 1001, 1003 = 2; Closed Won 1. Partner: Discovery 3; Proposal 2001, 2003 = 2; Signed Contract 1
    assert reached_by_pipeline(mem_store, info) == {
        "Sales Pipeline": [("Appointment Scheduled", 3), ("Qualified To Buy", 3), ("Contract Sent", 2), ("Closed Won", 1)],
        "Partner Pipeline": [("Discovery", 3), ("Proposal", 2), ("Signed Contract", 1)]}
    # before: «Amount» in USD and EUR summed (1,000 USD + 5,000 EUR = «6,000») under a currency.mixed warning.
    # The deal's own amount and currency stay as attributes
    assert "currency.mixed" not in summary(mem_store, info)
    assert deal_rows(mem_store, info, "amount, x_amount, x_currency")["2001"] == (5500.0, "5000", "EUR")


def test_hubspot_amount_in_one_currency_stays_the_deals_own(mem_store):
    text = ("Record ID,Deal Stage,Amount,Currency,Amount in company currency\n"
            "1,Closed Won,1000,EUR,1100\n2,Closed Won,2000,EUR,2200\n")
    info, _built, _ = import_file(mem_store, text.encode(), "hubspot-crm-exports-all-deals-2024-02-01.csv")
    # one currency: the deal's own amount in it, 1,000 + 2,000 EUR
    assert info.meta["mapping"]["fields"]["amount"] == "Amount"
    assert outcome(mem_store, info)[4] == 3000.0


# --- 5. Pipedrive in German, saved again by German Excel --------------------------------------------------

PD_HEAD = ("Deal - ID;Deal - Titel;Deal - Organisation;Deal - Wert;Deal - Status;Deal - Verlustgrund;Deal - Besitzer;"
           "Deal - Deal erstellt;Deal - Phase;Deal - Datum des gewonnenen Deals;Deal - Datum des verlorenen Deals;"
           "Deal - Pipeline")
PD_ROWS = ["1;Müller - Lizenzen;Müller GmbH;1.000,00 €;Offen;;Anna Schmidt;02.01.2024 09:00;Lead eingegangen;;;Vertrieb",
           "2;Bauer - Pilot;Bauer AG;2.000,00 €;Offen;;Jonas Weber;02.01.2024 10:00;Kontakt hergestellt;;;Vertrieb",
           "3;Roth - Flotte;Roth Logistik;12.500,00 €;Gewonnen;;Anna Schmidt;05.01.2024 10:00;Verhandlungen begonnen;"
           "25.01.2024 10:00;;Vertrieb",
           "4;Lang - Ausbau;Lang Bau;7.500,50 €;Gewonnen;;Jonas Weber;10.01.2024 08:00;Angebot gemacht;09.02.2024 08:00;;"
           "Vertrieb",
           "5;Fuchs - Support;Fuchs IT;1.500,00 €;Verloren;Zu teuer;Anna Schmidt;03.01.2024 12:00;Kontakt hergestellt;;"
           "13.01.2024 12:00;Vertrieb",
           "6;Test - bitte löschen;Test;999,00 €;Gelöscht;;Anna Schmidt;04.01.2024 12:00;Lead eingegangen;;;Vertrieb",
           # deal 4 again: the user pasted a second export under the first
           "4;Lang - Ausbau;Lang Bau;7.500,50 €;Gewonnen;;Jonas Weber;10.01.2024 08:00;Angebot gemacht;09.02.2024 08:00;;"
           "Vertrieb"]


def test_pipedrive_german_excel_resave_with_a_deleted_and_a_repeated_deal(mem_store):
    data = ("\r\n".join([PD_HEAD, *PD_ROWS]) + "\r\n").encode("cp1252")
    info, built, _ = import_file(mem_store, data, "deals-1234567-89.csv")
    assert info.meta["mapping"]["preset"] == "pipedrive"
    # 7 rows: deal 6 is deleted in Pipedrive (no deal), deal 4's second row a repeat: 5 deals
    assert built["n_deals"] == 5
    # won 3 (12,500; 05.01 10:00 -> 25.01 10:00 = 20 d) and 4 (7,500.50; 10.01 08:00 -> 09.02 08:00 = 30 d):
    # 20,000.50, median 25; lost 5; open 1, 2
    assert outcome(mem_store, info) == (5, 2, 1, 2, pytest.approx(20000.5), pytest.approx(25.0))
    # a deal keeps its stage when lost, so a loss counts where it happened; a won deal passed every stage:
    # Lead eingegangen 5; Kontakt hergestellt 2, 3, 4, 5 = 4; Angebot gemacht 3, 4 = 2; Verhandlungen
    # begonnen 3, 4 (won at «Angebot gemacht», it passed the rest) = 2; the won step 2
    got = reached_by_pipeline(mem_store, info)["Vertrieb"]
    assert got[:4] == [("Lead eingegangen", 5), ("Kontakt hergestellt", 4), ("Angebot gemacht", 2),
                       ("Verhandlungen begonnen", 2)]
    assert got[-1][1] == 2
    found = summary(mem_store, info)
    # before: «Gelöscht» was an unknown status and the deleted test deal an open deal (6 deals, 3 open)
    assert found["deals.deleted_status"][:2] == ("warning", 1)
    assert "status.unknown_value" not in found
    assert found["deals.duplicate_id"][:2] == ("warning", 1)
    assert row_findings(mem_store, info, "deals.duplicate_id") == [8]


def test_a_pipedrive_deal_deleted_in_english_is_no_deal(mem_store):
    text = ("Deal - ID,Deal - Title,Deal - Value,Deal - Status,Deal - Stage,Deal - Deal created\n"
            "1,A,100,Open,Qualified,2024-01-02 09:00:00\n"
            "2,B,200,Won,Qualified,2024-01-03 09:00:00\n"
            "3,C,300,Deleted,Qualified,2024-01-04 09:00:00\n")
    info, built, _ = import_file(mem_store, text.encode(), "deals.csv")
    # C is deleted: 2 deals, won B (200), open A
    assert built["n_deals"] == 2
    assert outcome(mem_store, info)[:5] == (2, 1, 0, 1, 200.0)
    assert summary(mem_store, info)["deals.deleted_status"][1] == 1


# --- 6. 纷享销客 saved by Chinese Excel after 分类汇总 -------------------------------------------------------

ZH = ("商机名称,客户名称,商机阶段,阶段状态,商机金额(元),负责人,创建时间,预计成交日期\n"
      "商机001,客户01,初步接洽（10%）,进行中,12万,张伟,2024-01-05 14:30,2024-04-30\n"
      "商机004,客户04,谈判审核（80%）,进行中,3.2万,张伟,2024-01-08 08:30,2024-04-30\n"
      "商机005,客户05,赢单（100%）,赢单,\"80,000.00\",张伟,2024-01-09 10:10,2024-04-30\n"
      ",,,,232000,张伟 汇总,,\n"
      "商机002,客户02,需求确认（30%）,输单,1.5万,李娜,2024-01-06 10:00,2024-04-30\n"
      "商机006,客户06,赢单（100%）,赢单,2亿,李娜,2024-01-10 11:11,2024-04-30\n"
      ",,,,200015000,李娜 汇总,,\n"
      ",,,,200247000,总计,,\n")


def test_chinese_excel_subtotals_wan_amounts_and_fullwidth_stage_names(mem_store):
    info, built, draft = import_file(mem_store, ZH.encode("gb18030"), "商机列表.csv")
    # 8 rows: 5 deals, the two «… 汇总» subtotals (rows 5, 8) and «总计» (row 9) skipped
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    assert skipped(draft) == [(5, "total"), (8, "total"), (9, "total")]  # before: «continuation» rows
    assert "readers.continuation_rows" not in dict(draft.raw.notes)
    # no id column (商机名称 is the name): one row, one deal. 12万 = 120,000; 3.2万 = 32,000; 1.5万 = 15,000;
    # 2亿 = 200,000,000
    got = deal_rows(mem_store, info, "amount", key="deal_name")
    assert {k: v[0] for k, v in got.items()} == {"商机001": 120000.0, "商机004": 32000.0, "商机005": 80000.0,
                                                 "商机002": 15000.0, "商机006": 200000000.0}
    # won 005 + 006 = 200,080,000; lost 002; open 001, 004; 预计成交日期 is expected: no cycle
    assert outcome(mem_store, info) == (5, 2, 1, 2, 200080000.0, None)
    # the stages by their probability: 初步接洽 5; 需求确认 002 (lost there), 004, 005, 006 = 4; 谈判审核 004,
    # 005, 006 = 3; 赢单 2
    assert reached_by_pipeline(mem_store, info) == {"": [
        ("初步接洽（10%）", 5), ("需求确认（30%）", 4), ("谈判审核（80%）", 3), ("赢单（100%）", 2)]}
    assert summary(mem_store, info)["date.close_is_expected"][1] == 3


# --- 7. A team's Google Sheet -----------------------------------------------------------------------------

GS = [("G1", "Acme", "Lead", 1000, 0.1, D(2024, 1, 2), None, False),
      ("G2", "Beta", "Demo", 2000, 0.4, D(2024, 1, 3), None, False),
      ("G3", "Gamma", "Proposal", 3000, 0.6, D(2024, 1, 4), None, False),  # hidden by the filter
      ("G4", "Delta", "Closed", 4000, 1, D(2024, 1, 5), D(2024, 1, 25), True),
      ("G5", "Eps", "Closed", 5000, 1, D(2024, 1, 6), D(2024, 2, 5), True),
      ("G6", "Zeta", "Closed", 6000, 0, D(2024, 1, 7), D(2024, 1, 17), False),
      ("G7", "Eta", "Qualified", 700, 0.2, D(2024, 1, 8), None, False)]


def _google_sheet(path) -> bytes:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Pipeline")
    money, pct = wb.add_format({"num_format": "$#,##0"}), wb.add_format({"num_format": "0%"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string(0, 0, "Q1 pipeline (updated 2024-03-31)")
    ws.write_row(1, 0, ["Deal", "Company", "Stage", "Amount", "Probability", "Created", "Closed", "Won?"])
    ws.freeze_panes(2, 0)
    for i, (deal, company, stage, amount, p, created, closed, won) in enumerate(GS, start=2):
        ws.write_row(i, 0, [deal, company, stage])
        ws.write_number(i, 3, amount, money)
        ws.write_number(i, 4, p, pct)
        ws.write_datetime(i, 5, created, day)
        if closed:
            ws.write_datetime(i, 6, closed, day)
        ws.write_boolean(i, 7, won)
        if stage == "Proposal":
            ws.set_row(i, None, None, {"hidden": True})
    ws.autofilter(1, 0, 1 + len(GS), 7)
    ws.filter_column(2, "Stage != Proposal")
    stages = wb.add_worksheet("Stages")
    stages.write_row(0, 0, ["Stage", "Order"])
    for i, stage in enumerate(["Lead", "Qualified", "Demo", "Proposal", "Closed"], start=1):
        stages.write_row(i, 0, [stage, i])
    wb.close()
    return path.read_bytes()


def test_google_sheet_checkbox_stage_list_title_and_filtered_row(mem_store, tmp_path):
    info, built, draft = import_file(mem_store, _google_sheet(tmp_path / "Sales pipeline.xlsx"), "Sales pipeline.xlsx")
    assert draft.raw.header_row == 2 and draft.raw.sheet == "Pipeline"
    assert (built["n_deals"], built["rows_rejected"]) == (7, 0)
    assert info.meta["mapping"]["fields"]["won_flag"] == "Won?"
    # won G4 (4,000; 5 Jan -> 25 Jan = 20 d), G5 (5,000; 6 Jan -> 5 Feb = 30 d): 9,000, median 25; lost G6
    # (closed, box unticked); open G1, G2, G3, G7
    assert outcome(mem_store, info) == (7, 2, 1, 4, 9000.0, 25.0)
    # the «Stages» sheet's order. A won deal passed every stage; the lost G6 sits in «Closed», which says
    # nothing of where it was lost: Lead 7; Qualified G2, G3, G7 + won 2 = 5; Demo G2, G3 + 2 = 4; Proposal
    # G3 + 2 = 3; Closed 2
    assert reached_by_pipeline(mem_store, info) == {"": [
        ("Lead", 7), ("Qualified", 5), ("Demo", 4), ("Proposal", 3), ("Closed", 2)]}
    # before: «Closed» was an open step followed by a made-up «Won», and the lost G6 counted as having
    # reached every stage up to «Closed» (Qualified 6, Demo 5, Proposal 4, Closed 3, Won 2)
    assert kinds(mem_store, info) == {"Closed": "won"}
    found = findings(mem_store, info)
    assert found["stages.closing_both"][:2] == ("info", None)
    assert found["deals.lost_stage_unknown"][1] == 1 and "status.against_stage" not in found
    assert found["sheets9.order_from_sheet"][2]["sheet"] == "Stages"
    sev, n, detail = found["sheets9.hidden_rows_filter"]
    assert (sev, n, detail["rows"]) == ("warning", 1, "5")  # G3: title, header, G1, G2, then G3 on row 5


def test_a_closed_stage_of_a_pipedrive_like_list_keeps_its_meaning_when_named_otherwise(mem_store):
    # only a stage named «Closed» is read so: a stage of the company's own holding a won and a lost deal
    # (each kept where it ended, as Pipedrive keeps them) stays a step
    text = ("Deal,Stage,Amount,Created,Closed,Won?\n"
            "A,Lead,100,2024-01-01,,FALSE\n"
            "B,Negotiation,200,2024-01-02,2024-01-12,TRUE\n"
            "C,Negotiation,300,2024-01-03,2024-01-13,FALSE\n")
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    assert "Negotiation" not in kinds(mem_store, info)
    assert "stages.closing_both" not in findings(mem_store, info)
    # won B (200), lost C, open A
    assert outcome(mem_store, info)[:5] == (3, 1, 1, 1, 200.0)


# --- 8. Salesforce report CSV in ISO-8859-1 with its footer, and the Data Export's history -----------------

SFR_HEAD = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount Currency", "Amount",
            "Close Date", "Created Date", "Opportunity ID", "Closed", "Won"]
SFR = [("Renée Fontaine", "Société Générale", "SG - Licences", "Closed Won", "USD", "12,500.00", "1/25/2024",
        "1/5/2024 4:40 PM", "0065g00000Rp001", "1", "1"),
       ("Renée Fontaine", "Café Müller", "Müller - Pilot", "Closed Lost", "USD", "3,000.00", "1/20/2024",
        "1/8/2024 9:15 AM", "0065g00000Rp002", "1", "0"),
       ("José Núñez", "Crédit Agricole", "CA - Rollout", "Negotiation/Review", "USD", "40,000.00", "4/30/2024",
        "1/10/2024 11:00 AM", "0065g00000Rp003", "0", "0"),
       ("José Núñez", "Bäckerei Schön", "BS - Kassen", "Closed Won", "USD", "7,500.00", "2/14/2024",
        "1/15/2024 2:00 PM", "0065g00000Rp004", "1", "1")]
SFR_FOOTER = ['""', '"Grand Totals (4 records)"', '""', '"Opportunities with History"', '"Example Corp"',
              '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."',
              '"Confidential Information - Do Not Distribute"', '"Generated By:  Renée Fontaine  2/20/2024 9:02 AM"']
# OpportunityHistory of the Data Export: 18-character ids of the report's 15-character ones
SFR_MOVES = {"001": ["Prospecting", "Qualification", "Proposal/Price Quote", "Closed Won"],
             "002": ["Prospecting", "Closed Lost"],
             "003": ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review"],
             "004": ["Prospecting", "Proposal/Price Quote", "Negotiation/Review", "Closed Won"]}


def test_salesforce_report_latin1_footer_and_history_of_18_character_ids(mem_store):
    report = ("\n".join(",".join(f'"{c}"' for c in row) for row in [SFR_HEAD, *SFR]) + "\n"
              + "\n".join(SFR_FOOTER) + "\n").encode("cp1252")
    hist = _sf([["OpportunityId", "CreatedDate", "StageName", "IsDeleted"]] + [
        [f"0065g00000Rp{deal}AAA", f"2024-01-{5 + 3 * deal_no + i:02d}T12:00:00.000Z", stage, "false"]
        for deal_no, (deal, moves) in enumerate(SFR_MOVES.items()) for i, stage in enumerate(moves)]).encode()
    info, built, draft = import_file(mem_store, report, "report1708419720000.csv", history=hist,
                                     history_name="OpportunityHistory.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    # rows 2-5 the deals; 6 and 8 empty, 7 «Grand Totals», 9-13 the footer block (report name, company,
    # copyright, confidentiality, generated by)
    assert skipped(draft) == [(6, "blank"), (7, "total"), (8, "blank"), (9, "footer"), (10, "footer"),
                              (11, "footer"), (12, "footer"), (13, "footer")]
    assert draft.raw.encoding == "cp1252"  # «Renée», «Société Générale» read from ISO-8859-1 bytes
    got = deal_rows(mem_store, info, "amount, currency, manager")
    assert got["0065g00000Rp001"] == (12500.0, "USD", "Renée Fontaine")
    # won 001 (12,500; 5 Jan 16:40 -> 25 Jan: 20 calendar days) and 004 (7,500; 15 Jan 14:00 -> 14 Feb: 30):
    # 20,000, median 25; lost 002; open 003
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 2, 1, 1, 20000.0)
    assert cycle == 25
    # the history matches all four: Prospecting 4; Qualification 001, 003 + 004 (won, skipped it) = 3;
    # Proposal/Price Quote 001, 003, 004 = 3; Negotiation/Review 001 (won), 003, 004 = 3; Closed Won 2
    assert reached_by_pipeline(mem_store, info) == {"": [
        ("Prospecting", 4), ("Qualification", 3), ("Proposal/Price Quote", 3), ("Negotiation/Review", 3),
        ("Closed Won", 2)]}
    assert "history.unknown_deals" not in summary(mem_store, info)


# --- 9. Bitrix24 in English, "Export to Excel" (an HTML table named .xls) ---------------------------------

B24EN_HEAD = ["ID", "Deal Name", "Pipeline", "Stage", "Income", "Currency", "Responsible", "Created", "Closed",
              "Stage change date", "Comment", "UTM Source"]
#         id      name                    stage          income      currency     created                   closed
B24EN = [("2043", "Smith & Co supply", "Deal won", "18500.00", "US Dollar", "02/03/2024 11:42:17 am", "Yes",
          "02/19/2024 04:05:40 pm", "", "google"),
         ("2057", "Service <contract>", "Deal lost", "6450.00", "US Dollar", "02/05/2024 09:00:00 am", "Yes",
          "02/07/2024 09:00:00 am", "Too expensive\ncall in May", ""),
         ("2060", "Training", "In progress", "3000.00", "Euro", "02/14/2024 01:30:00 pm", "No",
          "02/20/2024 10:00:00 am", "", "yandex"),
         ("2061", "Audit", "New", "1200.00", "US Dollar", "02/15/2024 12:05:00 pm", "No", "02/15/2024 12:05:00 pm", "",
          ""),
         ("2062", "Equipment #2", "Deal won", "9000.00", "Euro", "02/16/2024 12:00:00 am", "Yes",
          "03/01/2024 12:00:00 pm", "", "google")]


def _b24_html() -> bytes:
    from html import escape

    def row(cells, tag):
        return "<tr>" + "".join(f"<{tag}>{escape(c).replace(chr(10), '<br>')}</{tag}>" for c in cells) + "</tr>\n"
    body = "".join(row([*r[:2], "General", *r[2:5], "Jane Example", *r[5:]], "td") for r in B24EN)
    text = ('<meta http-equiv="Content-type" content="text/html;charset=UTF-8" />\n<table border="1">\n<thead>'
            + row(B24EN_HEAD, "th") + "</thead>\n<tbody>\n" + body + "</tbody>\n</table>\n")
    return b"\xef\xbb\xbf" + text.encode()


def test_bitrix24_english_html_xls_twelve_hour_clock_and_two_currencies(mem_store):
    info, built, draft = import_file(mem_store, _b24_html(), "deal_export.xls")
    assert draft.raw.kind == "html"
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    got = deal_rows(mem_store, info, "deal_name, created_at, currency")
    # HTML-escaped text read back; 12:05 pm is noon and five, 12:00 am midnight
    assert (got["2043"][0], got["2057"][0]) == ("Smith & Co supply", "Service <contract>")
    assert str(got["2061"][1]) == "2024-02-15 12:05:00" and str(got["2062"][1]) == "2024-02-16 00:00:00"
    assert {k: v[2] for k, v in got.items()} == {"2043": "USD", "2057": "USD", "2060": "EUR", "2061": "USD",
                                                 "2062": "EUR"}
    # «Closed» Yes with «Stage change date» the close. Won 2043 (18,500 USD; 02/03 11:42:17 am -> 02/19
    # 04:05:40 pm = 16 d 4 h 23 min 23 s = 1,398,203 s) and 2062 (9,000 EUR; 02/16 00:00 -> 03/01 12:00, 2024
    # a leap year = 14 d 12 h): 27,500 in two currencies, said; lost 2057; open 2060, 2061
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (5, 2, 1, 2, 27500.0)
    assert cycle == pytest.approx((1398203 / 86400 + 14.5) / 2)
    assert summary(mem_store, info)["currency.mixed"][:2] == ("warning", 2)
    # Bitrix24's English default order: New 5 (the lost 2057 kept no stage); In progress 2060 + won 2 = 3;
    # Deal won 2
    assert reached_by_pipeline(mem_store, info) == {"General": [("New", 5), ("In progress", 3), ("Deal won", 2)]}


# --- 10. Zoho CRM Data Backup zip: two parts of Deals, zcrm_ ids, Zoho's three closing stages ----------

ZOHO_HEAD = ('"Record Id","Deal Owner","Deal Owner.id","Deal Name","Amount","Closing Date","Stage","Created Time",'
             '"Description","Reason For Loss"\r\n')
ZOHO_1 = ZOHO_HEAD + (
    '"zcrm_5368271000001000001","Jane Example","zcrm_5368271000000400001","Acme annual","1000.00","2024-03-28",'
    '"Closed Won","2024-02-03 11:42:17","Renewal,\r\nthree years",""\r\n'
    '"zcrm_5368271000001000002","Tom Placeholder","zcrm_5368271000000400002","Sample pilot","500.00","2024-03-12",'
    '"Closed Lost","2024-02-05 09:03:55","","Price"\r\n'
    '"zcrm_5368271000001000003","Jane Example","zcrm_5368271000000400001","Demo expansion","700.00","2024-04-30",'
    '"Qualification","2024-03-14 18:27:09","",""\r\n')
ZOHO_2 = ZOHO_HEAD + (
    '"zcrm_5368271000001000004","Tom Placeholder","zcrm_5368271000000400002","Beta renewal","2,500.00","2024-04-15",'
    '"Closed Won","2024-03-01 10:00:00","",""\r\n'
    '"zcrm_5368271000001000005","Jane Example","zcrm_5368271000000400001","Gamma upsell","300.00","2024-03-30",'
    '"Closed-Lost to Competition","2024-03-20 15:30:00","","Competitor"\r\n'
    '"zcrm_5368271000001000006","Jane Example","zcrm_5368271000000400001","Delta","1,200.00","2024-06-30",'
    '"Negotiation/Review","2024-03-22 09:00:00","",""\r\n')


def test_zoho_backup_zip_of_two_parts_with_zohos_closing_stages(mem_store):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Accounts_001.csv", '"Record Id","Account Name"\r\n"zcrm_1","Acme"\r\n')
        zf.writestr("Deals_001.csv", ZOHO_1)
        zf.writestr("Deals_002.csv", ZOHO_2)
    info, built, draft = import_file(mem_store, buf.getvalue(), "Data_Backup_2024_04_01.zip")
    # 6 deals over two parts (the second part's header line is no row); the multi-line description stays
    # one cell
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    f = info.meta["mapping"]["fields"]
    assert (f["deal_id"], f["manager"], f["lost_reason"]) == ("Record Id", "Deal Owner", "Reason For Loss")
    # won …01 (1,000; 3 Feb 11:42:17 -> 28 Mar) and …04 (2,500; 1 Mar 10:00 -> 15 Apr): 3,500; lost …02 (Closed
    # Lost) and …05 (Closed-Lost to Competition); open …03, …06. Cycles in calendar days (the Closing Date is a
    # day): 3 Feb -> 29 Feb 26 (2024 is a leap year) + 28 = 54, and 1 Mar -> 31 Mar 30 + 15 = 45: median 49.5
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (6, 2, 2, 2, 3500.0)
    assert cycle == 49.5
    assert kinds(mem_store, info) == {"Closed Won": "won", "Closed Lost": "lost", "Closed-Lost to Competition": "lost"}
    # Zoho's default order: Qualification 6 (the lost ones kept no stage); Negotiation/Review …06 + won 2 = 3;
    # Closed Won 2
    assert reached_by_pipeline(mem_store, info) == {"": [("Qualification", 6), ("Negotiation/Review", 3),
                                                         ("Closed Won", 2)]}
    with mem_store.connect() as con:
        ids = con.execute(f"SELECT list(deal_id ORDER BY deal_id) FROM ds_{info.id}.deals").fetchone()[0]
    assert ids[0] == "zcrm_5368271000001000001" and len(ids) == 6
