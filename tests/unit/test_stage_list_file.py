"""The CRM's own list of stages given as the second file (funnel/importer/stage_list.py).

An API's deal list names stages by ids; the names and the order are another answer of the same API:
Pipedrive's ``GET /v1/stages`` (``{"data": [{"id", "order_nr", "name", "pipeline_id", …}]}``, its API
reference), amoCRM's ``GET /api/v4/leads/pipelines`` (``_embedded.pipelines[]._embedded.statuses[]``:
``id, name, sort, pipeline_id, type``; 142 «Успешно реализовано» and 143 «Закрыто и не реализовано» are
fixed ids in every account, amoCRM's developer docs), Bitrix24's ``crm.status.list`` (``ID, ENTITY_ID,
STATUS_ID, NAME, SORT, SEMANTICS``; b24restdocs). The values are invented, the counts worked by hand.
"""

from __future__ import annotations

import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import kinds, outcome, reached
from tests.unit.test_json_exports import AMO, PIPEDRIVE, _encode


def _pipedrive_stage(i, order, name):
    return {"id": i, "order_nr": order, "name": name, "active_flag": True, "deal_probability": 100, "pipeline_id": 1,
            "rotten_flag": False, "rotten_days": None, "add_time": "2023-01-01 10:00:00", "pipeline_name": "Sales"}


PIPEDRIVE_STAGES = {"success": True, "data": [
    _pipedrive_stage(7, 1, "Qualified"), _pipedrive_stage(3, 2, "Demo Scheduled"),
    _pipedrive_stage(5, 3, "Proposal Made"), _pipedrive_stage(9, 4, "Negotiations Started")]}


def test_pipedrive_stage_ids_take_their_names_and_order(mem_store):
    info, built, _ = import_file(mem_store, _encode(PIPEDRIVE), "deals.json", history=_encode(PIPEDRIVE_STAGES),
                                 history_name="stages.json")
    assert built["n_deals"] == 4
    # ids 7, 3, 5, 9 are Qualified, Demo Scheduled, Proposal Made, Negotiations Started in order_nr 1..4; 9
    # holds no deal and is drawn all the same (the CRM's own list): Qualified 4, Demo Scheduled: deal 1 (won
    # there) and deal 3 (lost at Proposal Made) = 2, Proposal Made 2, Negotiations Started: the won deal 1
    # (a won deal reached every step before the sale) = 1, Won 1
    assert reached(mem_store, info) == [("Qualified", 4), ("Demo Scheduled", 2), ("Proposal Made", 2),
                                        ("Negotiations Started", 1), ("Won", 1)]
    assert info.meta["pipelines"] == ["Sales"]  # pipeline_id 1, named by the list's pipeline_name
    with mem_store.connect() as con:
        note = con.execute(f"SELECT detail FROM ds_{info.id}.quality WHERE code = 'stage_list.applied'").fetchone()[0]
    assert json.loads(note) == {"file": "stages.json", "n": 4, "renamed": 3, "deals": 3}


def _amo_status(i, name, sort, type_=0):
    return {"id": i, "name": name, "sort": sort, "is_editable": i not in (142, 143), "pipeline_id": 5,
            "color": "#99ccff", "type": type_, "account_id": 28805383, "_links": {"self": {"href": "…"}}}


AMO_PIPELINES = {"_total_items": 1, "_links": {"self": {"href": "…"}}, "_embedded": {"pipelines": [
    {"id": 5, "name": "Воронка", "sort": 1, "is_main": True, "is_unsorted_on": True, "is_archive": False,
     "account_id": 28805383, "_links": {"self": {"href": "…"}}, "_embedded": {"statuses": [
         _amo_status(4000, "Неразобранное", 10, 1), _amo_status(4002, "Переговоры", 30),
         _amo_status(4001, "Первичный контакт", 20), _amo_status(142, "Успешно реализовано", 10000),
         _amo_status(143, "Закрыто и не реализовано", 11000)]}}]}}


def test_amocrm_pipelines_answer_names_the_statuses(mem_store):
    info, built, _ = import_file(mem_store, _encode(AMO), "leads.json", history=_encode(AMO_PIPELINES),
                                 history_name="pipelines.json")
    assert built["n_deals"] == 3
    with mem_store.connect() as con:
        stages = dict(con.execute(f"SELECT deal_id, stage FROM ds_{info.id}.deals").fetchall())
    assert stages == {"101": "Успешно реализовано", "102": "Закрыто и не реализовано", "103": "Первичный контакт"}
    # won 101 (46,333), lost 102, open 103; the closing ids keep their meaning under their names
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (3, 1, 1, 1, 46333.0)
    assert kinds(mem_store, info) == {"Успешно реализовано": "won", "Закрыто и не реализовано": "lost"}
    # the pipeline's own statuses in their sort, those without a lead too: Неразобранное 3 (lost 102 keeps
    # no status it was lost at: counted at the first only), Первичный контакт: 103 and won 101 = 2,
    # Переговоры: 101 = 1
    assert reached(mem_store, info) == [("Неразобранное", 3), ("Первичный контакт", 2), ("Переговоры", 1),
                                        ("Успешно реализовано", 1)]
    assert info.meta["pipelines"] == ["Воронка"]  # pipeline_id 5: the name of the pipeline holding the statuses


BITRIX_STATUSES = ("ID,ENTITY_ID,STATUS_ID,NAME,NAME_INIT,SORT,SYSTEM,CATEGORY_ID,SEMANTICS\n"
                   "1,DEAL_STAGE,NEW,Заявка,Новая,10,Y,0,\n"
                   "2,DEAL_STAGE,UC_7X2KQ1,Замер,,20,N,0,\n"
                   "3,DEAL_STAGE,EXECUTING,Монтаж,В работе,30,N,0,\n"
                   "4,DEAL_STAGE,WON,Оплачено,Сделка успешна,60,Y,0,S\n"
                   "5,DEAL_STAGE,LOSE,Отказ,Сделка провалена,70,Y,0,F\n")
