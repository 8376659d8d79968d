"""Issue 16, survey 50: exports of services the README did not name (files in the layouts the survey found in public
code and documentation; values invented, numbers worked out by hand).

- **SendPulse CRM**'s ``/crm/v1/deals/get-list`` answer: its documented status codes (1 active, 2 fail, 3 success)
  were unread (every deal open), ``sourceType.name`` no source (one empty group, silently), and its pipelines'
  answer refused as «ids that are not the deals' stages» (their ``steps`` were not read as the stages).
- **YCLIENTS**' ``/api/v1/records`` answer: refused for want of a stage; after the suggested ``--map`` the
  services' ``amount`` (their quantity, 1) was the revenue (4 instead of 280,000), silently, and «-1» (did not
  come) read as «1» (came).
- **Salebot**'s client list: «Оплатил» (paid) no sale, «Дата изменения этапа» no close.
- **YetiForce**'s sales processes: PLL_SALE_COMPLETED / PLL_SALE_FAILED no outcome, «Actual date» no close.

The six deals of surveys 40–42 (``tests/unit/test_survey40.py``): created 1, 2, 5, 10, 12, 15 March 2024; deal 1 won on
11 March (50,000), deal 2 won on 22 March (80,000), deal 3 lost on 8 March, deals 4–6 open at the third, second and
first stage. Won 2, lost 1, open 3; win rate 2/3; revenue 130,000; cycles 10 and 20 days, median 15.
"""

from __future__ import annotations

import json

import pytest

from funnel.mapping.status import classify_status_value
from tests.unit.test_survey38 import _cli_json, _import
from tests.unit.test_survey40 import _managers
from tests.unit.test_survey47 import AMOUNTS, CLOSED, CREATED

STEPS = ("Новая заявка", "Квалификация", "Встреча проведена", "Счёт выставлен")


def _segments(tmp_path, capsys) -> dict:
    rows = _cli_json(tmp_path, capsys, "segments", "1", "--by", "source")["segments"]
    return {r["value"]: (r["deals"], r["won"], r["lost"]) for r in rows}


def _sendpulse_deals() -> str:
    # won deals 1, 2 at the last step; lost deal 3 at the second; open 4, 5, 6 at the third, second, first
    steps, statuses = (4, 4, 2, 3, 2, 1), (3, 3, 2, 1, 1, 1)
    deals = [{"id": 880001 + k, "pipelineId": 4100, "status": statuses[k], "stepId": 41000 + steps[k],
              "responsibleId": 7001 + k % 2, "number": k + 1, "name": f"Сделка #{k + 1}", "price": AMOUNTS[k],
              "currency": "UAH", "profit": 0, "hasExpense": False, "order": k + 1,
              "sourceType": {"id": 3 if k % 2 == 0 else 5, "name": "Сайт" if k % 2 == 0 else "Реклама"},
              "sourceId": None, "createdAt": CREATED[k] + ".000000+03:00", "updatedAt": CREATED[k] + ".000000+03:00"}
             for k in range(6)]
    return json.dumps({"data": deals, "meta": {"total": 6}}, ensure_ascii=False)


def test_sendpulse_deals_statuses_and_source(tmp_path, capsys):
    doc = _import(tmp_path, capsys, _sendpulse_deals(), "deals.json")
    fields = doc["mapping"]["fields"]
    assert (fields["status"], fields["source"], fields["stage"]) == ("status", "sourceType.name", "stepId")
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    # 3 = success (deals 1, 2: 50,000 + 80,000), 2 = fail (deal 3), 1 = active; was: 0 won, 0 lost, revenue «—»
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 3, 130_000)
    # Сайт: deals 1 (won), 3 (lost), 5; Реклама: 2 (won), 4, 6; was: one group of no source
    assert _segments(tmp_path, capsys) == {"Сайт": (3, 1, 1), "Реклама": (3, 1, 0)}


