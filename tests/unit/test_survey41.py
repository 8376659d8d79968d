"""Issue 16, survey 41: Ukrainian order CRMs, a Chinese no-code table, Pipefy (files in the layouts the survey found;
values invented, numbers worked out by hand).

- **KeyCRM** orders (``/order?include=manager,status``, flattened: ``status.name``, ``status_group_id``,
  ``grand_total``, ``manager_id`` beside ``manager.full_name``, ``ordered_at``; a live account's API notes) and its
  leads pipeline's cards (``/pipelines/cards``: ``status{name}``, ``manager{full_name}``, ``products_total``).
  Before: «Виконано» / «Скасовано» unknown (every order open, no revenue), managers «5», «9», «11», no amount.
- **SalesDrive**'s ``/api/order/list/`` answer: ``statusId`` and ``userId`` are codes its own
  ``meta.fields.<field>.options`` name (``[{value, text}]``; a user's script reads the same lookup). Before: read as
  an A/B visitor log, silently (3 «deals», all won, 100 %).
- **伙伴云** customer table (销售人员, 客户阶段, 流失状态 已流失 / 未流失: field names of a real table's config).
  Before: no stage, no manager, the lost deals open (win rate 100 % once the stage was mapped).
- **Pipefy**'s report (``Current phase``): before, no stage.

The same six deals in every file:

| id | outcome | stage now | created | closed | amount | owner | source |
|---|---|---|---|---|---|---|---|
| 1 | won | Won | 1 Mar 10:00 | 11 Mar | 50,000 | A | web |
| 2 | won | Won | 2 Mar 14:30 | 22 Mar | 80,000 | B | referral |
| 3 | lost | Lost (shape B: stage 2) | 5 Mar 09:00 | 8 Mar | 30,000 | A | ads |
| 4 | open | stage 3 | 10 Mar 09:00 | — | 40,000 | B | web |
| 5 | open | stage 2 | 12 Mar 09:00 | — | 20,000 | A | ads |
| 6 | open | stage 1 | 15 Mar 09:00 | — | 10,000 | B | web |

Deals 6; won 2, lost 1, open 3; win rate 2 / 3; revenue 130,000; cycles 10 and 20 calendar days, median 15.
Reached, shape A (the lost deal at a lost stage): stage 1 6; stage 2 won 2 + open 4, 5 = 4; stage 3 won 2 + open 4 = 3;
won 2. Shape B (the lost deal keeps stage 2, a status says lost): 6, 5 (+ deal 3), 3, 2.
Managers: A won 1, lost 1, open 1; B won 1, open 2.
"""

from __future__ import annotations

import json

from tests.unit.test_survey38 import _import
from tests.unit.test_survey40 import _managers, _outcomes

KEYCRM_ORDERS = (
    "id,source.name,status_id,status.name,status_group_id,grand_total,products_total,manager_id,manager.full_name,"
    "ordered_at,closed_at\n"
    "1,Сайт,12,Виконано,5,50000,50000,5,Олена Іваненко,2024-03-01 10:00:00,2024-03-11 00:00:00\n"
    "2,Рекомендація,12,Виконано,5,80000,80000,9,Андрій Петренко,2024-03-02 14:30:00,2024-03-22 00:00:00\n"
    "3,Реклама,13,Скасовано,6,30000,30000,5,Олена Іваненко,2024-03-05 09:00:00,2024-03-08 00:00:00\n"
    "4,Сайт,4,Виставлено рахунок,2,40000,40000,9,Андрій Петренко,2024-03-10 09:00:00,\n"
    "5,Реклама,2,Потреби визначено,1,20000,20000,5,Олена Іваненко,2024-03-12 09:00:00,\n"
    "6,Сайт,1,Нове замовлення,1,10000,10000,9,Андрій Петренко,2024-03-15 09:00:00,\n")


def _card(k, status, group, amount, manager, created, changed):
    return {"id": k, "title": f"Лід {k}", "status_id": group * 10, "pipeline_id": 2, "manager_id": manager[0],
            "products_total": amount, "created_at": created, "status_changed_at": changed,
            "status": {"id": group * 10, "name": status, "group_id": group, "is_closing_status": group >= 5},
            "manager": {"id": manager[0], "full_name": manager[1]}}


