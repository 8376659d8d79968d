"""The import bench's floor (bench/import_floor.py) builds the very tables ``funnel import`` stores:
the same rows in deals, events, stays and stage durations. Otherwise its time would not be the
cost of the import's tables, and the bench's "import / floor" ratio would compare different work."""

from __future__ import annotations

import duckdb
import pytest

from bench import import_floor
from bench.common import generate_crm_files
from funnel.importer import import_file
from funnel.store import Store

# hand-written deals in the generator's layout beside its own: a deal that goes back to an earlier
# stage and forward again, one whose history repeats a stage (a run the import collapses), one that
# enters two stages at one instant, and one without a history (an open deal at its current stage)
EXTRA_DEALS = """\
b1,Back and forth,Proposal,5000.00,2025-03-01 09:00:00,,Anna,email
b2,Repeated stage,Closed Won,7000.00,2025-03-02 09:00:00,2025-03-20 09:00:00,Boris,google
b3,Same instant,Meeting,900.50,2025-03-03 09:00:00,,Chen,referral
b4,No history,Qualified,100.00,2025-03-04 09:00:00,,Dana,yandex
"""
EXTRA_HISTORY = """\
b1,Lead,2025-03-01 09:00:00
b1,Qualified,2025-03-02 09:00:00
b1,Lead,2025-03-03 09:00:00
b1,Qualified,2025-03-05 09:00:00
b1,Proposal,2025-03-08 09:00:00
b2,Lead,2025-03-02 09:00:00
b2,Lead,2025-03-04 09:00:00
b2,Meeting,2025-03-06 09:00:00
b2,Closed Won,2025-03-20 09:00:00
b3,Lead,2025-03-03 09:00:00
b3,Qualified,2025-03-04 12:00:00
b3,Meeting,2025-03-04 12:00:00
"""
TABLES = {  # the columns compared: floating sums rounded (their order of addition differs)
    "deals": "*", "events": "*", "stays": "* REPLACE (round(stay_days, 9) AS stay_days)",
    "stage_durations": "* REPLACE (round(mean_days, 9) AS mean_days, round(sum_days, 6) AS sum_days)",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("floor")
    deals, history = generate_crm_files(300, folder)
    with open(deals, "a") as fh:
        fh.write(EXTRA_DEALS)
    with open(history, "a") as fh:
        fh.write(EXTRA_HISTORY)
    store = Store(folder / "store.duckdb")
    info, _built, _draft = import_file(store, deals, history=history)
    store.close()
    con = duckdb.connect(str(folder / "floor.duckdb"))
    import_floor.build(con, str(deals), str(history))
    con.execute("ATTACH ? AS st (READ_ONLY)", [str(folder / "store.duckdb")])
    yield con, info.schema
    con.close()


@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_floor_builds_the_imported_rows(built, table):
    con, schema = built
    columns = TABLES[table]
    imported = f"SELECT {columns} FROM st.{schema}.{table}"
    floor = f"SELECT {columns} FROM {table}"
    n = con.execute(f"SELECT count(*) FROM ({imported})").fetchone()[0]
    assert n > 0
    assert con.execute(f"SELECT count(*) FROM ({floor})").fetchone()[0] == n
    assert con.execute(f"SELECT count(*) FROM ({imported} EXCEPT ALL {floor})").fetchone()[0] == 0
    assert con.execute(f"SELECT count(*) FROM ({floor} EXCEPT ALL {imported})").fetchone()[0] == 0


def test_the_hand_written_deals_are_in_the_floor(built):
    """The hand-written deals (worked out from their rows): b1 enters Lead twice and Qualified twice,
    so two of its five stays are not first visits; b2's two Lead rows are one event; b3 enters
    Qualified and Meeting at one instant (Qualified first, by position) and is still in Meeting."""
    con, _schema = built
    rows = con.execute("""SELECT d.deal_id, s.stage, s.first_visit, s.left_at IS NULL
                          FROM stays s JOIN deals d USING (row_no)
                          WHERE d.deal_id IN ('b1', 'b2', 'b3') ORDER BY d.deal_id, s.entered_at, s.position""").fetchall()
    assert rows == [
        ("b1", "Lead", True, False), ("b1", "Qualified", True, False), ("b1", "Lead", False, False),
        ("b1", "Qualified", False, False), ("b1", "Proposal", True, True),
        ("b2", "Lead", True, False), ("b2", "Meeting", True, False), ("b2", "Closed Won", True, False),
        ("b3", "Lead", True, False), ("b3", "Qualified", True, False), ("b3", "Meeting", True, True),
    ]
    assert con.execute("SELECT furthest_pos, status FROM deals WHERE deal_id = 'b4'").fetchone() == (2, "open")
