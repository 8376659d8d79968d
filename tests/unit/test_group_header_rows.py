"""Reports whose grouping value is written only on a group-header row above its rows (funnel/readers/group_rows.py).

Layouts (rows invented, shapes from these sources):
- Salesforce summary report grouped by Stage, printed / saved formatted: «Stage: Prospecting (2 records)»,
  the deals without a stage cell, "Subtotal", "Grand Totals (8 records)" and the footer. Salesforce's own
  pages describe the summary report as detail rows "under one or more group headings" with subtotals
  (tutorialkart.com/salesforce/summary-reports-in-salesforce); tools that read reports refuse grouped ones
  (weiweikee/simple_salesforce_report README: "only works for salesforce report that do NOT have GROUPED
  ROWS"; simple-salesforce/simple-salesforce#718, export of a report with grouping); "Grand Totals (N
  records)" and "Subtotal" are already in README's Salesforce report row.
- Banded reports labelled «Field: Value» ("Region: West", its rows, "Subtotal West", "Grand Total"; Salesforce,
  SAP and Oracle exports: docs.scoopanalytics.com/docs/grouped-reports); report tables with grouping rows that
  a plain table reader fails on (ManageIQ/integration_tests#968).
- 1C reports (СКД) saved to Excel: the grouping fields on rows of their own, nested («Контрагент»,
  «Номенклатура», «Регистратор» in one column, each level with its totals; «Итого» at the end), the problem
  Excel add-ins exist to flatten (excel-vba.ru/multex/podgotovit-tablicu-stroki, budget-excel.ru lesson
  "receiving-and-processing-data-from-1c"). Here: manager («Иванов И.И.») then stage, bare or labelled
  («Ответственный: …», «Этап сделки: Переговоры (2)»).
- Chinese grouped reports: «负责人：张三（2条）», «阶段：初步接洽（1条）» (full-width colon and parentheses, 条 =
  records; the layout the issue describes, no export seen), read since the label's punctuation is folded.
Dropped for want of evidence: a group value written only on a group's first row without merged cells (no
source; it reads the same as a column most rows leave empty, so it is not filled in).
Expected values are worked out by hand from the rows, in the comments.
"""

from __future__ import annotations

import duckdb
import openpyxl

from funnel.importer import import_file
from funnel.readers import stage_file
from funnel.readers.group_rows import parse_label
from tests.unit.test_crm_exports_reports import outcome, reached

SF = '''"Opportunity Owner","Account Name","Opportunity Name","Amount","Close Date","Opportunity ID"
"Stage: Prospecting (2 records)"
"Tom Placeholder","Delta LLC","Delta LLC - New","$2,000.00","5/15/2024","0065g00000AbC04"
"Tom Placeholder","Eta SA","Eta - Licenses","$1,500.00","6/1/2024","0065g00000AbC07"
"Subtotal","","","$3,500.00","",""
"Stage: Proposal/Price Quote (1 record)"
"Tom Placeholder","Zeta GmbH","Zeta - Pilot","$3,000.00","5/1/2024","0065g00000AbC06"
"Subtotal","","","$3,000.00","",""
"Stage: Negotiation/Review (2 records)"
"Jane Example","Gamma Ltd","Gamma Ltd - Expansion","$9,000.00","4/30/2024","0065g00000AbC03"
"Jane Example","Theta Co","Theta - Upgrade","$6,000.00","5/20/2024","0065g00000AbC08"
"Subtotal","","","$15,000.00","",""
"Stage: Closed Won (2 records)"
"Jane Example","Acme Test","Acme Test - 200 seats","$12,500.00","3/28/2024","0065g00000AbC01"
"Jane Example","Epsilon Inc","Epsilon - Renewal","$7,500.00","4/2/2024","0065g00000AbC05"
"Subtotal","","","$20,000.00","",""
"Stage: Closed Lost (1 record)"
"Tom Placeholder","Beta Corp","Beta Corp - Pilot","$4,800.00","3/12/2024","0065g00000AbC02"
"Subtotal","","","$4,800.00","",""

"Grand Totals (8 records)","","","$46,300.00","",""

"Confidential Information - Do Not Distribute"
"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."
'''


