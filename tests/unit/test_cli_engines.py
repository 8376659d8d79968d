"""``export`` writes the canonical tables; ``attach`` registers warehouse tables (here: chdb) as a
read-only dataset whose numbers are the import's. Bad input: one translated line, exit 2."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from funnel.cli import main
from funnel.errors import FunnelError
from funnel.spec import FunnelSpec

pytest.importorskip("chdb")
DEALS = "deal_id,created_at,closed_at,stage,status,amount\n" + "".join([
    "D1,2024-01-01 10:00,2024-01-11,Won,won,100\n", "D2,2024-01-02,2024-01-05,Lead,lost,\n",
    "D3,2024-01-03,,Proposal,open,50\n"])


@pytest.fixture
def exported(tmp_path, capsys):
    data = tmp_path / "store"
    src = tmp_path / "d.csv"
    src.write_text(DEALS, encoding="utf-8")
    assert main(["--data-dir", str(data), "import", str(src), "--stages", "Lead,Proposal,Won"]) == 0
    assert main(["--data-dir", str(data), "export", "1", "--parquet", str(tmp_path / "lake"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return data, tmp_path / "lake", doc


def test_export_writes_every_canonical_table(exported):
    _data, lake, doc = exported
    assert sorted(p.rsplit("/", 1)[-1] for p in doc["files"]) == sorted(
        ["deals.parquet", "events.parquet", "stages.parquet", "counts.parquet", "quality.parquet", "stays.parquet",
         "stage_durations.parquet"])
    deals = pq.read_table(lake / "deals.parquet").to_pydict()
    assert sorted(deals["deal_id"]) == ["D1", "D2", "D3"] and doc["rows"]["deals"] == 3
    # D1 won: it reached every stage (3); D3 open at Proposal: 2; D2 lost at Lead: 1
    assert dict(zip(deals["deal_id"], deals["furthest_pos"], strict=True)) == {"D1": 3, "D2": 1, "D3": 2}


def test_attach_from_chdb_gives_the_import_numbers(exported, tmp_path, capsys):
    from funnel import metrics
    from funnel.backends import connect
    from funnel.store import Store

    data, lake, _doc = exported
    warehouse = str(tmp_path / "warehouse")
    ch = connect("chdb", warehouse)
    for table in ("deals", "stages", "events"):
        ch.load_arrow("crm", table, pq.read_table(lake / f"{table}.parquet"))
    code = main(["--data-dir", str(data), "attach", "--backend", "chdb", "--url", warehouse,
                 "--tables", "deals=crm.deals,stages=crm.stages,events=crm.events", "--name", "wh", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (doc["dataset_id"], doc["deals"], doc["schema"]) == (2, 3, "funnel_ds_2")
    store = Store(data / "funnel.duckdb")
    imported, attached = store.info(1), store.info(2)
    assert attached.engine["backend"] == "chdb" and attached.meta["read_only"]
    with store.connect(imported) as con:
        want = metrics.outcomes(con, imported, FunnelSpec())
    with store.connect(attached) as con:
        got = metrics.outcomes(con, attached, FunnelSpec())
    # by hand: 3 deals, 1 won, 1 lost, win rate of closed 1/2, revenue 100, reached 3 / 2 / 1
    assert (got.deals, got.won, got.lost, got.open, got.win_rate, got.revenue) == (3, 1, 1, 1, 0.5, 100.0)
    assert [s.reached for s in got.stages] == [3, 2, 1] == [s.reached for s in want.stages]
    # D1 created 1 Jan 10:00, closed 11 Jan (a day): 10 calendar days on both engines (derive.py, derive_deals.sql)
    assert got.median_cycle_days == want.median_cycle_days == 10
    from funnel.dataset_edit import rederive

    with pytest.raises(FunnelError) as err:
        rederive(store, 2, stages=["Lead"])
    assert err.value.code == "engines.read_only_dataset"
    store.delete(2)
    assert [d["id"] for d in store.datasets()] == [1]


def test_attach_errors_are_one_line(exported, tmp_path, capsys):
    from funnel.backends import connect

    data, lake, _doc = exported
    warehouse = str(tmp_path / "wh2")
    ch = connect("chdb", warehouse)
    deals = pq.read_table(lake / "deals.parquet")
    ch.load_arrow("crm", "nostatus", deals.drop(["status"]))
    ch.load_arrow("crm", "stages", pq.read_table(lake / "stages.parquet"))
    capsys.readouterr()
    for tables, words in [("deals=crm.nostatus,stages=crm.stages", ["crm.nostatus", "status"]),
                          ("deals=crm.nostatus", ["stages"]), ("rows=crm.x,stages=crm.stages", ["rows=crm.x"])]:
        code = main(["--data-dir", str(data), "attach", "--backend", "chdb", "--url", warehouse, "--tables", tables])
        err = capsys.readouterr().err.strip()
        assert code == 2 and len(err.splitlines()) == 1 and all(w in err for w in words), err
