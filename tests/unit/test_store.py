"""The store: catalog, rename/delete, atomic imports, concurrent writers, kill midway."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.store import Store

ROOT = Path(__file__).resolve().parents[2]

CSV = "ID,Stage,Amount,Created\n1,Lead,100,2024-01-02\n2,Closed Won,250,2024-01-03\n3,Closed Lost,0,2024-01-04\n"


def _write(tmp_path, name="deals.csv", text=CSV):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_import_then_reopen_rename_delete(tmp_path):
    store = Store(tmp_path / "s" / "funnel.duckdb")
    info, built, _ = import_file(store, _write(tmp_path), name="first")
    assert (info.id, info.name, built["n_deals"]) == (1, "first", 3)
    again = Store(tmp_path / "s" / "funnel.duckdb")  # a restart: a new Store on the same file
    assert [r["name"] for r in again.datasets()] == ["first"]
    again.rename(info.id, "renamed")
    assert again.info(info.id).name == "renamed"
    again.delete(info.id)
    assert again.datasets() == []
    with again.connect() as con:
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
    assert "ds_1" not in schemas


def test_reimport_of_the_same_file_is_detected(tmp_path):
    store = Store(tmp_path / "funnel.duckdb")
    path = _write(tmp_path)
    import_file(store, path)
    with pytest.raises(FunnelError) as err:
        import_file(store, path)
    assert err.value.code == "import.duplicate" and err.value.params["dataset"] == 1
    info, _, _ = import_file(store, path, force=True)
    assert info.id == 2


def test_failed_import_leaves_store_unchanged(tmp_path):
    store = Store(tmp_path / "funnel.duckdb")
    import_file(store, _write(tmp_path))
    bad = _write(tmp_path, "bad.csv", "ID,Stage\n,Lead\n,Won\n")  # no row has a deal id
    with pytest.raises(FunnelError) as err:
        import_file(store, bad)
    assert err.value.code == "import.no_valid_rows_example"  # the first refused row named: nothing stored
    assert [r["id"] for r in store.datasets()] == [1]


def test_two_threads_importing_at_once_get_two_datasets(tmp_path):
    store = Store(tmp_path / "funnel.duckdb")
    files = [_write(tmp_path, f"d{i}.csv", CSV + f"{10 + i},Lead,1,2024-02-0{i + 1}\n") for i in range(2)]
    errors = []

    def work(p):
        try:
            import_file(store, p)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in files]
    [th.start() for th in threads]
    [th.join() for th in threads]
    assert not errors
    rows = store.datasets()
    assert sorted(r["source_file"] for r in rows) == ["d0.csv", "d1.csv"]
    assert sorted(r["n_deals"] for r in rows) == [4, 4]


def test_killed_import_leaves_every_dataset_as_it_was(tmp_path):
    """Kill -9 an import of a large file midway: the store reopens with only the earlier dataset."""
    data_dir = tmp_path / "store"
    store = Store(data_dir / "funnel.duckdb")
    import_file(store, _write(tmp_path))
    del store
    big = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT i AS "ID", 'Lead' AS "Stage", i % 1000 AS "Amount",
                    '2024-01-01' AS "Created", repeat('x', 200) AS "Note" FROM range(1500000) t(i))
                    TO '{big}' (HEADER)""")
    con.close()
    env = dict(os.environ, FUNNEL_DATA_DIR=str(data_dir))
    proc = subprocess.Popen([sys.executable, "-m", "funnel", "import", str(big)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    assert proc.poll() is None, "the import finished before it could be killed: make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reopened = Store(data_dir / "funnel.duckdb")
    assert [(r["id"], r["n_deals"]) for r in reopened.datasets()] == [(1, 3)]
    with reopened.connect() as con:
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
    assert not any(s.startswith("ds_") and s != "ds_1" for s in schemas)
