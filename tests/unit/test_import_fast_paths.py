"""The import's cheap paths give what the general ones gave (issue #16, "Import speed and memory").

- events and moves come from one window pass over the history: runs of one stage collapse, and a
  backward move or a skipped stage is measured against the previous KNOWN stage (a lost or
  unknown stage in between does not count as a step);
- a date column of one ISO format and a number column of plain numbers are typed by a fast path
  only when every cell fits it: one odd value anywhere sends the column down the general path;
- the store's DuckDB memory budget comes from ``FUNNEL_MEMORY_LIMIT``.

Expected values are worked out by hand from the rows written in each test.
"""

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.importer.columns import PROBE_ROWS
from funnel.store import Store


def quality(store, info):
    with store.connect() as con:
        return {r[0]: r[1] for r in con.execute(
            f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall()}


def test_moves_are_counted_between_known_stages_after_runs_collapse(mem_store, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created\nD1,B,2024-01-01\nD2,C,2024-01-01\nD3,D,2024-01-01\n",
                     encoding="utf-8")
    history = tmp_path / "history.csv"
    # Order given: A B C D. D1: A, B, B (a repeat: one stay), A (back 1), B -> 4 events, 1 backward move.
    # D2: A, Mystery (not a stage), C -> the jump A -> C skips B (1 skipped stage) across the unknown row.
    # D3: A, D (skips B and C: 2), then C (back) -> 1 backward move, 2 skipped.
    history.write_text(
        "Deal ID,Stage,Date Entered\n"
        "D1,A,2024-01-01 10:00\nD1,B,2024-01-02 10:00\nD1,B,2024-01-03 10:00\nD1,A,2024-01-04 10:00\n"
        "D1,B,2024-01-05 10:00\n"
        "D2,A,2024-01-01 10:00\nD2,Mystery,2024-01-02 10:00\nD2,C,2024-01-03 10:00\n"
        "D3,A,2024-01-01 10:00\nD3,D,2024-01-02 10:00\nD3,C,2024-01-03 10:00\n", encoding="utf-8")
    info, built, _ = import_file(mem_store, deals, history=history, stages=["A", "B", "C", "D"])
    # events: D1 4 (A, B, A, B), D2 3 (A, Mystery, C), D3 3 -> 10
    assert built["n_events"] == 10
    q = quality(mem_store, info)
    assert q["history.backward_moves"] == 2  # D1 B->A, D3 D->C
    assert q["history.skipped_stages"] == 3  # D2 A->C skips 1, D3 A->D skips 2
    assert q["history.unknown_stage"] == 1
    with mem_store.connect() as con:
        furthest = con.execute(f"SELECT deal_id, furthest_pos FROM ds_{info.id}.deals ORDER BY 1").fetchall()
        detail = con.execute(f"SELECT code, detail FROM ds_{info.id}.quality WHERE row_no IS NULL AND code IN "
                             "('history.backward_moves', 'history.skipped_stages') ORDER BY 1").fetchall()
    assert furthest == [("D1", 2), ("D2", 3), ("D3", 4)]
    # detail = number of deals concerned: backward D1 and D3; skipped D2 and D3
    assert detail == [("history.backward_moves", "2"), ("history.skipped_stages", "2")]


def test_an_odd_date_after_the_probed_rows_takes_the_general_path(mem_store, tmp_path):
    # PROBE_ROWS ISO dates, then one German date: the ISO fast path would reject it; the general
    # path reads both formats, so no row is rejected and the last deal was created on 5 March 2024.
    rows = [f"D{i},Lead,2024-01-02 03:04:05" for i in range(PROBE_ROWS + 10)]
    rows.append("LAST,Lead,05.03.2024 10:00")
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Stage,Created\n" + "\n".join(rows) + "\n", encoding="utf-8")
    info, built, _ = import_file(mem_store, path)
    assert built["rows_rejected"] == 0
    with mem_store.connect() as con:
        last = con.execute(f"SELECT CAST(created_at AS VARCHAR) FROM ds_{info.id}.deals WHERE deal_id = 'LAST'"
                           ).fetchone()[0]
    assert last == "2024-03-05 10:00:00"


def test_iso_dates_through_the_fast_path_keep_their_values(mem_store, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Stage,Created\nA,Lead,2024-02-29 23:59:58\nB,Lead,\nC,Lead,2024-13-01 00:00:00\n",
                    encoding="utf-8")
    info, built, _ = import_file(mem_store, path)
    # 2024-13-01 has no month 13: C is kept without a date, its cell reported with its value; B has no date
    assert (built["rows_rejected"], built["rows_unread"]) == (0, 1)
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT deal_id, CAST(created_at AS VARCHAR) FROM ds_{info.id}.deals ORDER BY 1"
                           ).fetchall()
        bad = con.execute(f"SELECT row_no, value FROM ds_{info.id}.quality WHERE code = 'date.unreadable' "
                          "AND row_no IS NOT NULL").fetchall()
    assert rows == [("A", "2024-02-29 23:59:58"), ("B", None), ("C", None)]
    assert bad == [(4, "2024-13-01 00:00:00")]


