"""Survey 49: CRM API answers as public code saves them, each written here in its real shape.

Sources (the shapes only; every record below is invented):
- monday.com: makeskinner/custom_functions ``CodeApp/parseMondayItemsGetSfdcOpps.js``, a Make scenario's test
  bundle of a real «Salesforce Opportunities» board (items with ``group``, ``created_at`` and ``column_values``
  ``[{"id", "value", "text", "title"}]``, the stage a status column «Stage»); the GraphQL answer holds the items
  at ``data.boards[0].items_page.items`` (the queries of activepieces' and LibreChat's monday clients; the API of
  2023-10 on names the column ``column: {"title"}`` instead of ``title``). On main: refused («column titles but
  no deals»: the one board was the record), and with the items alone the whole ``column_values`` list was left
  out (no stage, amount or owner).
- Notion: ivynya/notion_flatten ``test/query.test.ts``, a real ``databases/{id}/query`` answer (``results[]`` of
  pages, each property ``{"id", "type": "select", "select": {"name"}}``, people, title, date, number). On main
  the stage was the property's id «s1» (one stage), the owner an id, no amount, no won deal.
- Odoo: the external API's ``search_read`` on ``crm.lead`` printed as JSON (guilhermeMars/integracao-odoo
  ``CRM_Comercial.py``; an Odoo 18 client's ``CrmLead`` type: ``stage_id: [number, string] | false``). On main
  the stages were «1, New» … «4, Won», the salespeople «2, Mitchell Admin», and ``false`` (Odoo's empty field)
  made ``date_closed`` unreadable and «false» a salesperson.
- Insightly: its API v3.1 ``/Opportunities`` (cloud-elements' Insightly tests: ``OPPORTUNITY_STATE``,
  ``DATE_UPDATED_UTC`` '2018-02-21 07:31:45') with ``/PipelineStages`` as the second file. On main no creation
  date was found (``DATE_CREATED_UTC``), so no cycle.
- Zendesk Sell (Base): its API wraps each record as ``{"data": {…}, "meta": {"type": "deal"}}`` (``/v2/deals``,
  ``/v2/stages``; a Google Apps Script polling its deals' Firehose reads ``items[i].data.stage_id``,
  ``data.last_stage_change_at``, ``data.value`` and ``meta.previous``); a stage's ``category`` (incoming … won,
  lost, unqualified) says which stages close. On main: refused («no column for the required field Stage»: every
  field was ``data.…``), and a company's renamed closing stages were steps (0 won).
- Freshsales: ``/api/deals/view/{id}`` answers ``{"deals": [...], "meta": {...}}`` (a public script reads
  ``dealsResp.data.deals``); with ``include=deal_stage,owner`` the stages and users come beside the deals
  (``deal_stages: [{id, name, position, forecast_type}]``, ``users: [{id, display_name}]``). On main the five
  stages outnumbered the four deals and were read as the deals («5 deals», no stage, no amount), silently.
- Airtable's ``/v0/{base}/{table}`` answer (``records[]: id, createdTime, fields{…}``, a collaborator field
  ``{"id", "email", "name"}``) and Copper's ``/opportunities/search`` (``status`` Open / Won / Lost / Abandoned,
  ``date_created`` unix seconds, ``close_date`` «3/11/2024», ``pipeline_stage_id``; its fields from a copy of
  Copper's developer docs, dquimper/GitbookTest) with ``/pipelines`` (stages nested in their pipeline): both
  right on main, kept here so they stay right.
"""

from __future__ import annotations

import json

import pytest

from funnel.cli import main as cli_main


