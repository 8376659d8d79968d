"""API answers inside a zip (funnel/readers/archive.py): people zip what they pulled from the API to
mail it, the deals beside the CRM's list of stages (amoCRM ``/api/v4/leads`` + ``/api/v4/leads/pipelines``).
The answers are tests/unit/test_json_exports.py's and test_stage_list_file.py's; counts worked by hand."""

from __future__ import annotations

import json

from funnel.importer import import_file
from funnel.readers import list_sheets
from tests.unit.test_archives import make_zip
from tests.unit.test_crm_exports_spreadsheets import findings, reached
from tests.unit.test_json_exports import AMO, PIPEDRIVE, _encode
from tests.unit.test_stage_list_file import AMO_PIPELINES, BITRIX_STATUSES


def _stages(store, info) -> dict[str, str]:
    with store.connect() as con:
        return dict(con.execute(f"SELECT deal_id, stage FROM ds_{info.id}.deals").fetchall())


def test_leads_and_pipelines_answers_in_one_zip_import_named(mem_store, tmp_path):
    path = make_zip(tmp_path / "amocrm.zip", {"amocrm/pipelines.json": _encode(AMO_PIPELINES),
                                             "amocrm/leads.json": _encode(AMO)})
    # pipelines.json holds 5 statuses, leads.json 3 leads: the leads are the deals all the same
    assert list_sheets(path.read_bytes(), "amocrm.zip") == [("amocrm/pipelines.json", 5), ("amocrm/leads.json", 3)]
    info, built, _ = import_file(mem_store, path.read_bytes(), "amocrm.zip")
    assert built["n_deals"] == 3
    assert _stages(mem_store, info) == {"101": "Успешно реализовано", "102": "Закрыто и не реализовано",
                                        "103": "Первичный контакт"}
    # the list's statuses in their sort, Неразобранное and Переговоры too (no lead sits there): 102 lost (no
    # stage it was lost at: counted at the first only) -> Неразобранное 3; Первичный контакт: open 103 and
    # won 101 = 2; Переговоры: 101 = 1
    assert reached(mem_store, info) == [("Неразобранное", 3), ("Первичный контакт", 2), ("Переговоры", 1),
                                        ("Успешно реализовано", 1)]
    applied = findings(mem_store, info)["stage_list.applied"][2]
    assert applied == {"file": "amocrm.zip › amocrm/pipelines.json", "n": 5, "renamed": 3, "deals": 3}
    assert info.meta["pipelines"] == ["Воронка"]


def test_a_json_answer_alone_in_a_zip_is_read(mem_store, tmp_path):
    path = make_zip(tmp_path / "pipedrive.zip", {"deals.json": _encode(PIPEDRIVE), "notes.txt": "pulled 2024-02-01"})
    info, built, _ = import_file(mem_store, path.read_bytes(), "pipedrive.zip")
    assert built["n_deals"] == 4 and info.meta["sheet"] == "deals.json"


def test_a_stage_list_beside_deals_it_does_not_name_is_left_out(mem_store, tmp_path):
    """The deals name their stages; the list beside them (Bitrix24 codes) names none of them: the import
    goes on without it instead of refusing the archive for a file nobody gave."""
    deals = ("ID,TITLE,STAGE_ID,OPPORTUNITY\n1,Окна,Заявка,100\n2,Двери,Замер,200\n3,Пол,Замер,300\n")
    path = make_zip(tmp_path / "export.zip", {"deals.csv": deals, "statuses.csv": BITRIX_STATUSES})
    info, built, _ = import_file(mem_store, path.read_bytes(), "export.zip")
    assert built["n_deals"] == 3
    assert set(_stages(mem_store, info).values()) == {"Заявка", "Замер"}
    assert "stage_list.applied" not in findings(mem_store, info)


def test_a_zip_of_the_stage_list_given_as_the_second_file(mem_store, tmp_path):
    path = make_zip(tmp_path / "lists.zip", {"pipelines.json": json.dumps(AMO_PIPELINES)})
    info, _built, _ = import_file(mem_store, _encode(AMO), "leads.json", history=path.read_bytes(),
                                  history_name="lists.zip")
    assert _stages(mem_store, info)["103"] == "Первичный контакт"
