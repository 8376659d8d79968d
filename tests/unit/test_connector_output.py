"""Issue 16, survey 24 (left then, done now): what a data connector writes of a CRM's deals, read as the CRM's own.

**A CSV whose records are JSON text in their cells.**

Airbyte's CSV destinations, as docs.airbyte.com/integrations/destinations/csv describes them ("Each file will contain
3 columns: `_airbyte_ab_id`, `_airbyte_emitted_at`, `_airbyte_data` (a json blob)"); Destinations v2's raw columns
(`_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, _airbyte_generation_id, _airbyte_data`); S3 / GCS CSV with
"root level flattening" (HubSpot's top-level keys as columns, `properties` as JSON text). The records are shaped
as airbytehq/airbyte's source-hubspot `integration_tests/expected_records.jsonl` writes HubSpot's deals. Before:
every shape refused, "no column for the required field «stage»".

Five deals worked by hand (the CSV shapes): won 1 (100, created Jan 1, closed Jan 11: 10 d) and 2 (300, Jan 5 → Feb 4: 30 d), lost 3,
open 4 and 5. Won 2, lost 1, open 2, revenue 400, median cycle (10 + 30) / 2 = 20 d; managers «111» 3 deals, «222» 2.

**HubSpot's streams beside its deals in one Airbyte JSON-lines file**: ``deal_pipelines`` (each pipeline's stages with
``stageId, label, displayOrder``) and ``owners`` (``id, firstName, lastName``), as the same fixture holds them. Before:
stages, pipeline and managers shown as ids (``9567448``, a UUID, ``52550153``), a custom pipeline's order guessed;
``deal_pipelines`` given as the second file refused ("no deal id, stage and date columns").
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import outcome

DEALS = [  # (id, stage, won?, amount, created, close, owner)
    ("4280411910", "closedwon", True, 100, "2024-01-01T10:00:00.000000+00:00", "2024-01-11T10:00:00+00:00", "111"),
    ("4280411911", "closedwon", True, 300, "2024-01-05T09:00:00.000000+00:00", "2024-02-04T09:00:00+00:00", "222"),
    ("4280411912", "closedlost", False, 50, "2024-01-10T12:00:00.000000+00:00", "2024-01-20T12:00:00+00:00", "111"),
    ("4280411913", "qualifiedtobuy", False, 70, "2024-02-01T08:00:00.000000+00:00", None, "111"),
    ("4280411914", "appointmentscheduled", False, 20, "2024-02-02T08:00:00.000000+00:00", None, "222"),
]
EXPECTED = (5, 2, 1, 2, 400, 20.0)


def _properties(deal) -> dict:
    id_, stage, won, amount, created, close, owner = deal
    return {"amount": amount, "closedate": close, "createdate": created, "dealname": f"Deal {id_[-2:]}",
            "dealstage": stage, "hs_is_closed_won": won, "hs_object_id": id_, "hubspot_owner_id": owner,
            "pipeline": "default", "closed_lost_reason": None}


def _record(deal) -> dict:
    return {"id": deal[0], "properties": _properties(deal), "createdAt": deal[4], "updatedAt": deal[4],
            "archived": False, "companies": ["9795220416"]}


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _legacy() -> bytes:
    return _csv(["_airbyte_ab_id", "_airbyte_emitted_at", "_airbyte_data"],
                [[f"1b0f3c9e-4a7d-4c55-9a59-0e5f3f3f5a0{i}", 1684438509376 + i, json.dumps(_record(d), separators=(",", ":"))]
                 for i, d in enumerate(DEALS)])


def _v2() -> bytes:
    return _csv(["_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_meta", "_airbyte_generation_id", "_airbyte_data"],
                [[f"0c3e{i}", "2024-03-01 10:00:00.000 +0000", '{"changes":[],"sync_id":7}', 1, json.dumps(_record(d))]
                 for i, d in enumerate(DEALS)])


def _root_flat() -> bytes:
    return _csv(["_airbyte_ab_id", "_airbyte_emitted_at", "id", "properties", "createdAt", "updatedAt", "archived",
                 "companies"],
                [[f"ab{i}", 1684438509376, d[0], json.dumps(_properties(d)), d[4], d[4], "false", '["9795220416"]']
                 for i, d in enumerate(DEALS)])


@pytest.mark.parametrize("make", [_legacy, _v2, _root_flat], ids=["legacy", "destinations_v2", "root_level_flattening"])
def test_records_kept_as_json_text_in_a_csv_are_read(mem_store, make):
    info, _built, _ = import_file(mem_store, make(), "_airbyte_raw_deals.csv")
    deals, won, lost, open_, revenue, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, revenue, cycle) == EXPECTED
    with mem_store.connect() as con:
        managers = dict(con.execute(f"SELECT manager, count(*) FROM ds_{info.id}.deals GROUP BY 1").fetchall())
        created = con.execute(f"SELECT min(created_at) FROM ds_{info.id}.deals").fetchone()[0]
    assert managers == {"111": 3, "222": 2}
    assert str(created).startswith("2024-01-01 10:00")  # the deal's creation, not the sync's _airbyte_ time


def test_the_import_says_where_the_records_were(mem_store):
    from funnel.readers import stage_file

    with mem_store.connect() as con:
        raw = stage_file(con, _legacy(), "_airbyte_raw_deals.csv")
        assert raw.n_rows == 5
        assert "dealstage" in raw.headers and not any(h.startswith("_airbyte_") for h in raw.headers)
        said = dict(raw.notes)["readers.json_cells"]
        assert said["columns"] == "«_airbyte_data»" and said["n"] == 5


def test_a_cell_that_is_not_json_is_named_by_row_and_column(mem_store):
    rows = list(csv.reader(io.StringIO(_legacy().decode())))
    rows[4][2] = rows[4][2][:40]  # the fourth record cut off: file row 5 (the header is row 1)
    with pytest.raises(FunnelError) as caught:
        import_file(mem_store, _csv(rows[0], rows[1:]), "_airbyte_raw_deals.csv")
    assert caught.value.code == "json.cell_unreadable"
    assert caught.value.params["row"] == 5 and caught.value.params["column"] == "_airbyte_data"
    assert "строка 5" in caught.value.message("ru") and "第 5 行" in caught.value.message("zh")


def test_a_column_named_data_holding_plain_text_stays_a_column(mem_store):
    text = (b"id,stage,amount,data\n1,Won,100,{not json}\n2,Lost,50,notes\n3,Negotiation,70,\n")
    info, _built, _ = import_file(mem_store, text, "deals.csv")
    assert outcome(mem_store, info)[:4] == (3, 1, 1, 1)


PIPELINE = {"label": "New Business Pipeline", "displayOrder": 3, "active": True, "objectType": "DEAL",
            "pipelineId": "b9152945-a594-4835-9676-a6f405fecd71", "default": False, "stages": [
                # listed out of their order, as the fixture lists them
                {"label": "Initial Qualification", "displayOrder": 0, "stageId": "9567448",
                 "metadata": {"isClosed": "false", "probability": "0.1"}},
                {"label": "Success! Closed Won", "displayOrder": 2, "stageId": "customclosedwonstage",
                 "metadata": {"isClosed": "true", "probability": "1.0"}},
                {"label": "Negotiation", "displayOrder": 1, "stageId": "9567449",
                 "metadata": {"isClosed": "false", "probability": "0.5"}},
                {"label": "Closed Lost", "displayOrder": 3, "stageId": "66894120",
                 "metadata": {"isClosed": "true", "probability": "0.0"}}]}
OWNERS = [{"id": "52550153", "email": "integration-test@airbyte.io", "firstName": "Team-1", "lastName": "Airbyte",
           "userId": 12282590, "archived": False},
          {"id": "7", "email": "anna@example.com", "firstName": "Anna", "lastName": "Petrova", "archived": False}]
# (id, stage id, closed?, won?, amount, created, close, owner)
CUSTOM = [("1", "9567448", False, False, 100, "2023-01-02", None, "52550153"),
          ("2", "9567448", False, False, 200, "2023-01-03", None, "52550153"),
          ("3", "9567449", False, False, 300, "2023-01-04", None, "7"),
          ("4", "customclosedwonstage", True, True, 400, "2023-01-05", "2023-01-25", "7"),
          ("5", "66894120", True, False, 500, "2023-01-06", "2023-01-20", "52550153")]


def _line(stream: str, data: dict) -> str:
    return json.dumps({"stream": stream, "data": data, "emitted_at": 1683405009247})


def _custom_deal(d) -> dict:
    id_, stage, closed, won, amount, created, close, owner = d
    return {"id": id_, "archived": False, "properties": {
        "dealname": f"D{id_}", "dealstage": stage, "pipeline": PIPELINE["pipelineId"], "amount": amount,
        "createdate": f"{created}T10:00:00+00:00", "closedate": close and f"{close}T10:00:00+00:00",
        "hs_is_closed": closed, "hs_is_closed_won": won, "hubspot_owner_id": owner}}


def _sync(*, owners=True) -> bytes:
    lines = [_line("deal_pipelines", PIPELINE)] + ([_line("owners", o) for o in OWNERS] if owners else []) \
        + [_line("deals", _custom_deal(d)) for d in CUSTOM]
    return "\n".join(lines).encode()


def test_a_syncs_pipelines_and_owners_name_its_deals_stages_and_managers(mem_store):
    from tests.unit.test_crm_exports_spreadsheets import findings, reached

    info, _built, _ = import_file(mem_store, _sync(), "hubspot.jsonl")
    # by hand: won D4 (400; Jan 5 → Jan 25: 20 d), lost D5, open D1–D3
    assert outcome(mem_store, info) == (5, 1, 1, 3, 400, 20.0)
    # the pipeline's own order (displayOrder 0, 1, 2), not a guess; «Closed Lost» is no step
    steps = reached(mem_store, info)
    assert [s for s, _n in steps] == ["Initial Qualification", "Negotiation", "Success! Closed Won"]
    assert dict(steps)["Negotiation"] == 2 and dict(steps)["Success! Closed Won"] == 1  # D3, D4; D4
    found = findings(mem_store, info)
    assert "stages.order_guessed" not in found and "stages.ids_only" not in found
    assert "json.owners_named" in found
    with mem_store.connect() as con:
        managers = dict(con.execute(f"SELECT manager, count(*) FROM ds_{info.id}.deals GROUP BY 1").fetchall())
        pipelines = {r[0] for r in con.execute(f"SELECT DISTINCT pipeline FROM ds_{info.id}.deals").fetchall()}
    assert managers == {"Team-1 Airbyte": 3, "Anna Petrova": 2}
    assert pipelines == {"New Business Pipeline"}


def test_the_pipelines_stream_alone_is_a_stage_list_as_the_second_file(mem_store):
    from tests.unit.test_crm_exports_spreadsheets import reached

    deals = "\n".join(_line("deals", _custom_deal(d)) for d in CUSTOM).encode()
    info, _built, _ = import_file(mem_store, deals, "deals.jsonl", history=_line("deal_pipelines", PIPELINE).encode(),
                                  history_name="deal_pipelines.jsonl")
    assert [s for s, _n in reached(mem_store, info)] == ["Initial Qualification", "Negotiation", "Success! Closed Won"]


def test_the_crms_list_says_a_stage_is_a_step_whatever_its_deals_flags(mem_store):
    """Airbyte's real HubSpot fixture holds two deals won by ``hs_is_closed_won`` while at «appointmentscheduled»:
    a stage whose every deal is won was taken for a won stage and drawn after «Contract Sent». The pipeline's list
    says it is the first step (displayOrder 0)."""
    from tests.unit.test_crm_exports_spreadsheets import reached

    sales = {"label": "Sales Pipeline", "displayOrder": 0, "pipelineId": "default", "stages": [
        {"label": label, "displayOrder": i, "stageId": sid, "metadata": {"isClosed": str(i >= 5).lower()}}
        for i, (sid, label) in enumerate([("appointmentscheduled", "Appointment Scheduled"),
                                          ("qualifiedtobuy", "Qualified To Buy"),
                                          ("presentationscheduled", "Presentation Scheduled"),
                                          ("decisionmakerboughtin", "Decision Maker Bought-In"),
                                          ("contractsent", "Contract Sent"), ("closedwon", "Closed Won"),
                                          ("closedlost", "Closed Lost")])]}
    deals = [{"id": i, "properties": {"dealname": f"Test deal {i}", "dealstage": "appointmentscheduled",
                                      "pipeline": "default", "amount": amount, "hs_is_closed": True, "hs_is_closed_won": True,
                                      "createdate": "2021-02-23T20:20:10.826000+00:00",
                                      "closedate": "2021-02-28T20:20:10.826000+00:00"}}
             for i, amount in (("4280411910", 6), ("4315375411", 10))]
    text = "\n".join([_line("deal_pipelines", sales)] + [_line("deals", d) for d in deals]).encode()
    info, _built, _ = import_file(mem_store, text, "hubspot.jsonl")
    assert outcome(mem_store, info)[:5] == (2, 2, 0, 0, 16)
    assert [s for s, _n in reached(mem_store, info)][:2] == ["Appointment Scheduled", "Qualified To Buy"]
