"""Issue 16, a nineteenth look at exports: online schools' orders in Russian, Chinese ad platforms' leads and
Chinese shops' orders (each file written here in the layout the product's export or its readers show, values
invented, counts worked out by hand):

- GetCourse's «Заказы» export (51 columns, `;`, UTF-8 with a BOM, «01.12.2019 10:50»; the column list of a
  TypeScript ``CsvService.readCsvOrder`` and a Python ``DealsSchema`` that read downloaded exports, a short real
  excerpt in a pandas course's README; statuses from a client's ``convertStatusToListId``). Before: read as an A/B
  visitor file (``Пользователь`` the visitor, the all-zero «Другие комиссии» a yes/no conversion): 12 orders, 12
  lost, no warning. As a deal list its order was guessed with «Завершен» second and nothing won.
- 抖店 (Douyin shop) orders (the header of a test fixture that replays real exports: ``主订单编号, 子订单编号,
  选购商品, …, 订单应付金额, …, 订单提交时间, 订单完成时间, 订单状态``, ids written after a tab so Excel keeps
  them as text, one row per sub-order). Before: a traceback (the 19-digit order numbers summed as step counts
  overflowed); mapped by hand, 已关闭 open and a won order's second sub-order dropped as a duplicate.
- 有赞 (Youzan) orders (the columns a script reading the export keeps: ``订单号, …, 订单状态, 订单创建时间, …,
  商品金额合计, …, 应收订单金额, 订单实付金额, …``). Before: refused for want of a stage; mapped by hand,
  nothing won or lost and the order reversed.
- 巨量引擎 (Ocean Engine / Douyin ads) leads (the Chinese columns a script writes from ``tools/clue/get``, and
  the API's own answer: ``clue_id, clue_state_name, clue_owner_name, create_time_detail``; stage values from
  the API's clue model). Before: refused (线索阶段 unknown, and past the ten headers the message named); mapped
  by hand, 转商机 (handed over as an opportunity) not won, «待再次沟通» after it, the creation date taken from
  the empty «日期».
"""

from __future__ import annotations

import io
import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.mapping.status import classify_stage_name, classify_status_value
from tests.unit.test_crm_exports_spreadsheets import kinds, outcome, reached

GETCOURSE_HEADER = (
    "ID заказа;Номер;ID пользователя;Пользователь;Email;Телефон;Дата создания;Дата оплаты;Title;Статус;"
    "Стоимость, RUB;Оплачено;Комиссия платежной системы;Получено;Налог;"
    "Осталось после вычета комиссии платежной системы и налога;Другие комиссии;Заработано;Валюта;Менеджер;Город;"
    "Платежная система;ID партнера;Использован промокод;Промоакция;ID партнера заказа;Email партнера заказа;"
    "ФИО партнера заказа;ID партнера пользователя;Email партнера пользователя;ФИО партнера пользователя;utm_source;"
    "utm_medium;utm_campaign;utm_content;utm_term;utm_group;Партнерский источник;Партнерский код;Партнер (сессия);"
    "user_utm_source;user_utm_medium;user_utm_campaign;user_utm_content;user_utm_term;user_utm_group;user_gcpc;Теги;"
    "Теги предложений\n")
# 11 orders: (status, price, paid on)
GETCOURSE_ORDERS = [("Завершен", 5000, True), ("Завершен", 12000, True), ("Отменен", 5000, False),
                    ("Ложный", 0, False), ("Новый", 5000, False), ("В работе", 12000, False),
                    ("Ожидаем оплаты", 12000, False), ("Частично оплачен", 12000, True),
                    ("Ожидаем возврата", 5000, True), ("Отложен", 3000, False), ("Не подтвержден", 5000, False)]


def _getcourse() -> bytes:
    rows = []
    for k, (status, price, paid) in enumerate(GETCOURSE_ORDERS, 1):
        paid_on = f"{k + 1:02d}.12.2019 12:00" if paid else ""
        cells = [str(300000 + k), str(1062800 + k), str(9000 + k), f"Клиент {k}", f"c{k}@example.ru", "79000000000",
                 f"{k:02d}.12.2019 10:50", paid_on, "Курс «Старт»", status, str(price), str(price if paid else 0),
                 "0", "0", "0", "0", "0", "0", "RUB", "Анна Петрова" if k % 2 else "Игорь Смирнов", "Москва",
                 "Тинькофф"] + [""] * 9 + ["yandex" if k % 3 else "vk"] + [""] * 17
        rows.append(";".join(cells))
    return ("\ufeff" + GETCOURSE_HEADER + "\n".join(rows) + "\n").encode()