@pytest.mark.parametrize("odd", ["nan", "inf", "1_000"])
def test_a_number_duckdb_would_read_but_a_crm_never_writes_is_not_read(mem_store, tmp_path, odd):
    # C's amount is no number: C is kept without an amount, its row reported (amount.unreadable)
    path = tmp_path / "deals.csv"
    path.write_text(f"Deal ID,Stage,Amount\nA,Lead,1250\nB,Lead,-3.5\nC,Lead,{odd}\nD,Lead,1e3\n", encoding="utf-8")
    info, built, _ = import_file(mem_store, path)
    assert (built["rows_rejected"], built["rows_unread"]) == (0, 1)
    with mem_store.connect() as con:
        amounts = con.execute(f"SELECT deal_id, amount FROM ds_{info.id}.deals ORDER BY 1").fetchall()
    assert amounts == [("A", 1250.0), ("B", -3.5), ("C", None), ("D", 1000.0)]


def test_memory_budget_of_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "1GB")
    store = Store(tmp_path / "a" / "funnel.duckdb")
    with store.connect() as con:
        # DuckDB reports 1 GB (10^9 bytes) in binary units: 10^9 / 2^20 = 953.67 MiB
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
    store.close()
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "lots")
    with pytest.raises(FunnelError) as err:
        Store(tmp_path / "b" / "funnel.duckdb")
    assert err.value.code == "store.bad_memory_limit" and "lots" in err.value.message("en")


def test_an_import_beyond_the_memory_budget_says_what_to_change(tmp_path, monkeypatch):
    # 1 MB cannot hold DuckDB's CSV read buffer (2 x 64 MB): with no larger budget to retry with,
    # the import stops with a message naming the setting, and the store keeps no dataset
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "1MB")
    monkeypatch.setattr("funnel.importer.RETRY_BUDGETS", (None,))
    store = Store(tmp_path / "funnel.duckdb")
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Stage\nA,Lead\nB,Won\n", encoding="utf-8")
    with pytest.raises(FunnelError) as err:
        import_file(store, path)
    assert err.value.code == "store.out_of_memory" and "FUNNEL_MEMORY_LIMIT" in err.value.message("en")
    assert store.datasets() == []


def test_an_import_that_does_not_fit_the_budget_is_retried_with_a_larger_one(tmp_path, monkeypatch):
    # 100 MB cannot hold the CSV read buffer (2 x 64 MB = 128 MB): the first attempt fails, the
    # second (2 GB) imports both deals; the store's own budget is back afterwards
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "100MB")
    store = Store(tmp_path / "funnel.duckdb")
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Stage\nA,Lead\nB,Won\n", encoding="utf-8")
    info, built, _ = import_file(store, path)
    assert built["n_deals"] == 2 and [r["id"] for r in store.datasets()] == [info.id]
    with store.connect() as con:
        # 100 MB = 10^8 bytes = 95.37 MiB
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "95.3 MiB"


def test_a_big_import_starts_with_a_budget_for_its_size(tmp_path, monkeypatch):
    """The first attempt's budget is the input's size / INPUT_PER_BUDGET (2.4) when that is above the
    store's, at most 2 GB; the store's budget is back after the import."""
    from funnel.importer import first_budget
    from funnel.sql import budget_bytes

    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "400MB")
    assert first_budget(240 * 10**6) is None  # 100 MB wanted: the store's 400 MB stands
    # 2.5 GB of CSV (the 10M bench): 2.5e9 / 2.4 = 1.0417e9 bytes = 993.4 MiB
    assert first_budget(25 * 10**8) == "993MiB"
    assert first_budget(10**11) == "1907MiB"  # 2e9 bytes = 1907.3 MiB, the cap
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "none")  # DuckDB's default (80 % of RAM) is larger
    assert first_budget(10**11) is None
    assert budget_bytes("1.5GiB") == 1.5 * 2**30 and budget_bytes("400MB") == 4 * 10**8
    assert budget_bytes("lots") is None and budget_bytes("381.4 MiB") == int(381.4 * 2**20)

    # scaled down: a file of 27 bytes with INPUT_PER_BUDGET 1e-7 asks for 27 / 1e-7 = 270 MB, above
    # the store's 100 MB (which cannot hold the CSV read buffer, 2 x 64 MB): the first attempt
    # fits, with no retry to fall back on
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "100MB")
    monkeypatch.setattr("funnel.importer.INPUT_PER_BUDGET", 1e-7)
    monkeypatch.setattr("funnel.importer.RETRY_BUDGETS", (None,))  # no retry: the first must fit
    store = Store(tmp_path / "funnel.duckdb")
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Stage\nA,Lead\nB,Won\n", encoding="utf-8")
    assert path.stat().st_size == 27
    info, built, _ = import_file(store, path)
    assert built["n_deals"] == 2 and [r["id"] for r in store.datasets()] == [info.id]
    with store.connect() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "95.3 MiB"


