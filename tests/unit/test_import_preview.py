"""The Data page's preview stages an upload once and reuses it on every rerun (issue #16: a mapping
click re-staged the whole file, 6-7 s at 200k rows). Counted, not timed: how often the file is
staged and the preview built, and that what is finally stored is what the file says.

Expected counts are worked out by hand from the rows written in each test.
"""

from __future__ import annotations

import dataclasses

import pytest

import funnel.importer as importer
import funnel.importer.preview as preview_module
from funnel.importer import Source, finish
from funnel.importer.preview import Preview
from funnel.store import Store

DEALS = (b"Deal ID,Stage,Amount,Created\n"
         b"1,Lead,100,2024-01-01\n2,Proposal,250,2024-01-02\n3,Closed Won,400,2024-01-03\n"
         b"3,Closed Won,400,2024-01-03\n")
HISTORY = (b"Deal ID,Stage,Date Entered\n"
           b"1,Lead,2024-01-01 09:00\n2,Lead,2024-01-02 09:00\n2,Proposal,2024-01-05 09:00\n"
           b"3,Lead,2024-01-03 09:00\n3,Proposal,2024-01-04 09:00\n3,Closed Won,2024-01-09 09:00\n")


@pytest.fixture
def counted(monkeypatch):
    """Counts of the importer's file staging and of preview builds."""
    calls = {"stage": 0, "build": 0}
    real_stage, real_build = importer.stage_file, preview_module.build

    def stage(*args, **kwargs):
        calls["stage"] += 1
        return real_stage(*args, **kwargs)

    def build(*args, **kwargs):
        calls["build"] += 1
        return real_build(*args, **kwargs)

    monkeypatch.setattr(importer, "stage_file", stage)
    monkeypatch.setattr(preview_module, "build", build)
    return calls


def test_reruns_with_the_same_upload_stage_it_once(counted):
    store = Store(":memory:")
    preview = Preview()
    for _rerun in range(4):  # four reruns of the page (mapping clicks), same bytes each time
        con, draft = preview.draft(store, Source(DEALS, "deals.csv"), Source(HISTORY, "history.csv"))
        assert draft.raw.n_rows == 4
    assert counted["stage"] == 2  # the deals file and the history, once each
    # a different file (one more row) is staged again
    preview.draft(store, Source(DEALS + b"4,Lead,50,2024-01-04\n", "deals.csv"), Source(HISTORY, "history.csv"))
    assert counted["stage"] == 4
    preview.close()


def test_each_rerun_gets_its_own_copy_of_the_proposal(counted):
    preview = Preview()
    _con, first = preview.draft(None, Source(DEALS, "deals.csv"))
    assert "amount" in first.mapping.fields
    first.mapping = dataclasses.replace(first.mapping, fields={k: v for k, v in first.mapping.fields.items()
                                                               if k != "amount"})
    _con, second = preview.draft(None, Source(DEALS, "deals.csv"))
    assert "amount" in second.mapping.fields  # the editor's change of one rerun is not the proposal
    assert counted["stage"] == 1
    preview.close()


def test_the_preview_is_built_again_only_when_the_mapping_changes(counted):
    preview = Preview()
    _con, draft = preview.draft(None, Source(DEALS, "deals.csv"))
    first = preview.build(draft)
    assert preview.build(draft)["n_deals"] == first["n_deals"] == 3  # ids 1, 2, 3 (3 twice: first row kept)
    assert counted["build"] == 1
    without_amount = dataclasses.replace(draft, mapping=dataclasses.replace(
        draft.mapping, fields={k: v for k, v in draft.mapping.fields.items() if k != "amount"}))
    preview.build(without_amount)
    assert counted["build"] == 2
    preview.build(draft, stages=["Lead", "Proposal", "Closed Won"])  # an edited order builds again
    assert counted["build"] == 3
    preview.close()


def test_import_from_the_preview_stores_what_the_file_says(counted, tmp_path):
    store = Store(tmp_path / "funnel.duckdb")
    preview = Preview()
    _con, draft = preview.draft(store, Source(DEALS, "deals.csv"), Source(HISTORY, "history.csv"))
    preview.build(draft)
    with store.connect() as con:
        preview.copy_staged(con, draft)
        info, built = finish(con, store, draft, name="preview")
    preview.close()
    assert counted["stage"] == 2  # importing did not read the files again
    with store.connect() as con:
        deals = con.execute(f"SELECT deal_id, amount, status FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()
        events = con.execute(f"SELECT count(*) FROM ds_{info.id}.events").fetchone()[0]
    assert deals == [("1", 100.0, "open"), ("2", 250.0, "open"), ("3", 400.0, "won")]
    assert events == 6  # six history rows, no stage repeated in a row
    assert built["n_deals"] == 3


def test_a_counts_table_imports_from_the_preview(tmp_path):
    """A counts table's preview build ends with a query read by fetchone(): DuckDB kept its result open
    and copying the staged rows into the store failed («connection has an unfinished result»), so the
    Data page could not import any table of counts."""
    store = Store(tmp_path / "funnel.duckdb")
    preview = Preview()
    data = b"Source,Sessions,Add to cart,Purchase\nads,1000,100,10\nseo,500,80,20\n"
    _con, draft = preview.draft(store, Source(data, "wide.csv"))
    assert draft.shape == "counts"
    preview.build(draft)
    with store.connect() as con:
        preview.copy_staged(con, draft)
        info, _built = finish(con, store, draft, name="wide")
    preview.close()
    with store.connect() as con:
        counts = con.execute(f"SELECT stage, n FROM ds_{info.id}.counts WHERE grp = '' ORDER BY position").fetchall()
    # overall: 1000 + 500 sessions, 100 + 80 add to cart, 10 + 20 purchases
    assert counts == [("Sessions", 1500), ("Add to cart", 180), ("Purchase", 30)]
    store.close()
