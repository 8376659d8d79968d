"""Issue 16, survey 44: CRMs and trackers of the Russian-speaking and Chinese markets the README did not list (files in
the layouts the survey found; values invented, numbers worked out by hand).

- **FreshOffice**'s OData ``deal`` answer writes .NET's JSON dates ``/Date(1709287200000)/``: unreadable, and every
  row rejected once mapped. Its ``id_deal``, ``date_start`` and ``summa`` («сумма» in Latin letters) were not found.
- **Weeek**'s closing statuses are the adjective alone, «Успешна» / «Провалена»: steps of the funnel, 0 won.
- **Yandex Tracker**'s references are ``{self, id, key, display}``: ``assignee.display`` no manager; its ``version``
  (an edit counter, 5 in every row) was the A/B variant, silently (SalesDrive's too).
- A 腾讯文档 sales sheet's «跟进阶段» and Pyrus's ``current_step`` were no stage.
- The no-close hint offered FreshOffice's ``date_plan`` (a plan: ``\\bplan\\b`` missed it between underscores).
"""

from __future__ import annotations

import json

import pytest

from funnel.readers.values import reads_as_date
from tests.unit.test_survey38 import _cli_json, _import
from tests.unit.test_survey40 import _managers, _outcomes

# the six deals of surveys 40–42: created 1, 2, 5, 10, 12, 15 March; won 1 (11 Mar) and 2 (22 Mar), lost 3 (8 Mar)
CREATED_MS = [1709287200000, 1709389800000, 1709629200000, 1710061200000, 1710234000000, 1710493200000]
CLOSED_MS = [1710151200000, 1711117800000, 1709888400000, None, None, None]


def _net(ms: int | None) -> str | None:
    return None if ms is None else f"/Date({ms})/"


def test_net_json_dates_are_unix_milliseconds():
    # 1709287200000 ms = 2024-03-01 10:00 UTC; an offset after them only names the writer's zone
    assert reads_as_date("/Date(1709287200000)/") and reads_as_date("/Date(1709287200000+0300)/")
    assert not reads_as_date("/Date(abc)/")


def test_freshoffice_odata_deals(tmp_path, capsys):
    deals = [{"__metadata": {"uri": f"https://api.myfreshcloud.com/deal({500 + k})", "type": "FreshOfficeModel.deal"},
              "id_deal": 500 + k, "name_deal": f"Поставка {k}", "priznak_deal": stage,
              "manager": {"__metadata": {"uri": "u"}, "name": "Иванов Иван" if k % 2 == 0 else "Петров Пётр"},
              "date_start": _net(c), "date_plan": _net(c + 45 * 86_400_000), "date_finish": _net(z),
              "summa": f"{amount}.0000"}
             for k, (stage, c, z, amount) in enumerate(zip(
                 ("Сделка успешна", "Сделка успешна", "Сделка провалена", "Коммерческое предложение",
                  "Выявление потребностей", "Первичный контакт"), CREATED_MS, CLOSED_MS,
                 (50000, 80000, 30000, 40000, 20000, 10000), strict=True))]
    text = json.dumps({"d": {"results": deals}}, ensure_ascii=False)
    doc = _import(tmp_path, capsys, text, "deal.json")
    fields = doc["mapping"]["fields"]
    assert (fields["deal_id"], fields["created_at"], fields["amount"]) == ("id_deal", "date_start", "summa")
    # «признак сделки» the stage, the finish the close (survey 44's rest: they had to be mapped by hand)
    assert (fields["stage"], fields["closed_at"]) == ("priznak_deal", "date_finish")
    assert doc["rejected_rows"] == 0  # every row was rejected once the dates were mapped
    assert _outcomes(tmp_path, capsys)["median_cycle_days"] == 15.0  # 10 and 20 days
    assert _managers(tmp_path, capsys) == {"Иванов Иван": (1, 1, 1), "Петров Пётр": (1, 0, 2)}
    for deal in deals:  # without its finish, the plan (created + 45 days) is never offered as the close
        del deal["date_finish"]
    doc = _import(tmp_path, capsys, json.dumps({"d": {"results": deals}}, ensure_ascii=False), "plan.json")
    assert "closed_at" not in doc["mapping"]["fields"]
    assert not [w for w in doc["warnings"] if "date_plan" in (w.get("value") or "") + w["message"]]


def test_weeek_feminine_closing_statuses_under_its_status_list(tmp_path, capsys):
    ids = {"Новая": "s1", "Квалификация": "s2", "КП отправлено": "s3", "Успешна": "s4", "Провалена": "s5"}
    deals = json.dumps({"success": True, "deals": [
        {"id": f"d{k}", "title": f"Сделка {k}", "statusId": ids[stage], "amount": amount, "createdAt": created}
        for k, (stage, amount, created) in enumerate(zip(
            ("Успешна", "Успешна", "Провалена", "КП отправлено", "Квалификация", "Новая"),
            (50000, 80000, 30000, 40000, 20000, 10000),
            ("2024-03-01T10:00:00Z", "2024-03-02T14:30:00Z", "2024-03-05T09:00:00Z", "2024-03-10T09:00:00Z",
             "2024-03-12T09:00:00Z", "2024-03-15T09:00:00Z"), strict=True))]}, ensure_ascii=False)
    statuses = json.dumps({"success": True, "statuses": [{"id": i, "name": n} for n, i in ids.items()]},
                          ensure_ascii=False)
    (tmp_path / "deals.json").write_text(deals, encoding="utf-8")
    (tmp_path / "statuses.json").write_text(statuses, encoding="utf-8")
    _cli_json(tmp_path, capsys, "import", str(tmp_path / "deals.json"), "--history", str(tmp_path / "statuses.json"))
    _outcomes(tmp_path, capsys, [("Новая", 6), ("Квалификация", 4), ("КП отправлено", 3), ("Успешна", 2)])


@pytest.mark.parametrize(("header", "values"), [("跟进阶段", ("已成交", "已成交", "已流失", "方案报价", "需求确认", "初步接触")),
                                                ("current_step", ("Успешно", "Успешно", "Отказ", "3", "2", "1"))])
def test_a_sheets_follow_up_stage_and_pyrus_current_step_are_the_stage(tmp_path, capsys, header, values):
    rows = "".join(f"{k},{v},{a}\n" for k, v, a in zip(range(1, 7), values, (50000, 80000, 30000, 40000, 20000,
                                                                           10000), strict=True))
    doc = _import(tmp_path, capsys, f"id,{header},amount\n{rows}", "sheet.csv")
    assert doc["mapping"]["fields"]["stage"] == header
    got = _cli_json(tmp_path, capsys, "metrics", "1")
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 1, 3, 130_000)


def test_tracker_references_and_an_edit_counter(tmp_path, capsys):
    """``assignee.display`` is the person; ``version`` 5 in every row is no A/B arm."""
    issues = json.dumps([{"id": f"i{k}", "key": f"SALES-{k}", "version": 5, "status": {"key": s, "display": s},
                          "assignee": {"id": str(k % 2), "display": "Анна" if k % 2 else "Борис"},
                          "createdAt": "2024-03-01T10:00:00.000+0000"}
                         for k, s in enumerate(("Закрыт", "Переговоры", "Открыт"), start=1)], ensure_ascii=False)
    fields = _import(tmp_path, capsys, issues, "issues.json")["mapping"]["fields"]
    assert fields["manager"] == "assignee.display"
    assert "variant" not in fields