def test_sendpulse_pipelines_steps_name_and_order_the_stages(tmp_path, capsys):
    pipelines = {"data": [{"id": 4100, "userId": 1, "name": "Продажи", "status": 1, "order": 1,
                           "steps": [{"id": 41001 + k, "pipelineId": 4100, "name": name, "order": k + 1, "status": 1,
                                      "color": "#000000"} for k, name in enumerate(STEPS)]}]}
    (tmp_path / "pipelines.json").write_text(json.dumps(pipelines, ensure_ascii=False), encoding="utf-8")
    doc = _import(tmp_path, capsys, _sendpulse_deals(), "deals.json", "--history", str(tmp_path / "pipelines.json"))
    assert "stage_list.applied" in {w["code"] for w in doc["info"]}  # was: refused, «ids not the deals' stages»
    # reached: step 1 all 6; step 2 deals 1–5; step 3 deals 1, 2, 4; step 4 deals 1, 2; then the won ones
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert [(s["stage"], s["reached"]) for s in metrics["stages"]][:4] == [
        ("Новая заявка", 6), ("Квалификация", 5), ("Встреча проведена", 3), ("Счёт выставлен", 2)]
    assert metrics["won"] == 2


def test_yclients_records_attendance_services_cost_and_staff(tmp_path, capsys):
    # attendance: 1 came (deals 1, 2), -1 did not come (3), 0 waiting and 2 confirmed (open: 4, 5, 6); the visit's
    # datetime closes the decided ones; deal 1 bought two services (30,000 + 20,000), each of quantity («amount») 1
    attendance = (1, 1, -1, 2, 0, 0)
    services = ((30000, 20000), (80000,), (30000,), (40000,), (20000,), (10000,))
    visit = (*CLOSED[:3], "2024-04-20 10:00:00", "2024-04-21 10:00:00", "2024-04-22 10:00:00")
    records = [{"id": 5500001 + k, "company_id": 4564, "staff_id": 101 + k % 2,
                "services": [{"id": 9001 + n, "title": "Стрижка", "cost": cost, "manual_cost": cost,
                              "cost_per_unit": cost, "discount": 0, "first_cost": cost, "amount": 1}
                             for n, cost in enumerate(services[k])],
                "staff": {"id": 101 + k % 2, "name": "Иванов Иван" if k % 2 == 0 else "Петрова Анна",
                          "specialization": "Мастер"},
                "client": {"id": 420001 + k, "name": f"Клиент {k}"}, "date": visit[k],
                "datetime": visit[k].replace(" ", "T") + "+03:00",
                "create_date": CREATED[k].replace(" ", "T") + "+0300", "visit_attendance": attendance[k],
                "attendance": attendance[k], "confirmed": 1, "seance_length": 3600, "length": 3600,
                "visit_id": 8260001 + k, "deleted": False} for k in range(6)]
    doc = _import(tmp_path, capsys, json.dumps({"success": True, "data": records, "meta": {"count": 6}},
                                               ensure_ascii=False), "records.json")
    fields = doc["mapping"]["fields"]
    assert (fields["amount"], fields["manager"], fields["status"]) == ("services.cost", "staff.name", "attendance")
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    # was: refused; then revenue 4 (the quantities) and «-1» won
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 3, 130_000)
    assert metrics["median_cycle_days"] == 15.0
    # Иванов: 1 (won), 3 (lost), 5; Петрова: 2 (won), 4, 6
    assert _managers(tmp_path, capsys) == {"Иванов Иван": (1, 1, 1), "Петрова Анна": (1, 0, 2)}


def test_a_status_code_is_read_as_written_before_its_folded_form():
    codes = {"1": "won", "-1": "lost", "0": "open"}
    assert [classify_status_value(v, codes) for v in ("1", "-1", "0")] == ["won", "lost", "open"]