def test_same_timestamp_check_counts_deals_whose_stages_share_one_time(mem_store, tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created\nD1,B,2024-01-01\nD2,B,2024-01-01\nD3,B,2024-01-01\n"
                     "D4,A,2024-01-01\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    # D1 and D2: two stages at one shared time (flat); D3: two stages at two times; D4: one stage
    # twice at two times (a single stage says nothing about order: not counted at all).
    # Deals with more than one stage: D1, D2, D3 -> 3; flat: 2 >= half of 3 -> the warning, n = 2.
    history.write_text(
        "Deal ID,Stage,Date Entered\n"
        "D1,A,2024-01-01 10:00\nD1,B,2024-01-01 10:00\n"
        "D2,A,2024-01-02 10:00\nD2,B,2024-01-02 10:00\n"
        "D3,A,2024-01-01 10:00\nD3,B,2024-01-03 10:00\n"
        "D4,A,2024-01-01 10:00\nD4,A,2024-01-05 10:00\n", encoding="utf-8")
    info, built, _ = import_file(mem_store, deals, history=history, stages=["A", "B"])
    assert quality(mem_store, info)["history.same_timestamp"] == 2
    # D3 alone would not be flat: with D1 and D2 at two times each, no warning
    history.write_text(history.read_text(encoding="utf-8").replace("D1,B,2024-01-01 10:00", "D1,B,2024-01-02 10:00")
                       .replace("D2,B,2024-01-02 10:00", "D2,B,2024-01-04 10:00"), encoding="utf-8")
    info, built, _ = import_file(mem_store, deals, history=history, stages=["A", "B"], force=True)
    assert "history.same_timestamp" not in built["finding_codes"]


@pytest.mark.parametrize("flat_deals, warned", [(0, None), (160, None), (240, 240), (400, 400)])
def test_a_big_history_is_sampled_first_and_counted_whole_unless_clearly_not_flat(mem_store, tmp_path,
                                                                                  monkeypatch, flat_deals, warned):
    import funnel.importer.reconcile as reconcile

    # 400 deals, two stages each (800 history rows); the first `flat_deals` enter both at one time.
    # A sample is taken above 200 rows (every 4th deal by hash, ~100 deals); it decides alone only
    # when under a quarter of it is flat (0 flat deals). 160 flat of 400 (40 %) is under the half:
    # counted whole, no warning; 240 (60 %) and 400 are warned of with the exact count.
    monkeypatch.setattr(reconcile, "SAME_TIME_SAMPLE_ROWS", 200)
    monkeypatch.setattr(reconcile, "SAME_TIME_SAMPLE_MIN", 10)
    everies = []
    original = reconcile.run

    def spy(con, sql, params=None):  # the shares counted: of a sample (every n-th deal), or of all ("all")
        if "GROUP BY deal_id) AS d WHERE lo <> hi" in sql:
            everies.append(params["every"] if params else "all")
        return original(con, sql, params)

    monkeypatch.setattr(reconcile, "run", spy)
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created\n" + "".join(f"D{i},B,2024-01-01\n" for i in range(400)),
                     encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("Deal ID,Stage,Date Entered\n" + "".join(
        f"D{i},A,2024-01-01 10:00\nD{i},B,2024-01-{1 if i < flat_deals else 2:02d} 10:00\n" for i in range(400)),
        encoding="utf-8")
    info, built, _ = import_file(mem_store, deals, history=history, stages=["A", "B"])
    assert everies[0] == 4  # 800 rows // 200
    if warned is None:
        assert "history.same_timestamp" not in built["finding_codes"]
    else:
        assert quality(mem_store, info)["history.same_timestamp"] == warned
    # the whole count runs unless the sample was clearly not flat
    assert everies[1:] == ([] if flat_deals == 0 else ["all"])


def test_a_failed_import_leaves_no_schema_and_the_next_one_stores(tmp_path):
    # the deals, events and stays are built in the new dataset's schema inside one transaction: a
    # failure after they were created (no valid row: every id empty) rolls all of it back
    store = Store(tmp_path / "funnel.duckdb")
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("Deal ID,Stage,Created\n,Lead,2024-01-01\n,Won,2024-01-02\n", encoding="utf-8")
    good.write_text("Deal ID,Stage,Created\nA,Lead,2024-01-01\nB,Won,2024-01-02\n", encoding="utf-8")
    with pytest.raises(FunnelError) as err:
        import_file(store, bad)
    assert err.value.code == "import.no_valid_rows_example"  # the first refused row named: nothing stored
    with store.connect() as con:
        schemas = [r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas() WHERE schema_name LIKE 'ds_%'")
                   .fetchall()]
    assert store.datasets() == [] and schemas == []
    info, built, _ = import_file(store, good)
    with store.connect() as con:
        ids = con.execute(f"SELECT deal_id FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = $s",
                                            {"s": f"ds_{info.id}"}).fetchall()}
    assert ids == [("A",), ("B",)]
    assert {"deals", "events", "stays", "stages", "quality", "counts"} <= tables


