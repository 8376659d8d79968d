"""A stage history that logs moves only, each with the stage it left (funnel/importer/history_order.py).

amoCRM's events, a Salesforce "Opportunity History" report (``From Stage, To Stage, Edit Date``) and any
change log («Было / Стало», "Old value / New value") write a row when a deal moves, not when it is
created: the stage deals are created in is never entered there. It shows only as the stage the first
moves left, and it goes first. Before, such a stage that no deal sits in any more was missing from the
funnel altogether, and one that still held deals could be placed after the stages the moves entered
(amoCRM: tests/unit/test_json_exports.py).
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import reached

# every deal has left «Triage», where it was created: the company's own stages, in no CRM's default order
DEALS = ("Opportunity ID,Opportunity Name,Stage,Amount,Created Date\n"
         "O-2,Beta,Call booked,200,2024-01-02\n"
         "O-3,Gamma,Offer out,300,2024-01-03\n"
         "O-4,Delta,Signed,400,2024-01-04\n"
         "O-5,Zeta,Call booked,500,2024-01-05\n")
HISTORY = ("Opportunity ID,From Stage,To Stage,Edit Date\n"
           "O-2,Triage,Call booked,2024-01-06\n"
           "O-3,Triage,Call booked,2024-01-07\n"
           "O-3,Call booked,Offer out,2024-01-09\n"
           "O-4,Triage,Call booked,2024-01-08\n"
           "O-4,Call booked,Offer out,2024-01-10\n"
           "O-4,Offer out,Signed,2024-01-12\n"
           "O-5,Triage,Call booked,2024-01-11\n")


def test_the_stage_deals_are_created_in_goes_first(mem_store):
    info, built, _ = import_file(mem_store, DEALS.encode(), "opportunities.csv", history=HISTORY.encode(),
                                 history_name="opportunity_history.csv")
    assert built["n_deals"] == 4
    assert info.meta["order_source"] == "history"
    # every deal left Triage: Triage 4, Call booked 4, Offer out: Gamma and Delta = 2, Signed: Delta = 1
    assert reached(mem_store, info)[:4] == [("Triage", 4), ("Call booked", 4), ("Offer out", 2), ("Signed", 1)]


def test_without_the_stage_left_the_history_cannot_show_it(mem_store):
    """The same history without «From Stage»: no row names Triage (the control of the test above)."""
    history = "\n".join(",".join(c for k, c in enumerate(line.split(",")) if k != 1) for line in HISTORY.splitlines())
    info, _built, _ = import_file(mem_store, DEALS.encode(), "opportunities.csv", history=history.encode(),
                                  history_name="opportunity_history.csv")
    assert "Triage" not in info.meta["stage_order"][""]
