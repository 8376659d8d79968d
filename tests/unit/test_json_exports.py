"""A CRM's API answer saved as JSON (funnel/readers/json_reader.py), imported end to end with no manual fix.

People who pull deals through an API keep the answer as it came. Each answer below has its API's shape,
from the API's own documentation and public code (the values are invented, the arithmetic is in the
comments):

- Bitrix24 ``crm.deal.list``: ``{"result": [...], "next": 50, "total": N, "time": {...}}``, every value a
  string (b24restdocs; the field codes of the ``bitrix24_rest`` preset).
- amoCRM ``GET /api/v4/leads``: ``{"_page", "_links", "_embedded": {"leads": [...]}}``, unix seconds,
  ``custom_fields_values`` as ``[{"field_id", "field_name", "values": [{"value", "enum_id"}]}]`` and
  ``_embedded.tags`` (amoCRM's developer docs; oGi4i/amocrm-client's ``GetLeadResponse``).
- HubSpot ``GET /crm/v3/objects/deals``: ``{"results": [{"id", "properties": {...}, "createdAt",
  "archived"}], "paging": {...}}``, and the legacy v1 ``deals/paged`` answer that wraps every property as
  ``{"value", "timestamp", "source", "versions": [...]}`` (Viktorsodd/hubspot ``example_hubspot_response.js``).
- Pipedrive ``GET /v1/deals``: ``{"success": true, "data": [...], "additional_data": {...}}`` with the
  owner, person and organisation as objects (``user_id: {"id", "name", "value"}``, ``org_id: {"name",
  "owner_id", "value"}``), ``stage_id`` numbers and ``stage_order_nr`` (Pipedrive's API reference).
- Dynamics 365 Web API (OData v4): ``{"@odata.context", "value": [...]}``; ``statecode`` 0/1/2, with
  ``Prefer: odata.include-annotations`` also ``statecode@OData.Community.Display.V1.FormattedValue`` and
  lookups as ``_ownerid_value`` (Microsoft Learn, "Query data using the Web API").
- Mixpanel's raw export and Amplitude's export: one JSON object per line (``{"event", "properties":
  {"time", "distinct_id", …}}``; ``{"event_type", "user_id", "event_time", "event_properties"}``).
- Windows PowerShell's ``Invoke-RestMethod … | ConvertTo-Json > deals.json`` writes UTF-16 with a BOM.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.readers import json_reader
from tests.unit.test_crm_exports_spreadsheets import findings, kinds, outcome, reached


def _fields(info):
    return info.meta["mapping"]["fields"]


def _encode(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1).encode()


def _extra(info, header):
    return next(c for c, h in info.meta["extra_columns"].items() if h == header)


def _column(store, info, column, order="deal_id"):
    with store.connect() as con:
        return [r[0] for r in con.execute(f'SELECT "{column}" FROM ds_{info.id}.deals ORDER BY {order}').fetchall()]


# --- Bitrix24 crm.deal.list -----------------------------------------------------------------------------

def _bitrix(i, stage, semantic, created, closed, amount, user, source, closed_flag):
    return {"ID": str(i), "TITLE": f"Сделка #{i}", "TYPE_ID": "SALE", "STAGE_ID": stage, "PROBABILITY": None,
            "CURRENCY_ID": "RUB", "OPPORTUNITY": f"{amount}.00", "CATEGORY_ID": "0", "STAGE_SEMANTIC_ID": semantic,
            "DATE_CREATE": created, "CLOSEDATE": closed, "CLOSED": closed_flag, "ASSIGNED_BY_ID": user,
            "SOURCE_ID": source, "UTM_SOURCE": None}


BITRIX = {"result": [
    _bitrix(1, "NEW", "P", "2024-01-05T10:00:00+03:00", "2024-01-20T03:00:00+03:00", 100000, "1", "WEB", "N"),
    _bitrix(2, "WON", "S", "2024-01-06T10:00:00+03:00", "2024-01-16T03:00:00+03:00", 50000, "3", "CALL", "Y"),
    _bitrix(3, "LOSE", "F", "2024-01-07T10:00:00+03:00", "2024-01-17T03:00:00+03:00", 7000, "1", "WEB", "Y"),
    _bitrix(4, "EXECUTING", "P", "2024-01-08T10:00:00+03:00", "2024-01-30T03:00:00+03:00", 30000, "3", "WEB", "N"),
    _bitrix(5, "PREPARATION", "P", "2024-01-09T10:00:00+03:00", "2024-01-30T03:00:00+03:00", 12000, "1", "CALL",
            "N"),
], "next": 50, "total": 5, "time": {"start": 1704441600.1, "finish": 1704441600.3, "duration": 0.2}}


def test_bitrix24_crm_deal_list_answer(mem_store):
    info, built, _ = import_file(mem_store, _encode(BITRIX), "crm.deal.list.json")
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    assert info.meta["mapping"]["preset"] == "bitrix24_rest"
    f = _fields(info)
    assert (f["stage"], f["status"], f["amount"], f["created_at"]) == (
        "STAGE_ID", "STAGE_SEMANTIC_ID", "OPPORTUNITY", "DATE_CREATE")
    # won #2 (50,000), lost #3 (F), open #1, #4, #5
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (5, 1, 1, 3, 50000.0)
    # Bitrix24's default order: NEW 5 (all); PREPARATION: #5, #4 (EXECUTING is after it), #2 (won) = 3;
    # EXECUTING: #4 and #2 = 2; WON 1
    assert reached(mem_store, info) == [("NEW", 5), ("PREPARATION", 3), ("EXECUTING", 2), ("WON", 1)]
    note = findings(mem_store, info)["json.records"]
    assert note[0] == "info"
    assert "result" in json.dumps(note[2], ensure_ascii=False)


# --- amoCRM /api/v4/leads --------------------------------------------------------------------------------

def _amo(i, price, user, status, created, closed, source=None, tags=(), loss=None):
    return {"id": i, "name": f"Сделка {i}", "price": price, "responsible_user_id": user, "group_id": 0,
            "status_id": status, "pipeline_id": 5, "loss_reason_id": loss, "created_by": user, "updated_by": user,
            "created_at": created, "updated_at": 1704800000, "closed_at": closed, "closest_task_at": None,
            "is_deleted": False, "score": None, "account_id": 28805383,
            "custom_fields_values": None if source is None else [
                {"field_id": 449, "field_name": "Источник", "field_code": None, "field_type": "select",
                 "values": [{"value": source, "enum_id": 7 if source == "Сайт" else 8}]}],
            "_links": {"self": {"href": f"https://example.amocrm.ru/api/v4/leads/{i}"}},
            "_embedded": {"tags": [{"id": 1, "name": t, "color": None} for t in tags],
                          "companies": [{"id": 9, "_links": {"self": {"href": "…"}}}]}}


# 1704412800 = 2024-01-05 00:00 UTC; each day 86,400 s
AMO = {"_page": 1, "_links": {"self": {"href": "https://example.amocrm.ru/api/v4/leads?page=1&limit=250"}},
       "_embedded": {"leads": [
           _amo(101, 46333, 11, 142, 1704412800 + 28800, 1704412800 + 3 * 86400, "Сайт", ("vip",)),
           _amo(102, 1000, 12, 143, 1704412800 + 86400 + 28800, 1704412800 + 2 * 86400 + 28800, loss=4),
           _amo(103, 5000, 11, 4001, 1704412800 + 2 * 86400, None, "Звонок"),
       ]}}


def test_amocrm_api_v4_leads_page(mem_store):
    info, built, _ = import_file(mem_store, _encode(AMO), "leads.json")
    assert (built["n_deals"], built["rows_rejected"]) == (3, 0)
    f = _fields(info)
    assert (f["deal_id"], f["amount"], f["stage"], f["created_at"], f["closed_at"]) == (
        "id", "price", "status_id", "created_at", "closed_at")
    # the custom field «Источник» is a column of its own, the source; `_links` and the companies' objects are none
    assert f["source"] == "Источник"
    assert _column(mem_store, info, "source") == ["Сайт", None, "Звонок"]
    # 142 won (46,333: 05 Jan 08:00 -> 08 Jan 00:00, a close at midnight read as its day: 3 calendar days), 143
    # lost, 4001 open
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (3, 1, 1, 1, 46333.0)
    assert cycle == 3
    assert _column(mem_store, info, "created_at")[0] == dt.datetime(2024, 1, 5, 8, 0)
    with mem_store.connect() as con:
        headers = [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE ds_{info.id}.deals)").fetchall()]
        tags = con.execute(f"SELECT x_tags FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()
    assert not any("links" in h or "companies" in h for h in headers)
    assert [t[0] for t in tags] == ["vip", None, None]


# --- HubSpot ---------------------------------------------------------------------------------------------

HUBSPOT_V3 = {"results": [
    {"id": "512", "properties": {"amount": "1500.00", "closedate": "2024-02-07T16:50:06.678Z",
                                 "createdate": "2024-01-30T03:30:17.883Z", "dealname": "Acme", "dealstage": "closedwon",
                                 "hs_object_id": "512", "pipeline": "default", "hubspot_owner_id": "77"},
     "createdAt": "2024-01-30T03:30:17.883Z", "updatedAt": "2024-02-07T16:50:06.678Z", "archived": False},
    {"id": "513", "properties": {"amount": "900", "closedate": "2024-03-01T00:00:00Z",
                                 "createdate": "2024-02-01T10:00:00Z", "dealname": "Beta",
                                 "dealstage": "presentationscheduled", "hs_object_id": "513", "pipeline": "default",
                                 "hubspot_owner_id": "78"},
     "createdAt": "2024-02-01T10:00:00Z", "updatedAt": "2024-02-02T10:00:00Z", "archived": False},
    {"id": "514", "properties": {"amount": None, "closedate": "2024-02-10T00:00:00Z",
                                 "createdate": "2024-02-02T10:00:00Z", "dealname": "Gamma", "dealstage": "closedlost",
                                 "hs_object_id": "514", "pipeline": "default", "hubspot_owner_id": "77"},
     "createdAt": "2024-02-02T10:00:00Z", "updatedAt": "2024-02-10T10:00:00Z", "archived": False},
    {"id": "515", "properties": {"amount": "300", "closedate": None, "createdate": "2024-02-03T10:00:00Z",
                                 "dealname": "Delta", "dealstage": "appointmentscheduled", "hs_object_id": "515",
                                 "pipeline": "default", "hubspot_owner_id": "78"},
     "createdAt": "2024-02-03T10:00:00Z", "updatedAt": "2024-02-03T10:00:00Z", "archived": False},
], "paging": {"next": {"after": "516", "link": "https://api.hubapi.com/crm/v3/objects/deals?after=516"}}}


def test_hubspot_v3_deals_answer(mem_store):
    info, built, _ = import_file(mem_store, _encode(HUBSPOT_V3), "deals.json")
    assert built["n_deals"] == 4
    assert info.meta["mapping"]["preset"] == "hubspot_api"
    f = _fields(info)
    assert (f["deal_name"], f["stage"], f["amount"], f["created_at"]) == (
        "dealname", "dealstage", "amount", "createdate")
    # won Acme 1,500 (30 Jan 03:30:17.883 -> 07 Feb 16:50:06.678), lost Gamma, open Beta and Delta
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 1, 1, 2, 1500.0)
    span = dt.datetime(2024, 2, 7, 16, 50, 6, 678000) - dt.datetime(2024, 1, 30, 3, 30, 17, 883000)
    assert abs(cycle - span.total_seconds() / 86400) < 1e-5  # cycles are kept to the second
    # HubSpot's default order: appointment 4 (Gamma lost keeps no stage: the first), presentation: Beta + Acme
    assert reached(mem_store, info)[:1] == [("appointmentscheduled", 4)]
    assert ("presentationscheduled", 2) in reached(mem_store, info)


def _wrapped(value, ts=1463680280365):
    return {"value": value, "timestamp": ts, "source": "API", "sourceId": None,
            "versions": [{"name": "x", "value": value, "timestamp": ts, "source": "API", "sourceVid": []}]}


HUBSPOT_V1 = {"hasMore": False, "offset": 2, "results": [
    {"portalId": 62515, "dealId": 38818613, "isDeleted": False,
     "associations": {"associatedVids": [1572024], "associatedCompanyIds": [], "associatedDealIds": []},
     "properties": {"pipeline": _wrapped("default"), "dealname": _wrapped("SELLERSQ-national"),
                    "dealstage": _wrapped("appointmentscheduled"), "amount": _wrapped("1200"),
                    "createdate": _wrapped("1463680280348"), "hubspot_owner_id": _wrapped("1234")}},
    {"portalId": 62515, "dealId": 38818614, "isDeleted": False,
     "associations": {"associatedVids": [], "associatedCompanyIds": [5], "associatedDealIds": []},
     "properties": {"pipeline": _wrapped("default"), "dealname": _wrapped("Other"), "dealstage": _wrapped("closedwon"),
                    "amount": _wrapped("3000"), "createdate": _wrapped("1463780280348"),
                    "closedate": _wrapped("1464780280348"), "hubspot_owner_id": _wrapped("1234")}},
]}


def test_hubspot_v1_answer_unwraps_every_property(mem_store):
    info, built, _ = import_file(mem_store, _encode(HUBSPOT_V1), "deals_v1.json")
    assert built["n_deals"] == 2
    assert _column(mem_store, info, "deal_name") == ["SELLERSQ-national", "Other"]
    assert _column(mem_store, info, "amount") == [1200.0, 3000.0]
    # 1463680280.348 s = 16,940 days (2016-05-19) + 64,280.348 s (17:51:20.348)
    assert _column(mem_store, info, "created_at")[0] == dt.datetime(2016, 5, 19, 17, 51, 20, 348000)
    deals, won, _lost, _open, amount, cycle = outcome(mem_store, info)
    # won «Other»: (1464780280348 - 1463780280348) ms = 1,000,000 s = 11.574 d
    assert (deals, won, amount) == (2, 1, 3000.0)
    assert abs(cycle - 1_000_000 / 86400) < 1e-6


# --- Pipedrive /v1/deals ---------------------------------------------------------------------------------

def _pipedrive(i, stage_id, order_nr, status, value, owner, add, close=None, org=None):
    user = {"id": owner[0], "name": owner[1], "email": f"{owner[1].lower()}@example.com", "has_pic": 0,
            "pic_hash": None, "active_flag": True, "value": owner[0]}
    return {"id": i, "creator_user_id": {"id": 1, "name": "Admin", "value": 1}, "user_id": user,
            "person_id": {"active_flag": True, "name": "Person", "email": [{"label": "work", "value": "p@x.com",
                                                                            "primary": True}], "value": 1101},
            "org_id": None if org is None else {"name": org, "people_count": 2, "owner_id": 999, "address": "Tallinn",
                                                "active_flag": True, "value": 5},
            "stage_id": stage_id, "title": f"Deal {i}", "value": value, "currency": "EUR", "add_time": add,
            "update_time": add, "stage_change_time": None, "active": status == "open", "deleted": False,
            "status": status, "probability": None, "lost_reason": "Price" if status == "lost" else None,
            "close_time": close, "pipeline_id": 1, "won_time": close if status == "won" else None,
            "lost_time": close if status == "lost" else None, "stage_order_nr": order_nr,
            "person_name": "Person", "org_name": org, "owner_name": owner[1], "weighted_value": value}


# the account's stages are ids 7 (first), 3 (second), 5 (third): their order is stage_order_nr, not the ids'
PIPEDRIVE = {"success": True, "data": [
    _pipedrive(1, 3, 2, "won", 5000, (8877, "Anna"), "2024-01-05 04:21:51", "2024-01-27 11:40:36", org="Org"),
    _pipedrive(2, 7, 1, "open", 700, (8878, "Boris"), "2024-01-06 09:00:00"),
    _pipedrive(3, 5, 3, "lost", 300, (8877, "Anna"), "2024-01-07 09:00:00", "2024-01-12 09:00:00"),
    _pipedrive(4, 7, 1, "open", 200, (8878, "Boris"), "2024-01-08 09:00:00"),
], "additional_data": {"pagination": {"start": 0, "limit": 100, "more_items_in_collection": False}}}


def test_pipedrive_v1_deals_answer(mem_store):
    info, built, _ = import_file(mem_store, _encode(PIPEDRIVE), "pipedrive.json")
    assert built["n_deals"] == 4
    f = _fields(info)
    assert (f["deal_name"], f["amount"], f["status"], f["stage"]) == ("title", "value", "status", "stage_id")
    # the deal's owner, never the organisation's owner_id (999) nor the creator
    assert f["manager"] in ("owner_name", "user_id.name")
    assert _column(mem_store, info, "manager") == ["Anna", "Boris", "Anna", "Boris"]
    assert info.meta["order_source"] == "file"
    # 7 -> 3 -> 5 (stage_order_nr 1, 2, 3): 7 all 4; 3: deal 1 (won) and deal 3 (lost at 5) = 2; 5: deal 3 and
    # the won deal 1 = 2
    # the sale is named by the status, written as a name («won» is the API's code for it)
    assert reached(mem_store, info) == [("7", 4), ("3", 2), ("5", 2), ("Won", 1)]
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 1, 1, 2, 5000.0)
    # a reference to another record is its name: the organisation «Org», not its owner_id, address, …
    attributes = set(info.meta["extra_columns"].values())
    assert "org_id.name" in attributes and not any(a.startswith("org_id.") and a != "org_id.name" or a == "owner_id"
                                                   for a in attributes)
    with mem_store.connect() as con:
        org = con.execute(f'SELECT "{_extra(info, "org_id.name")}" FROM ds_{info.id}.deals ORDER BY deal_id').fetchall()
    assert [o[0] for o in org] == ["Org", None, None, None]


# --- Dynamics 365 Web API ------------------------------------------------------------------------------

def _dyn(i, step, state, value, created, closed=None, owner=None):
    record = {"@odata.etag": f'W/"{i}"', "opportunityid": f"0000000{i}-aaaa-bbbb-cccc-000000000000",
              "name": f"Opportunity {i}", "estimatedvalue": value, "statecode": state, "stepname": step,
              "createdon": created, "actualclosedate": closed, "_ownerid_value": "a1b2c3d4-0000-0000-0000-0000000000ff"}
    if owner is not None:
        record["statecode@OData.Community.Display.V1.FormattedValue"] = ["Open", "Won", "Lost"][state]
        record["_ownerid_value@OData.Community.Display.V1.FormattedValue"] = owner
    return record


@pytest.mark.parametrize("annotated", [False, True])
def test_dynamics_web_api_opportunities(mem_store, annotated):
    owner = "Dana Reyes" if annotated else None
    doc = {"@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#opportunities", "value": [
        _dyn(1, "3-Propose", 1, 1000, "2024-01-05T10:00:00Z", "2024-01-20", owner),
        _dyn(2, "1-Qualify", 0, 500, "2024-01-06T10:00:00Z", None, owner),
        _dyn(3, "2-Develop", 2, 800, "2024-01-07T10:00:00Z", "2024-01-10", owner),
        _dyn(4, "2-Develop", 0, 250, "2024-01-08T10:00:00Z", None, owner)]}
    info, built, _ = import_file(mem_store, _encode(doc), "opportunities.json")
    assert built["n_deals"] == 4
    assert info.meta["mapping"]["preset"] == "dynamics_api"
    # statecode 1 won (1,000: 05 Jan 10:00 -> 20 Jan, a day: 15 calendar days), 2 lost, 0 open; as codes or as
    # words
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 1, 1, 2, 1000.0)
    assert cycle == 15
    # 1-Qualify 4; 2-Develop: #3, #4 and the won #1 = 3; 3-Propose: #1 = 1
    assert reached(mem_store, info)[:3] == [("1-Qualify", 4), ("2-Develop", 3), ("3-Propose", 1)]
    if annotated:  # the owner's shown name, not the lookup's id
        assert _column(mem_store, info, "manager") == ["Dana Reyes"] * 4
    with mem_store.connect() as con:
        columns = [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE ds_{info.id}.deals)").fetchall()]
    assert not any("odata" in c.lower() for c in columns)


# --- event exports, one object per line -------------------------------------------------------------------

def test_mixpanel_export_lines_are_an_event_log(mem_store):
    t0 = 1704441600
    journeys = {"u1": ["Viewed Product", "Added to Cart", "Purchase"], "u2": ["Viewed Product", "Added to Cart"],
                "u3": ["Viewed Product"], "u4": ["Viewed Product", "Added to Cart", "Purchase"]}
    lines = [json.dumps({"event": step, "properties": {"time": t0 + 60 * k + n, "distinct_id": user,
                                                       "$insert_id": f"{user}-{k}", "mp_lib": "web",
                                                       "utm_source": "google" if user in ("u1", "u2") else "fb"}})
             for n, (user, steps) in enumerate(journeys.items()) for k, step in enumerate(steps)]
    info, _built, _ = import_file(mem_store, "\n".join(lines).encode(), "export.jsonl")
    assert info.shape == "events"
    f = _fields(info)
    assert (f["entity"], f["step"], f["timestamp"]) == ("distinct_id", "event", "time")
    # viewed 4, carted u1 u2 u4 = 3, bought u1 u4 = 2
    assert reached(mem_store, info) == [("Viewed Product", 4), ("Added to Cart", 3), ("Purchase", 2)]


def test_amplitude_export_lines_are_an_event_log(mem_store):
    rows = [{"event_type": step, "user_id": user, "event_time": f"2024-01-05 10:0{k}:00.123000",
             "event_properties": {"plan": "pro"}, "user_properties": {"country": "DE"}, "uuid": f"{user}-{k}"}
            for user, steps in [("a", ["Signup", "Activate", "Pay"]), ("b", ["Signup", "Activate"]), ("c", ["Signup"])]
            for k, step in enumerate(steps)]
    info, _built, _ = import_file(mem_store, "\n".join(json.dumps(r) for r in rows).encode(), "amplitude.json")
    assert info.shape == "events"
    assert reached(mem_store, info) == [("Signup", 3), ("Activate", 2), ("Pay", 1)]


# --- pages, encodings, what is not JSON --------------------------------------------------------------------

def test_pages_saved_one_after_another_are_one_table(mem_store):
    first = {"result": [{"ID": "1", "STAGE_ID": "NEW", "DATE_CREATE": "2024-01-05"},
                        {"ID": "2", "STAGE_ID": "WON", "DATE_CREATE": "2024-01-06"}], "next": 2, "total": 3}
    second = {"result": [{"ID": "3", "STAGE_ID": "LOSE", "DATE_CREATE": "2024-01-07"}], "total": 3}
    for data in (_encode([first, second]), (json.dumps(first) + "\n" + json.dumps(second)).encode()):
        store = type(mem_store)(":memory:")
        info, built, _ = import_file(store, data, "pages.json")
        assert built["n_deals"] == 3
        deals, won, lost, open_, _amount, _cycle = outcome(store, info)
        assert (deals, won, lost, open_) == (3, 1, 1, 1)


def test_powershell_utf16_answer_with_cyrillic_stages(mem_store):
    records = [{"Id": 1, "Stage": "Новая", "Amount": 100}, {"Id": 2, "Stage": "В работе", "Amount": 200},
               {"Id": 3, "Stage": "Сделка успешна", "Amount": 300}]
    data = b"\xff\xfe" + json.dumps(records, ensure_ascii=False, indent=4).encode("utf-16-le")
    info, built, _ = import_file(mem_store, data, "deals.json")
    assert built["n_deals"] == 3
    # Bitrix24's default names: Новая 3, В работе 2, Сделка успешна (won) 1
    assert reached(mem_store, info) == [("Новая", 3), ("В работе", 2), ("Сделка успешна", 1)]
    assert kinds(mem_store, info) == {"Сделка успешна": "won"}


def test_a_csv_whose_first_title_is_bracketed_stays_a_csv(mem_store):
    data = b"[ID],[Stage],[Amount]\n1,New,100\n2,Won,200\n"
    info, built, _ = import_file(mem_store, data, "report.csv")
    assert built["n_deals"] == 2
    assert _fields(info)["amount"] == "[Amount]"


@pytest.mark.parametrize("data, code", [
    (b'{"result": [{"ID": "1", "STAGE_ID": "NEW"}, {"ID": "2", "STA', "json.cut"),
    (b'{"result": [{"ID": "1",, "STAGE_ID": "NEW"}], "total": 1}', "json.unreadable"),
    (b"[]", "json.no_records"),
    (b'{"result": [1, 2, 3], "total": 3}', "json.no_records"),
])
def test_bad_json_is_refused_by_name_and_nothing_is_stored(mem_store, data, code):
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, data, "deals.json")
    assert err.value.code == code
    for lang in ("en", "ru", "zh"):
        assert "deals.json" in err.value.message(lang)
    if code == "json.cut":  # where the file stops: line 1, column 57 (the unterminated string)
        assert (err.value.params["line"], err.value.params["column"]) == (1, 57)
        assert "57" in err.value.message("ru")
    if code == "json.unreadable":  # the second comma, column 24, and the text around it
        assert (err.value.params["line"], err.value.params["column"]) == (1, 24)
        assert '"1",, "STAGE_ID"' in err.value.message("en")
    assert mem_store.datasets() == []


def test_a_json_file_over_its_limit_is_refused_before_parsing(mem_store, monkeypatch):
    monkeypatch.setattr(json_reader, "MAX_JSON_BYTES", 100)
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, _encode(BITRIX), "crm.deal.list.json")
    assert err.value.code == "json.too_large"
    assert "CSV" in err.value.message("ru")
    assert mem_store.datasets() == []


def test_bitrix24_stage_history_answer_beside_the_deal_list(mem_store):
    """``crm.stagehistory.list`` answers ``{"result": {"items": [...]}, "total"}``: the records one level deeper."""
    def move(i, deal, at, stage, semantic="P"):
        return {"ID": str(i), "TYPE_ID": "1" if stage == "NEW" else "2", "OWNER_ID": str(deal), "CREATED_TIME": at,
                "CATEGORY_ID": "0", "STAGE_SEMANTIC_ID": semantic, "STAGE_ID": stage}
    history = {"result": {"items": [
        move(1, 2, "2024-01-06T10:00:00+03:00", "NEW"), move(2, 2, "2024-01-10T10:00:00+03:00", "PREPARATION"),
        move(3, 2, "2024-01-16T03:00:00+03:00", "WON", "S"),
        move(4, 4, "2024-01-08T10:00:00+03:00", "NEW"), move(5, 4, "2024-01-12T10:00:00+03:00", "EXECUTING"),
    ]}, "total": 5}
    info, _built, _ = import_file(mem_store, _encode(BITRIX), "crm.deal.list.json", history=_encode(history),
                                  history_name="crm.stagehistory.list.json")
    assert info.meta["order_source"] == "history"
    with mem_store.connect() as con:
        moves = con.execute(f"SELECT stage, entered_at FROM ds_{info.id}.events WHERE deal_id = '2' "
                            "ORDER BY entered_at").fetchall()
    # the times as written at their own offset (+03:00), as the deal list's are (tz.instants_offset)
    assert moves == [("NEW", dt.datetime(2024, 1, 6, 10)), ("PREPARATION", dt.datetime(2024, 1, 10, 10)),
                     ("WON", dt.datetime(2024, 1, 16, 3))]


def _amo_event(i, lead, at, after, before):
    return {"id": f"01ev{i}", "type": "lead_status_changed", "entity_id": lead, "entity_type": "lead", "created_by": 11,
            "created_at": at, "value_after": [{"lead_status": {"id": after, "pipeline_id": 5}}],
            "value_before": [{"lead_status": {"id": before, "pipeline_id": 5}}], "account_id": 28805383,
            "_links": {"self": {"href": "…"}}, "_embedded": {"entity": {"id": lead, "_links": {"self": {"href": "…"}}}}}


def test_amocrm_events_answer_is_the_stage_history(mem_store):
    """``/api/v4/events?filter[type]=lead_status_changed``: ``value_after`` is a list holding one object;
    before, the answer's ``created_at`` (shared with the lead list, same moments) was taken for an id
    both files share, and the leads were joined on it: deal ids became times, with no word."""
    day = 86400
    events = {"_page": 1, "_links": {}, "_embedded": {"events": [
        _amo_event(1, 101, 1704412800 + day, 4002, 4001), _amo_event(2, 101, 1704412800 + 3 * day, 142, 4002),
        _amo_event(3, 102, 1704412800 + 2 * day + 28800, 143, 4001)]}}
    info, built, _ = import_file(mem_store, _encode(AMO), "leads.json", history=_encode(events),
                                 history_name="events.json")
    assert _fields(info)["deal_id"] == "id"
    assert built["n_deals"] == 3
    with mem_store.connect() as con:
        moves = con.execute(f"SELECT stage, entered_at FROM ds_{info.id}.events WHERE deal_id = '101' "
                            "AND stage <> '4001' ORDER BY entered_at").fetchall()
    # 1704412800 + 1 d = 2024-01-06 00:00 UTC; + 3 d = 2024-01-08 00:00
    assert moves == [("4002", dt.datetime(2024, 1, 6)), ("142", dt.datetime(2024, 1, 8))]
    # 4001, where the leads were created, is never entered by an event: it is the stage the first moves left
    # (value_before), so it goes first; 4001 all 3, 4002: the won 101 = 1, 142 (won) 1
    assert info.meta["stage_order"]["5"] == ["4001", "4002", "142"]
    assert reached(mem_store, info) == [("4001", 3), ("4002", 1), ("142", 1)]


def test_two_files_sharing_only_a_creation_time_are_not_joined_on_it(mem_store):
    leads = b"id,name,stage,created_at\n1,A,New,2024-01-05\n2,B,Won,2024-01-06\n3,C,New,2024-01-07\n"
    notes = b"ref,note,created_at\nx1,call,2024-01-05\nx2,mail,2024-01-06\n"
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, leads, "leads.csv", history=notes, history_name="notes.csv")
    assert err.value.code == "import.history_unmapped"
    assert "notes.csv" in err.value.message("ru")
    assert mem_store.datasets() == []


def test_hubspot_properties_with_history_are_the_deals_moves(mem_store):
    """``/crm/v3/objects/deals?propertiesWithHistory=dealstage``: each deal carries its stage's history
    (newest first, as HubSpot returns it); an amount's history is no stage."""
    def history(*pairs):
        return [{"value": v, "timestamp": t, "sourceType": "CRM_UI", "sourceId": "userId:1", "updatedByUserId": 1}
                for v, t in reversed(pairs)]
    doc = json.loads(json.dumps(HUBSPOT_V3))
    moves = {
        "512": [("appointmentscheduled", "2024-01-30T03:30:17.883Z"), ("presentationscheduled", "2024-02-02T10:00:00Z"),
                ("closedwon", "2024-02-07T16:50:06.678Z")],
        "513": [("appointmentscheduled", "2024-02-01T10:00:00Z"), ("presentationscheduled", "2024-02-03T10:00:00Z")],
        "514": [("appointmentscheduled", "2024-02-02T10:00:00Z"), ("closedlost", "2024-02-10T00:00:00Z")],
        "515": [("appointmentscheduled", "2024-02-03T10:00:00Z")]}
    for deal in doc["results"]:
        deal["propertiesWithHistory"] = {"dealstage": history(*moves[deal["id"]])}
    doc["results"][0]["propertiesWithHistory"]["amount"] = history(("1000", "2024-01-30T03:30:17.883Z"),
                                                                   ("1500", "2024-02-01T00:00:00Z"))
    info, built, _ = import_file(mem_store, _encode(doc), "deals_with_history.json")
    assert built["n_deals"] == 4
    assert info.meta["order_source"] == "history"
    assert not any("1000" in h or "1500" in h for h in info.meta["extra_columns"].values())
    with mem_store.connect() as con:
        events = con.execute(f"SELECT stage, entered_at FROM ds_{info.id}.events WHERE deal_id = '512' "
                             "ORDER BY entered_at").fetchall()
    assert events == [("appointmentscheduled", dt.datetime(2024, 1, 30, 3, 30, 17, 883000)),
                      ("presentationscheduled", dt.datetime(2024, 2, 2, 10)),
                      ("closedwon", dt.datetime(2024, 2, 7, 16, 50, 6, 678000))]
    # appointment 4; presentation: 512 and 513 = 2; won 512
    assert reached(mem_store, info) == [("appointmentscheduled", 4), ("presentationscheduled", 2), ("closedwon", 1)]