A, B = (5, "Олена Іваненко"), (9, "Андрій Петренко")
KEYCRM_CARDS = json.dumps({"total": 6, "current_page": 1, "per_page": 50, "data": [
    _card(1, "Успішно", 5, 50000, A, "2024-03-01 10:00:00", "2024-03-11 10:00:00"),
    _card(2, "Успішно", 5, 80000, B, "2024-03-02 14:30:00", "2024-03-22 14:30:00"),
    _card(3, "Відмова", 6, 30000, A, "2024-03-05 09:00:00", "2024-03-08 09:00:00"),
    _card(4, "Зустріч", 3, 40000, B, "2024-03-10 09:00:00", "2024-03-14 09:00:00"),
    _card(5, "Кваліфікація", 2, 20000, A, "2024-03-12 09:00:00", "2024-03-13 09:00:00"),
    _card(6, "Новий лід", 1, 10000, B, "2024-03-15 09:00:00", "2024-03-15 09:00:00")]}, ensure_ascii=False)


def _order(k, status, amount, user, created):
    return {"id": 5000 + k, "formId": 1, "version": 3, "primaryContact": {"id": 300 + k, "fName": f"Клієнт {k}"},
            "products": [{"productId": 77, "amount": 1, "price": amount}], "orderTime": created, "statusId": status,
            "paymentAmount": amount, "userId": user, "utmSource": "site"}


SALESDRIVE = json.dumps({"status": "success", "data": [
    _order(1, 5, 50000, 11, "2024-03-01 10:00:00"), _order(2, 5, 80000, 12, "2024-03-02 14:30:00"),
    _order(3, 6, 30000, 11, "2024-03-05 09:00:00"), _order(4, 3, 40000, 12, "2024-03-10 09:00:00"),
    _order(5, 2, 20000, 11, "2024-03-12 09:00:00"), _order(6, 1, 10000, 12, "2024-03-15 09:00:00")],
    "meta": {"fields": {
        "statusId": {"options": [{"value": v, "text": t} for v, t in enumerate(
            ("Новий", "Підтверджено", "На відправку", "Відправлено", "Продаж", "Відмова", "Повернення"), start=1)]},
        "userId": {"options": [{"value": 11, "text": "Олена Іваненко"}, {"value": 12, "text": "Андрій Петренко"}]}}},
    "pagination": {"currentPage": 1, "pageCount": 1}}, ensure_ascii=False)

# shape B: the lost deal 3 keeps 需求确认 and 流失状态 says 已流失
HUOBAN = ("客户名称,销售人员,客户来源,客户阶段,流失状态,商机金额,创建时间,成交日期\n"
          "华星,张伟,官网,已成交,未流失,50000,2024-03-01 10:00,2024-03-11\n"
          "东方,李娜,转介绍,已成交,未流失,80000,2024-03-02 14:30,2024-03-22\n"
          "明远,张伟,百度推广,需求确认,已流失,30000,2024-03-05 09:00,2024-03-08\n"
          "远大,李娜,官网,方案报价,未流失,40000,2024-03-10 09:00,\n"
          "新元,张伟,百度推广,需求确认,未流失,20000,2024-03-12 09:00,\n"
          "金石,李娜,官网,初步接洽,未流失,10000,2024-03-15 09:00,\n")

PIPEFY = ("ID,Title,Current phase,Assignees,Created at,Updated at,Finished at,Due date,Deal value,Lead source\n"
          "101,Acme,Won,Ann,2024-03-01 10:00,2024-03-12 10:00,2024-03-11 10:00,2024-03-31,50000,Web\n"
          "102,Globex,Won,Bob,2024-03-02 14:30,2024-03-23 10:00,2024-03-22 14:30,2024-04-01,80000,Referral\n"
          "103,Initech,Lost,Ann,2024-03-05 09:00,2024-03-09 10:00,2024-03-08 09:00,2024-04-02,30000,Ads\n"
          "104,Umbrella,Proposal,Bob,2024-03-10 09:00,2024-03-20 10:00,,2024-04-10,40000,Web\n"
          "105,Hooli,Qualified,Ann,2024-03-12 09:00,2024-03-20 10:00,,2024-04-12,20000,Ads\n"
          "106,Vehement,Lead in,Bob,2024-03-15 09:00,2024-03-20 10:00,,2024-04-15,10000,Web\n")


def test_keycrm_orders_ukrainian_outcomes_total_and_managers_by_name(tmp_path, capsys):
    fields = _import(tmp_path, capsys, KEYCRM_ORDERS, "orders.csv")["mapping"]["fields"]
    assert (fields["stage"], fields["amount"], fields["manager"]) == ("status.name", "grand_total",
                                                                      "manager.full_name")
    doc = _outcomes(tmp_path, capsys, [("Нове замовлення", 6), ("Потреби визначено", 4), ("Виставлено рахунок", 3),
                                       ("Виконано", 2)])
    assert doc["median_cycle_days"] == 15.0  # 1 → 11 March 10, 2 → 22 March 20
    assert _managers(tmp_path, capsys) == {"Олена Іваненко": (1, 1, 1), "Андрій Петренко": (1, 0, 2)}


