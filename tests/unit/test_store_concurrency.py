"""Many viewers on one store (issue #14, point 5): readers in different threads are not serialised
behind one lock, they go on while an import's write transaction is open, a query runs in DuckDB
without holding the GIL, and the database stays open between operations until another process
asks for the file. No timings: each test shows an order of events that a global lock, a held GIL
or a per-operation reopen would make impossible."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

import funnel.store as store_module
from funnel.importer import import_file
from funnel.sql import run
from funnel.store import Store, writer_marker

ROOT = Path(__file__).resolve().parents[2]
CSV = b"ID,Stage,Amount,Created\n1,Lead,100,2024-01-02\n2,Closed Won,250,2024-01-03\n3,Closed Lost,0,2024-01-04\n"
PATIENCE = 120  # seconds a step may take on a loaded machine before the test gives up (not a timing check)


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "funnel.duckdb")
    import_file(s, CSV, "deals.csv")
    return s


def _thread(target) -> threading.Thread:
    th = threading.Thread(target=target, daemon=True)
    th.start()
    return th


def test_two_readers_finish_while_a_write_transaction_stays_open(store):
    writing, release, done = threading.Event(), threading.Event(), []

    def writer():
        with store.writing() as con:
            run(con, "BEGIN TRANSACTION")
            run(con, "CREATE TABLE scratch AS SELECT range AS i FROM range(1000)")
            run(con, "UPDATE ds_1.deals SET amount = amount + 1")
            writing.set()
            release.wait(PATIENCE)
            run(con, "COMMIT")

    def reader(name):
        rows = store.datasets()
        with store.connect() as con:
            total = con.execute("SELECT sum(amount) FROM ds_1.deals").fetchone()[0]
        done.append((name, len(rows), float(total)))

    w = _thread(writer)
    assert writing.wait(PATIENCE)
    readers = [_thread(lambda n=n: reader(n)) for n in ("a", "b")]
    for th in readers:
        th.join(PATIENCE)
    # both readers are through while the writer still holds its transaction open
    assert not release.is_set() and w.is_alive()
    assert sorted(done) == [("a", 1, 350.0), ("b", 1, 350.0)]  # 100 + 250 + 0: the committed state
    release.set()
    w.join(PATIENCE)
    with store.connect() as con:
        assert con.execute("SELECT sum(amount) FROM ds_1.deals").fetchone()[0] == 353  # three +1s


def test_an_operation_in_progress_does_not_hold_back_another_threads(store):
    inside, leave, done = threading.Event(), threading.Event(), []

    def slow_reader():
        with store.connect() as con:
            con.execute("SELECT 1").fetchall()
            inside.set()
            leave.wait(PATIENCE)

    a = _thread(slow_reader)
    assert inside.wait(PATIENCE)
    b = _thread(lambda: done.append(store.datasets()))
    b.join(PATIENCE)
    assert done and done[0][0]["name"] == "deals" and a.is_alive()  # b got through while a was inside
    leave.set()
    a.join(PATIENCE)


def test_a_long_query_leaves_other_threads_and_operations_running(store):
    cursors, started, failure = [], threading.Event(), []

    def long_query():
        with store.connect() as con:
            cursors.append(con)
            started.set()
            try:  # minutes of work unless interrupted
                con.execute("SELECT sum(hash(range)) FROM range(100000000000)").fetchall()
            except duckdb.Error as exc:
                failure.append(type(exc).__name__)

    th = _thread(long_query)
    assert started.wait(PATIENCE)
    for _ in range(20):  # Python work and store operations of this thread go on meanwhile
        assert store.datasets()[0]["name"] == "deals"
    spins = sum(1 for _ in range(200_000))
    assert th.is_alive() and spins == 200_000
    cursors[0].interrupt()
    th.join(PATIENCE)
    assert not th.is_alive() and failure  # the query was still running when interrupted


def _wait_until(condition) -> bool:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_the_database_stays_open_when_idle_and_is_let_go_when_another_process_waits(store, monkeypatch):
    looks = []
    original = store_module._writer_waiting

    def counting(path):
        looks.append(threading.current_thread().name)
        return original(path)

    monkeypatch.setattr(store_module, "_writer_waiting", counting)
    store.datasets()
    opened = store._opened
    # the watcher looked for another process three times with no operation running: still open
    assert _wait_until(lambda: looks.count("funnel-store-watch") >= 3)
    assert store._file_con is not None and store._opened == opened
    store.datasets()
    assert store._opened == opened  # the next operation reused the open database
    writer_marker(store.path, os.getppid()).touch()  # a live process (pytest's parent) waits for the file
    assert _wait_until(lambda: store._file_con is None)  # let go without any operation of ours


def test_a_cli_command_gets_the_file_from_an_idle_app(store, tmp_path):
    store.datasets()  # this process holds the file open (idle), as a running app does
    cli = subprocess.run([sys.executable, "-m", "funnel", "datasets"], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, FUNNEL_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT)),
                         timeout=PATIENCE * 2)
    assert cli.returncode == 0, cli.stderr
    assert "deals" in cli.stdout
    assert not list(tmp_path.glob("funnel.duckdb.writer.*"))  # the CLI removed its announcement
    assert store.datasets()[0]["name"] == "deals"  # and the app reopens the file after it
