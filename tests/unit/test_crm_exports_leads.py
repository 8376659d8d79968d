"""Lead-level exports: a funnel of leads or contacts rather than deals.

Layouts (rows invented, headers and values as the products write them):
- HubSpot contacts export: the header of a real ``hubspot-crm-exports-all-contacts-2023-02-21.csv``
  (``Record ID, First Name, Last Name, Became a Customer Date, Became a Lead Date, …, Contact owner,
  Create Date, Email, Lead Status, Lifecycle Stage, Original Source``); by the API the same properties are
  ``lifecyclestage``, ``hs_lead_status`` and ``hs_lifecyclestage_<stage>_date`` (keboola's HubSpot
  extractor template). The lifecycle stages are HubSpot's: Subscriber → Lead → Marketing Qualified Lead
  → Sales Qualified Lead → Opportunity → Customer → Evangelist.
- Bitrix24 ``crm.lead.list``: ``STATUS_ID`` with a portal's own ``UC_…`` statuses and
  ``STATUS_SEMANTIC_ID`` P/S/F, the status's own kind.
- Zoho CRM Leads export (a ``Leads_001.csv`` test fixture's header): ``Lead Status`` with ``Is Converted``.
- Salesforce ``Lead.csv`` (Data Export): ``Status``, ``IsConverted``, ``ConvertedDate``.
Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_reports import reached

LIFECYCLE = ["Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity", "Customer",
             "Evangelist"]


def outcomes(store, info):
    with store.connect() as con:
        return con.execute(f"""SELECT count(*) FILTER (WHERE status = 'won'), count(*) FILTER (WHERE status = 'lost'),
                                      count(*) FILTER (WHERE status = 'open') FROM ds_{info.id}.deals""").fetchone()


# Seven contacts. Became-dates per stage (empty: skipped, as HubSpot leaves them):
# C1 Customer (Open Deal), C2 Evangelist (Connected), C3 Opportunity (In Progress), C4 Sales Qualified Lead
# (Unqualified: lost), C5 Marketing Qualified Lead having skipped Lead (New), C6 Lead, C7 Subscriber.
HUBSPOT_UI = (
    '"Record ID","First Name","Last Name","Became a Customer Date","Became a Lead Date",'
    '"Became a Marketing Qualified Lead Date","Became a Sales Qualified Lead Date","Became a Subscriber Date",'
    '"Became an Evangelist Date","Became an Opportunity Date","Became an Other Lifecycle Date","Contact owner",'
    '"Create Date","Email","Lead Status","Lifecycle Stage","Original Source"\n'
    '"101","Ann","A","2024-02-01 10:00","2024-01-05 10:00","2024-01-10 10:00","2024-01-15 10:00",'
    '"2024-01-01 10:00","","2024-01-20 10:00","","Jane Doe","2024-01-01 10:00","a@x.com","Open Deal","Customer",'
    '"Organic Search"\n'
    '"102","Bob","B","2024-02-01 11:00","2024-01-05 11:00","2024-01-10 11:00","2024-01-15 11:00",'
    '"2024-01-01 11:00","2024-02-10 11:00","2024-01-20 11:00","","Jane Doe","2024-01-01 11:00","b@x.com",'
    '"Connected","Evangelist","Paid Search"\n'
    '"103","Cid","C","","2024-01-06 10:00","2024-01-11 10:00","2024-01-16 10:00","2024-01-02 10:00","",'
    '"2024-01-21 10:00","","Tom Roe","2024-01-02 10:00","c@x.com","In Progress","Opportunity","Organic Search"\n'
    '"104","Dan","D","","2024-01-06 11:00","2024-01-11 11:00","2024-01-16 11:00","2024-01-02 11:00","","","",'
    '"Tom Roe","2024-01-02 11:00","d@x.com","Unqualified","Sales Qualified Lead","Direct Traffic"\n'
    '"105","Eve","E","","","2024-01-12 10:00","","2024-01-03 10:00","","","","Jane Doe","2024-01-03 10:00",'
    '"e@x.com","New","Marketing Qualified Lead","Paid Search"\n'
    '"106","Fay","F","","2024-01-07 10:00","","","2024-01-04 10:00","","","","Tom Roe","2024-01-04 10:00",'
    '"f@x.com","","Lead","Direct Traffic"\n'
    '"107","Gus","G","","","","","2024-01-05 10:00","","","","Tom Roe","2024-01-05 10:00","g@x.com","",'
    '"Subscriber","Organic Search"\n')
# reached (the furthest stage of each, earlier stages passed): Subscriber 7; Lead 6 (all but C7; C5 skipped
# it, passed); MQL 5 (C1-C5); SQL 4 (C1-C4); Opportunity 3 (C1-C3); Customer 2 (C1, C2); Evangelist 1 (C2)
HUBSPOT_REACHED = [7, 6, 5, 4, 3, 2, 1]


def test_hubspot_contacts_export_is_a_lifecycle_funnel(mem_store):
    info, built, _ = import_file(mem_store, HUBSPOT_UI.encode(), "hubspot-crm-exports-all-contacts.csv")
    assert info.meta["mapping"]["preset"] == "hubspot_contacts"
    assert reached(mem_store, info) == list(zip(LIFECYCLE, HUBSPOT_REACHED, strict=True))
    # won: C1, C2 (Customer, Evangelist); lost: C4 (Unqualified); open: C3, C5, C6, C7. Before: Lead
    # Status was the stage («New» 7 …), nobody won, and the Became-dates were kept as text.
    assert outcomes(mem_store, info) == (2, 1, 4)
    # the Became-dates are the stage history: C1 entered 6 stages, C2 7, C3 5, C4 4, C5 2, C6 2, C7 1 = 27
    assert built["n_events"] == 27
    fields = info.meta["mapping"]["fields"]
    assert fields["manager"] == "Contact owner" and fields["source"] == "Original Source"
    # a person's first and last name are no attributes to filter by (one value per contact)
    assert not {"First Name", "Last Name"} & set(info.meta["mapping"]["extras"])
    # no close date column: a closed contact closed when it entered its last stage. C1: 1 Jan 10:00 ->
    # Customer 1 Feb 10:00 = 31 days; C2: 1 Jan 11:00 -> Evangelist 10 Feb 11:00 = 40 days (its last
    # stage, not Customer: a history's last entry is what the deal row carries)
    with mem_store.connect() as con:
        cycles = con.execute(f"SELECT deal_id, cycle_days FROM ds_{info.id}.deals WHERE status = 'won' "
                             "ORDER BY deal_id").fetchall()
    assert cycles == [("101", 31.0), ("102", 40.0)]


def test_hubspot_contacts_by_api_property_names(mem_store):
    codes = {"Subscriber": "subscriber", "Lead": "lead", "Marketing Qualified Lead": "marketingqualifiedlead",
             "Sales Qualified Lead": "salesqualifiedlead", "Opportunity": "opportunity", "Customer": "customer",
             "Evangelist": "evangelist"}
    rows = [("101", "customer", "OPEN_DEAL", 6), ("102", "evangelist", "CONNECTED", 7),
            ("103", "opportunity", "IN_PROGRESS", 5), ("104", "salesqualifiedlead", "UNQUALIFIED", 4),
            ("105", "marketingqualifiedlead", "NEW", 3), ("106", "lead", "", 2), ("107", "subscriber", "", 1)]
    header = ["hs_object_id", "email", "lifecyclestage", "hs_lead_status", "createdate", "hubspot_owner_id"] + [
        f"hs_lifecyclestage_{code}_date" for code in codes.values()]
    lines = [",".join(header)]
    for k, (cid, stage, status, depth) in enumerate(rows):
        dates = [f"2024-01-{1 + 2 * j + k:02d}T10:00:00.000Z" if j < depth else "" for j in range(7)]
        lines.append(",".join([cid, f"{cid}@x.com", stage, status, dates[0], "77"] + dates))
    info, _built, _ = import_file(mem_store, ("\n".join(lines) + "\n").encode(), "contacts.csv")
    assert info.meta["mapping"]["preset"] == "hubspot_contacts_api"
    # same seven contacts (C5 here passed Lead): reached 7, 6, 5, 4, 3, 2, 1; won 2, lost 1, open 4
    assert reached(mem_store, info) == list(zip(codes.values(), HUBSPOT_REACHED, strict=True))
    assert outcomes(mem_store, info) == (2, 1, 4)


def test_bitrix24_lead_statuses_of_the_portals_own_take_their_kind_from_the_semantic(mem_store):
    data = ("ID,TITLE,STATUS_ID,STATUS_SEMANTIC_ID,DATE_CREATE,ASSIGNED_BY_ID,OPPORTUNITY\n"
            "1,L1,NEW,P,2024-01-01T10:00:00+03:00,1,0\n2,L2,IN_PROCESS,P,2024-01-02T10:00:00+03:00,1,0\n"
            "3,L3,IN_PROCESS,P,2024-01-03T10:00:00+03:00,1,0\n4,L4,UC_R8ML0A,F,2024-01-04T10:00:00+03:00,1,0\n"
            "5,L5,UC_R8ML0A,F,2024-01-05T10:00:00+03:00,1,0\n6,L6,CONVERTED,S,2024-01-06T10:00:00+03:00,1,5000\n"
            "7,L7,JUNK,F,2024-01-07T10:00:00+03:00,1,0\n")
    info, _built, _ = import_file(mem_store, data.encode(), "leads.csv")
    with mem_store.connect() as con:
        kinds = dict(con.execute(f"SELECT stage, kind FROM ds_{info.id}.stages").fetchall())
    # «UC_R8ML0A» holds only F leads: a failure status, like JUNK; it had been a funnel step that every
    # earlier stage's count was inflated by (its 2 leads counted as having passed IN_PROCESS)
    assert kinds["UC_R8ML0A"] == "lost" and kinds["JUNK"] == "lost" and kinds["CONVERTED"] == "won"
    # won L6; lost L4, L5, L7; open L1-L3. Reached IN_PROCESS: L2, L3, L6 = 3 (the lost ones' stage is unknown)
    assert outcomes(mem_store, info) == (1, 3, 3)
    assert dict(reached(mem_store, info))["IN_PROCESS"] == 3


def test_zoho_leads_converted_flag_beside_the_lead_status_is_the_win(mem_store):
    data = ('"Record Id","Lead Owner","Lead Owner.id","Company","Lead Source","Lead Status","Is Converted",'
            '"Created Time"\n'
            '"zcrm_1","Ann","zcrm_9","A Ltd","Web","Contacted","true","15 Apr, 2021 00:02:00"\n'
            '"zcrm_2","Ann","zcrm_9","B Ltd","Web","Pre-Qualified","true","16 Apr, 2021 00:02:00"\n'
            '"zcrm_3","Bob","zcrm_8","C Ltd","Ads","Junk Lead","false","17 Apr, 2021 00:02:00"\n'
            '"zcrm_4","Bob","zcrm_8","D Ltd","Ads","Not Contacted","false","18 Apr, 2021 00:02:00"\n'
            '"zcrm_5","Ann","zcrm_9","E Ltd","Web","Contacted","false","19 Apr, 2021 00:02:00"\n')
    info, _built, _ = import_file(mem_store, data.encode(), "Leads_001.csv")
    # a converted lead keeps its last status in Zoho: zcrm_1 and zcrm_2 are the wins (before: the flag was
    # set aside beside a stage column and nobody won); zcrm_3 lost (Junk Lead); zcrm_4, zcrm_5 open
    assert outcomes(mem_store, info) == (2, 1, 2)
    assert info.meta["mapping"]["fields"]["manager"] == "Lead Owner"


def test_salesforce_lead_conversion_date_is_the_close(mem_store):
    data = ('"Id","Name","Status","IsConverted","ConvertedDate","ConvertedOpportunityId","CreatedDate"\n'
            '"00Q1","A","Closed - Converted","true","2024-03-11","0061","2024-02-02T01:00:00.000Z"\n'
            '"00Q2","B","Closed - Converted","true","2024-02-20","0062","2024-02-10T00:00:00.000Z"\n'
            '"00Q3","C","Closed - Not Converted","false","","","2024-02-11T00:00:00.000Z"\n'
            '"00Q4","D","Working - Contacted","false","","","2024-02-12T00:00:00.000Z"\n')
    info, _built, _ = import_file(mem_store, data.encode(), "Lead.csv")
    with mem_store.connect() as con:
        cycles = con.execute(f"SELECT deal_id, cycle_days FROM ds_{info.id}.deals WHERE status = 'won' "
                             "ORDER BY deal_id").fetchall()
    # 00Q1: 2 Feb 01:00 -> 11 Mar (a day: calendar days): 2024 is a leap year, 2 Feb -> 2 Mar = 29 days, + 9 =
    # 38 days; 00Q2: 10 Feb -> 20 Feb = 10 days
    assert cycles == [("00Q1", 38), ("00Q2", 10)]
    assert outcomes(mem_store, info) == (2, 1, 1)