def _import(tmp_path, capsys, path, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _cli(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path / "store"), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _reached(metrics: dict) -> list[tuple[str, int]]:
    return [(s["stage"], s["reached"]) for s in metrics["stages"]]


def _managers(tmp_path, capsys, name: str) -> dict[str, int]:
    return {m["manager"]: m["deals"] for m in _cli(tmp_path, capsys, "managers", name)["managers"]}


def _write(tmp_path, name: str, document) -> object:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# --- monday.com ------------------------------------------------------------------------------------------------

# item, created, stage, value, owner, close date, group
MONDAY = (
    ("Acme - ENT", "2024-03-01", "Discovery", 1000, "Anna Smith", None, "Active deals"),
    ("Beta - ENT", "2024-03-02", "Proposal", 2000, "Boris Orlov", None, "Active deals"),
    ("Gamma", "2024-03-03", "Won", 3000, "Anna Smith", "2024-03-13", "Won"),
    ("Delta", "2024-03-04", "Won", 5000, "Boris Orlov", "2024-03-24", "Won"),
    ("Epsilon", "2024-03-05", "Lost", 4000, "Anna Smith", "2024-03-15", "Lost"),
)


def _monday_column(column_id: str, title: str, text: str, value, newer: bool) -> dict:
    named = {"column": {"title": title}} if newer else {"title": title}
    return {"id": column_id, "value": value, "text": text, **named, "type": column_id.split("_")[0]}


def _monday_answer(newer: bool) -> dict:
    items = []
    for n, (name, created, stage, value, owner, closed, group) in enumerate(MONDAY):
        index = ["Discovery", "Proposal", "Won", "Lost"].index(stage)
        items.append({
            "id": str(2047878356 + n), "name": name, "created_at": f"{created}T00:00:00Z",
            "updated_at": "2024-03-25T09:00:00Z", "state": "active", "board": {"id": "2022888290"},
            "group": {"id": f"group_{n}", "title": group},
            "column_values": [
                _monday_column("status_stage", "Stage", stage, json.dumps({"index": index}), newer),
                _monday_column("numbers_value", "Deal Value", str(value), json.dumps(str(value)), newer),
                _monday_column("people_owner", "Owner", owner, None, newer),
                _monday_column("date_close", "Close Date", closed or "",
                               json.dumps({"date": closed}) if closed else None, newer),
            ]})
    return {"data": {"boards": [{"items_page": {"cursor": None, "items": items}}]}, "account_id": 123}


@pytest.mark.parametrize("newer", [False, True], ids=["title", "column.title"])
def test_monday_board_answer_reads_its_items_and_their_column_values(tmp_path, capsys, newer):
    """By hand: 5 items. «Stage» Won: Gamma (3,000, 3 → 13 March: 10 days) and Delta (5,000, 4 → 24 March: 20
    days); Lost: Epsilon; open: Acme, Beta. Win rate 2 / 3, revenue 8,000, median cycle (10 + 20) / 2 = 15 days.
    Reached: Discovery 5 (the lost deal's stage is unknown: counted at the first), Proposal 3 (Beta and the two
    won), Won 2. Owners: Anna Smith 3, Boris Orlov 2. Before: refused («column titles but no deals»)."""
    path = _write(tmp_path, "monday_items.json", _monday_answer(newer))
    _import(tmp_path, capsys, path, "--name", "monday")
    metrics = _cli(tmp_path, capsys, "metrics", "monday")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (5, 2, 1, 2)
    assert metrics["win_rate"] == pytest.approx(2 / 3)
    assert metrics["revenue"] == 8000
    assert metrics["median_cycle_days"] == pytest.approx(15)
    assert _reached(metrics) == [("Discovery", 5), ("Proposal", 3), ("Won", 2)]
    assert _managers(tmp_path, capsys, "monday") == {"Anna Smith": 3, "Boris Orlov": 2}


# --- Notion ----------------------------------------------------------------------------------------------------

def _notion_page(n: int, name: str, created: str, stage: str, value: int, owner: str, closed: str | None) -> dict:
    return {
        "object": "page", "id": f"edc0e5b6-12c6-404e-8630-8970a7bb96a{n}", "created_time": f"{created}T00:00:00.000Z",
        "last_edited_time": "2024-03-25T09:00:00.000Z", "archived": False,
        "parent": {"type": "database_id", "database_id": "1ea1c3f9-070e-4e6f-bbfe-2cc5cd8a1416"},
        "properties": {
            "Stage": {"id": "s%3A1", "type": "status", "status": {"id": f"opt{stage[:2]}", "name": stage,
                                                                   "color": "blue"}},
            "Value": {"id": "v%3A1", "type": "number", "number": value},
            "Owner": {"id": "o%3A1", "type": "people", "people": [
                {"object": "user", "id": f"u-{owner[:4]}", "name": owner, "type": "person",
                 "person": {"email": f"{owner[:4].lower()}@example.com"}}]},
            "Close date": {"id": "c%3A1", "type": "date",
                           "date": {"start": closed, "end": None, "time_zone": None} if closed else None},
            "Priority": {"id": "p%3A1", "type": "multi_select", "multi_select": [
                {"id": "m1", "name": "Hot", "color": "red"}, {"id": "m2", "name": "Q1", "color": "gray"}]},
            "Name": {"id": "title", "type": "title", "title": [
                {"type": "text", "text": {"content": name, "link": None}, "annotations": {"bold": False},
                 "plain_text": name, "href": None}]},
        }}


def test_notion_database_query_reads_each_property_by_its_type(tmp_path, capsys):
    """By hand: 4 pages. Closed Won: Gamma (3,000, 1 → 11 March: 10 days); Closed Lost: Delta; open: Acme, Beta.
    Win rate 1 / 2, revenue 3,000, median cycle 10 days. Reached: Lead 4, Proposal 2 (Beta, Gamma), Closed Won 1.
    Owners by name: Anna Smith 2, Boris Orlov 2. Before: the stage was the property id «s:1» (one stage, nothing
    won), the owner «Owner.id», no amount."""
    pages = [_notion_page(1, "Acme", "2024-03-01", "Lead", 1000, "Anna Smith", None),
             _notion_page(2, "Beta", "2024-03-02", "Proposal", 2000, "Boris Orlov", None),
             _notion_page(3, "Gamma", "2024-03-01", "Closed Won", 3000, "Anna Smith", "2024-03-11"),
             _notion_page(4, "Delta", "2024-03-03", "Closed Lost", 4000, "Boris Orlov", "2024-03-13")]
    answer = {"object": "list", "results": pages, "next_cursor": None, "has_more": False,
              "type": "page_or_database", "page_or_database": {}}
    info = _import(tmp_path, capsys, _write(tmp_path, "notion_query.json", answer), "--name", "notion")
    mapping = info["mapping"]["fields"]
    assert (mapping["stage"], mapping["amount"], mapping["manager"], mapping["deal_name"]) == \
        ("Stage", "Value", "Owner", "Name")
    metrics = _cli(tmp_path, capsys, "metrics", "notion")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)
    assert metrics["win_rate"] == pytest.approx(0.5)
    assert metrics["revenue"] == 3000
    assert metrics["median_cycle_days"] == pytest.approx(10)
    assert _reached(metrics) == [("Lead", 4), ("Proposal", 2), ("Closed Won", 1)]
    assert _managers(tmp_path, capsys, "notion") == {"Anna Smith": 2, "Boris Orlov": 2}


