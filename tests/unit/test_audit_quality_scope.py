"""The history's backward moves and skipped stages are counted in the funnel the audit looks at.

A hand-made file of two pipelines (the conformance audit's, session 48), orders
Sales: Lead → Meeting → Proposal → Won and Renewals: Due → Call → Won; the histories that matter:

- ``S2`` (Sales, manager Bob): Lead, Meeting, Proposal, **Meeting**, Proposal, Won — one backward move;
- ``S9`` (Sales, manager Ann): Lead, **Proposal**, Won — one skipped stage (Meeting);
- every other deal walks its pipeline in order (Renewals has no move back or over at all).

So, by hand: the Sales funnel has 1 backward move (1 deal, S2) and 1 skipped stage (1 deal, S9); the Renewals
funnel has none (DOMAIN.md: "several pipelines are separate funnels; never mix their stages"); Sales with the
manager filter Ann has the skipped stage only, Bob the backward move only. Before, the cards read the import's
counts of the whole file: Renewals showed "Backward moves in the history: 1" (and "Skipped stages: 1"), whose
«Deals behind it» then listed no deal, and a filter changed nothing.
"""

from __future__ import annotations

from funnel.audit.data import AuditOptions
from funnel.audit.diagnose import diagnose
from funnel.importer import import_file
from funnel.metrics import deals_behind
from funnel.spec import FunnelSpec

DEALS = """deal_id,created_at,closed_at,stage,status,amount,manager,pipeline
S1,2026-01-01,2026-01-18,Won,won,1000,Ann,Sales
S2,2026-01-02,2026-01-22,Won,won,3000,Bob,Sales
S3,2026-01-05,2026-01-16,Meeting,lost,500,Ann,Sales
S9,2026-01-04,2026-01-20,Won,won,700,Ann,Sales
R1,2026-01-01,2026-01-21,Won,won,600,Ann,Renewals
R3,2026-01-07,2026-01-25,Call,lost,800,Bob,Renewals
"""
PATHS = {"S1": ["Lead", "Meeting", "Proposal", "Won"],
         "S2": ["Lead", "Meeting", "Proposal", "Meeting", "Proposal", "Won"],
         "S3": ["Lead", "Meeting"],
         "S9": ["Lead", "Proposal", "Won"],
         "R1": ["Due", "Call", "Won"],
         "R3": ["Due", "Call"]}
ORDER = {"Sales": ["Lead", "Meeting", "Proposal", "Won"], "Renewals": ["Due", "Call", "Won"]}


def _import(store, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("deal_id,stage,entered_at\n" + "".join(
        f"{d},{s},2026-01-{i + 1:02d} 10:00\n" for d, path in PATHS.items() for i, s in enumerate(path)),
        encoding="utf-8")
    info, _built, _ = import_file(store, deals, history=history, stages=ORDER)
    return info


def _moves(con, info, spec):
    """{variant: (value, deal_count, deals its button lists)} of the move cards under ``spec``."""
    found = diagnose(con, info, spec, AuditOptions()).findings
    return {f.variant: (f.value, f.deal_count, set(deals_behind(con, info, spec, f.selection).frame["deal_id"]))
            for f in found if f.code == "data_quality" and f.variant in ("backward_moves", "skipped_stages")}


def test_moves_are_counted_per_pipeline_and_filter(mem_store, tmp_path):
    info = _import(mem_store, tmp_path)
    with mem_store.connect() as con:
        assert _moves(con, info, FunnelSpec(pipeline="Sales")) == {
            "backward_moves": (1, 1, {"S2"}), "skipped_stages": (1, 1, {"S9"})}
        assert _moves(con, info, FunnelSpec(pipeline="Renewals")) == {}
        assert _moves(con, info, FunnelSpec(pipeline="Sales", filters=(("manager", ("Ann",)),))) == {
            "skipped_stages": (1, 1, {"S9"})}
        assert _moves(con, info, FunnelSpec(pipeline="Sales", filters=(("manager", ("Bob",)),))) == {
            "backward_moves": (1, 1, {"S2"})}