def test_getcourse_orders_are_orders_not_visitors_and_follow_its_statuses(mem_store):
    info, _built, _ = import_file(mem_store, _getcourse(), "orders.csv")
    assert info.shape == "deals" and info.meta["mapping"]["preset"] == "getcourse_ru"
    # won: the two «Завершен» (5,000 + 12,000); lost: Отменен, Ложный, Ожидаем возврата; open: the other six
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (11, 2, 3, 6, 17000)
    assert kinds(mem_store, info) == {"Завершен": "won", "Отменен": "lost", "Ложный": "lost",
                                      "Ожидаем возврата": "lost"}
    # reached (the lost keep no stage: counted at the first): 11; Не подтвержден 11 - 3 lost - 1 Новый = 7;
    # Отложен 7 - 1 = 6; В работе 6 - 1 = 5; Ожидаем оплаты 4; Частично оплачен 3; Завершен 2
    assert reached(mem_store, info) == [("Новый", 11), ("Не подтвержден", 7), ("Отложен", 6), ("В работе", 5),
                                        ("Ожидаем оплаты", 4), ("Частично оплачен", 3), ("Завершен", 2)]


def test_getcourse_short_export_is_known_too(mem_store):
    text = ("Номер;Дата создания;Дата оплаты;Title;Статус;Заработано;Город;Платежная система\n"
            "1062823;01.12.2019 10:50;01.12.2019 10:52;Курс «Эксперт»;Завершен;29597.5;Чита;Сбербанк эквайринг\n"
            "1062824;02.12.2019 11:00;;Курс «Эксперт»;Ложный;0;Москва;\n"
            "1062825;03.12.2019 12:00;;Курс «Старт»;Новый;0;Москва;\n")
    info, _built, _ = import_file(mem_store, text.encode(), "orders.csv")
    assert info.meta["mapping"]["preset"] == "getcourse_ru"
    assert outcome(mem_store, info)[:4] == (3, 1, 1, 1)


def test_a_buyers_order_list_with_a_zero_column_is_no_ab_file(mem_store):
    # not GetCourse: any order list where a buyer's column stands beside a manager, a status of words and a
    # column of zeros (a discount nobody got): 3 orders, 1 won, 1 lost, 1 open, not 3 "visitors"
    text = ("Пользователь,Статус,Менеджер,Скидка,Сумма\nАнна,Успешно реализовано,Олег,0,100\n"
            "Борис,Закрыто и не реализовано,Олег,0,200\nВера,Переговоры,Ира,0,300\n")
    info, _built, _ = import_file(mem_store, text.encode(), "orders.csv")
    assert info.shape == "deals"
    assert outcome(mem_store, info)[:5] == (3, 1, 1, 1, 100)


DOUDIAN_HEADER = ("\ufeff主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,"
                  "订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,"
                  "商家实际承担优惠金额,达人实际承担优惠金额\n")
# (main order, sub-order lines [(product, amount)], status, completed): 10 orders in 12 rows
DOUDIAN_ORDERS = [(1, [("辣丝丝", "28.90")], "已完成"), (2, [("玉肌皂", "29.90"), ("洗面奶", "49.90")], "已完成"),
                  (3, [("辣丝丝", "59.00")], "已完成"), (4, [("玉肌皂", "39.90")], "已发货"),
                  (5, [("洗面奶", "19.90")], "已发货"), (6, [("辣丝丝", "15.00")], "待发货"),
                  (7, [("玉肌皂", "22.00")], "待支付"), (8, [("洗面奶", "66.00")], "已关闭"),
                  (9, [("辣丝丝", "12.00")], "已关闭"), (10, [("玉肌皂", "100.00"), ("洗面奶", "28.00")], "已完成")]


def _doudian() -> bytes:
    rows = []
    for order, lines, status in DOUDIAN_ORDERS:
        for k, (product, amount) in enumerate(lines, 1):
            done = f"2024-05-{order + 3:02d} 12:00:00" if status == "已完成" else "-"
            rows.append(f'"\t69179267688236400{order:02d}","\t69179267688236401{order:02d}{k}","\t{product}","\t1袋",1,'
                        f'"\t30040001{order:02d}{k}",{amount},0.00,##密文,$$密文,##密文,2024-05-{order:02d} 10:00:00,-,'
                        f'{done},{status},-,,-,0.00,0.00,0.00')
    return (DOUDIAN_HEADER + "\n".join(rows) + "\n").encode()


