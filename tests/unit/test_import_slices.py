"""A long history is imported in slices of deals (funnel/importer/derive.py: at 10M deals one
statement's joins and windows needed more than the store's 400MB budget). The slice sizes are
lowered here so that a few rows are already several slices; the tables must be what one
statement gives.

Expected values are worked out by hand from the rows written in the first test; the second
compares a bundled sample imported both ways.
"""

from pathlib import Path

import pytest

import funnel.importer.derive as derive
from funnel.importer import import_file
from funnel.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture
def tiny_slices(monkeypatch):
    monkeypatch.setattr(derive, "SLICE_ROWS", 2)  # 9 events -> 5 slices (some of them empty)
    monkeypatch.setattr(derive, "DEAL_SLICE_ROWS", 1)  # 4 deals -> 4 ranges of row numbers


def test_sliced_import_ranks_stays_across_all_deals(mem_store, tmp_path, tiny_slices):
    """Order A B C (C won). Days of January 2024:
    D1: A 1, B 4        -> A lasted 3 days; B runs (open deal)
    D2: A 1, B 2, C 5   -> A 1 day, B 3 days, C is the won stage (no rank)
    D3: A 1, B 3        -> A 2 days; B runs
    D4: A 1, B 6        -> A 5 days; B runs
    A's finished stays by duration: D2 (1), D3 (2), D1 (3), D4 (5) -> ranks 1..4 whatever slice
    each deal falls in; B's only finished stay is D2's -> rank 1.
    """
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created\nD1,B,2024-01-01\nD2,C,2024-01-01\nD3,B,2024-01-01\n"
                     "D4,B,2024-01-01\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    rows = {"D1": "A1 B4", "D2": "A1 B2 C5", "D3": "A1 B3", "D4": "A1 B6"}
    history.write_text("Deal ID,Stage,Date Entered\n" + "".join(
        f"{deal},{step[0]},2024-01-0{step[1]} 10:00\n" for deal, steps in rows.items() for step in steps.split()),
        encoding="utf-8")
    info, built, _ = import_file(mem_store, deals, history=history, stages=["A", "B", "C"])
    assert built["n_deals"] == 4
    assert built["n_events"] == 9  # 2 + 3 + 2 + 2
    with mem_store.connect() as con:
        ranks = con.execute(f"SELECT deal_id, stage, stay_rank FROM ds_{info.id}.stays "
                            "WHERE stay_rank IS NOT NULL ORDER BY 2, 3").fetchall()
        deals_rows = con.execute(f"SELECT deal_id, status, furthest_pos, day(last_entry_at) "
                                 f"FROM ds_{info.id}.deals ORDER BY 1").fetchall()
        n_stays = con.execute(f"SELECT count(*) FROM ds_{info.id}.stays").fetchone()[0]
    assert ranks == [("D2", "A", 1), ("D3", "A", 2), ("D1", "A", 3), ("D4", "A", 4), ("D2", "B", 1)]
    assert deals_rows == [("D1", "open", 2, 4), ("D2", "won", 3, 5), ("D3", "open", 2, 3), ("D4", "open", 2, 6)]
    assert n_stays == 9  # every event is at a known stage


def _tables(con, ds: int) -> dict[str, list]:
    out = {}
    for table in ("deals", "events", "stays", "stages", "quality"):
        cols = [r[0] for r in con.execute(f"DESCRIBE ds_{ds}.{table}").fetchall() if r[0] != "stay_rank"]
        select = ", ".join(f'"{c}"' for c in cols)
        out[table] = sorted(con.execute(f"SELECT {select} FROM ds_{ds}.{table}").fetchall(), key=repr)
    # ranks among stays of equal duration are arbitrary (row_number over ties): compare per duration
    out["ranks"] = sorted(con.execute(f"""SELECT pipeline, stage, stay_days, list_sort(list(stay_rank))
                                          FROM ds_{ds}.stays GROUP BY ALL""").fetchall(), key=repr)
    return out


def test_a_sample_imported_in_slices_gives_the_tables_of_one_statement(monkeypatch):
    deals, history = SAMPLES / "b2b_services_deals.csv", SAMPLES / "b2b_services_history.csv"
    store = Store(":memory:")
    whole, _b, _d = import_file(store, deals, history=history)
    monkeypatch.setattr(derive, "SLICE_ROWS", 4000)  # ~15,700 events -> 4 slices
    monkeypatch.setattr(derive, "DEAL_SLICE_ROWS", 1500)  # 4,000 deals -> 3 ranges
    sliced, _b, _d = import_file(store, deals, history=history, force=True)
    with store.connect() as con:
        assert _tables(con, whole.id) == _tables(con, sliced.id)