def groups_skipped(draft_or_raw):
    raw = getattr(draft_or_raw, "raw", draft_or_raw)
    return [s.row_no for s in raw.skipped if s.reason == "group"]


def by_manager(store, info):
    with store.connect() as con:
        return con.execute(f"SELECT manager, count(*) FROM ds_{info.id}.deals GROUP BY 1 ORDER BY 1").fetchall()


def findings(store, info, code):
    with store.connect() as con:
        return [r[0] for r in con.execute(f"SELECT detail FROM ds_{info.id}.quality WHERE code = ?", [code]).fetchall()]


def test_salesforce_stage_group_rows_become_the_stage_column(mem_store):
    info, built, draft = import_file(mem_store, SF.encode(), "pipeline_by_stage.csv")
    assert draft.raw.headers[-1] == "Stage" and draft.mapping.fields["stage"] == len(draft.raw.headers) - 1
    # 8 deals (2 + 1 + 2 + 2 + 1); won AbC01 12,500 + AbC05 7,500 = 20,000; lost AbC02
    assert outcome(mem_store, info) == (8, 2, 1, 20000.0) and built["rows_rejected"] == 0
    # Prospecting: all 8 (the lost deal has no stage it was lost at: counted at the first);
    # Proposal/Price Quote: AbC06 + Negotiation's AbC03, AbC08 + the 2 won = 5; Negotiation/Review: 2 + 2 = 4
    assert reached(mem_store, info) == [("Prospecting", 8), ("Proposal/Price Quote", 5),
                                        ("Negotiation/Review", 4), ("Closed Won", 2)]
    # the group rows are lines 2, 6, 9, 13 and 17 of the file, listed as skipped; every count matches
    assert groups_skipped(draft) == [2, 6, 9, 13, 17]
    assert findings(mem_store, info, "readers.group_count_mismatch") == []