# --- Odoo ------------------------------------------------------------------------------------------------------

ODOO = [
    {"id": 11, "name": "Office chairs", "stage_id": [1, "New"], "user_id": [2, "Mitchell Admin"],
     "expected_revenue": 1000.0, "probability": 10.0, "create_date": "2024-03-01 10:00:00", "date_closed": False,
     "active": True, "partner_id": False, "team_id": [1, "Sales"]},
    {"id": 12, "name": "Desks", "stage_id": [2, "Qualified"], "user_id": [6, "Marc Demo"], "expected_revenue": 2000.0,
     "probability": 30.0, "create_date": "2024-03-02 10:00:00", "date_closed": False, "active": True,
     "partner_id": [9, "Deco Addict"], "team_id": [1, "Sales"]},
    {"id": 13, "name": "Lamps", "stage_id": [3, "Proposition"], "user_id": [2, "Mitchell Admin"],
     "expected_revenue": 1500.0, "probability": 60.0, "create_date": "2024-03-03 10:00:00", "date_closed": False,
     "active": True, "partner_id": False, "team_id": [1, "Sales"]},
    {"id": 14, "name": "Cabinets", "stage_id": [4, "Won"], "user_id": [6, "Marc Demo"], "expected_revenue": 3000.0,
     "probability": 100.0, "create_date": "2024-03-01 10:00:00", "date_closed": "2024-03-11 10:00:00", "active": True,
     "partner_id": False, "team_id": [1, "Sales"]},
    {"id": 15, "name": "Shelves", "stage_id": [4, "Won"], "user_id": False, "expected_revenue": 5000.0,
     "probability": 100.0, "create_date": "2024-03-02 10:00:00", "date_closed": "2024-03-22 10:00:00", "active": True,
     "partner_id": False, "team_id": [1, "Sales"]},
    {"id": 16, "name": "Stools", "stage_id": [2, "Qualified"], "user_id": [2, "Mitchell Admin"],
     "expected_revenue": 4000.0, "probability": 0.0, "create_date": "2024-03-03 10:00:00",
     "date_closed": "2024-03-09 10:00:00", "active": False, "partner_id": False, "team_id": [1, "Sales"]},
]