def test_keycrm_cards_ukrainian_stages_in_their_order(tmp_path, capsys):
    fields = _import(tmp_path, capsys, KEYCRM_CARDS, "cards.json")["mapping"]["fields"]
    assert (fields["amount"], fields["manager"]) == ("products_total", "manager.full_name")
    # Кваліфікація (qualification) before Зустріч (a meeting): it was the other way, each with the other's count
    _outcomes(tmp_path, capsys, [("Новий лід", 6), ("Кваліфікація", 4), ("Зустріч", 3), ("Успішно", 2)])
    assert _managers(tmp_path, capsys) == {"Олена Іваненко": (1, 1, 1), "Андрій Петренко": (1, 0, 2)}


def test_salesdrive_answer_names_its_codes_and_orders_its_statuses(tmp_path, capsys):
    doc = _import(tmp_path, capsys, SALESDRIVE, "orders.json")
    assert doc["shape"] == "deals"  # was an A/B visitor log: userId the visitor, formId a step
    assert (doc["mapping"]["fields"]["stage"], doc["mapping"]["fields"]["amount"]) == ("statusId", "paymentAmount")
    # the options' order (Відправлено holds no order: not drawn); «Продаж» the sale, «Відмова» lost
    _outcomes(tmp_path, capsys, [("Новий", 6), ("Підтверджено", 4), ("На відправку", 3), ("Продаж", 2)])
    assert "stages.order_guessed" not in {w["code"] for w in doc["warnings"]}
    assert any(i["code"] == "json.options_named" and "«statusId», «userId»" in i["message"] for i in doc["info"])
    assert doc["mapping"]["fields"]["source"] == "utmSource"


def test_huoban_table_reads_its_rep_stage_and_churn_status(tmp_path, capsys):
    fields = _import(tmp_path, capsys, HUOBAN, "客户信息表.csv")["mapping"]["fields"]
    assert (fields["stage"], fields["status"], fields["manager"]) == ("客户阶段", "流失状态", "销售人员")
    doc = _outcomes(tmp_path, capsys, [("初步接洽", 6), ("需求确认", 5), ("方案报价", 3), ("已成交", 2)])
    assert doc["median_cycle_days"] == 15.0
    assert _managers(tmp_path, capsys) == {"张伟": (1, 1, 1), "李娜": (1, 0, 2)}


def test_pipefy_current_phase_is_the_stage(tmp_path, capsys):
    fields = _import(tmp_path, capsys, PIPEFY, "pipefy_report.csv")["mapping"]["fields"]
    assert (fields["stage"], fields["closed_at"]) == ("Current phase", "Finished at")
    doc = _outcomes(tmp_path, capsys, [("Lead in", 6), ("Qualified", 4), ("Proposal", 3), ("Won", 2)])
    assert doc["median_cycle_days"] == 15.0


def test_an_order_lists_stock_check_sits_between_the_needs_and_the_invoice():
    """Survey 43: «Перевірка наявності» (a stock check) was on no rung, so KeyCRM's order was guessed by counts with
    two stages swapped (Нове → Виставлено рахунок → Перевірка наявності → Потреби визначено)."""
    from funnel.mapping.stage_ladder import ladder_order

    by_count = ["Нове замовлення", "Виставлено рахунок", "Перевірка наявності", "Потреби визначено"]
    assert ladder_order(by_count) == ["Нове замовлення", "Потреби визначено", "Перевірка наявності",
                                      "Виставлено рахунок"]
    assert ladder_order(["Новый", "Счёт выставлен", "Проверка наличия"]) == ["Новый", "Проверка наличия",
                                                                              "Счёт выставлен"]


def test_no_cycle_says_which_date_is_missing(mem_store):
    """Survey 43: «Won deals lack a created or closed date» beside a file whose creation dates are all there. A file
    without creation dates gets the report's reason (session 49: one for the tile and the report)."""
    from funnel.importer import import_file
    from funnel.metrics.context import resolve
    from funnel.metrics.outcomes import outcomes_by
    from funnel.spec import FunnelSpec

    no_close = "Deal,Stage,Created\nA,Won,2024-03-01\nB,Lost,2024-03-02\nC,Proposal,2024-03-03\n"
    no_created = "Deal,Stage,Closed\nA,Won,2024-03-11\nB,Lost,2024-03-12\nC,Proposal,\n"
    reasons = []
    for text in (no_close, no_created):
        info, _built, _ = import_file(mem_store, text.encode(), "deals.csv", force=True)
        with mem_store.connect() as con:
            out = outcomes_by(con, resolve(con, info, FunnelSpec()))[None]
        assert out.won == 1 and out.median_cycle_days is None
        reasons.append(out.reasons["median_cycle_days"])
    assert reasons == ["metrics.reason.no_cycle_no_close", "velocity.reason.no_created"]
