"""The Overview page's queries on DuckDB, ClickHouse (chdb, in-process) and Spark (local mode) over
the same canonical tables: N deals (default 10,000,000) and ~4.4 stage entries per deal.

Data: the deals and history of ``bench.common.generate_crm_files`` (same seed, same distributions:
7 stages, a quarter won, 45 % lost at the stage they reached, the rest open; ~4.4 history rows per
deal), written straight as the canonical tables (deals with their derived facts, events, stages)
by DuckDB, then to Parquet: importing a 10M-deal CSV through ``funnel import`` takes far longer
than the benchmark and is measured by bench_import. Every engine reads the same Parquet files:
DuckDB and chdb copy them into their own storage (a DuckDB file, MergeTree tables), Spark reads
them in place (a Parquet table is how a lake holds them).

Timed: ``funnel.metrics.overview`` (KPIs, funnel, previous period, drop-offs) for a half-year
period and for all time, on each engine through the same metric code, and the same computations
in plain pandas on the deals table in memory (the house baseline; loading it is not timed).
Engines run in alternation (duckdb, chdb, spark, pandas, duckdb, ...) so all see the same
moments of machine load; medians of ``--repeat`` runs; the first run of each is a warm-up.
Before timing, the three engines' results are compared (the conformance check, at scale).

Usage: ``python -m bench.bench_backends [--deals N] [--repeat K] [--out DIR] [--engines ...]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date
from pathlib import Path

import duckdb

from bench.bench_metrics import pandas_cases
from bench.common import OUT, STAGES
from funnel.capabilities import derive
from funnel.dataset import DatasetInfo
from funnel.metrics import overview
from funnel.metrics.fixture import make_dataset
from funnel.spec import FunnelSpec

TABLES = ("deals", "events", "stages", "counts", "quality")
PIPELINE = "Sales"
STAGE_KINDS = [(s, "won" if s == "Closed Won" else "open") for s in STAGES] + [("Closed Lost", "lost")]

# The canonical tables from generate_crm_files's random deals (same seed and expressions):
# reached = furthest stage 1..6, r < 0.25 won (every stage), r < 0.7 lost where it reached,
# else open there; closed 40 days after creation; one stage entry per stage reached.
DEALS_SQL = """
CREATE TEMP TABLE d AS
SELECT i AS id, 'Deal ' || i AS name,
       (1 + floor(random() * 6))::INT AS reached,
       random() AS r,
       TIMESTAMP '2024-01-01' + INTERVAL (floor(random() * 600 * 86400)) SECOND AS created,
       ['Anna', 'Boris', 'Chen', 'Dana', 'Egor', 'Fatima'][1 + floor(random() * 6)::INT] AS manager,
       ['google', 'yandex', 'email', 'referral'][1 + floor(random() * 4)::INT] AS source,
       round(1000 + random() * 99000, 2) AS amount
FROM range($n) t(i)
"""
FILL_SQL = """
INSERT INTO ds_1.deals
SELECT CAST(id AS VARCHAR), name, created,
       CASE WHEN r < 0.7 THEN created + INTERVAL 40 DAY END,
       CASE WHEN r < 0.25 THEN 'Closed Won' WHEN r < 0.7 THEN 'Closed Lost' ELSE s.stage END,
       CASE WHEN r < 0.25 THEN 'won' WHEN r < 0.7 THEN 'lost' ELSE 'open' END,
       amount, 'USD', manager, source, NULL, 'Sales', NULL,
       CASE WHEN r < 0.25 THEN 7 WHEN r < 0.7 THEN NULL ELSE reached END,
       CASE WHEN r < 0.25 THEN 7 ELSE reached END,
       CASE WHEN r >= 0.25 AND r < 0.7 THEN reached END,
       CASE WHEN r >= 0.25 AND r < 0.7 THEN TRUE END,
       CASE WHEN r < 0.7 THEN 40.0 END,
       CAST(id + 1 AS INTEGER)
FROM d JOIN ds_1.stages AS s ON s.position = d.reached AND s.pipeline = 'Sales';
INSERT INTO ds_1.events
SELECT CAST(d.id AS VARCHAR), 'Sales', s.stage, s.position,
       d.created + INTERVAL ((s.position - 1) * 5) DAY + INTERVAL (d.id % 3600) SECOND
FROM d JOIN ds_1.stages AS s ON s.position <= CASE WHEN d.r < 0.25 THEN 7 ELSE d.reached END
     AND s.pipeline = 'Sales';
