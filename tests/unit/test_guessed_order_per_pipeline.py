"""«The stage order was guessed» only on the pipeline it was guessed for: the diagnose findings (the Overview's and
the Diagnostics page's cards, ``diagnose`` and its JSON) and the report's caveat.

The hand file: pipeline Sales (40 deals) comes with a stage history, so its order Lead → Qualified → Proposal → Won
is known; pipeline Renewals (12 deals: 4 at Offer, 4 at Negotiation, 2 Renewed won, 2 Churned lost) has no history
and names no standard order, so its order is a guess (the import says «guessed … (Renewals)»).

Sales: 10 won; 25 lost at Qualified, 20 of them for «price» and 5 for «timing»; 5 open at Proposal. By the README's
rule the lost-reasons card fires at Qualified: 25 ≥ 20 lost with a reason, top reason 20 / 25 = 80 % ≥ 40 %. It rests
on the stage order (``ORDER_DEPENDENT``), but Sales' order is no guess: no «guessed» card and no «on a guessed stage
order» tag there. On Renewals the guessed-order card is the first, high.
"""

from __future__ import annotations

import json

import pytest

from funnel.audit.diagnose import diagnose, diagnose_json
from funnel.importer import import_file
from funnel.report.assemble import build_from_store
from funnel.spec import FunnelSpec


def _files() -> tuple[bytes, bytes]:
    rows = ["deal_id,pipeline,stage,status,amount,created_at,closed_at,lost_reason"]
    history = ["deal_id,stage,entered_at"]

    def add(deal, pipeline, stage, status, amount, created, closed, reason, path=()):
        rows.append(f"{deal},{pipeline},{stage},{status},{amount},{created},{closed},{reason}")
        history.extend(f"{deal},{s},{day}" for s, day in path)

    for i in range(10):
        add(f"S{i}", "Sales", "Won", "won", 1000, "2024-01-05", "2024-02-01", "",
            [("Lead", "2024-01-05"), ("Qualified", "2024-01-10"), ("Proposal", "2024-01-20"), ("Won", "2024-02-01")])
    for i in range(25):
        add(f"L{i}", "Sales", "Lost", "lost", "", "2024-01-06", "2024-01-25", "price" if i < 20 else "timing",
            [("Lead", "2024-01-06"), ("Qualified", "2024-01-12"), ("Lost", "2024-01-25")])
    for i in range(5):
        add(f"P{i}", "Sales", "Proposal", "open", 500, "2024-02-01", "", "",
            [("Lead", "2024-02-01"), ("Qualified", "2024-02-05"), ("Proposal", "2024-02-10")])
    k = 0
    for stage, status, n in (("Offer", "open", 4), ("Negotiation", "open", 4), ("Renewed", "won", 2),
                             ("Churned", "lost", 2)):
        for _ in range(n):
            k += 1
            add(f"R{k}", "Renewals", stage, status, 700, "2024-01-03", "" if status == "open" else "2024-02-02", "")
    return ("\n".join(rows) + "\n").encode(), ("\n".join(history) + "\n").encode()


@pytest.fixture
def two(mem_store):
    deals, history = _files()
    info, _built, _ = import_file(mem_store, deals, "deals.csv", history=history, history_name="history.csv")
    assert info.meta["guessed_pipelines"] == ["Renewals"]  # the file: Sales known, Renewals guessed
    return mem_store, info


def _findings(store, info, pipeline):
    with store.connect(info) as con:
        return diagnose_json(diagnose(con, info, FunnelSpec(pipeline=pipeline)), info)["findings"]


def test_the_known_pipeline_has_no_guess_card_and_no_guess_tag(two):
    store, info = two
    for pipeline in (None, "Sales"):  # Sales has most deals: the one shown unless picked
        found = _findings(store, info, pipeline)
        assert not [f for f in found if f["code"] == "data_quality" and f["metric"] == "stages.order_guessed"]
        reasons = [f for f in found if f["code"] == "lost_reasons"]
        assert [(f["stage"], round(f["value"], 2)) for f in reasons] == [("Qualified", 0.8)]
        assert not any(f["order_guessed"] for f in found)


def test_the_guessed_pipeline_says_it_first(two):
    store, info = two
    found = _findings(store, info, "Renewals")
    assert (found[0]["code"], found[0]["metric"], found[0]["severity"]) == ("data_quality", "stages.order_guessed",
                                                                           "high")


def test_the_report_says_guessed_only_for_the_guessed_pipeline(two):
    store, info = two
    caveat = "The stage order was guessed"

    def said(pipeline) -> bool:
        report = build_from_store(store, info.id, FunnelSpec(pipeline=pipeline), "en")
        return caveat in json.dumps([s.bullets + s.paragraphs for s in report.sections], ensure_ascii=False)

    assert said("Renewals")
    assert not said("Sales") and not said(None)


def test_the_import_notes_name_the_pipeline_whose_order_was_guessed(two):
    """The report's (and the Data page's) table of import notes said «The stage order was guessed from the data»
    with no pipeline, in the report of Sales, whose order is known; the note names Renewals now."""
    store, info = two
    report = build_from_store(store, info.id, FunnelSpec(pipeline="Sales"), "ru")
    rows = [row[0] for table in report.section("quality").tables for row in table.rows]
    assert "Порядок этапов воронки «Renewals» угадан по данным: проверьте его на странице «Данные»" in rows