def test_odoo_search_read_reads_references_by_name_and_false_as_empty(tmp_path, capsys):
    """By hand: 6 leads (read with ``active_test`` off, so the archived one is there). Won (stage Won): 14 (3,000,
    1 → 11 March: 10 days), 15 (5,000, 2 → 22 March: 20 days); lost (``active`` false): 16 at Qualified; open 3.
    Win rate 2 / 3, revenue 8,000, median cycle 15 days. Reached: New 6, Qualified 5 (all but 11), Proposition 3
    (13, 14, 15), Won 2. Salespeople: Mitchell Admin 3 (11, 13, 16), Marc Demo 2 (12, 14); 15 has none (``false``).
    Before: stages «1, New» … «4, Won», salespeople «2, Mitchell Admin», «false» a salesperson, no cycle."""
    _import(tmp_path, capsys, _write(tmp_path, "crm_lead.json", ODOO), "--name", "odoo")
    metrics = _cli(tmp_path, capsys, "metrics", "odoo")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (6, 2, 1, 3)
    assert metrics["win_rate"] == pytest.approx(2 / 3)
    assert metrics["revenue"] == 8000
    assert metrics["median_cycle_days"] == pytest.approx(15)
    assert _reached(metrics) == [("New", 6), ("Qualified", 5), ("Proposition", 3), ("Won", 2)]
    managers = _managers(tmp_path, capsys, "odoo")
    assert {k: v for k, v in managers.items() if k} == {"Mitchell Admin": 3, "Marc Demo": 2}
    assert "false" not in managers


# --- Insightly -------------------------------------------------------------------------------------------------

def _insightly(n: int, name: str, state: str, stage: int, value: int, created: str, closed: str | None) -> dict:
    return {"OPPORTUNITY_ID": 3000 + n, "OPPORTUNITY_NAME": name, "OPPORTUNITY_DETAILS": None,
            "OPPORTUNITY_STATE": state, "RESPONSIBLE_USER_ID": 901 + n % 2, "CATEGORY_ID": None, "IMAGE_URL": None,
            "BID_CURRENCY": "USD", "BID_AMOUNT": value, "BID_TYPE": "Fixed Bid", "BID_DURATION": None,
            "ACTUAL_CLOSE_DATE": closed, "DATE_CREATED_UTC": created, "DATE_UPDATED_UTC": "2024-03-20 08:00:00",
            "OPPORTUNITY_VALUE": value, "PROBABILITY": 20, "FORECAST_CLOSE_DATE": "2024-05-01 00:00:00",
            "OWNER_USER_ID": 901, "LAST_ACTIVITY_DATE_UTC": None, "NEXT_ACTIVITY_DATE_UTC": None, "PIPELINE_ID": 55,
            "STAGE_ID": stage, "CREATED_USER_ID": 901, "ORGANISATION_ID": None, "CUSTOMFIELDS": [], "TAGS": [],
            "DATES": []}


