"""Exports of CRMs first tried in the "west" survey: Close, Zendesk Sell, Insightly, Capsule, vtiger,
EspoCRM, Dolibarr, noCRM.io, Zoho Bigin and a NetHunt folder whose outcome is only in its dates.

Evidence, per product (rows invented, headers and values as the products are documented to write them):
- NetHunt: README's "CRM exports known to work" and crm-exports.md §7 (a user-defined folder with a
  systematic ``Record ID``); the fields «Won date» / «Lost date» and the «Closed» stage are a user's own
  (layout from docs).
Expected values are worked out by hand from the rows, in the comments beside them.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_leads import outcomes
from tests.unit.test_crm_exports_reports import reached


def codes(store, info) -> set[str]:
    with store.connect() as con:
        return {r[0] for r in con.execute(f"SELECT DISTINCT code FROM ds_{info.id}.quality").fetchall()}


# N5, N6 won and N7 lost all sit in «Closed»; only their dates say how they ended.
NETHUNT_DATES = (
    "Record ID,Name,Deal stage,Budget,Owner,Created time,Won date,Lost date\n"
    "a1,One,New lead,\"$1,000.00\",ann@example.com,2024-01-01,,\n"
    "a2,Two,New lead,\"$2,000.00\",bob@example.com,2024-01-02,,\n"
    "a3,Three,Contacted,\"$3,000.00\",ann@example.com,2024-01-03,,\n"
    "a4,Four,Meeting,\"$4,000.00\",bob@example.com,2024-01-04,,\n"
    "a8,Eight,Proposal,\"$8,000.00\",ann@example.com,2024-01-08,,\n"
    "a5,Five,Closed,\"$5,000.00\",ann@example.com,2024-01-05,2024-01-15,\n"
    "a6,Six,Closed,\"$6,000.00\",bob@example.com,2024-01-06,2024-02-05,\n"
    "a7,Seven,Closed,\"$7,000.00\",ann@example.com,2024-01-07,,2024-01-20\n")


def test_nethunt_stage_of_closed_deals_is_no_step(mem_store):
    info, _built, _ = import_file(mem_store, NETHUNT_DATES.encode(), "nethunt.csv")
    assert info.meta["mapping"]["preset"] == "nethunt"
    # «Closed» holds won and lost deals, closed by their dates only: no step. The open stages by the
    # ladder's words (new lead, contact, meeting, proposal), then the won stage the won dates add.
    # Reached: New lead all 8 (a7 lost, where not known: stage 1); Contacted a3, a4, a8 + won a5, a6 = 5;
    # Meeting a4, a8, a5, a6 = 4; Proposal a8, a5, a6 = 3; Won a5, a6 = 2. Before: «Closed» (3 deals)
    # was the second step, right after New lead, and all 8 deals were counted as reaching it.
    assert reached(mem_store, info) == [("New lead", 8), ("Contacted", 5), ("Meeting", 4), ("Proposal", 3),
                                        ("Won", 2)]
    assert outcomes(mem_store, info) == (2, 1, 5)  # won a5, a6; lost a7; open a1-a4, a8
    assert "stages.closed_by_dates" in codes(mem_store, info)


def test_a_stage_of_deals_lost_by_date_goes_after_the_open_ones(mem_store):
    # «Archive» holds b3 and b4, both closed by a lost date (no won one): a stage of closed deals only,
    # after every stage with an open deal (README), not before Contacted for having more deals (2 > 1)
    text = ("Record ID,Name,Deal stage,Budget,Created time,Won date,Lost date\n"
            "b1,One,New lead,100,2024-01-01,,\n"
            "b2,Two,Contacted,200,2024-01-02,,\n"
            "b3,Three,Archive,300,2024-01-03,,2024-01-10\n"
            "b4,Four,Archive,400,2024-01-04,,2024-01-11\n"
            "b5,Five,Won,500,2024-01-05,2024-01-12,\n")
    info, _built, _ = import_file(mem_store, text.encode(), "nethunt.csv")
    order = info.meta["stage_order"][""]
    assert order.index("Archive") > order.index("Contacted")
    assert outcomes(mem_store, info) == (1, 2, 2)  # won b5; lost b3, b4; open b1, b2
