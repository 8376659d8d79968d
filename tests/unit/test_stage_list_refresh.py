"""A dataset whose stage ids a CRM's stage list named keeps those names when next week's deals are
loaded alone (README "Refresh"): people pull the deals from the API every week, the list of stages
once. Bitrix24 ``crm.deal.list`` deals and its ``crm.status.list`` (b24restdocs) and amoCRM's
``/api/v4/leads`` with ``/api/v4/leads/pipelines``; the values are invented, the counts worked by hand.
"""

from __future__ import annotations

import json

from funnel.cli import import_warnings
from funnel.dataset_edit import rederive, refresh
from funnel.importer import Source, import_file
from tests.unit.test_crm_exports_spreadsheets import findings, kinds, reached
from tests.unit.test_json_exports import AMO, _encode
from tests.unit.test_stage_list_file import AMO_PIPELINES, BITRIX_DEALS, BITRIX_STATUSES

# next week: deal 1 moved on to UC_7X2KQ1 (Замер), deal 5 was paid (WON), deal 6 is new at NEW
WEEK2 = ("ID,TITLE,STAGE_ID,OPPORTUNITY,DATE_CREATE\n"
         "1,Окна,UC_7X2KQ1,100,2024-01-05\n"
         "2,Двери,UC_7X2KQ1,200,2024-01-06\n"
         "3,Пол,WON,300,2024-01-07\n"
         "4,Крыша,LOSE,400,2024-01-08\n"
         "5,Баня,WON,500,2024-01-09\n"
         "6,Забор,NEW,600,2024-01-12\n")


def _stages(store, info) -> dict[str, str]:
    with store.connect() as con:
        return dict(con.execute(f"SELECT deal_id, stage FROM ds_{info.id}.deals").fetchall())


def _imported(mem_store):
    info, _built, _ = import_file(mem_store, BITRIX_DEALS.encode(), "deals.csv", history=BITRIX_STATUSES.encode(),
                                  history_name="crm.status.list.csv")
    return info


def test_a_refresh_with_the_deals_alone_keeps_the_names_of_the_stage_list(mem_store):
    info = _imported(mem_store)
    refresh(mem_store, info.id, Source(WEEK2.encode(), "deals_w2.csv"))
    info = mem_store.info(info.id)
    assert _stages(mem_store, info) == {"1": "Замер", "2": "Замер", "3": "Оплачено", "4": "Отказ", "5": "Оплачено",
                                        "6": "Заявка"}
    assert kinds(mem_store, info) == {"Оплачено": "won", "Отказ": "lost"}
    # Заявка: all 6; Замер: 1, 2 at it, 3 and 5 won past it = 4; Монтаж (no deal at it now): 3, 5 = 2;
    # Оплачено: 3, 5 = 2
    assert reached(mem_store, info) == [("Заявка", 6), ("Замер", 4), ("Монтаж", 2), ("Оплачено", 2)]
    kept = findings(mem_store, info)["stage_list.kept"]
    # the file's stages: UC_7X2KQ1, WON, LOSE, NEW = 4, all named by the list
    assert kept[0] == "info" and kept[2] == {"file": "crm.status.list.csv", "renamed": 4, "deals": 4}
    assert "stage_list.kept_unknown" not in findings(mem_store, info)
    # named again by a second refresh: the names stay with the refreshed dataset
    refresh(mem_store, info.id, Source(WEEK2.encode(), "deals_w3.csv"))
    assert _stages(mem_store, mem_store.info(info.id))["6"] == "Заявка"


def test_a_stage_added_in_the_crm_since_the_list_stays_an_id_and_is_said(mem_store):
    info = _imported(mem_store)
    week = WEEK2 + "7,Сарай,UC_NEW1,700,2024-01-13\n8,Окно,UC_NEW1,800,2024-01-14\n"
    refresh(mem_store, info.id, Source(week.encode(), "deals_w2.csv"))
    info = mem_store.info(info.id)
    assert _stages(mem_store, info)["7"] == "UC_NEW1"
    severity, n, detail = findings(mem_store, info)["stage_list.kept_unknown"]
    assert severity == "warning" and n == 2  # deals 7 and 8 are at the one stage the list lacks
    assert detail == {"file": "crm.status.list.csv", "n": 2, "stages": "«UC_NEW1»"}
    message = next(w["message"] for w in import_warnings(mem_store, info, "ru") if w["code"] == "stage_list.kept_unknown")
    assert message.startswith("2 сделки стоят на этапах") and "«UC_NEW1»" in message
    assert "crm.status.list.csv" in message and "вторым файлом" in message


def test_a_refresh_whose_file_names_its_stages_is_left_as_it_is(mem_store):
    info = _imported(mem_store)
    named = WEEK2.replace("UC_7X2KQ1", "Замер").replace(",WON,", ",Оплачено,").replace(",LOSE,", ",Отказ,") \
        .replace(",NEW,", ",Заявка,")
    refresh(mem_store, info.id, Source(named.encode(), "deals_w2.csv"))
    info = mem_store.info(info.id)
    assert _stages(mem_store, info)["1"] == "Замер"
    assert "stage_list.kept" not in findings(mem_store, info)


def test_an_edit_after_the_import_keeps_the_names_for_the_next_refresh(mem_store):
    info = _imported(mem_store)
    rederive(mem_store, info.id, stages=["Заявка", "Монтаж", "Замер", "Оплачено"])  # the user reorders
    assert json.loads(json.dumps(mem_store.row(info.id)["meta"]["stage_names"]["stages"]))["UC_7X2KQ1"] == "Замер"
    refresh(mem_store, info.id, Source(WEEK2.encode(), "deals_w2.csv"))
    info = mem_store.info(info.id)
    assert _stages(mem_store, info)["2"] == "Замер"
    # the user's order is kept: Заявка 6, Монтаж: 1, 2 (at Замер, after it) and 3, 5 = 4, Замер 4, Оплачено 2
    assert reached(mem_store, info) == [("Заявка", 6), ("Монтаж", 4), ("Замер", 4), ("Оплачено", 2)]


def test_amocrm_pipelines_name_next_weeks_leads_and_their_pipeline(mem_store):
    info, _built, _ = import_file(mem_store, _encode(AMO), "leads.json", history=_encode(AMO_PIPELINES),
                                  history_name="pipelines.json")
    refresh(mem_store, info.id, Source(_encode(AMO), "leads_w2.json"))
    info = mem_store.info(info.id)
    assert _stages(mem_store, info) == {"101": "Успешно реализовано", "102": "Закрыто и не реализовано",
                                        "103": "Первичный контакт"}
    assert info.meta["pipelines"] == ["Воронка"]  # pipeline_id 5, named as at import