def test_value_with_count_labels_in_a_workbook(mem_store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [["Сделка", "Ответственный", "Сумма", "Дата создания"],
            ["Новая заявка (2)"],
            ["Сделка 1", "Анна", 1000, "2024-03-01"], ["Сделка 2", "Борис", 2000, "2024-03-02"],
            ["Переговоры (1)"],
            ["Сделка 3", "Анна", 5000, "2024-02-10"],
            ["Успешно реализовано (2)"],
            ["Сделка 4", "Анна", 7000, "2024-01-15"], ["Сделка 5", "Борис", 3000, "2024-01-20"],
            ["Закрыто и не реализовано (1)"],
            ["Сделка 6", "Борис", 4000, "2024-01-05"],
            ["Итого", None, 22000]]
    for row in rows:
        ws.append(row)
    path = tmp_path / "funnel.xlsx"
    wb.save(path)
    info, built, draft = import_file(mem_store, path.read_bytes(), "funnel.xlsx")
    # 6 deals; won Сделка 4 (7,000) + Сделка 5 (3,000) = 10,000; lost Сделка 6
    assert outcome(mem_store, info) == (6, 2, 1, 10000.0) and built["rows_rejected"] == 0
    # open stages by their words: a new request before negotiation. Новая заявка: all 6; Переговоры:
    # Сделка 3 + the 2 won = 3; won 2
    assert reached(mem_store, info) == [("Новая заявка", 6), ("Переговоры", 3), ("Успешно реализовано", 2)]
    assert groups_skipped(draft) == [2, 5, 7, 10]  # sheet rows of the four labels
    assert by_manager(mem_store, info) == [("Анна", 3), ("Борис", 3)]


def test_a_1c_report_with_managers_then_stages_and_their_totals(mem_store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [["Воронка продаж"], ["Период: 01.01.2024 - 31.03.2024"], [],
            ["Сделка", "Сумма", "Дата"],
            ["Иванов И.И.", 18000],              # row 5: level 1, 6,000 + 12,000
            ["Переговоры", 6000],                # row 6: level 2
            ["Сделка А", 2000, "10.01.2024"], ["Сделка Б", 4000, "12.01.2024"],
            ["Успешно реализовано", 12000],      # row 9
            ["Сделка В", 12000, "15.01.2024"],
            ["Петров П.П.", 9500],               # row 11: 1,500 + 8,000
            ["Квалификация", 1500],              # row 12
            ["Сделка Г", 1500, "20.01.2024"],
            ["Закрыто и не реализовано", 8000],  # row 14
            ["Сделка Д", 3000, "21.01.2024"], ["Сделка Е", 5000, "22.01.2024"],
            ["Итого", 27500]]
    for row in rows:
        ws.append(row)
    path = tmp_path / "1c.xlsx"
    wb.save(path)
    info, built, draft = import_file(mem_store, path.read_bytes(), "1c.xlsx")
    # bare values: people written as surname and initials are the managers, stage words the stages
    assert draft.raw.headers == ["Сделка", "Сумма", "Дата", "Manager", "Stage"]
    # 6 deals: А, Б (Переговоры), В (won, 12,000), Г (Квалификация), Д, Е (lost)
    assert outcome(mem_store, info) == (6, 1, 2, 12000.0) and built["rows_rejected"] == 0
    # Квалификация: all 6 (lost at an unknown stage count at the first); Переговоры: А, Б + В = 3; won 1
    assert reached(mem_store, info) == [("Квалификация", 6), ("Переговоры", 3), ("Успешно реализовано", 1)]
    assert by_manager(mem_store, info) == [("Иванов И.И.", 3), ("Петров П.П.", 3)]
    assert groups_skipped(draft) == [5, 6, 9, 11, 12, 14]


def test_labelled_1c_groups_in_a_semicolon_csv(mem_store):
    data = ("Сделка;Сумма;Дата создания\n"
            "Ответственный: Иванов И.И.;6 000,00;\n"
            "Этап сделки: Переговоры (2);6 000,00;\n"
            "Сделка А;2 000,00;10.01.2024\n"
            "Сделка Б;4 000,00;12.01.2024\n"
            "Ответственный: Петров П.П.;3 000,00;\n"
            "Этап сделки: Успешно реализовано (1);3 000,00;\n"
            "Сделка В;3 000,00;15.01.2024\n"
            "Итого;9 000,00;\n")
    info, built, draft = import_file(mem_store, data.encode("utf-8"), "1c.csv")
    # the labels' field names are the headers, which the mapping knows: manager and stage
    assert draft.raw.headers == ["Сделка", "Сумма", "Дата создания", "Ответственный", "Этап сделки"]
    assert draft.mapping.fields["manager"] == 3 and draft.mapping.fields["stage"] == 4
    # 3 deals; won В 3,000; none lost
    assert outcome(mem_store, info) == (3, 1, 0, 3000.0) and built["rows_rejected"] == 0
    # Переговоры: А, Б + В = 3; won 1
    assert reached(mem_store, info) == [("Переговоры", 3), ("Успешно реализовано", 1)]
    assert by_manager(mem_store, info) == [("Иванов И.И.", 2), ("Петров П.П.", 1)]
    assert groups_skipped(draft) == [2, 3, 6, 7]


def staged(data: str, name: str):
    con = duckdb.connect()
    return stage_file(con, data.encode(), name)


def test_a_note_a_sparse_deal_or_a_sparse_history_row_grows_no_column():
    # one note row among deals: 3 rows stay, no column added
    raw = staged("Deal,Stage,Amount\nA,Prospecting,100\nCall back on Friday\nB,Closed Won,200\n", "notes.csv")
    assert raw.headers == ["Deal", "Stage", "Amount"] and raw.n_rows == 3 and groups_skipped(raw) == []
    # deals with a name only, or a name and an amount only (500 is not the sum of the rows under it)
    raw = staged("Deal,Stage,Amount,Owner\nAcme,,,\nB,Prospecting,100,Ann\nC,Closed Won,200,Bob\n"
                 "Delta,,500,\nE,Negotiation,300,Ann\nFoo,,,\nG,Prospecting,50,Bob\n", "sparse.csv")
    assert raw.headers == ["Deal", "Stage", "Amount", "Owner"] and raw.n_rows == 7 and groups_skipped(raw) == []
    # a stage history whose rows sometimes carry the deal's id only
    raw = staged("deal_id,stage,entered_at\nD1,New,2024-01-01\nD1,,\nD2,New,2024-01-02\nD2,,\n"
                 "D3,Won,2024-01-03\n", "history.csv")
    assert raw.headers == ["deal_id", "stage", "entered_at"] and raw.n_rows == 5 and groups_skipped(raw) == []


def test_a_group_whose_record_count_differs_is_reported(mem_store):
    data = SF.replace("Stage: Closed Won (2 records)", "Stage: Closed Won (3 records)")
    info, built, draft = import_file(mem_store, data.encode(), "pipeline_short.csv")
    # the rows are read all the same (8 deals, 2 won for 20,000) and the one group is named: it says 3,
    # 2 rows are under it (AbC01, AbC05)
    assert outcome(mem_store, info) == (8, 2, 1, 20000.0)
    [detail] = findings(mem_store, info, "readers.group_count_mismatch")
    assert '"said": 3' in detail and '"n": 2' in detail and "Closed Won (3 records)" in detail


def _metrics(store, info) -> dict:
    from funnel.metrics import metrics_json
    from funnel.spec import FunnelSpec

    with store.connect() as con:
        return metrics_json(con, info, FunnelSpec())


def _notes(store, info) -> set[str]:
    with store.connect() as con:
        return {c for (c,) in con.execute(f"SELECT code FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall()}


def test_chinese_group_labels_with_full_width_colon_and_record_counts(mem_store):
    assert parse_label("阶段：初步接洽（3条）") == ("阶段", "初步接洽", 3, True)
    assert parse_label("负责人：张三（2条）") == ("负责人", "张三", 2, True)
    data = ("商机名称,客户名称,商机金额,创建时间\n"
            "负责人：张三（2条）,,,\n阶段：初步接洽（1条）,,,\nERP升级,华星科技,10000,2024-01-05\n"
            "阶段：赢单（1条）,,,\nOA续费,远航物流,20000,2024-01-08\n"
            "负责人：李四（3条）,,,\n阶段：初步接洽（1条）,,,\n数据平台,恒通制造,5000,2024-01-10\n"
            "阶段：输单（1条）,,,\n安全审计,金盾银行,8000,2024-01-12\n"
            "阶段：赢单（1条）,,,\n云迁移,蓝海零售,30000,2024-01-15\n"
            "合计,,73000,\n")
    info, built, draft = import_file(mem_store, data.encode(), "分组报表.csv")
    assert draft.raw.headers[-2:] == ["负责人", "阶段"]
    # 7 group rows and the 合计 row skipped; 5 deals: won OA续费 20,000 + 云迁移 30,000 = 50,000, lost 安全审计,
    # open ERP升级 and 数据平台; 张三 2 deals, 李四 3 (as the labels say: no count mismatch)
    assert sorted(s.reason for s in draft.raw.skipped) == ["group"] * 7 + ["total"]
    figures = _metrics(mem_store, info)
    assert (figures["deals"], figures["won"], figures["lost"], figures["open"], figures["revenue"]) == (
        5, 2, 1, 2, 50_000)
    with mem_store.connect() as con:
        assert con.execute(f"SELECT manager, count(*) FROM ds_{info.id}.deals GROUP BY 1 ORDER BY 1").fetchall() == [
            ("张三", 2), ("李四", 3)]
    assert "readers.group_count_mismatch" not in _notes(mem_store, info)
