"""Issue 16, what survey 44 left (files in the layouts the survey found; values invented, numbers worked out by hand).

- **Yandex Tracker** closes a won and a lost deal alike («Закрыт»); only the issue's ``resolution`` («Решён» /
  «Не будет сделано», keys ``fixed`` / ``wontFix``) tells them. It was read as an attribute: 12 open, 0 won. Its first
  status «Открыт» was on no rung of the ladder, so the guessed order put the proposal before the qualification; its
  local fields ``<queue id>--leadSource`` were no source.
- **A column of stage names under a name of its own** and nothing else of the outcome (FreshOffice's ``priznak_deal``
  before it was a synonym): the import was refused, the message listing the headers.
- **Bitrix24's** ``task.stages.get`` answers an object keyed by stage id, not a list: refused as the stage list.
- **Alfa CRM**'s leads say a win with ``is_study`` 1 and a loss with ``lead_reject_id`` (an archived lead's reason):
  neither was read (0 won, 0 lost); with the flag read, the reason was still ignored beside it (0 lost).

The six deals of surveys 40–42 (``tests/unit/test_survey40.py``): created 1, 2, 5, 10, 12, 15 March 2024; deal 1 won
on 11 March (50,000), deal 2 won on 22 March (80,000), deal 3 lost on 8 March, deals 4–6 open at the third, second and
first stage. Won 2, lost 1, open 3; win rate 2/3; revenue 130,000; cycles 10 and 20 days, median 15; the lost deal's
stage unknown (counted at the first), so the stages are reached by 6, 4, 3 and 2 deals.
"""

from __future__ import annotations

import json

from funnel.cli import main as cli_main
from tests.unit.test_survey38 import _cli_json, _import
from tests.unit.test_survey40 import _managers, _outcomes

CREATED = ("2024-03-01T10:00:00.000+0000", "2024-03-02T14:30:00.000+0000", "2024-03-05T09:00:00.000+0000",
           "2024-03-10T09:00:00.000+0000", "2024-03-12T09:00:00.000+0000", "2024-03-15T09:00:00.000+0000")
CLOSED = ("2024-03-11T10:00:00.000+0000", "2024-03-22T14:30:00.000+0000", "2024-03-08T09:00:00.000+0000",
          None, None, None)
AMOUNTS = (50000, 80000, 30000, 40000, 20000, 10000)
QUEUE = "65f1c0a2b3d4e5f6a7b8c9d0"  # a Tracker queue's id: its local fields are ``<id>--<key>``


def _ref(kind: str, key: str, display: str) -> dict:
    return {"self": f"https://api.tracker.yandex.net/v2/{kind}/{key}", "id": key, "key": key, "display": display}


def _tracker_issue(k: int, status: str, resolution: tuple[str, str] | None, manager: str, source: str) -> dict:
    return {"self": f"https://api.tracker.yandex.net/v2/issues/SALES-{k + 1}", "id": f"6{k}a", "key": f"SALES-{k + 1}",
            "version": 5, "summary": f"Сделка {k + 1}", "createdAt": CREATED[k], "updatedAt": CREATED[k],
            "status": _ref("statuses", status, status), "assignee": _ref("users", manager, manager),
            f"{QUEUE}--dealSum": AMOUNTS[k], f"{QUEUE}--leadSource": source,
            "resolution": _ref("resolutions", *resolution) if resolution else None, "resolvedAt": CLOSED[k]}


def test_yandex_tracker_resolution_says_won_or_lost_and_open_is_the_first_stage(tmp_path, capsys):
    fixed, wont = ("fixed", "Решён"), ("wontFix", "Не будет сделано")
    issues = [_tracker_issue(0, "Закрыт", fixed, "Иван", "Сайт"), _tracker_issue(1, "Закрыт", fixed, "Анна", "Выставка"),
              _tracker_issue(2, "Закрыт", wont, "Иван", "Сайт"), _tracker_issue(3, "КП отправлено", None, "Анна", "Сайт"),
              _tracker_issue(4, "Квалификация", None, "Иван", "Выставка"),
              _tracker_issue(5, "Открыт", None, "Анна", "Сайт")]
    doc = _import(tmp_path, capsys, json.dumps(issues, ensure_ascii=False), "issues.json")
    fields = doc["mapping"]["fields"]
    assert fields["stage"] == "status.display" and fields["status"].startswith("resolution.")
    assert (fields["source"], fields["amount"]) == (f"{QUEUE}--leadSource", f"{QUEUE}--dealSum")
    metrics = _outcomes(tmp_path, capsys, [("Открыт", 6), ("Квалификация", 4), ("КП отправлено", 3), ("Закрыт", 2)])
    assert metrics["median_cycle_days"] == 15.0  # 10 and 20 days
    # Иван: deal 1 won, deal 3 lost, deal 5 open; Анна: deal 2 won, deals 4 and 6 open
    assert _managers(tmp_path, capsys) == {"Иван": (1, 1, 1), "Анна": (1, 0, 2)}
    segments = {r["value"]: (r["deals"], r["won"], r["lost"]) for r in
                _cli_json(tmp_path, capsys, "segments", "1", "--by", "source")["segments"]}
    assert segments == {"Сайт": (4, 1, 1), "Выставка": (2, 1, 0)}  # deals 1, 3, 4, 6 and 2, 5