"""


def build(n_deals: int, out: Path, seed: float = 0.42) -> tuple[Path, DatasetInfo]:
    """``out/canonical_<n>/`` with ``<table>.parquet`` per table; the dataset's info."""
    folder = out / f"canonical_{n_deals}"
    con = duckdb.connect()
    info = make_dataset(con, stages={PIPELINE: STAGE_KINDS})
    if not (folder / "deals.parquet").exists():
        folder.mkdir(parents=True, exist_ok=True)
        con.execute("SELECT setseed(?)", [seed])
        con.execute(DEALS_SQL, {"n": n_deals})
        con.execute(FILL_SQL)
        for table in TABLES:
            con.execute(f"COPY ds_1.{table} TO '{folder / table}.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
        con.execute("DROP TABLE d")
    meta = dict(info.meta)
    for table in ("deals", "events"):
        con.execute(f"DELETE FROM ds_1.{table}")
        con.execute(f"INSERT INTO ds_1.{table} SELECT * FROM read_parquet('{folder / table}.parquet') LIMIT 1000")
    meta["capabilities"] = derive(con, info.tables, "deals", meta).to_json()
    con.close()
    return folder, DatasetInfo(1, f"bench {n_deals}", 1, "deals", meta)


def duckdb_engine(folder: Path):
    path = folder / "bench.duckdb"
    if not path.exists():
        con = duckdb.connect(str(path))
        con.execute("CREATE SCHEMA ds_1")
        for table in TABLES:
            con.execute(f"CREATE TABLE ds_1.{table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
        con.close()
    return duckdb.connect(str(path), read_only=True)


def chdb_engine(folder: Path):
    import pyarrow.parquet as pq

    from funnel.backends import connect

    backend = connect("chdb", str(folder / "chdb"))
    for table in TABLES:
        empty = pq.read_schema(folder / f"{table}.parquet").empty_table()
        backend.load_arrow("ds_1", table, empty)  # the backend's own column types
        path = str(folder / f"{table}.parquet")
        backend.execute_ddl(f"INSERT INTO `ds_1`.`{table}` SELECT * FROM file('{path}', Parquet)")
    return backend


def spark_engine(folder: Path):
    from funnel.backends import connect

    backend = connect("spark", "local[2]", warehouse=str(folder / "spark-warehouse"),
                      conf={"spark.driver.memory": "3g", "spark.sql.shuffle.partitions": "4"})
    for table in TABLES:
        sub = folder / "spark" / table
        if not sub.exists():
            sub.mkdir(parents=True)
            os.symlink(folder / f"{table}.parquet", sub / "part-0.parquet")
        backend.register_parquet("ds_1", table, sub)
    return backend


def differences():
    """The conformance suite's deep comparison (floats to 1e-9 relative), tests/conformance/compare.py."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tests" / "conformance" / "compare.py"
    spec = importlib.util.spec_from_file_location("conformance_compare", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.differences


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--engines", default="duckdb,chdb,spark,pandas")
    ap.add_argument("--case", choices=("both", "period", "all"), default="both")
    args = ap.parse_args()
    print("uptime:", os.popen("uptime").read().strip())
    start = time.perf_counter()
    folder, info = build(args.deals, args.out)
    print(f"data: {args.deals:,} deals in {folder} ({time.perf_counter() - start:.0f} s)")
    wanted = args.engines.split(",")
    makers = {"duckdb": duckdb_engine, "chdb": chdb_engine, "spark": spark_engine}
    engines = {}
    for name in wanted:
        if name in makers:
            start = time.perf_counter()
            engines[name] = makers[name](folder)
            print(f"{name}: ready in {time.perf_counter() - start:.0f} s")
    period = FunnelSpec(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30))
    cases = {"overview, half-year period (+ previous period)": period, "overview, all time": FunnelSpec()}
    if args.case != "both":
        cases = {k: v for k, v in cases.items() if (args.case == "period") == (v is period)}
    base = {}
    if "pandas" in wanted:
        with duckdb.connect(str(folder / "bench.duckdb"), read_only=True) as con:
            df = con.execute("SELECT * FROM ds_1.deals").df()
        cases_pd = pandas_cases(df, len(STAGES))
        base = {"overview, half-year period (+ previous period)": cases_pd[
            "overview: KPIs + funnel + previous period + drop-offs (period)"],
            "overview, all time": cases_pd["overview: all time"]}
    for case, spec in cases.items():
        results = {name: overview(con, info, spec) for name, con in engines.items()}
        print(f"\n{case}:")
        for name, result in results.items():
            if name != "duckdb" and "duckdb" in results:
                diff = differences()(results["duckdb"], result, "overview")
                print(f"  {name}: {'same numbers as DuckDB' if diff is None else 'DIFFERS: ' + diff}")
        runners = {name: (lambda con=con, spec=spec: overview(con, info, spec)) for name, con in engines.items()}
        if case in base:
            runners["pandas"] = base[case]
        times = {name: [] for name in runners}
        for _ in range(args.repeat):
            for name, fn in runners.items():
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
        med = {name: statistics.median(ts[1:] if len(ts) > 2 else ts) for name, ts in times.items()}
        for name, m in med.items():
            ratio = f"{m / med['duckdb']:.1f}x DuckDB" if "duckdb" in med else ""
            vs_pd = f", {m / med['pandas']:.2f}x pandas" if "pandas" in med else ""
            print(f"  {name:<7} median {m:8.3f} s  ({ratio}{vs_pd})  runs {[round(x, 2) for x in times[name]]}")
    print("\nuptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
