"""Issue 16, survey 29 (the Data page's ask-once flows, in three languages, in Chromium): what it found in the import.

- **A hand-kept deal list read as a table of counts**: «Deal, Stage, Date added, Value», five deals, two at «Warm»:
  «Value» was taken for a count and the deal names for a breakdown, 1,000 deals of five. Stages repeated beside a
  text column whose every value is its own are a deal list's rows (``shapes._named_rows``).
- **«Date added»** (a sheet's creation date) was not mapped as the creation date.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import outcome

SHEET = ("Deal,Stage,Date added,Value\nAcme,Warm,2024-03-01,100\nBeta,Hot,2024-03-02,200\nGamma,Warm,2024-03-03,150\n"
         "Delta,Paid,2024-03-04,500\nEps,Dropped,2024-03-05,50\n")


def test_a_hand_kept_deal_list_with_a_value_column_is_its_deals(mem_store):
    """Five rows, five deals; «Paid» is the last stage of the user's order, so won 1 (Delta, 500); nothing lost."""
    info, built, _ = import_file(mem_store, SHEET.encode(), "pipeline.csv", stages=["Warm", "Hot", "Paid"])
    assert info.shape == "deals" and built["n_deals"] == 5
    assert built["meta"]["mapping"]["fields"]["created_at"] == "Date added"
    assert outcome(mem_store, info)[:2] == (5, 1)


def test_the_same_list_under_another_date_header_is_its_deals_too(mem_store):
    """Without a date header the app knows, the names beside repeated stages still make it a deal list."""
    text = SHEET.replace("Date added", "Day")
    _info, built, _ = import_file(mem_store, text.encode(), "pipeline.csv")
    assert built["n_deals"] == 5