def test_a_json_file_in_cp1251_is_read_by_its_encoding(mem_store):
    """A script on an old Windows installation writing JSON in the system's code page, no BOM."""
    rows = [("Новая", "Иванов Иван"), ("В работе", "Петров Пётр"), ("Сделка успешна", "Сидорова Анна"),
            ("Новая", "Иванов Иван"), ("В работе", "Петров Пётр")]
    records = [{"Id": i, "Stage": stage, "Amount": 100 * i, "Manager": who} for i, (stage, who) in enumerate(rows, 1)]
    info, _built, _ = import_file(mem_store, json.dumps(records, ensure_ascii=False, indent=2).encode("cp1251"),
                                  "deals.json")
    assert info.meta["encoding"] == "cp1251"
    assert _column(mem_store, info, "manager") == ["Иванов Иван", "Петров Пётр", "Сидорова Анна", "Иванов Иван",
                                                   "Петров Пётр"]
    # Новая 5, В работе: 2 + the won deal = 3, Сделка успешна 1
    assert reached(mem_store, info) == [("Новая", 5), ("В работе", 3), ("Сделка успешна", 1)]


def test_zoho_crm_v2_deals_answer(mem_store):
    """``GET /crm/v2/Deals``: ``{"data": [...], "info": {"more_records"}}``, the owner an object ``{name, id,
    email}`` (Zoho's API reference)."""
    def deal(i, name, stage, amount, owner, created):
        return {"id": f"415086800000{i}", "Deal_Name": name, "Stage": stage, "Amount": amount,
                "Closing_Date": "2024-02-01", "Owner": {"name": owner, "id": f"41508680000002250{i}",
                                                        "email": "x@example.com"},
                "Created_Time": created, "Lead_Source": "Web", "Pipeline": "Standard", "Probability": 10,
                "$approval": {"delegate": False}, "Tag": []}
    doc = {"data": [deal(1, "Acme", "Qualification", 1000, "Anna Lee", "2024-01-05T10:00:00+05:30"),
                    deal(2, "Beta", "Closed Won", 2500, "Bob Ray", "2024-01-06T10:00:00+05:30"),
                    deal(3, "Gamma", "Closed Lost", 700, "Anna Lee", "2024-01-07T10:00:00+05:30"),
                    deal(4, "Delta", "Needs Analysis", 300, "Bob Ray", "2024-01-08T10:00:00+05:30")],
           "info": {"per_page": 200, "count": 4, "page": 1, "more_records": False}}
    info, built, _ = import_file(mem_store, _encode(doc), "Deals.json")
    assert built["n_deals"] == 4
    assert _fields(info)["manager"] == "Owner.name"
    assert _column(mem_store, info, "manager") == ["Anna Lee", "Bob Ray", "Anna Lee", "Bob Ray"]
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 1, 1, 2, 2500.0)
    # Zoho's order: Qualification 4, Needs Analysis: Delta + the won Beta = 2, Closed Won 1
    assert reached(mem_store, info) == [("Qualification", 4), ("Needs Analysis", 2), ("Closed Won", 1)]


