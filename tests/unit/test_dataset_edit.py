"""Changing a dataset after its import (mapping, stage order, won/lost stages, shape) and refreshing it
with this week's export: the facts are rebuilt, the id stays, the version goes up (caches drop)."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main
from funnel.dataset_edit import can_rederive, rederive, refresh
from funnel.errors import FunnelError
from funnel.importer import Source, import_file
from funnel.mapping import Mapping
from funnel.metrics import metrics_json
from funnel.spec import FunnelSpec

VIEW = ("Deal Name,Deal Stage,Amount,Owner\nA,Qualified,100,Ann\nB,Proposal,300,Bob\nC,Closed Lost,50,Ann\n"
        "D,Demo,50,Bob\nE,Closed Won,70,Ann\nF,Demo,20,Ann\n")


def metrics(store, dataset_id):
    info = store.info(dataset_id)
    with store.connect() as con:
        return metrics_json(con, info, FunnelSpec())


def test_stage_order_edited_after_import_rebuilds_the_facts_and_bumps_the_version(mem_store):
    info, built, _ = import_file(mem_store, VIEW.encode(), "view.csv")
    assert built["meta"]["order_guessed"] is True and info.version == 1
    row = rederive(mem_store, info.id, stages=["Qualified", "Demo", "Proposal", "Closed Won"])
    assert row["version"] == 2 and row["meta"]["order_guessed"] is False
    doc = metrics(mem_store, info.id)
    # reached (a deal at stage k passed 1..k; the won deal reached all; the lost one counts at stage 1):
    # Qualified: all 6; Demo: B, D, E, F = 4; Proposal: B, E = 2; Closed Won: E = 1
    assert [(s["stage"], s["reached"]) for s in doc["stages"]] == [
        ("Qualified", 6), ("Demo", 4), ("Proposal", 2), ("Closed Won", 1)]
    # the new order is the dataset's: a later edit of won stages keeps it
    row = rederive(mem_store, info.id, won=["Closed Won", "Proposal"])
    assert row["version"] == 3 and row["meta"]["stage_order"][""] == ["Qualified", "Demo", "Proposal", "Closed Won"]
    assert metrics(mem_store, info.id)["won"] == 2  # B (Proposal) and E


def test_mapping_edited_after_import(mem_store):
    info, built, _ = import_file(mem_store, VIEW.encode(), "view.csv")
    mapping = Mapping.from_json(mem_store.row(info.id)["meta"]["mapping_json"])
    assert mapping.fields["manager"] == 3
    mapping.fields.pop("manager")
    mapping.fields["source"] = 3  # the user says "Owner" is really the channel
    row = rederive(mem_store, info.id, mapping=mapping)
    assert row["meta"]["mapping"]["fields"]["source"] == "Owner" and "manager" not in row["meta"]["mapping"]["fields"]
    with mem_store.connect() as con:
        assert con.execute(f"SELECT count(DISTINCT source) FROM ds_{info.id}.deals").fetchone()[0] == 2


def test_refresh_replaces_the_data_and_keeps_the_order_the_user_set(mem_store):
    info, _built, _ = import_file(mem_store, VIEW.encode(), "view.csv")
    order = ["Qualified", "Demo", "Proposal", "Closed Won"]
    rederive(mem_store, info.id, stages=order)
    week2 = "Deal Name,Deal Stage,Amount,Owner\nG,Demo,10,Ann\nH,Closed Won,90,Bob\nI,Qualified,5,Bob\n"
    row, _draft = refresh(mem_store, info.id, Source(week2.encode(), "view_week2.csv"))
    assert row["id"] == info.id and row["version"] == 3 and row["source_file"] == "view_week2.csv"
    assert row["meta"]["stage_order"][""] == order and row["n_deals"] == 3
    assert metrics(mem_store, info.id)["revenue"] == 90.0


def test_a_dataset_too_big_to_keep_its_rows_asks_for_its_file(mem_store, monkeypatch):
    import funnel.dataset_edit as edit

    monkeypatch.setattr(edit, "KEEP_RAW_MAX_ROWS", 3)
    info, _built, _ = import_file(mem_store, VIEW.encode(), "view.csv")
    assert not can_rederive(mem_store.row(info.id))
    with pytest.raises(FunnelError) as err:
        rederive(mem_store, info.id, stages=["Qualified", "Closed Won"])
    assert err.value.code == "edit.no_raw"


def test_cli_edit_and_import_into(tmp_path, capsys):
    first = tmp_path / "week1.csv"
    first.write_text(VIEW, encoding="utf-8")
    store = ["--data-dir", str(tmp_path / "store")]
    assert main([*store, "import", str(first), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "stages.order_guessed" in {w["code"] for w in out["warnings"]}
    assert main([*store, "edit", "1", "--stages", "Qualified,Demo,Proposal,Closed Won", "--lost", "Closed Lost",
                 "--map", "source=Owner", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"] == 2 and doc["order_guessed"] is False
    assert doc["stage_order"][""] == ["Qualified", "Demo", "Proposal", "Closed Won"]
    second = tmp_path / "week2.csv"
    second.write_text("Deal Name,Deal Stage,Amount,Owner\nG,Demo,10,Ann\nH,Closed Won,90,Bob\n", encoding="utf-8")
    assert main([*store, "import", str(second), "--into", "week1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["dataset_id"], doc["version"], doc["deals"]) == (1, 3, 2)
    assert doc["stage_order"][""] == ["Qualified", "Demo", "Proposal", "Closed Won"]
    assert main([*store, "edit", "1", "--map", "nonsense=Owner"]) == 2
    assert "nonsense" in capsys.readouterr().err


def test_shape_overridden_at_import(mem_store):
    text = "Stage,Count\nVisit,1000\nLead,120\nSale,9\n"
    info, built, _ = import_file(mem_store, text.encode(), "counts.csv")
    assert built["shape"] == "counts"
    info2, built2, _ = import_file(mem_store, text.encode(), "counts.csv", shape="deals", force=True)
    assert built2["shape"] == "deals" and built2["meta"]["detected_shape"] == "counts"


def test_refresh_rebuilds_the_stays_table_too(mem_store):
    """The velocity pages read the stored stays: a refresh must not leave last week's deals in it."""
    deals = "Deal ID,Stage,Created,Amount,Status\n1,Lead,2024-01-01,100,open\n2,Deal,2024-01-02,200,open\n"
    hist = "Deal ID,Stage,Entered at\n1,Lead,2024-01-01\n2,Lead,2024-01-02\n2,Deal,2024-01-05\n"
    info, _built, _ = import_file(mem_store, deals.encode(), "d.csv", history=hist.encode(), history_name="h.csv",
                                  stages=["Lead", "Deal"])
    stays = (f"SELECT d.deal_id, s.stage, s.amount FROM ds_{info.id}.stays AS s "
             f"JOIN ds_{info.id}.deals AS d ON d.row_no = s.row_no ORDER BY 1, 2")
    with mem_store.connect() as con:  # deal 1 sat in Lead; deal 2 in Lead, then Deal
        assert con.execute(stays).fetchall() == [("1", "Lead", 100.0), ("2", "Deal", 200.0), ("2", "Lead", 200.0)]
    week2 = "Deal ID,Stage,Created,Amount,Status\n7,Deal,2024-02-01,700,open\n"
    hist2 = "Deal ID,Stage,Entered at\n7,Lead,2024-02-01\n7,Deal,2024-02-03\n"
    refresh(mem_store, info.id, Source(week2.encode(), "d2.csv"), history=Source(hist2.encode(), "h2.csv"))
    with mem_store.connect() as con:  # only this week's deal 7: Lead, then Deal
        assert con.execute(stays).fetchall() == [("7", "Deal", 700.0), ("7", "Lead", 700.0)]


def test_a_won_or_lost_stage_that_no_deal_is_at_is_refused_and_nothing_changes(mem_store):
    """«Closed Wn» (a typo) as the won stage was taken silently: the version went up and «Closed Won» stayed won by
    its name. Now refused, naming the dataset's stages in the funnel's order; case and spaces are no typo."""
    info, _built, _ = import_file(mem_store, VIEW.encode(), "view.csv", stages=["Qualified", "Demo", "Proposal"])
    with pytest.raises(FunnelError) as caught:
        rederive(mem_store, info.id, won=["Closed Wn"])
    assert caught.value.code == "edit.unknown_stage"
    message = caught.value.message("en")
    assert "“Closed Wn”" in message and "«Qualified», «Demo», «Proposal»" in message
    assert mem_store.info(info.id).version == 1
    rederive(mem_store, info.id, lost=["  closed   lost "])
    assert mem_store.info(info.id).version == 2
    assert Mapping.from_json(mem_store.row(info.id)["meta"]["mapping_json"]).lost_stages == ["Closed Lost"]
    assert (metrics(mem_store, info.id)["won"], metrics(mem_store, info.id)["lost"]) == (1, 1)
