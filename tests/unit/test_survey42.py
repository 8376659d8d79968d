"""Issue 16, survey 42: the CRM's list of stages given as the second file, when it is a plain ``id, name`` answer
(files in the layouts the survey found; values invented, numbers worked out by hand).

An API's deals name their stage by an id; the import asks for the CRM's stage list as the second file
(``stages.ids_only``). Six real answers of that list were refused as «no deal id, stage and date columns … in the
history file», because a plain ``id, name`` table could be any lookup (owners, sources): KeyCRM's ``/order/status``
(``{data: [{id, name, alias, group_id, …}]}``, a live account's ids listed out of id order), SalesDrive's
``/api/statuses/`` (``{id, name, type}``), LPTracker's funnel (``{id, name, in_leads, in_deals}``), Brevo's pipeline
details, Less Annoying CRM's and KeyCRM's pipeline statuses. Such a list is a stage list when its ids are the
values of a column of the deals. Also: ``--map stage=status_id`` given with the list was ignored («map the deals'
stage column first»), an order list's «Виконано» / «Продаж» stayed open under a list that marks no outcome, and
Pipedrive's ``/v1/deals`` owner object (``user_id: {id, name, value}``) was no manager.

The same six deals in every file (shape A: the lost deal at a lost stage):

| id | outcome | stage now | created | closed | amount | owner |
|---|---|---|---|---|---|---|
| 1 | won | Won | 1 Mar 10:00 | 11 Mar 10:00 | 50,000 | A |
| 2 | won | Won | 2 Mar 14:30 | 22 Mar 14:30 | 80,000 | B |
| 3 | lost | Lost | 5 Mar 09:00 | 8 Mar 09:00 | 30,000 | A |
| 4 | open | stage 3 | 10 Mar 09:00 | — | 40,000 | B |
| 5 | open | stage 2 | 12 Mar 09:00 | — | 20,000 | A |
| 6 | open | stage 1 | 15 Mar 09:00 | — | 10,000 | B |

Deals 6; won 2, lost 1, open 3; win rate 2 / 3; revenue 130,000; cycles 10 and 20 days, median 15. Reached: stage 1
6; stage 2 won 2 + open 4, 5 = 4; stage 3 won 2 + open 4 = 3; a listed stage after it that no deal sits at is
passed by the won deals only: 2; won 2.
"""

from __future__ import annotations

import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from tests.unit.test_survey38 import _cli_json
from tests.unit.test_survey40 import _outcomes

CREATED = ["2024-03-01 10:00:00", "2024-03-02 14:30:00", "2024-03-05 09:00:00", "2024-03-10 09:00:00",
           "2024-03-12 09:00:00", "2024-03-15 09:00:00"]
CLOSED = ["2024-03-11 10:00:00", "2024-03-22 14:30:00", "2024-03-08 09:00:00", None, None, None]
AMOUNTS = [50000, 80000, 30000, 40000, 20000, 10000]
OWNERS = [5, 9, 5, 9, 5, 9]

# KeyCRM: new 1, needs found 21, invoice 4, done 12, cancelled 19 (listed in the account's order, not by id)
KEYCRM_ORDERS = json.dumps({"total": 6, "current_page": 1, "data": [
    {"id": 100 + k, "status_id": s, "grand_total": a, "manager_id": m, "ordered_at": c, "closed_at": z,
     "marketing": {"utm_source": "google" if k % 2 else "facebook"}}
    for k, (s, a, m, c, z) in enumerate(zip((12, 12, 19, 4, 21, 1), AMOUNTS, OWNERS, CREATED, CLOSED, strict=True))]})
KEYCRM_STATUSES = json.dumps({"total": 5, "current_page": 1, "per_page": 50, "data": [
    {"id": i, "name": n, "alias": a, "is_active": True, "group_id": g, "is_closing_order": g >= 5}
    for i, n, a, g in ((1, "Нове замовлення", "new", 1), (21, "Потреби визначено", "custom", 2),
                       (4, "Виставлено рахунок", "custom", 2), (12, "Виконано", "completed", 5),
                       (19, "Скасовано", "canceled", 6))]}, ensure_ascii=False)

# SalesDrive: 1 Новий, 2 Підтверджено, 3 На відправку, 4 Відправлено (no order there now), 5 Продаж, 6 Відмова
SALESDRIVE_ORDERS = json.dumps({"status": "success", "data": [
    {"id": 5000 + k, "statusId": s, "paymentAmount": a, "orderTime": c, "utmSource": "site"}
    for k, (s, a, c) in enumerate(zip((5, 5, 6, 3, 2, 1), AMOUNTS, CREATED, strict=True))]})
SALESDRIVE_STATUSES = json.dumps({"status": "success", "data": [
    {"id": i, "name": n, "type": t} for i, n, t in ((1, "Новий", 1), (2, "Підтверджено", 1), (3, "На відправку", 1),
                                                    (4, "Відправлено", 1), (5, "Продаж", 2), (6, "Відмова", 3))]},
    ensure_ascii=False)

OWNERS_LIST = json.dumps({"data": [{"id": 5, "name": "Олена"}, {"id": 9, "name": "Андрій"}]}, ensure_ascii=False)


def _pair(tmp_path, capsys, deals: str, second: str, *args: str) -> dict:
    (tmp_path / "deals.json").write_text(deals, encoding="utf-8")
    (tmp_path / "stages.json").write_text(second, encoding="utf-8")
    return _cli_json(tmp_path, capsys, "import", str(tmp_path / "deals.json"), "--history",
                     str(tmp_path / "stages.json"), *args)


