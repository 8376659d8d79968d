"""A guessed stage order is made of the pipeline's own stages, its won and lost stages told by its own deals.

The hand file (the shape of test_guessed_order_per_pipeline.py): pipeline Sales (40 deals) with a stage history,
Lead → Qualified → Proposal → Won, 25 lost at «Lost»; pipeline Renewals (12 deals, no history): 4 open at «Offer»,
4 open at «Negotiation», 2 at «Renewed» with status won, 2 at «Churned» with status lost. Before, Renewals' order
was guessed as Negotiation → Offer → Churned → Renewed → Won: a «Won» no Renewals deal is at, «Renewed» (every deal
won) an open step, «Churned» (every deal lost) a step the 2 churned deals were counted past.

Worked by hand from DOMAIN.md (a deal at stage k passed 1..k; a lost deal whose stage says no step it reached
counts at the first step only):
- Renewals: the open stages are Offer and Negotiation; the sales ladder puts an offer (a proposal) before a
  negotiation; «Renewed» holds only won deals: its won stage, last; «Churned» only lost ones: its lost stage, out
  of the order. Order Offer → Negotiation → Renewed. Reached: Offer = 4 + 4 + 2 + 2 (the churned, at the first
  step) = 12; Negotiation = 4 + 2 = 6; Renewed = 2. Won 2, lost 2 (both at a stage unknown), open 8, win rate
  2 / (2 + 2) = 0.5.
- Sales, from its history: Lead 40, Qualified 40 (10 won + 25 lost + 5 open entered it), Proposal 15 (10 + 5),
  Won 10; won 10, lost 25, open 5.
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.metrics.report import metrics_json
from funnel.spec import FunnelSpec


def _files(status: bool = True) -> tuple[bytes, bytes]:
    head = "deal_id,pipeline,stage," + ("status," if status else "") + "amount,created_at,closed_at"
    rows, history = [head], ["deal_id,stage,entered_at"]

    def add(deal, pipeline, stage, outcome, closed, path=()):
        rows.append(f"{deal},{pipeline},{stage}," + (f"{outcome}," if status else "") + f"700,2024-01-03,{closed}")
        history.extend(f"{deal},{s},{day}" for s, day in path)

    for i in range(10):
        add(f"S{i}", "Sales", "Won", "won", "2024-02-01",
            [("Lead", "2024-01-05"), ("Qualified", "2024-01-10"), ("Proposal", "2024-01-20"), ("Won", "2024-02-01")])
    for i in range(25):
        add(f"L{i}", "Sales", "Lost", "lost", "2024-01-25",
            [("Lead", "2024-01-06"), ("Qualified", "2024-01-12"), ("Lost", "2024-01-25")])
    for i in range(5):
        add(f"P{i}", "Sales", "Proposal", "open", "",
            [("Lead", "2024-02-01"), ("Qualified", "2024-02-05"), ("Proposal", "2024-02-10")])
    k = 0
    for stage, outcome, n in (("Offer", "open", 4), ("Negotiation", "open", 4), ("Renewed", "won", 2),
                              ("Churned", "lost", 2)):
        for _ in range(n):
            k += 1
            add(f"R{k}", "Renewals", stage, outcome, "" if outcome == "open" else "2024-02-02")
    return ("\n".join(rows) + "\n").encode(), ("\n".join(history) + "\n").encode()


def _import(store, status: bool = True, history: bool = True):
    deals, hist = _files(status)
    info, built, _draft = import_file(store, deals, "deals.csv", history=hist if history else None,
                                      history_name="history.csv" if history else None)
    return info, built


def _metrics(store, info, pipeline):
    with store.connect(info) as con:
        doc = metrics_json(con, info, FunnelSpec(pipeline=pipeline))
    return [(s["stage"], s["reached"]) for s in doc["stages"]], (doc["won"], doc["lost"], doc["open"]), doc


def _kinds(store, info, pipeline):
    with store.connect(info) as con:
        return dict(con.execute(f"SELECT stage, kind FROM ds_{info.id}.stages WHERE pipeline = ?", [pipeline]).fetchall())


@pytest.mark.parametrize("history", [True, False])
def test_renewals_order_is_its_own_stages_won_and_lost_by_their_deals(mem_store, history):
    info, built = _import(mem_store, history=history)
    assert built["meta"]["stage_order"]["Renewals"] == ["Offer", "Negotiation", "Renewed"]
    stages, outcomes, doc = _metrics(mem_store, info, "Renewals")
    assert stages == [("Offer", 12), ("Negotiation", 6), ("Renewed", 2)]
    assert outcomes == (2, 2, 8)
    assert doc["win_rate"] == pytest.approx(0.5)
    assert doc["lost_stage_unknown"] == 2
    assert _kinds(mem_store, info, "Renewals") == {"Offer": "open", "Negotiation": "open", "Renewed": "won",
                                                  "Churned": "lost"}
    assert built["meta"]["guessed_pipelines"] == ["Renewals"]  # still a guess, and said


def test_sales_order_from_its_history_is_unchanged(mem_store):
    info, built = _import(mem_store)
    assert built["meta"]["stage_order"]["Sales"] == ["Lead", "Qualified", "Proposal", "Won"]
    stages, outcomes, _doc = _metrics(mem_store, info, "Sales")
    assert stages == [("Lead", 40), ("Qualified", 40), ("Proposal", 15), ("Won", 10)]
    assert outcomes == (10, 25, 5)


def test_without_a_status_no_stage_of_another_pipeline_and_no_outcome_made_up(mem_store):
    """Without the status column nothing says which of «Renewed» and «Churned» is the sale: Renewals' order holds
    only its own four stages (no «Won» of Sales), and no Renewals deal is counted won or lost."""
    info, built = _import(mem_store, status=False)
    assert sorted(built["meta"]["stage_order"]["Renewals"]) == ["Churned", "Negotiation", "Offer", "Renewed"]
    _stages, outcomes, _doc = _metrics(mem_store, info, "Renewals")
    assert outcomes == (None, 0, 12)  # won unknown, not 0: nothing marks a Renewals deal won (session 49, h1)
    assert built["meta"]["stage_order"]["Sales"] == ["Lead", "Qualified", "Proposal", "Won"]