def test_salebot_paid_step_and_its_stage_change_date(tmp_path, capsys):
    stages = ("Оплатил", "Оплатил", "Отказ", "Получил предложение", "Прошёл квиз", "Подписался")
    changed = (CLOSED[0], CLOSED[1], CLOSED[2], "2024-03-20 10:00:00", "2024-03-20 10:00:00", CREATED[5])
    rows = "".join(f"{31000001 + k};Клиент {k};telegram;{CREATED[k][8:10]}.03.2024 {CREATED[k][11:16]};Продажи;"
                   f"{stages[k]};;{'Иванов Иван' if k % 2 == 0 else 'Петрова Анна'};сайт;{AMOUNTS[k]:,};"
                   f"{changed[k][8:10]}.03.2024 {changed[k][11:16]}\n".replace(",", " ") for k in range(6))
    header = ("ID клиента;Имя;Мессенджер;Дата создания;Воронка;Этап;Метки;Ответственный;utm_source;Сумма сделки;"
              "Дата изменения этапа\n")
    doc = _import(tmp_path, capsys, header + rows, "clients.csv")
    assert doc["mapping"]["fields"]["stage_changed_at"] == "Дата изменения этапа"
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    # «Оплатил» won (deals 1, 2: 50,000 + 80,000), «Отказ» lost; was: won 0 and «Оплатил» the funnel's first step
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 3, 130_000)
    assert metrics["stages"][-1]["stage"] == "Оплатил"
    assert metrics["median_cycle_days"] == 15.0  # the step's change date closes the paid ones: 10 and 20 days


@pytest.mark.parametrize(("won", "lost"), [("PLL_SALE_COMPLETED", "PLL_SALE_FAILED"), ("Sale completed", "Sale failed")])
def test_yetiforce_sales_process_statuses_and_actual_date(tmp_path, capsys, won, lost):
    statuses = (won, won, lost, "PLL_NEGOTIATIONS", "PLL_QUOTE_ENQUIRY", "PLL_QUOTE_ENQUIRY")
    rows = "".join(f"SP{k + 1},Opportunity {k + 1},{'Anna' if k % 2 == 0 else 'Boris'},{statuses[k]},{AMOUNTS[k]}.00,"
                   f"2024-04-30,{CLOSED[k][:10]},PLL_WEBSITE,{CREATED[k]}\n" for k in range(6))
    doc = _import(tmp_path, capsys, "Number,Subject,Assigned To,Status,Estimated value,Estimated date,Actual date,"
                                    "Source,Created Time\n" + rows, "ssalesprocesses.csv")
    assert doc["mapping"]["fields"]["closed_at"] == "Actual date"
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    # was: 0 won, 0 lost, 6 open
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 3, 130_000)
    assert metrics["median_cycle_days"] == 15.0  # 1 → 11 March and 2 → 22 March (dates only): 10 and 20 days


def test_bitrix24_tasks_user_fields_of_numbers_are_named_as_possible_amounts(tmp_path, capsys):
    # survey 49: a task's amount in ``ufAuto493256871584`` (its source in ``ufAuto741290018865``): revenue «—», said
    # only after the import as «no deal has an amount»; a flag field of 0 / 1 is no amount
    tasks = {"result": {"tasks": [
        {"id": str(3001 + k), "title": f"Сделка {k + 1}", "stageId": stage, "createdDate": CREATED[k][:19] + "+03:00",
         "closedDate": CLOSED[k][:19] + "+03:00" if CLOSED[k] else None, "responsible": {"id": "7", "name": "Иван"},
         "ufAuto493256871584": str(AMOUNTS[k]), "ufAuto741290018865": "Сайт", "ufAuto100000000001": str(k % 2)}
        for k, stage in enumerate(("Оплачено", "Оплачено", "Отказ", "КП отправлено", "Квалификация", "Новые"))]}}
    doc = _import(tmp_path, capsys, json.dumps(tasks, ensure_ascii=False), "tasks.json")
    said = [w for w in doc["warnings"] if w["code"] == "mapping.amount_user_fields"]
    assert len(said) == 1 and "«ufAuto493256871584»" in said[0]["message"]
    assert "ufAuto100000000001" not in said[0]["message"] and "ufAuto741290018865" not in said[0]["message"]
    # the fix it names: 50,000 + 80,000 won
    _cli_json(tmp_path, capsys, "edit", "1", "--map", "amount=ufAuto493256871584")
    assert _cli_json(tmp_path, capsys, "metrics", "1")["revenue"] == 130_000
