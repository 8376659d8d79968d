"""The store shared between the app and the CLI: the CLI gets in, pages say "busy" instead of hanging,
read-only writes nothing, and a copy of the .duckdb file alone is a complete backup."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.sample_datasets import ensure_samples
from funnel.store import WRITER_SUFFIX, Store, writer_marker

ROOT = Path(__file__).resolve().parents[2]
DEALS = b"id,name,stage,amount\n1,a,Won,100\n2,b,Lost,50\n3,c,New,10\n"

# A stand-in for a busy app: another process that runs an operation on the store every 20 ms (so
# its file never idles for the linger time), for as long as its stdin stays open.
BUSY_APP = textwrap.dedent("""
    import sys, threading, time
    from funnel.errors import FunnelError
    from funnel.store import Store
    store = Store(sys.argv[1])
    store.datasets()
    print("ready", flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    busy = 0
    while not stop.is_set():
        try:
            store.datasets()
        except FunnelError as error:
            busy += error.code == "store.busy"
        time.sleep(0.02)
    print("busy", busy, flush=True)
""")


def _env(data_dir: Path, **extra) -> dict:
    return dict(os.environ, FUNNEL_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), **extra)


def test_cli_import_gets_in_while_the_app_is_busy(tmp_path):
    path = tmp_path / "funnel.duckdb"
    csv = tmp_path / "deals.csv"
    csv.write_bytes(DEALS)
    app = subprocess.Popen([sys.executable, "-c", BUSY_APP, str(path)], cwd=ROOT, env=_env(tmp_path),
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout.readline().strip() == "ready"
        cli = subprocess.run([sys.executable, "-m", "funnel", "import", str(csv)], cwd=ROOT, env=_env(tmp_path),
                             capture_output=True, text=True, timeout=300)
        assert cli.returncode == 0, cli.stderr
        assert "deals: 3" in cli.stdout
    finally:
        out, _ = app.communicate("", timeout=60)
    assert app.returncode == 0 and out.startswith("busy")
    assert not list(tmp_path.glob("funnel.duckdb" + WRITER_SUFFIX + ".*"))  # the CLI's marker is gone after it
    assert [r["name"] for r in Store(path).datasets()] == ["deals"]


def test_a_page_gets_store_busy_not_a_hang_while_a_writer_waits(tmp_path):
    path = tmp_path / "funnel.duckdb"
    store = Store(path, busy_wait=0.3)
    waiting = writer_marker(path, os.getppid())  # a live process announced a write
    waiting.touch()
    with pytest.raises(FunnelError) as err:
        store.datasets()
    assert err.value.code == "store.busy"
    waiting.unlink()
    writer_marker(path, 999_999_999).touch()  # a killed writer's stale marker is ignored
    assert store.datasets() == []


def test_nested_operations_of_a_running_import_do_not_wait_for_a_writer(tmp_path):
    path = tmp_path / "funnel.duckdb"
    store = Store(path, busy_wait=0.3)
    with store.connect() as con:
        writer_marker(path, os.getppid()).touch()
        assert con.execute("SELECT 1").fetchall() == [(1,)]
        assert store.remembered_mapping("k") is None  # nested: runs, does not raise store.busy


def test_copy_of_the_file_alone_holds_the_new_dataset(tmp_path):
    store = Store(tmp_path / "funnel.duckdb")
    import_file(store, DEALS, "deals.csv")
    shutil.copy(tmp_path / "funnel.duckdb", tmp_path / "backup.duckdb")  # no .wal copied
    con = duckdb.connect(str(tmp_path / "backup.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT name, n_deals FROM datasets").fetchall() == [("deals", 3)]
        assert con.execute("SELECT count(*) FROM ds_1.deals").fetchone()[0] == 3
    finally:
        con.close()


def test_read_only_on_an_empty_folder_writes_nothing(tmp_path):
    folder = tmp_path / "data"
    store = Store(folder / "funnel.duckdb", read_only=True)
    assert ensure_samples(store) == [] and store.datasets() == []
    assert not folder.exists()


def test_read_only_refuses_every_write(tmp_path):
    path = tmp_path / "funnel.duckdb"
    writer = Store(path)
    info, _built, _draft = import_file(writer, DEALS, "deals.csv")
    writer.close()
    del writer
    store = Store(path, read_only=True)
    for write in (lambda: store.rename(info.id, "x"), lambda: store.delete(info.id),
                  lambda: store.remember_mapping("k", "{}")):
        with pytest.raises(FunnelError) as err:
            write()
        assert err.value.code == "store.read_only"
    assert [r["name"] for r in store.datasets()] == ["deals"]


def test_cli_honours_funnel_read_only(tmp_path):
    csv = tmp_path / "deals.csv"
    csv.write_bytes(DEALS)
    cli = subprocess.run([sys.executable, "-m", "funnel", "import", str(csv)], cwd=ROOT,
                         env=_env(tmp_path / "data", FUNNEL_READ_ONLY="1"), capture_output=True, text=True,
                         timeout=120)
    assert cli.returncode == 2 and cli.stdout == ""
    assert cli.stderr.count("\n") == 1 and "FUNNEL_READ_ONLY" in cli.stderr
    assert not (tmp_path / "data").exists()