def test_insightly_opportunities_take_date_created_utc_as_the_creation(tmp_path, capsys):
    """By hand: 4 opportunities. WON: Beta (3,000, created 1 March 10:00, closed 11 March 10:00: 10 days); LOST:
    Gamma; OPEN and SUSPENDED (on hold) open. Win rate 1 / 2, revenue 3,000, median cycle 10 days. The stage
    list names 501 … 503 Qualify → Proposal → Negotiate: reached 4 / 3 / 1. Before: «No creation date column»,
    cycle «—»."""
    deals = [_insightly(1, "Acme", "OPEN", 501, 1000, "2024-03-01 10:00:00", None),
             _insightly(2, "Beta", "WON", 503, 3000, "2024-03-01 10:00:00", "2024-03-11 10:00:00"),
             _insightly(3, "Gamma", "LOST", 502, 2000, "2024-03-02 10:00:00", "2024-03-15 10:00:00"),
             _insightly(4, "Delta", "SUSPENDED", 502, 500, "2024-03-03 10:00:00", None)]
    stages = [{"STAGE_ID": 501 + i, "PIPELINE_ID": 55, "STAGE_NAME": name, "STAGE_ORDER": i + 1,
               "ACTIVITYSET_ID": None, "OWNER_USER_ID": 901} for i, name in enumerate(["Qualify", "Proposal",
                                                                                        "Negotiate"])]
    info = _import(tmp_path, capsys, _write(tmp_path, "Opportunities.json", deals), "--name", "insightly",
                   "--history", str(_write(tmp_path, "PipelineStages.json", stages)))
    assert info["mapping"]["fields"]["created_at"] == "DATE_CREATED_UTC"
    metrics = _cli(tmp_path, capsys, "metrics", "insightly")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)
    assert metrics["win_rate"] == pytest.approx(0.5)
    assert metrics["revenue"] == 3000
    assert metrics["median_cycle_days"] == pytest.approx(10)
    assert _reached(metrics) == [("Qualify", 4), ("Proposal", 3), ("Negotiate", 1)]


# --- Airtable and Copper (right on main) -------------------------------------------------------------------------

def test_airtable_records_answer(tmp_path, capsys):
    """By hand: 4 records. Closed-won: Gamma (3,000, 1 → 11 March: 10 days); Closed-lost: Delta; open 2. Win rate
    1 / 2, revenue 3,000, median cycle 10 days; reached Qualification 4, Proposal 2, Closed-won 1; owners by the
    collaborator's name, Anna Smith 2 and Boris Orlov 2; the source a linked list of one («Website»)."""
    def record(n, name, created, stage, value, owner, closed=None):
        fields = {"Name": name, "Stage": stage, "Deal value": value, "Lead source": ["Website" if n % 2 else
                                                                                     "Referral"],
                  "Owner": {"id": f"usr{owner[:3]}", "email": f"{owner[:4].lower()}@example.com", "name": owner}}
        return {"id": f"rec{n:014d}", "createdTime": f"{created}T00:00:00.000Z",
                "fields": fields | ({"Close date": closed} if closed else {})}
    answer = {"records": [record(1, "Acme", "2024-03-01", "Qualification", 1000, "Anna Smith"),
                          record(2, "Beta", "2024-03-02", "Proposal", 2000, "Boris Orlov"),
                          record(3, "Gamma", "2024-03-01", "Closed-won", 3000, "Anna Smith", "2024-03-11"),
                          record(4, "Delta", "2024-03-03", "Closed-lost", 4000, "Boris Orlov", "2024-03-13")],
              "offset": "itrXYZ/rec00000000000004"}
    _import(tmp_path, capsys, _write(tmp_path, "Deals.json", answer), "--name", "airtable")
    metrics = _cli(tmp_path, capsys, "metrics", "airtable")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)
    assert metrics["revenue"] == 3000 and metrics["median_cycle_days"] == pytest.approx(10)
    assert _reached(metrics) == [("Qualification", 4), ("Proposal", 2), ("Closed-won", 1)]
    assert _managers(tmp_path, capsys, "airtable") == {"Anna Smith": 2, "Boris Orlov": 2}


