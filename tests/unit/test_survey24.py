"""Issue 16, survey 24: what data connectors write of a CRM's records (Airbyte, dlt, Singer test fixtures).

- **An offset of hours only** («2023-02-24 03:01:01.147+00»): PostgreSQL and DuckDB write a timestamp with time zone
  so (dlt's DuckDB destination of its HubSpot test deals, a database dump). The offset rules read «+00:00» and «Z»
  only: a file so written was refused, and with only its close column so written every closed deal was rejected
  (1 deal of 4 kept, a row-rejected warning each).
- **Airbyte's Zoho CRM streams** are named ``incremental_leads_zoho_crm_stream``, ``incremental_notes_zoho_crm_stream``:
  no stream was known by its name, and the longest (the notes) was read and refused.
- **A Singer tap's output** (``{"type": "RECORD", "stream": "deals", "record": {…}}`` among SCHEMA and STATE lines,
  the Singer spec's envelope around Airbyte's real Pipedrive deal records): refused (headers ``record.stage_id``).
"""

from __future__ import annotations

import json

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome

DEALS = ("id,name,stage,amount,created,closed\n"
         "1,A,Qualified,500,2023-02-01 09:00:00+00,\n"
         "2,B,Won,300,2023-02-01 09:00:00+00,2023-02-24 03:01:01.147+00\n"
         "3,C,Lost,200,2023-02-01 09:00:00+00,2023-03-10 10:00:00+00\n"
         "4,D,Won,100,2023-02-02 09:00:00+00,2023-03-04 09:00:00+00\n")


def test_an_offset_of_hours_only_is_read(mem_store):
    info, _built, _ = import_file(mem_store, DEALS.encode(), "deals.csv")
    # all 4 kept; won B (Feb 1 09:00 → Feb 24 03:01:01.147: 22 d 18 h 1 min 1.147 s) and D (30 days), median of
    # the two = (22.750707 + 30) / 2
    deals, won, lost, open_, revenue, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, revenue) == (4, 2, 1, 1, 400)
    b = 22 + (18 * 3600 + 61.147) / 86400
    assert abs(cycle - (b + 30) / 2) < 1e-6
    assert not [code for code in findings(mem_store, info) if code.startswith("row.") or "rejected" in code]


def test_an_hours_offset_other_than_utc_keeps_its_wall_clock(mem_store):
    """One shared offset is dropped and the wall-clock time kept (values.py's time zones): «+03» as «+03:00»."""
    text = DEALS.replace("+00", "+03")
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    with mem_store.connect() as con:
        assert con.execute(f"SELECT CAST(closed_at AS VARCHAR) FROM ds_{info.id}.deals WHERE deal_id = '3'").fetchone() \
            == ("2023-03-10 10:00:00",)


def test_a_stream_named_around_its_objects_word_is_read(mem_store):
    def lead(n, status):
        return {"stream": "incremental_leads_zoho_crm_stream", "emitted_at": 1, "data": {
            "Owner": {"name": "Jean Lafleur", "id": "4970762000000326001"}, "id": f"49707620000003354{n}",
            "Created_Time": "2021-08-03T14:48:40+03:00", "Lead_Status": status, "Lead_Source": "Web", "$converted": False}}
    def note(n):
        return {"stream": "incremental_notes_zoho_crm_stream", "emitted_at": 1, "data": {
            "Owner": {"name": "Jean Lafleur"}, "id": f"5{n}", "Created_Time": "2021-08-03T14:48:40+03:00",
            "Note_Content": "call back"}}
    lines = [lead(1, "Contact in Future"), lead(2, "Lost Lead"), note(1), note(2), note(3)]
    info, _built, _ = import_file(mem_store, "\n".join(json.dumps(x) for x in lines).encode(), "zoho.jsonl")
    assert outcome(mem_store, info)[:4] == (2, 0, 1, 1)  # the two leads, one lost; not the three notes


def test_a_singer_taps_messages_are_its_records(mem_store):
    schema = {"type": "SCHEMA", "stream": "deals", "schema": {"type": "object"}, "key_properties": ["id"]}
    def record(n, status, value):
        return {"type": "RECORD", "stream": "deals", "time_extracted": "2023-05-01T00:00:00Z", "record": {
            "id": n, "title": f"Deal {n}", "value": value, "currency": "USD", "status": status, "stage_id": 1,
            "pipeline_id": 1, "add_time": "2023-04-01 10:00:00", "owner_name": "Team Airbyte"}}
    lines = [schema, record(1, "open", 1000), record(2, "won", 2200), {"type": "STATE", "value": {"deals": 2}},
             record(3, "lost", 1000)]
    info, _built, _ = import_file(mem_store, "\n".join(json.dumps(x) for x in lines).encode(), "tap-pipedrive.jsonl")
    assert outcome(mem_store, info)[:5] == (3, 1, 1, 1, 2200)