def test_salesforce_rest_query_answer(mem_store):
    """``GET /services/data/vXX.X/query?q=SELECT … FROM Opportunity``: ``{"totalSize", "done", "records": [{"attributes":
    {"type", "url"}, …, "Owner": {"attributes", "Name"}}]}`` (Salesforce's REST API guide)."""
    def opp(i, stage, amount, closed, won, owner):
        return {"attributes": {"type": "Opportunity", "url": f"/services/data/v58.0/sobjects/Opportunity/006{i}"},
                "Id": f"0065g00000A{i}AAA", "Name": f"Opp {i}", "StageName": stage, "Amount": amount,
                "CloseDate": "2024-01-20", "IsClosed": closed, "IsWon": won,
                "CreatedDate": f"2024-01-0{i}T10:00:00.000+0000", "LeadSource": "Web",
                "Owner": {"attributes": {"type": "User", "url": "/services/data/v58.0/sobjects/User/0055g"},
                          "Name": owner}}
    doc = {"totalSize": 3, "done": True, "records": [
        opp(1, "Prospecting", 1000.0, False, False, "Anna Lee"), opp(2, "Closed Won", 2500.0, True, True, "Bob Ray"),
        opp(3, "Closed Lost", 700.0, True, False, "Anna Lee")]}
    info, built, _ = import_file(mem_store, _encode(doc), "opportunities.json")
    assert built["n_deals"] == 3
    f = _fields(info)
    assert (f["stage"], f["won_flag"], f["manager"]) == ("StageName", "IsWon", "Owner.Name")
    # won Opp 2: 02 Jan 10:00 -> 20 Jan (a day): 18 calendar days
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (3, 1, 1, 1, 2500.0)
    assert cycle == 18
    # the records' metadata (type «Opportunity», its URL) is no attribute of a deal
    assert not {"type", "url", "Owner.type", "Owner.url"} & set(info.meta["extra_columns"].values())


def test_a_long_text_in_a_record_is_cut_and_said(mem_store):
    records = [{"id": 1, "stage": "New", "notes": "x" * 40_000}, {"id": 2, "stage": "Won", "notes": "short"}]
    info, built, _ = import_file(mem_store, _encode(records), "deals.json")
    assert built["n_deals"] == 2
    with mem_store.connect() as con:
        cut = con.execute(f"SELECT detail FROM ds_{info.id}.quality WHERE code = 'limits.cell_truncated'").fetchall()
    # the notes of record 1, cut to Excel's 32,767 characters (funnel/readers/limits.py)
    assert [json.loads(c[0]) for c in cut] == [{"file": "deals.json", "column": "notes", "row": 1, "count": 1,
                                                "limit": 32_767}]