def test_a_column_of_stage_names_is_taken_when_nothing_else_says_the_outcome(tmp_path, capsys):
    # «Положение» is no stage synonym; with no status, flag or lost reason beside it, the file was refused
    text = ("Номер,Название,Положение,Сумма,Создана\n"
            "1,А,Сделка успешна,50000,01.03.2024\n2,Б,Сделка успешна,80000,02.03.2024\n"
            "3,В,Сделка провалена,30000,05.03.2024\n4,Г,Коммерческое предложение,40000,10.03.2024\n"
            "5,Д,Выявление потребностей,20000,12.03.2024\n6,Е,Первичный контакт,10000,15.03.2024\n")
    doc = _import(tmp_path, capsys, text, "deals.csv")
    assert doc["mapping"]["fields"]["stage"] == "Положение"
    taken = next(w for w in doc["warnings"] if w["code"] == "stages.candidate_taken")
    assert "«Положение»" in taken["message"] and "«Сделка провалена»" in taken["message"]
    _outcomes(tmp_path, capsys, [("Первичный контакт", 6), ("Выявление потребностей", 4),
                                 ("Коммерческое предложение", 3), ("Сделка успешна", 2)])


def test_bitrix24_task_stages_keyed_by_id_are_the_stage_list(tmp_path, capsys):
    names = {"101": "Новые", "102": "Квалификация", "103": "КП отправлено", "105": "Оплачено", "106": "Отказ"}
    stages = {"result": {i: {"ID": i, "TITLE": n, "SORT": str(100 * (k + 1)), "COLOR": "00C4FB", "ENTITY_ID": "5"}
                         for k, (i, n) in enumerate(names.items())}, "total": 5}
    tasks = {"result": {"tasks": [
        {"id": str(3001 + k), "title": f"Сделка {k + 1}", "stageId": stage, "createdDate": CREATED[k][:19] + "+03:00",
         "closedDate": CLOSED[k][:19] + "+03:00" if CLOSED[k] else None, "responsible": {"id": "7", "name": "Иван"}}
        for k, stage in enumerate(("105", "105", "106", "103", "102", "101"))]}, "total": 6}
    (tmp_path / "tasks.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "stages.json").write_text(json.dumps(stages, ensure_ascii=False), encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(tmp_path / "tasks.json"), "--history", str(tmp_path / "stages.json"))
    assert any(i["code"] == "stage_list.applied" for i in doc["info"])
    assert doc["stage_order"] == {"": ["Новые", "Квалификация", "КП отправлено", "Оплачено"]}  # the list's SORT
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (6, 2, 1, 3)
    assert [(s["stage"], s["reached"]) for s in metrics["stages"]] == [
        ("Новые", 6), ("Квалификация", 4), ("КП отправлено", 3), ("Оплачено", 2)]
    assert metrics["median_cycle_days"] == 15.0


def test_alfa_crm_is_study_is_the_win_and_an_archived_leads_reason_the_loss(tmp_path, capsys):
    statuses = {"items": [{"id": i, "name": n, "weight": i} for i, n in
                          ((1, "Не разобран"), (2, "Установлен контакт"), (3, "Назначено пробное"),
                           (4, "Получена оплата"))], "total": 4}
    # deals 1, 2 paying students at «Получена оплата»; deal 3 archived at «Не разобран» (reason 2); deals 4–6 open
    # at the third, second and first status
    leads = {"items": [
        {"id": 2401 + k, "name": f"Ученик {k + 1}", "is_study": int(k < 2), "lead_status_id": status,
         "lead_reject_id": 2 if k == 2 else None, "assigned_id": assigned, "custom_summa_dogovora": AMOUNTS[k],
         "created_at": CREATED[k][:10] + " 10:00:00"}
        for k, (status, assigned) in enumerate(((4, 3), (4, 5), (1, 3), (3, 5), (2, 3), (1, 5)))], "total": 6}
    (tmp_path / "customers.json").write_text(json.dumps(leads, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "lead_status.json").write_text(json.dumps(statuses, ensure_ascii=False), encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(tmp_path / "customers.json"), "--history",
                    str(tmp_path / "lead_status.json"))
    fields = doc["mapping"]["fields"]
    assert (fields["won_flag"], fields["lost_reason"], fields["manager"], fields["amount"]) == (
        "is_study", "lead_reject_id", "assigned_id", "custom_summa_dogovora")
    # 6 → 4 → 3 → 2: the lost lead archived at the first status; the paid status is the sale, no «Выиграна» after it
    # (survey 48: a made-up step of as many deals followed it)
    _outcomes(tmp_path, capsys, [("Не разобран", 6), ("Установлен контакт", 4), ("Назначено пробное", 3),
                                 ("Получена оплата", 2)])
    # manager 3: deals 1 (won), 3 (lost), 5 (open); manager 5: deals 2 (won), 4 and 6 (open)
    assert _managers(tmp_path, capsys) == {"3": (1, 1, 1), "5": (1, 0, 2)}
    # ids shown as managers are said (survey 48: nothing said why the Managers page read «3» and «5»)
    said = [w for w in doc["warnings"] if w["code"] == "people.ids_only"]
    assert [w["column"] for w in said] == ["assigned_id"] and "«3», «5»" in said[0]["message"]


def test_the_cli_does_not_repeat_the_ids_after_a_chinese_sentence(tmp_path, capsys, monkeypatch):
    # the sentence names «3», «5» in Chinese quotes (“3”, “5”): the line ended with («3», «5») once more
    monkeypatch.setenv("FUNNEL_LANG", "zh")
    text = ("id,stage,status,assigned_id,created\n1,Paid,won,3,2024-03-01\n2,Paid,won,5,2024-03-02\n"
            "3,New,lost,3,2024-03-05\n")
    (tmp_path / "leads.csv").write_text(text, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(tmp_path / "leads.csv"), "--stages", "New,Paid"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "assigned_id" in x and "! " in x)
    assert "（“3”, “5”）" in line and not line.endswith(")")