def test_keycrm_order_statuses_name_the_mapped_status_ids_in_the_accounts_order(tmp_path, capsys):
    doc = _pair(tmp_path, capsys, KEYCRM_ORDERS, KEYCRM_STATUSES, "--map", "stage=status_id")
    assert doc["mapping"]["fields"]["stage"] == "status_id"
    # the list's order (by id it would be 1, 4, 12, 19, 21: the invoice before the needs)
    got = _outcomes(tmp_path, capsys, [("Нове замовлення", 6), ("Потреби визначено", 4), ("Виставлено рахунок", 3),
                                       ("Виконано", 2)])
    assert got["median_cycle_days"] == 15.0
    assert "stages.order_guessed" not in {w["code"] for w in doc["warnings"]}


def test_salesdrive_statuses_name_its_orders_and_its_sale(tmp_path, capsys):
    _pair(tmp_path, capsys, SALESDRIVE_ORDERS, SALESDRIVE_STATUSES)
    _outcomes(tmp_path, capsys, [("Новий", 6), ("Підтверджено", 4), ("На відправку", 3), ("Відправлено", 2),
                                 ("Продаж", 2)])


def test_a_list_of_owners_is_no_stage_list(mem_store):
    """Its ids are the deals' manager ids, not their stages: refused by name, and nothing is stored."""
    with pytest.raises(FunnelError) as raised:
        import_file(mem_store, KEYCRM_ORDERS.encode(), "deals.json", history=OWNERS_LIST.encode(),
                    history_name="owners.json", mapping_pairs=["stage=status_id"])
    assert raised.value.code in ("stage_list.unmatched", "import.history_unmapped")
    assert "owners.json" in raised.value.message("en")
    assert mem_store.datasets() == []


def test_pipedrive_owner_object_is_the_manager(tmp_path, capsys):
    deals = json.dumps({"success": True, "data": [
        {"id": k + 1, "title": f"Deal {k + 1}", "value": a, "status": st, "stage_id": sid, "add_time": c,
         "user_id": {"id": m, "name": "Alice Brown" if m == 5 else "Bob Smith", "email": "x@example.com", "value": m}}
        for k, (a, st, sid, c, m) in enumerate(zip(AMOUNTS, ("won", "won", "lost", "open", "open", "open"),
                                                   (4, 4, 2, 3, 2, 1), CREATED, OWNERS, strict=True))]})
    (tmp_path / "deals.json").write_text(deals, encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(tmp_path / "deals.json"))
    assert doc["mapping"]["fields"]["manager"] == "user_id.name"
    rows = _cli_json(tmp_path, capsys, "managers", "1")["managers"]
    # Alice: deals 1 (won), 3 (lost), 5 (open); Bob: 2 (won), 4, 6 (open)
    assert {r["manager"]: (r["won"], r["lost"], r["deals"]) for r in rows} == {"Alice Brown": (1, 1, 3),
                                                                                "Bob Smith": (1, 0, 3)}


def test_the_list_names_the_stage_column_when_none_was_picked(tmp_path, capsys):
    """Survey 43: on the Data page the stage column could not be picked before the list refused the import («map
    the deals' stage column first»). The list's ids are ``status_id``'s values (not ``manager_id``'s 5 and 9, nor the
    amounts): that column is the stage."""
    doc = _pair(tmp_path, capsys, KEYCRM_ORDERS, KEYCRM_STATUSES)
    assert doc["mapping"]["fields"]["stage"] == "status_id"
    assert doc["mapping"]["fields"]["source"] == "marketing.utm_source"  # survey 45: one blank group, silently
    _outcomes(tmp_path, capsys, [("Нове замовлення", 6), ("Потреби визначено", 4), ("Виставлено рахунок", 3),
                                 ("Виконано", 2)])


def test_lptracker_lead_date_and_visit_source(tmp_path, capsys):
    """LPTracker's leads (its PHP SDK's Lead model): ``lead_date`` the creation, ``view.source`` the source; the stage
    ids named by its funnel (``{status, result: [{id, name, in_leads, in_deals}]}``)."""
    leads = json.dumps({"status": "success", "result": [
        {"id": 700 + k, "name": f"Лид {k}", "stage_id": s, "owner_id": m, "lead_date": c[8:10] + "." + c[5:7] + "."
         + c[:4] + " " + c[11:16], "payments": [{"category": "income", "sum": a}], "view": {"source": src}}
        for k, (s, a, m, c, src) in enumerate(zip((1205, 1205, 1206, 1203, 1202, 1201), AMOUNTS, OWNERS, CREATED,
                                                  ("Сайт", "Рекомендация", "Реклама", "Сайт", "Реклама", "Сайт"),
                                                  strict=True))]}, ensure_ascii=False)
    funnel = json.dumps({"status": "success", "result": [
        {"id": i, "name": n, "notify": False, "in_leads": True, "in_deals": i >= 1203}
        for i, n in ((1201, "Новая заявка"), (1202, "Квалификация"), (1203, "КП отправлено"), (1204, "Переговоры"),
                     (1205, "Оплачено"), (1206, "Отказ"))]}, ensure_ascii=False)
    doc = _pair(tmp_path, capsys, leads, funnel)
    fields = doc["mapping"]["fields"]
    assert (fields["created_at"], fields["source"]) == ("lead_date", "view.source")
    _outcomes(tmp_path, capsys, [("Новая заявка", 6), ("Квалификация", 4), ("КП отправлено", 3), ("Переговоры", 2),
                                 ("Оплачено", 2)])
    rows = _cli_json(tmp_path, capsys, "segments", "1", "--by", "source")["segments"]
    # Сайт: 1 (won), 4, 6; Рекомендация: 2 (won); Реклама: 3 (lost), 5
    assert {r["value"]: (r["deals"], r["won"], r["lost"]) for r in rows} == {
        "Сайт": (3, 1, 0), "Рекомендация": (1, 1, 0), "Реклама": (2, 0, 1)}
