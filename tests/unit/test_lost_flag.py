"""A lost flag beside the won flag: HubSpot's «Is closed lost» (``hs_is_closed_lost``).

HubSpot sets «Is Closed Won» and «Is closed lost» from the deal's stage, so a company's own closing
stages («Signed Contract», «No budget») are won or lost by the flags where their names say nothing.
Before, only «Is Closed Won» was read: a deal at «No budget» with «Is Closed Won» false was open.
Evidence (high): the property labels «Is Closed Won», «Is Deal Closed?», «Is closed lost» of a real
portal's deal properties (hairsolutionsco/automations_hub ``hubspot/objects/deals/properties.md``);
``properties_hs_is_closed_lost`` beside ``properties_hs_is_closed_won`` in a warehouse model of
HubSpot deals (code search). The expected numbers are worked out by hand from the rows.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import kinds, outcome

UI_EXPORT = (
    "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner,Is Closed Won,Is closed lost\n"
    "101,Acme,Discovery Call,Sales Pipeline,5000,2024-03-30 00:00,2024-01-05 09:00,Ann Lee,false,false\n"
    "102,Beta,Proposal Sent,Sales Pipeline,7000,2024-04-15 00:00,2024-01-08 10:00,Bob Ray,false,false\n"
    "103,Gamma,Signed Contract,Sales Pipeline,12000,2024-02-20 00:00,2024-01-10 00:00,Ann Lee,true,false\n"
    "104,Delta,No budget,Sales Pipeline,3000,2024-02-05 00:00,2024-01-15 00:00,Bob Ray,false,true\n"
    "105,Eps,Went dark,Sales Pipeline,4000,2024-03-01 00:00,2024-01-20 00:00,Ann Lee,false,true\n"
    "106,Zeta,Signed Contract,Sales Pipeline,8000,2024-03-10 00:00,2024-02-01 00:00,Bob Ray,true,false\n"
    "107,Eta,Discovery Call,Sales Pipeline,2500,2024-05-01 00:00,2024-02-10 00:00,Ann Lee,false,false\n")


def test_hubspot_is_closed_lost_loses_a_deal_at_a_company_stage(mem_store):
    info, built, _ = import_file(mem_store, UI_EXPORT.encode(), "hubspot-crm-exports-all-deals-2024-05-01.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (7, 0)
    fields = info.meta["mapping"]["fields"]
    assert (fields["won_flag"], fields["lost_flag"]) == ("Is Closed Won", "Is closed lost")
    # won: Gamma 12,000 (10 Jan -> 20 Feb = 21 + 20 = 41 d), Zeta 8,000 (1 Feb -> 10 Mar 2024 = 28 + 10 = 38 d):
    # 20,000, median (41 + 38) / 2 = 39.5; lost: Delta, Eps (by «Is closed lost»); open: Acme, Beta, Eta
    assert outcome(mem_store, info) == (7, 2, 2, 3, 20000.0, 39.5)
    # every deal at «No budget» / «Went dark» is lost by the flag, at «Signed Contract» won: the stages' kinds
    assert kinds(mem_store, info) == {"Signed Contract": "won", "No budget": "lost", "Went dark": "lost"}


API_EXPORT = (
    "hs_object_id,dealname,dealstage,pipeline,amount,createdate,closedate,hubspot_owner_id,"
    "hs_is_closed_won,hs_is_closed_lost\n"
    "1,Acme,appointmentscheduled,default,1000,2024-01-02T10:00:00Z,2024-03-01T00:00:00Z,11,false,false\n"
    "2,Beta,95211147,default,2000,2024-01-03T10:00:00Z,2024-01-23T10:00:00Z,12,false,true\n"
    "3,Gamma,95211147,default,3000,2024-01-04T10:00:00Z,2024-02-04T10:00:00Z,11,false,true\n"
    "4,Delta,closedwon,default,4000,2024-01-05T10:00:00Z,2024-01-15T10:00:00Z,12,true,false\n")


def test_hs_is_closed_lost_by_its_api_name(mem_store):
    info, built, _ = import_file(mem_store, API_EXPORT.encode(), "deals.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    assert info.meta["mapping"]["fields"]["lost_flag"] == "hs_is_closed_lost"
    # a custom stage id (95211147) whose deals are all closed lost: lost; Delta won 4,000 in 10 days
    deals, won, lost, open_, amount, cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount, cycle) == (4, 1, 2, 1, 4000.0, 10.0)
    assert kinds(mem_store, info)["95211147"] == "lost"


SHEET = ("Deal,Stage,Value,Created,Lost?\n"
         "D-1,Qualified,100,2024-01-01,no\n"
         "D-2,Proposal,200,2024-01-02,yes\n"
         "D-3,Proposal,300,2024-01-03,yes\n"
         "D-4,Negotiation,400,2024-01-04,\n")


def test_a_sheets_lone_lost_column_loses_deals_but_no_stage(mem_store):
    info, built, _ = import_file(mem_store, SHEET.encode(), "pipeline.csv")
    assert built["rows_rejected"] == 0
    assert info.meta["mapping"]["fields"]["lost_flag"] == "Lost?"
    # D-2 and D-3 lost (yes); D-1 (no) and D-4 (empty) open; nothing won
    deals, won, lost, open_, _amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_) == (4, 0, 2, 2)
    # a lone flag is no stage's kind: a lost deal may keep the stage it was lost at (Proposal stays a step)
    assert "Proposal" not in kinds(mem_store, info)