def test_stays_flags_and_last_entry_come_from_the_collapsed_events(mem_store, tmp_path):
    """The stays' windows run over narrow rows and the audit's ``last_entry_at`` comes from the
    events' per-deal aggregate (no second pass): values worked out by hand from the rows below.

    Order A B; ``Mystery`` is no stage (an event with no position, never a stay).
    D1: A(1) B(2) A(4) B(5) -> A first visit + first stay; B first visit; A, B again not first.
    D2: A(1) B(2) B(3): the repeat of B is one stay -> the last entry is day 2, not day 3.
    D3: Mystery(1) A(2) B(3): the deal's first STAY is A, though its first event is Mystery.
    D4: A(1) Mystery(2) B(3): A ends when Mystery is entered (day 2), with no next position.
    """
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Created\n" + "".join(f"D{i},B,2024-01-01\n" for i in range(1, 5)),
                     encoding="utf-8")
    history = tmp_path / "history.csv"
    rows = {"D1": "A1 B2 A4 B5", "D2": "A1 B2 B3", "D3": "Mystery1 A2 B3", "D4": "A1 Mystery2 B3"}
    history.write_text("Deal ID,Stage,Date Entered\n" + "".join(
        f"{deal},{step[:-1]},2024-01-0{step[-1]} 10:00\n" for deal, steps in rows.items() for step in steps.split()),
        encoding="utf-8")
    info, _built, _ = import_file(mem_store, deals, history=history, stages=["A", "B"])
    with mem_store.connect() as con:
        stays = con.execute(f"""SELECT d.deal_id, s.stage, day(s.entered_at), day(s.left_at), s.next_position,
                                       s.first_visit, s.deal_first FROM ds_{info.id}.stays AS s
                                JOIN ds_{info.id}.deals AS d ON d.row_no = s.row_no ORDER BY 1, 3""").fetchall()
        durations = con.execute(f"SELECT position, n, median_days, mean_days, sum_days "
                                f"FROM ds_{info.id}.stage_durations").fetchall()
        last = con.execute(f"SELECT deal_id, day(last_entry_at) FROM ds_{info.id}.deals ORDER BY 1").fetchall()
    assert stays == [
        ("D1", "A", 1, 2, 2, True, True), ("D1", "B", 2, 4, 1, True, False),
        ("D1", "A", 4, 5, 2, False, False), ("D1", "B", 5, 5, None, False, False),
        ("D2", "A", 1, 2, 2, True, True), ("D2", "B", 2, 2, None, True, False),
        ("D3", "A", 2, 3, 2, True, True), ("D3", "B", 3, 3, None, True, False),
        ("D4", "A", 1, 2, None, True, True), ("D4", "B", 3, 3, None, True, False),
    ]
    # every deal is won at B with no close date in the file: it closed when it last entered a stage
    # (day 5, 2, 3, 3 as ``last`` below), and its stay at B ends there
    # finished stays of an open stage: five A stays of one day each; B, the last stage of the order
    # given, is the won stage: no durations of its own
    assert durations == [(1, 5, 1.0, 1.0, 5.0)]
    assert last == [("D1", 5), ("D2", 2), ("D3", 3), ("D4", 3)]