def test_copper_opportunities_with_their_pipelines(tmp_path, capsys):
    """By hand: 5 opportunities. Won: 103 (3,000, created 1 March 00:00 UTC, closes 11 March: 10 days); Lost 104
    and Abandoned 105 (closed without a sale: lost); open 2. Win rate 1 / 3, revenue 3,000, median cycle 10 days.
    The pipelines answer names 987790 … 987792 Qualified → Follow-up → Negotiating: reached 5 / 3 / 1 (104 lost
    at Follow-up, 105 at Qualified)."""
    day = 86400
    start = 1709251200  # 2024-03-01T00:00:00Z

    def opp(n, status, stage, value, created, close):
        return {"id": 100 + n, "name": f"Deal {n}", "assignee_id": 501 + n % 2, "close_date": close,
                "company_id": 9, "company_name": "Acme", "customer_source_id": 31, "details": None,
                "loss_reason_id": 77 if status == "Lost" else None, "pipeline_id": 213, "pipeline_stage_id": stage,
                "primary_contact_id": 1, "priority": "None", "status": status, "tags": [], "interaction_count": 0,
                "monetary_unit": "USD", "monetary_value": value, "converted_unit": None, "converted_value": None,
                "win_probability": 10, "date_stage_changed": created, "date_last_contacted": None,
                "leads_converted_from": [], "date_lead_created": None, "date_created": created,
                "date_modified": created + day, "custom_fields": []}
    deals = [opp(1, "Open", 987790, 1000, start, "3/20/2024"), opp(2, "Open", 987791, 2000, start + day, "3/25/2024"),
             opp(3, "Won", 987792, 3000, start, "3/11/2024"), opp(4, "Lost", 987791, 4000, start + day, "3/22/2024"),
             opp(5, "Abandoned", 987790, 500, start + 2 * day, "3/30/2024")]
    pipelines = [{"id": 213, "name": "Sales", "stages": [{"id": 987790, "name": "Qualified", "win_probability": 10},
                                                         {"id": 987791, "name": "Follow-up", "win_probability": 40},
                                                         {"id": 987792, "name": "Negotiating", "win_probability": 80}]}]
    _import(tmp_path, capsys, _write(tmp_path, "opportunities.json", deals), "--name", "copper",
            "--history", str(_write(tmp_path, "pipelines.json", pipelines)))
    metrics = _cli(tmp_path, capsys, "metrics", "copper")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (5, 1, 2, 2)
    assert metrics["win_rate"] == pytest.approx(1 / 3)
    assert metrics["revenue"] == 3000 and metrics["median_cycle_days"] == pytest.approx(10)
    assert _reached(metrics) == [("Qualified", 5), ("Follow-up", 3), ("Negotiating", 1)]


# --- Zendesk Sell ------------------------------------------------------------------------------------------------

def _sell_deal(n: int, name: str, stage: int, value: str, created: str, changed: str, owner: int) -> dict:
    return {"data": {"id": 1000 + n, "creator_id": 7, "owner_id": owner, "name": name, "value": value,
                     "currency": "USD", "hot": False, "stage_id": stage, "last_stage_change_at": changed,
                     "last_stage_change_by_id": 7, "last_activity_at": changed, "source_id": 55,
                     "loss_reason_id": 31 if stage == 15 else None, "unqualified_reason_id": None, "contact_id": 9,
                     "organization_id": 9, "estimated_close_date": "2024-04-30", "customized_win_likelihood": None,
                     "tags": [], "custom_fields": {}, "created_at": created, "updated_at": changed, "added_at": created},
            "meta": {"type": "deal"}}


def test_zendesk_sell_items_read_inside_their_envelope_and_stage_categories_close(tmp_path, capsys):
    """By hand: 4 deals. Stage 14 «Signed» (category won): Gamma (3,000, created 1 March, moved there 11 March: 10
    days); 15 «Dropped» (category lost): Delta; 11 «Incoming» and 12 «Qualified» open. Win rate 1 / 2, revenue
    3,000, median cycle 10 days. Reached: Incoming 4, Qualified 2 (Beta, Gamma), Quote 1, Signed 1 (the lost
    deal's stage unknown: counted at the first). Before: refused (every field ``data.…``); with the envelope read,
    «Signed» and «Dropped» were steps and nothing was won."""
    deals = {"items": [_sell_deal(1, "Acme", 11, "1000.00", "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", 501),
                       _sell_deal(2, "Beta", 12, "2000.00", "2024-03-02T00:00:00Z", "2024-03-05T00:00:00Z", 502),
                       _sell_deal(3, "Gamma", 14, "3000.00", "2024-03-01T00:00:00Z", "2024-03-11T00:00:00Z", 501),
                       _sell_deal(4, "Delta", 15, "4000.00", "2024-03-03T00:00:00Z", "2024-03-13T00:00:00Z", 502)],
             "meta": {"type": "collection", "count": 4, "links": {"self": "https://api.getbase.com/v2/deals?page=1"}}}
    stages = {"items": [{"data": {"id": i, "name": name, "category": category, "active": category not in
                                  ("won", "lost", "unqualified"), "position": position, "likelihood": likelihood,
                                  "pipeline_id": 1, "created_at": "2023-01-01T00:00:00Z",
                                  "updated_at": "2023-01-01T00:00:00Z"}, "meta": {"type": "stage"}}
                        for i, name, category, position, likelihood in [
                            (11, "Incoming", "incoming", 1, 10), (12, "Qualified", "qualified", 2, 25),
                            (13, "Quote", "quote", 3, 50), (14, "Signed", "won", 5, 100), (15, "Dropped", "lost", 6, 0),
                            (16, "Unqualified", "unqualified", 7, 0)]],
              "meta": {"type": "collection", "count": 6}}
    _import(tmp_path, capsys, _write(tmp_path, "deals.json", deals), "--name", "sell",
            "--history", str(_write(tmp_path, "stages.json", stages)))
    metrics = _cli(tmp_path, capsys, "metrics", "sell")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)
    assert metrics["win_rate"] == pytest.approx(0.5)
    assert metrics["revenue"] == 3000 and metrics["median_cycle_days"] == pytest.approx(10)
    assert _reached(metrics) == [("Incoming", 4), ("Qualified", 2), ("Quote", 1), ("Signed", 1)]