BITRIX_DEALS = ("ID,TITLE,STAGE_ID,OPPORTUNITY,DATE_CREATE\n"
                "1,Окна,NEW,100,2024-01-05\n"
                "2,Двери,UC_7X2KQ1,200,2024-01-06\n"
                "3,Пол,WON,300,2024-01-07\n"
                "4,Крыша,LOSE,400,2024-01-08\n"
                "5,Баня,EXECUTING,500,2024-01-09\n")


def test_bitrix24_status_list_with_renamed_stages_and_semantics(mem_store):
    """A portal that renamed its stages («Оплачено» is the sale): the semantics S / F decide, not the words."""
    info, built, _ = import_file(mem_store, BITRIX_DEALS.encode(), "deals.csv", history=BITRIX_STATUSES.encode(),
                                 history_name="crm.status.list.csv")
    assert built["n_deals"] == 5
    assert kinds(mem_store, info) == {"Оплачено": "won", "Отказ": "lost"}
    # Заявка 5 (Отказ lost: keeps no stage it was lost at, counted at the first), Замер: #2, #5, #3 = 3,
    # Монтаж: #5, #3 = 2, Оплачено 1
    assert reached(mem_store, info) == [("Заявка", 5), ("Замер", 3), ("Монтаж", 2), ("Оплачено", 1)]


def test_a_listed_stage_no_deal_is_at_is_drawn_between_its_neighbours(mem_store):
    """«Замер» holds no deal today: the funnel still goes Заявка → Замер → Монтаж (it went Заявка → Монтаж,
    the step hidden), and a stage of another pipeline (CATEGORY_ID 1) is no step of this one."""
    deals = BITRIX_DEALS.replace("2,Двери,UC_7X2KQ1", "2,Двери,EXECUTING")
    statuses = BITRIX_STATUSES + "6,DEAL_STAGE_1,C1:NEW,Сервис,,10,Y,1,\n"
    info, _built, _ = import_file(mem_store, deals.encode(), "deals.csv", history=statuses.encode(),
                                  history_name="crm.status.list.csv")
    # Заявка 5 (lost #4 at the first), Замер: #2, #5 (Монтаж) and #3 (won) = 3, Монтаж 3, Оплачено 1
    assert reached(mem_store, info) == [("Заявка", 5), ("Замер", 3), ("Монтаж", 3), ("Оплачено", 1)]


def test_a_stage_list_of_another_account_is_refused_by_name(mem_store):
    other = {"success": True, "data": [_pipedrive_stage(70, 1, "A"), _pipedrive_stage(71, 2, "B")]}
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, _encode(PIPEDRIVE), "deals.json", history=_encode(other), history_name="stages.json")
    assert err.value.code == "stage_list.unmatched"
    assert "stages.json" in err.value.message("ru") and "7" in err.value.params["stages"]
    assert mem_store.datasets() == []


# Salesforce: SELECT MasterLabel, ApiName, SortOrder, IsActive, IsClosed, IsWon FROM OpportunityStage (the
# object's fields, Salesforce's SOAP API reference); an org whose admin renamed the labels and reordered
SF_STAGES = ("Id,MasterLabel,ApiName,SortOrder,IsActive,IsClosed,IsWon,ForecastCategoryName,DefaultProbability\n"
             "01J000000000001,Discovery,Prospecting,1,true,false,false,Pipeline,10\n"
             "01J000000000002,Demo,Qualification,2,true,false,false,Pipeline,20\n"
             "01J000000000003,Contract Signed,Closed Won,4,true,true,true,Closed,100\n"
             "01J000000000004,No Decision,Closed Lost,5,true,true,false,Omitted,0\n"
             "01J000000000005,Offer,Proposal/Price Quote,3,true,false,false,Pipeline,75\n")
SF_OPPORTUNITIES = ("Id,Name,StageName,Amount,CreatedDate,CloseDate,IsClosed,IsWon\n"
                    "0061,A,Prospecting,100,2024-01-05T10:00:00.000+0000,2024-03-01,false,false\n"
                    "0062,B,Proposal/Price Quote,200,2024-01-06T10:00:00.000+0000,2024-03-01,false,false\n"
                    "0063,C,Closed Won,300,2024-01-07T10:00:00.000+0000,2024-01-20,true,true\n"
                    "0064,D,Closed Lost,400,2024-01-08T10:00:00.000+0000,2024-01-25,true,false\n"
                    "0065,E,Qualification,500,2024-01-09T10:00:00.000+0000,2024-03-01,false,false\n")


def test_salesforce_opportunity_stage_gives_the_orgs_labels_order_and_outcomes(mem_store):
    info, built, _ = import_file(mem_store, SF_OPPORTUNITIES.encode(), "Opportunity.csv",
                                 history=SF_STAGES.encode(), history_name="OpportunityStage.csv")
    assert built["n_deals"] == 5
    # SortOrder 1..5: Discovery, Demo, Offer, Contract Signed (won, IsWon), No Decision (lost: closed, not won)
    assert kinds(mem_store, info) == {"Contract Signed": "won", "No Decision": "lost"}
    # Discovery 5 (lost D counted at the first); Demo: B, C, E = 3; Offer: B, C = 2; Contract Signed: C = 1
    assert reached(mem_store, info) == [("Discovery", 5), ("Demo", 3), ("Offer", 2), ("Contract Signed", 1)]
    assert info.meta.get("order_guessed") is False
