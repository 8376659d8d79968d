"""Issue 16, a third survey: deal exports of Chinese and Russian CRMs whose layouts come from the
products' own open-source code (no real export of theirs is public), and two Excel/status quirks they
showed. The rows are invented; the headers, value formats and closing words are the products':

- 悟空CRM (WuKongOpenSource/WukongCRM-11.0-JAVA): ``CrmBusinessServiceImpl.exportExcel`` writes a real
  .xls whose first row is the merged title «商机信息», then the fields of ``crm_field`` label 5; no id
  column. Its seed (``DB/wk_crm_single.sql``, ``wk_crm_business_status``) gives the default stages
  验证客户 → 需求分析 → 方案/报价 of the group 销售流程商机组 / 默认商机组; a deal ends as 赢单, 输单
  or 无效 (``is_end`` 1, 2, 3), shown in 商机阶段.
- 芋道 yudao CRM: ``CrmBusinessController.exportBusinessExcel`` writes «商机.xls» with EasyExcel, whose
  output is xlsx: a zip under an .xls name. Columns from ``CrmBusinessRespVO``'s ``@ExcelProperty``
  list (编号, 商机名称, …, 负责人名字, 商机状态组, 商机状态, 结束状态, …, 商机总金额, …).
- Odoo 16 in Chinese (odoo/odoo ``addons/crm/i18n/zh_CN.po``): 商机 (Opportunity), 销售员, 销售团队,
  阶段, 预期收益 (Expected Revenue), 概率, 预期结束, 创建时间, 关闭日期, 启用 (Active); default
  stages 新建 → 验证 → 建议 → 赢得. A lost opportunity is archived: 启用 False, in its stage.
- SalesMan CRM (vladandreevg/salesmancrm ``content/helpers/deal.export.php``): ``fputcsv`` with «;»,
  spaces in headers written as dots (``Сумма.план.``, ``Статус.закрытия``); stages are percents
  0/20/40/60/80/90/100 (``app_dogcategory``); the outcome is «Статус закрытия»: «Победа полная»,
  «Победа, договорились с конкурентами», «Проигрыш по цене», «Отменена Заказчиком», «Отказ от участия».

Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from funnel.importer import import_file
from funnel.metrics import metrics_json
from funnel.spec import FunnelSpec

DATA = Path(__file__).parent / "data"


def metrics(store, info):
    with store.connect() as con:
        return metrics_json(con, info, FunnelSpec())


def quality_codes(store, info) -> dict:
    with store.connect() as con:
        return dict(con.execute(f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall())


def test_wukong_crm_business_export_xls(mem_store):
    """``wukong_business.xls``: a BIFF8 workbook (written with xlwt in WukongCRM's layout): the title
    row «商机信息» merged over the columns, the header, 16 deals."""
    info, built, _ = import_file(mem_store, DATA / "wukong_business.xls")
    mapping = info.meta["mapping"]
    assert mapping["preset"] == "wukong"
    assert (mapping["fields"]["stage"], mapping["fields"]["amount"], mapping["fields"]["manager"],
            mapping["fields"]["pipeline"]) == ("商机阶段", "商机金额", "负责人", "商机状态组")
    assert info.meta["stage_order"] == {"默认商机组": ["验证客户", "需求分析", "方案/报价", "赢单"]}
    got = metrics(mem_store, info)
    # by hand: 赢单 ERP升级 128,000, OA续费 19,800, 年度维保 22,000, 会员营销 40,000; 输单 ×2 and 无效 ×1 are
    # closed without a sale; 3 open deals in each of the three stages
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (16, 4, 3, 9)
    assert got["revenue"] == 128_000 + 19_800 + 22_000 + 40_000
    # reached: every deal the first stage (the 3 lost ones record no stage: counted there); 需求分析 its 3
    # open, the 3 of 方案/报价 and the 4 won; 方案/报价 3 + 4; 赢单 4
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("验证客户", 16), ("需求分析", 10), ("方案/报价", 7), ("赢单", 4)]
    assert "stages.order_guessed" not in quality_codes(mem_store, info)


YUDAO_HEADER = ["编号", "商机名称", "客户名称", "跟进状态", "最后跟进时间", "下次联系时间", "负责人的用户编号",
                "负责人名字", "负责人部门", "商机状态组", "商机状态", "结束状态", "结束时的备注", "预计成交日期",
                "产品总金额", "整单折扣", "商机总金额", "备注", "创建人", "创建人名字", "创建时间", "更新时间"]
# (编号, 商机状态, 结束状态, 商机总金额, 负责人名字)
YUDAO_ROWS = [(1024, "方案报价", None, 120000, "芋道"), (1025, "赢单", 1, 45000, "源码"),
              (1026, "初步接洽", None, 300000, "芋道"), (1027, "输单", 2, 20000, "小王"),
              (1028, "商务谈判", None, 85500, "源码"), (1029, "无效", 3, 12000, "小王"),
              (1031, "赢单", 1, 22000, "小王")]


def _yudao_xlsx() -> bytes:
    import datetime as dt

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("数据")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, YUDAO_HEADER)
    for r, (no, state, end, total, owner) in enumerate(YUDAO_ROWS, start=1):
        values = [str(no), f"商机{no}", "杭州悦家超市", True, None, None, "142", owner, "研发部门", "默认状态组",
                  state, end, None, None, total, 0, total, None, "1", "芋道源码"]
        for c, v in enumerate(values):
            if v is not None:
                sheet.write(r, c, v)
        sheet.write_datetime(r, 20, dt.datetime(2024, 2, r, 10, 0), when)
        sheet.write_datetime(r, 21, dt.datetime(2024, 3, r, 10, 0), when)
    book.close()
    return buffer.getvalue()


def test_yudao_crm_xlsx_saved_as_xls(mem_store):
    """«商机.xls» holds xlsx bytes: it was refused as a damaged xls (the Excel reader chose by the name)."""
    data = _yudao_xlsx()
    assert data[:4] == b"PK\x03\x04"
    info, built, _ = import_file(mem_store, data, "商机.xls")
    fields = info.meta["mapping"]["fields"]
    assert (fields["deal_id"], fields["stage"], fields["manager"], fields["pipeline"], fields["amount"]) == (
        "编号", "商机状态", "负责人名字", "商机状态组", "商机总金额")
    got = metrics(mem_store, info)
    # 赢单 1025 and 1031; 输单 1027 and 无效 1029 closed without a sale; 3 open
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (7, 2, 2, 3)
    assert got["revenue"] == 45_000 + 22_000
    # stage names of the company's own: placed by their words (接洽 a contact, 报价 a quote, 谈判 a
    # negotiation), and said to be a guess
    assert info.meta["stage_order"] == {"默认状态组": ["初步接洽", "方案报价", "商务谈判", "赢单"]}
    assert "stages.order_guessed" in quality_codes(mem_store, info)


ODOO_ZH = (
    '"商机","客户","销售员","销售团队","阶段","预期收益","概率","预期结束","创建时间","关闭日期","启用"\n'
    '"ERP实施项目","上海恒达机械","Mitchell Admin","销售","赢得","48000.0","100.0","2023-03-31",'
    '"2023-01-05 02:15:33","2023-03-28 07:40:12","True"\n'
    '"收银终端20台","杭州悦家超市","Marc Demo","销售","建议","36000.0","60.0","2023-04-20","2023-01-09 06:00:00","","True"\n'
    '"仓储系统咨询","苏州云仓物流","Marc Demo","销售","验证","12000.0","30.0","2023-05-15","2023-01-12 03:30:00","","True"\n'
    '"办公家具采购","南京金陵设计院","Mitchell Admin","销售","新建","8800.0","10.0","","2023-01-15 01:10:00","","True"\n'
    '"CRM培训","合肥科创电子","Mitchell Admin","销售","验证","5000.0","0.0","2023-03-01","2023-01-18 08:00:00",'
    '"2023-02-20 02:00:00","False"\n'
    '"监控系统改造","无锡新城物业","Marc Demo","网站","赢得","26500.0","100.0","2023-02-28","2023-01-20 05:45:00",'
    '"2023-02-27 09:00:00","True"\n'
    '"年度维保","常州精工模具","Marc Demo","销售","建议","15000.0","0.0","2023-03-20","2023-01-25 02:20:00",'
    '"2023-03-10 03:00:00","False"\n'
    '"会员系统","绍兴酒业","Marc Demo","网站","新建","22000.0","0.0","","2023-02-10 03:00:00","2023-02-25 01:00:00","False"\n'
    '"服务器扩容","苏州云仓物流","Mitchell Admin","销售","赢得","91000.0","100.0","2023-03-15","2023-02-06 01:00:00",'
    '"2023-03-14 06:30:00","True"\n')


def test_odoo_in_chinese_archived_opportunities_are_lost_in_their_stage(mem_store):
    info, built, _ = import_file(mem_store, ODOO_ZH.encode("utf-8"), "crm.lead.csv")
    mapping = info.meta["mapping"]
    assert mapping["preset"] == "odoo"
    assert (mapping["fields"]["deal_name"], mapping["fields"]["amount"], mapping["fields"]["manager"],
            mapping["fields"]["status"]) == ("商机", "预期收益", "销售员", "启用")
    assert info.meta["stage_order"] == {"": ["新建", "验证", "建议", "赢得"]}
    got = metrics(mem_store, info)
    # won: the three active deals at 赢得; lost: the three archived (启用 False); 3 open
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (9, 3, 3, 3)
    assert got["revenue"] == 48_000 + 26_500 + 91_000
    # lost where they stood: CRM培训 at 验证 (2), 年度维保 at 建议 (3), 会员系统 at 新建 (1). Reached 验证:
    # 收银终端, 仓储, the 3 won, CRM培训, 年度维保 = 7; 建议: 收银终端, the 3 won, 年度维保 = 5
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [("新建", 9), ("验证", 7), ("建议", 5), ("赢得", 3)]
    with mem_store.connect() as con:
        lost = con.execute(f"SELECT deal_name, lost_pos FROM ds_{info.id}.deals WHERE status = 'lost' "
                           "ORDER BY deal_name").fetchall()
    assert sorted(lost) == sorted([("CRM培训", 2), ("年度维保", 3), ("会员系统", 1)])
    found = quality_codes(mem_store, info)
    assert "status.unknown_value" not in found  # «True» leaves the outcome to the stage, no complaint


SALESMAN = (
    "Deal.ID;Название;Этап;Дата.смены.этапа;Сумма.план.;Направление;Дата.создания;Закрыта;Дата.закрытия;"
    "Статус.закрытия;Комментарий.закрытия;Сумма.факт;Клиент;Client.ID;Куратор\n"
    '101;"Поставка оборудования";100;"2024-03-28 14:05:10";250000.00;Основное;2024-01-15;Закрыта;2024-03-28;'
    '"Победа полная";"Подписан акт";250000.00;"ООО Ромашка";12;"Иванов Петр"\n'
    '102;"Внедрение CRM";60;"2024-03-10 11:00:00";480000.00;Основное;2024-01-20;Активна;;;;0.00;"АО Вектор";15;'
    '"Петрова Анна"\n'
    '103;"Аудит ИТ";40;"2024-02-25 09:30:00";90000.00;Основное;2024-02-01;Закрыта;2024-03-05;"Проигрыш по цене";'
    'Дорого;0.00;"ИП Сидоров";18;"Иванов Петр"\n'
    '105;"Доп. поставка";100;"2024-03-14 10:10:00";75000.00;Основное;2024-02-10;Закрыта;2024-03-14;'
    '"Победа, договорились с конкурентами";;72000.00;"ООО Ромашка";12;"Петрова Анна"\n'
    '106;"Обучение персонала";20;"2024-02-20 12:00:00";40000.00;Основное;2024-02-12;Активна;;;;0.00;"ООО Дельта";25;'
    '"Сидоров Олег"\n'
    '107;"Лицензии ПО";80;"2024-03-01 15:20:00";130000.00;Основное;2024-02-14;Закрыта;2024-03-25;'
    '"Отменена Заказчиком";"Бюджет заморожен";0.00;"ПАО Север";27;"Иванов Петр"\n'
    '108;"Монтаж СКС";0;"2024-02-18 10:00:00";210000.00;Основное;2024-02-18;Активна;;;;0.00;"ООО Монолит";30;'
    '"Петрова Анна"\n'
    '110;"Поддержка 1С";20;"2024-03-02 09:00:00";36000.00;Основное;2024-02-25;Закрыта;2024-03-12;'
    '"Отказ от участия";;0.00;"ООО Прогресс";35;"Иванов Петр"\n')


def test_salesman_crm_dotted_headers_percent_stages_and_closing_statuses(mem_store):
    info, built, _ = import_file(mem_store, SALESMAN.encode("utf-8"), "export.deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["amount"], fields["manager"], fields["status"]) == ("Сумма.план.", "Куратор", "Статус.закрытия")
    # the stages are percents: in their numbers' order, a guess (said), then the won outcome
    order = info.meta["stage_order"]["Основное"]
    assert order[:6] == ["0", "20", "40", "60", "80", "100"]
    got = metrics(mem_store, info)
    # «Победа …» 101 and 105 won (250,000 + 75,000 planned); «Проигрыш …», «Отменена …», «Отказ …» lost
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (8, 2, 3, 3)
    assert got["revenue"] == 250_000 + 75_000
    with mem_store.connect() as con:
        lost = dict(con.execute(f"SELECT deal_id, lost_pos FROM ds_{info.id}.deals WHERE status = 'lost'").fetchall())
    assert lost == {"103": 3, "107": 5, "110": 2}  # at 40, 80 and 20: positions 3, 5 and 2
    assert "stages.order_guessed" in quality_codes(mem_store, info)


# SalesMan CRM's deal reports saved by its «get_csv» (reports/*.php in its public repository): abbreviated
# headers, the row counter «#» written «1.», stages named by their probability
SALESMAN_REPORT = (
    "#;Дата создан.;Дата план.;Этап сделки;Заказчик;Источник клиента;Ответств.;Описание;Сумма сделки, р.\n"
    '1.;"12.01.2024";"30.01.2024";"20%";ООО Ромашка;Сайт;Иванов И.И.;Поставка;"150 000"\n'
    '2.;"13.01.2024";"05.02.2024";"60%";ООО Лютик;Звонок;Петров П.П.;Монтаж;"80 000"\n'
    '3.;"15.01.2024";"10.02.2024";"100%";ИП Сидоров;Сайт;Иванов И.И.;Сервис;"20 000"\n'
    '4.;"16.01.2024";"12.02.2024";"80%";ООО Ландыш;Выставка;Петров П.П.;Поставка;"300 000"\n')


def test_salesman_crm_report_abbreviated_headers_and_a_100_percent_stage(mem_store):
    info, built, _ = import_file(mem_store, SALESMAN_REPORT.encode("cp1251"), "otchet.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    fields = info.meta["mapping"]["fields"]
    assert (fields["created_at"], fields["expected_close"], fields["manager"], fields["source"]) == (
        "Дата создан.", "Дата план.", "Ответств.", "Источник клиента")
    # «100%» is the sold stage: deal 3 won (20 000); the others open at 20 %, 60 %, 80 %; nothing lost
    got = metrics(mem_store, info)
    assert (got["deals"], got["won"], got["lost"], got["open"], got["revenue"]) == (4, 1, 0, 3, 20_000)
    assert info.meta["stage_order"][""] == ["20%", "60%", "80%", "100%"]


@pytest.mark.parametrize(("names", "expected", "certain"), [
    (["20", "0", "100", "40"], ["0", "20", "40", "100"], False),  # bare numbers may be ids: a guess
    (["20%", "0%", "100%"], ["0%", "20%", "100%"], True),  # percents are an order
    (["2 - Demo", "1 - Lead", "3 - Offer"], ["1 - Lead", "2 - Demo", "3 - Offer"], True),
])
def test_stages_named_by_numbers(names, expected, certain):
    from funnel.mapping.stage_names import numbered_order

    assert numbered_order(names) == (expected, certain)


def test_bitrix24_close_dates_shifted_by_a_time_zone_are_days(mem_store):
    """ctrl-lc/ctrl_bitrix ``deals.csv`` (a real Bitrix24 REST dump): CLOSEDATE is a date, written as
    «2020-03-12T03:00:00+03:00» (midnight UTC in Moscow time). A deal created at 09:22 that day and
    closed that day was "closed before it was created" (a warning, and no cycle: the fastest deals left
    out of the median)."""
    text = ("ID,STAGE_ID,OPPORTUNITY,CLOSEDATE,CLOSED,DATE_CREATE,STAGE_SEMANTIC_ID\n"
            "996,LOSE,3000000.00,2020-03-12T03:00:00+03:00,Y,2020-03-12T09:22:15+03:00,F\n"
            "3808,WON,2900000.00,2020-10-27T03:00:00+03:00,Y,2020-07-31T12:22:04+03:00,S\n"
            "1374,LOSE,0.00,2020-04-09T03:00:00+03:00,Y,2020-04-09T12:25:35+03:00,F\n"
            "6006,NEW,0.00,,N,2020-12-31T14:45:19+03:00,P\n")
    info, built, _ = import_file(mem_store, text.encode(), "deals.csv")
    with mem_store.connect() as con:
        rows = dict(con.execute(f"SELECT deal_id, cycle_days FROM ds_{info.id}.deals").fetchall())
        said = con.execute(f"SELECT column_name, value, n FROM ds_{info.id}.quality WHERE code = 'date.day_only'"
                           ).fetchall()
    # closed on the day of their creation: a cycle of 0; 3808: 31 Jul 12:22:04 -> 27 Oct (a day, no time): calendar
    # days, as Bitrix24 counts them: 31 Jul -> 31 Aug 31, -> 30 Sep 30, -> 27 Oct 27: 88 (was 87 days and 11:37:56,
    # the close taken at midnight)
    assert rows["996"] == 0 and rows["1374"] == 0
    assert rows["3808"] == 88
    assert rows["6006"] is None
    assert "date.closed_before_created" not in quality_codes(mem_store, info)
    assert said == [("CLOSEDATE", "03:00:00", 3)]


def test_amounts_that_are_all_zero_are_no_amounts(mem_store):
    """pm-g-hash/checkCSV ``bitrix.csv`` (a real Bitrix24 lead export): «Сумма» is «0.00» in every row,
    Bitrix24's placeholder when nobody filled it in; the revenue and the average deal read 0."""
    head = '"ID";"Статус";"Название лида";"Дата создания";"Источник";"Ответственный";"Сумма";"Валюта"\n'
    rows = [("10780", "Качественный лид", "30.08.2019 15:03:26"), ("10760", "Качественный лид", "30.08.2019 14:04:58"),
            ("10741", "Некачественный лид", "29.08.2019 11:20:00")]
    text = head + "".join(f'"{i}";"{s}";"№{i}";"{d}";"Звонок";"Алексей Ширшов";"0.00";"Рубль"\n' for i, s, d in rows)
    info, built, _ = import_file(mem_store, text.encode("utf-8"), "bitrix.csv")
    got = metrics(mem_store, info)
    assert (got["won"], got["lost"]) == (2, 1)  # «Качественный лид» a converted lead, «Некачественный» junk
    assert got["revenue"] is None and got["avg_deal_size"] is None
    assert quality_codes(mem_store, info)["amount.all_zero"] == 3