# --- Freshsales --------------------------------------------------------------------------------------------------

def test_freshsales_deals_beside_their_side_loaded_stages_and_users(tmp_path, capsys):
    """By hand: 4 deals (not the 5 stages beside them). deal_stage_id 14 «Won»: Gamma (3,000, 1 → 11 March: 10
    days); 15 «Lost»: Delta; 11 «New» and 12 «Demo» open. Win rate 1 / 2, revenue 3,000, median cycle 10 days.
    The side-loaded stages name the ids in their ``position`` order: reached New 4, Demo 2, Won 1 («Negotiation»
    holds no deal), said with the lists that named them. Owners by ``display_name``: Anna Smith 2, Boris Orlov 2.
    Before: the stages were the deals."""
    def deal(n, name, amount, stage, owner, created, closed):
        return {"id": 100 + n, "name": name, "amount": amount, "base_currency_amount": amount, "deal_stage_id": stage,
                "owner_id": owner, "created_at": f"{created}T00:00:00+05:30", "closed_date": closed,
                "expected_close": "2024-04-01", "deal_reason_id": 3 if stage == 15 else None, "deal_pipeline_id": 2,
                "stage_updated_time": f"{created}T00:00:00+05:30", "probability": 50}
    answer = {
        "users": [{"id": 1, "display_name": "Anna Smith", "email": "anna@example.com"},
                  {"id": 2, "display_name": "Boris Orlov", "email": "boris@example.com"}],
        "deal_stages": [{"id": i, "name": name, "position": position, "forecast_type": forecast, "deal_pipeline_id": 2}
                        for i, name, position, forecast in [(15, "Lost", 5, "Closed Lost"), (11, "New", 1, "Open"),
                                                            (12, "Demo", 2, "Open"), (13, "Negotiation", 3, "Open"),
                                                            (14, "Won", 4, "Closed Won")]],
        "deals": [deal(1, "Acme", "1000.0", 11, 1, "2024-03-01", None), deal(2, "Beta", "2000.0", 12, 2, "2024-03-02", None),
                  deal(3, "Gamma", "3000.0", 14, 1, "2024-03-01", "2024-03-11"),
                  deal(4, "Delta", "4000.0", 15, 2, "2024-03-03", "2024-03-13")],
        "meta": {"total_pages": 1, "total": 4}}
    info = _import(tmp_path, capsys, _write(tmp_path, "deals_view.json", answer), "--name", "freshsales")
    said = [i for i in info["info"] if i["code"] == "json.sideloaded_named"]
    assert len(said) == 1 and "«deal_stages»" in said[0]["message"] and "«users»" in said[0]["message"]
    metrics = _cli(tmp_path, capsys, "metrics", "freshsales")
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)
    assert metrics["win_rate"] == pytest.approx(0.5)
    assert metrics["revenue"] == 3000 and metrics["median_cycle_days"] == pytest.approx(10)
    assert _reached(metrics) == [("New", 4), ("Demo", 2), ("Won", 1)]
    assert metrics["order_guessed"] is False
    assert _managers(tmp_path, capsys, "freshsales") == {"Anna Smith": 2, "Boris Orlov": 2}