def test_douyin_shop_orders_fold_their_sub_orders_and_end_as_completed_or_closed(mem_store):
    info, _built, _ = import_file(mem_store, _doudian(), "orders.csv")
    assert info.shape == "deals"
    # won 已完成: orders 1, 2, 3, 10 = 28.90 + (29.90 + 49.90) + 59.00 + (100.00 + 28.00) = 295.70; lost 已关闭 2;
    # open 4 (已发货 2, 待发货 1, 待支付 1)
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_) == (10, 4, 2, 4) and round(amount, 2) == 295.70
    # reached: 10; 待发货 10 - 2 lost - 1 = 7; 已发货 6; 已完成 4
    assert reached(mem_store, info) == [("待支付", 10), ("待发货", 7), ("已发货", 6), ("已完成", 4)]


YOUZAN_HEADER = ("\ufeff订单号,归属店铺,订单类型,订单状态,订单创建时间,买家付款时间,商品种类数,付款方式,支付流水号,商品金额合计,运费,"
                 "店铺优惠合计,应收订单金额,订单实付金额,全部商品名称,收货人/提货人,收货人手机号/提货人手机号,收货人省份,"
                 "收货人城市,收货人地区,详细收货地址/提货地址,买家姓名,订单退款状态\n")
# (status, goods total, shop discount): paid = total - discount
YOUZAN_ORDERS = [("交易成功", "138.00", "10.00"), ("交易成功", "59.90", "0.00"), ("交易成功", "299.00", "0.00"),
                 ("交易成功", "45.50", "10.00"), ("交易关闭", "88.00", "0.00"), ("交易关闭", "20.00", "0.00"),
                 ("待付款", "30.00", "0.00"), ("待发货", "40.00", "0.00"), ("已发货", "50.00", "0.00"),
                 ("已发货", "60.00", "0.00")]


def _youzan() -> bytes:
    rows = []
    for k, (status, total, discount) in enumerate(YOUZAN_ORDERS, 1):
        paid = f"{float(total) - float(discount):.2f}"
        rows.append(f"E2024050{k:02d}10001200000{k:02d},海外营养馆,普通订单,{status},2024-05-{k:02d} 10:00:12,"
                    f"2024-05-{k:02d} 10:01:02,1,微信支付,4200001000000000000{k:02d},{total},0.00,{discount},{paid},"
                    f"{paid},舞昆 昆布 200g,王*,138****0000,上海市,上海市,浦东新区,世纪大道**号,王*,无退款")
    return (YOUZAN_HEADER + "\n".join(rows) + "\n").encode()


def test_youzan_orders_read_what_was_paid_and_close_as_lost(mem_store):
    info, _built, _ = import_file(mem_store, _youzan(), "orders.csv")
    # won 交易成功 4, paid 128.00 + 59.90 + 299.00 + 35.50 = 522.40 (not the goods' 542.40 before discounts)
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_) == (10, 4, 2, 4) and round(amount, 2) == 522.40
    assert reached(mem_store, info) == [("待付款", 10), ("待发货", 7), ("已发货", 6), ("交易成功", 4)]


JULIANG_HEADER = ["姓名", "电话", "线索ID", "通话状态", "所属人", "标签", "线索类型", "流量来源", "转化状态", "落地页链接",
                  "线索创建时间", "自动定位城市", "广告主ID", "广告主名称", "线索阶段", "微信", "QQ号", "性别", "年龄", "邮箱",
                  "日期", "详细地址", "备注", "补充信息", "广告计划ID", "广告计划名称", "组件ID", "组件名称", "分配状态"]
# 12 leads: 新线索 3, 待再次沟通 2, 已加微信 1, 有意向 2, 转商机 2 (won), 无效 2 (lost)
JULIANG_STAGES = ["新线索"] * 3 + ["待再次沟通"] * 2 + ["已加微信", "有意向", "有意向", "转商机", "转商机", "无效", "无效"]


