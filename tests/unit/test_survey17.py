"""Issue 16, a seventeenth look at real exports: what they showed, each fixed and tested on a small file of
the same shape (values invented, counts worked by hand). The files (public GitHub repositories):

- kpsalida/PowerBI-sales-performance-analytics ``fct_opportunity.csv`` + ``fct_stage_history.csv``
  (``OpportunityId, FromStage, ToStage, ChangeDate``): a BI star schema's stage history;
- uditsalesops-lab/acceldata-revops-portfolio ``opportunities.csv`` + ``opportunity_history.csv``
  (``history_id, opportunity_id, stage, amount_usd, close_date, changed_date, changed_by``);
- benjipeng/agentic-salesforce: Data Loader files keyed by ``OpportunityExtId__c`` (the deals and their
  ``StageName, Probability, CreatedDate`` history).
  Each history was joined to its deals as "outcomes", one row per deal, its moves thrown away: no funnel, or
  reached counts low, with nothing but an info line said.
- salman1451/lead-automation-n8n (an Airtable lead table): ``SubmittedAt`` is when the lead came, and a
  ``Status`` of only «qualified» / «not_qualified» said "no stage marks a deal as won".
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

# 5 deals; their moves: A Prospecting → Qualification → Proposal → Closed Won; B Prospecting → Qualification
# → Closed Lost; C Prospecting → Qualification → Proposal (open); D Prospecting (open); E Prospecting →
# Closed Lost. By hand: reached Prospecting 5, Qualification 3 (A, B, C), Proposal 2 (A, C), Closed Won 1.
MOVES = [("A", "Prospecting", "2024-01-01"), ("A", "Qualification", "2024-01-10"), ("A", "Proposal", "2024-01-20"),
         ("A", "Closed Won", "2024-02-01"), ("B", "Prospecting", "2024-01-02"), ("B", "Qualification", "2024-01-12"),
         ("B", "Closed Lost", "2024-01-30"), ("C", "Prospecting", "2024-01-03"), ("C", "Qualification", "2024-01-15"),
         ("C", "Proposal", "2024-01-25"), ("D", "Prospecting", "2024-01-04"), ("E", "Prospecting", "2024-01-05"),
         ("E", "Closed Lost", "2024-01-09")]
FINAL = {"A": "Closed Won", "B": "Closed Lost", "C": "Proposal", "D": "Prospecting", "E": "Closed Lost"}
EXPECTED = [("Prospecting", 5), ("Qualification", 3), ("Proposal", 2), ("Closed Won", 1)]


def _deals(key: str) -> bytes:
    return (f"{key},OpportunityName,StageName,Amount,CreatedDate,IsClosed,IsWon\n" + "".join(
        f"{d},Deal {d},{s},{100 * (k + 1)},2024-01-0{k + 1},{int(s.startswith('Closed'))},{int(s == 'Closed Won')}\n"
        for k, (d, s) in enumerate(FINAL.items()))).encode()


def _star() -> bytes:  # one row per move with the stage it left
    rows, last = [], {}
    for d, s, at in MOVES:
        rows.append(f"{d},{last.get(d, '')},{s},{at}")
        last[d] = s
    return ("OpportunityId,FromStage,ToStage,ChangeDate\n" + "\n".join(rows) + "\n").encode()


def _warehouse() -> bytes:  # a close date beside the change date: the change is when
    return ("history_id,opportunity_id,stage,amount_usd,close_date,changed_date,changed_by\n" + "".join(
        f"H{k:03},{d},{s},100,2024-03-31,{at},U01\n" for k, (d, s, at) in enumerate(MOVES))).encode()


def _external_ids() -> bytes:
    return ("OpportunityExtId__c,StageName,Probability,CreatedDate,Description\n" + "".join(
        f"{d},{s},10,{at}T10:00:00Z,call\n" for d, s, at in MOVES)).encode()


@pytest.mark.parametrize("key, history", [
    ("OpportunityId", _star), ("opportunity_id", _warehouse), ("OpportunityExtId__c", _external_ids)])
def test_a_history_of_a_warehouses_naming_is_read_as_the_history(mem_store, key, history):
    info, built, _ = import_file(mem_store, _deals(key), "opportunities.csv", history=history(),
                                 history_name="stage_history.csv")
    assert built["n_events"] > 0 and info.meta.get("joined_file") is None
    assert reached(mem_store, info) == EXPECTED
    assert outcome(mem_store, info)[:4] == (5, 1, 2, 2)


def test_a_history_told_by_its_values_says_which_column_is_what(mem_store):
    # PascalCase headers of no known layout: the columns told by the cells, and said
    info, _built, _ = import_file(mem_store, _deals("OpportunityId"), "fct_opportunity.csv", history=_star(),
                                  history_name="fct_stage_history.csv")
    detail = findings(mem_store, info)["history_beside.read"][2]
    assert (detail["deal"], detail["stage"], detail["entered"]) == ("OpportunityId", "ToStage", "ChangeDate")


def test_one_row_per_deal_beside_the_deals_is_still_outcomes_joined(mem_store):
    # Olist's shape: a second file of one row per lead with its outcome: joined, not a history
    leads = b"lead_id,origin,first_contact\nL1,web,2024-01-01\nL2,ads,2024-01-02\nL3,web,2024-01-03\n"
    closed = b"lead_id,stage,won_date\nL1,Won,2024-02-01\nL3,Won,2024-02-10\n"
    info, built, _ = import_file(mem_store, leads, "leads.csv", history=closed, history_name="closed.csv")
    assert info.meta.get("joined_file") == "closed.csv" and built["n_events"] == 0


def test_a_lead_list_qualified_or_not_has_its_qualified_as_the_sale(mem_store):
    text = ("Name,Source,Budget,Status,SubmittedAt\n"
            "Jane,website_form,25000,qualified,2026-08-18 11:28\n"
            "Sal,referral,8000,qualified,2026-08-18 12:58\n"
            "Ann,website_form,1000,not_qualified,2026-08-19 09:00\n")
    info, _built, _ = import_file(mem_store, text.encode(), "Leads-Grid view.csv")
    assert info.meta["mapping"]["fields"]["created_at"] == "SubmittedAt"
    # by hand: 2 qualified (won, 33,000), 1 not qualified (lost): win rate 2/3; the guess said
    assert outcome(mem_store, info)[:5] == (3, 2, 1, 0, 33000.0)
    assert findings(mem_store, info)["stages.last_is_won"][0] == "warning"


def test_two_stages_that_do_not_deny_each_other_are_no_pair(mem_store):
    text = "Name,Stage\nA,Qualified\nB,Qualified\nC,Closed Lost\n"
    info, _built, _ = import_file(mem_store, text.encode(), "leads.csv")
    assert outcome(mem_store, info)[1] == 0 and "stages.no_won" in findings(mem_store, info)


# ---------------------------------------------------------------- Shopify's order export

SHOPIFY = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Currency,Subtotal,Total,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Cancelled at,Id,Source\n"
    "#1001,a@example.com,paid,2025-05-03 10:00:00 -0400,fulfilled,2025-05-04 09:00:00 -0400,EUR,100.00,100.00,"
    "2025-05-01 10:00:00 -0400,1,Snowboard,80.00,,6634244374859,web\n"
    "#1001,a@example.com,,,,,,,,2025-05-01 10:00:00 -0400,1,Ski Wax,20.00,,,\n"
    "#1002,b@example.com,pending,,unfulfilled,,EUR,50.00,50.00,2025-05-02 11:00:00 -0400,1,Gift Card,50.00,,"
    "6634244374860,web\n"
    "#1003,c@example.com,refunded,2025-05-02 12:00:00 -0400,unfulfilled,,EUR,70.00,70.00,"
    "2025-05-02 12:00:00 -0400,2,Boots,30.00,2025-05-05 08:00:00 -0400,6634244374861,pos\n"
    "#1003,c@example.com,,,,,,,,2025-05-02 12:00:00 -0400,1,Laces,10.00,,,\n"
    "#1004,d@example.com,paid,2025-05-06 09:00:00 -0400,fulfilled,,EUR,30.00,30.00,2025-05-06 09:00:00 -0400,1,"
    "Ski Wax,30.00,,6634244374862,web\n")


def test_a_shopify_order_export_gives_paid_orders_as_its_sales(mem_store):
    info, built, _ = import_file(mem_store, SHOPIFY.encode(), "orders_export.csv")
    assert info.meta["mapping"]["preset"] == "shopify_orders"
    # by hand: 4 orders (#1001 and #1003's second rows are their line items); paid #1001 and #1004: 130.00
    # (the order's Total, not a line's price); #1003 refunded (lost), #1002 pending (open); cycles from
    # creation to payment: 2 days and 0 -> median 1.0
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    assert outcome(mem_store, info) == (4, 2, 1, 1, 130.0, 1.0)
    found = findings(mem_store, info)
    assert "deals.duplicate_id" not in found and "status.none_won_yet" not in found
    assert found["readers.continuation_rows"] is not None
    # the two line items are said once, by the continuation note, not again among "rows skipped"
    assert "readers.skipped_rows" not in found


def test_line_items_and_a_blank_row_count_the_blank_row_alone_as_skipped(mem_store):
    info, _built, _ = import_file(mem_store, (SHOPIFY + ",,,,,,,,,,,,,,,\n").encode(), "orders_export.csv")
    found = findings(mem_store, info)
    assert found["readers.continuation_rows"][2]["n"] == 2
    assert found["readers.skipped_rows"][2] == {"n": 1, "file": "orders_export.csv"}