def _juliang_rows():
    for k, stage in enumerate(JULIANG_STAGES, 1):
        owner = "张伟" if k <= 6 else "李娜" if k <= 11 else ""
        yield {"姓名": f"客户{k}", "电话": f"1850555{k:04d}", "线索ID": f"69434970895401770{k:02d}", "通话状态": "未联系",
               "所属人": owner, "流量来源": "抖音" if k % 3 else "今日头条", "转化状态": "合法转化",
               "线索创建时间": f"2024-03-{k:02d} 10:12:33", "广告主ID": "1654420645388365", "线索阶段": stage,
               "日期": "", "年龄": "0", "分配状态": "已分配" if owner else "待分配"}


def test_ad_platform_leads_are_a_funnel_to_the_handed_over_opportunity(mem_store):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(JULIANG_HEADER)
    for row in _juliang_rows():
        ws.append([row.get(h) or None for h in JULIANG_HEADER])
    buf = io.BytesIO()
    wb.save(buf)
    info, _built, _ = import_file(mem_store, buf.getvalue(), "clues.xlsx")
    fields = info.meta["mapping"]["fields"]
    assert {f: h for f, h in fields.items() if f in ("deal_id", "stage", "created_at", "manager", "source")} == {
        "deal_id": "线索ID", "stage": "线索阶段", "created_at": "线索创建时间", "manager": "所属人", "source": "流量来源"}
    assert outcome(mem_store, info)[:4] == (12, 2, 2, 8)
    # the contact rung (待再次沟通 2 before 已加微信 1, most leads first), then an intent, then the opportunity:
    # reached 12; 12 - 2 lost - 3 new = 7; 7 - 2 = 5; 5 - 1 = 4; 转商机 2
    assert reached(mem_store, info) == [("新线索", 12), ("待再次沟通", 7), ("已加微信", 5), ("有意向", 4),
                                        ("转商机", 2)]


def test_ad_platform_leads_from_the_api_answer(mem_store):
    leads = [{"clue_id": row["线索ID"], "name": row["姓名"], "create_time": row["线索创建时间"][:10],
              "create_time_detail": row["线索创建时间"], "date": None, "clue_state": 0,
              "clue_state_name": row["线索阶段"], "clue_owner_name": row["所属人"], "app_name": row["流量来源"]}
             for row in _juliang_rows()]
    body = json.dumps({"code": 0, "message": "OK", "data": {"list": leads, "page_info": {"page": 1, "total_number": 12}}},
                      ensure_ascii=False)
    info, _built, _ = import_file(mem_store, body.encode(), "clues.json")
    fields = info.meta["mapping"]["fields"]
    assert {f: fields.get(f) for f in ("deal_id", "stage", "manager")} == {
        "deal_id": "clue_id", "stage": "clue_state_name", "manager": "clue_owner_name"}
    assert outcome(mem_store, info)[:4] == (12, 2, 2, 8)


def test_a_refusal_for_want_of_a_stage_names_the_columns_that_may_hold_it(mem_store):
    headers = [f"Поле {k}" for k in range(1, 15)] + ["Статус визита"]
    text = ",".join(headers) + "\n" + ",".join(["x"] * 14 + ["Клиент пришел"]) + "\n"
    with pytest.raises(FunnelError) as exc:
        import_file(mem_store, text.encode(), "records.csv")
    assert exc.value.code == "import.missing_column"
    assert exc.value.params["headers"].startswith("Статус визита, Поле 1")


def test_two_equal_matches_take_the_filled_column(mem_store):
    # «日期» and «创建时间» both name the creation; the first is empty in every row
    text = "名称,阶段,日期,创建时间\nA,初步接触,,2024-03-01\nB,赢单,,2024-03-05\n"
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    assert info.meta["mapping"]["fields"]["created_at"] == "创建时间"


def test_a_count_column_of_ids_or_money_beyond_any_funnel_is_refused_in_words(mem_store):
    text = "Campaign,Impressions,Clicks\nA,5000000000000000000,120\nB,12,3\n"
    with pytest.raises(FunnelError) as exc:
        import_file(mem_store, text.encode(), "report.csv")
    assert exc.value.code == "import.counts_too_large" and exc.value.params["stage"] == "Impressions"
    assert "Impressions" in exc.value.message("ru")


@pytest.mark.parametrize(("value", "kind"), [("Провал", "lost"), ("Клиент пришел", "won"), ("Клиент не пришёл", "lost"),
                                             ("Ожидание клиента", "open"), ("转商机", "won")])
def test_status_words_of_this_round(value, kind):
    assert classify_status_value(value) == kind


def test_handed_over_as_an_opportunity_is_a_won_stage():
    assert classify_stage_name("转商机") == "won" and classify_stage_name("клиент не пришел") == "lost"
