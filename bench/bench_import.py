"""Import benchmark: ``funnel import`` of a deals CSV + a stage-history CSV against DuckDB's own
``read_csv`` of the same two files into a database file.

Each run is a fresh child process (so its peak memory is its own, read with ``os.wait4``), with a
fresh store folder. Runs alternate (engine, DuckDB, engine, DuckDB, ...) so both see the same
moments of load on a shared machine; medians are reported, with the ratio of the medians.

- engine: ``python -m funnel import <deals> --history <history>`` (the 1 GiB upload limit lifted; sniff, stage, type every mapped
  column, reject/flag, order stages, derive per-deal facts and events, write in one transaction);
- baseline: ``CREATE TABLE ... AS SELECT * FROM read_csv(<file>)`` for both files into a new
  database file (DuckDB's type detection, nothing else), in the same Python + duckdb;
- floor (``--floor``): the dataset's own tables (deals, events, stays, stage durations: the same
  columns and values) built by bare DuckDB from the same files in the fewest statements, with the
  mapping, types and stage order handed to it and no checks (``bench/import_floor.py``), under
  the memory budget the import's first attempt gets: what the tables themselves cost.

Usage: ``python -m bench.bench_import [--deals N] [--repeat K] [--out DIR] [--floor]``. Generated files go
to ``--out`` (default bench/out/; put big ones under /tmp).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, generate_crm_files

ROOT = Path(__file__).resolve().parent.parent

BASELINE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE deals AS SELECT * FROM read_csv($p)", {"p": sys.argv[2]})
con.execute("CREATE TABLE history AS SELECT * FROM read_csv($p)", {"p": sys.argv[3]})
con.close()
"""


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, all threads) and peak resident memory (MB) of one
    child process. CPU time is steadier than wall time on a busy shared machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed ({proc.returncode}):\n{err[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: kilobytes


# ``python -m funnel import`` with the upload size limit (funnel/readers/limits.py, 1 GiB, for the
# shared server's uploads) lifted: the generated 10M-deal history is 1.6 GB. Nothing else differs.
ENGINE = """
import sys
import funnel.readers.limits as limits
limits.MAX_FILE_BYTES = 1 << 40
from funnel.cli import main
sys.exit(main(["import", sys.argv[1], "--history", sys.argv[2]]))
"""


def engine_run(deals: Path, history: Path) -> tuple[float, float, float]:
    tmp = Path(tempfile.mkdtemp(prefix="bench_import_"))
    try:
        env = dict(os.environ, FUNNEL_DATA_DIR=str(tmp))
        return run_child([sys.executable, "-c", ENGINE, str(deals), str(history)], env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def duckdb_run(deals: Path, history: Path) -> tuple[float, float, float]:
    tmp = Path(tempfile.mkdtemp(prefix="bench_duckdb_"))
    try:
        return run_child([sys.executable, "-c", BASELINE, str(tmp / "base.duckdb"), str(deals), str(history)])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def floor_run(deals: Path, history: Path) -> tuple[float, float, float]:
    from funnel.importer import first_budget
    from funnel.store import memory_limit

    budget = first_budget(deals.stat().st_size + history.stat().st_size) or memory_limit()
    tmp = Path(tempfile.mkdtemp(prefix="bench_floor_"))
    try:
        return run_child([sys.executable, "-m", "bench.import_floor", str(tmp / "floor.duckdb"), str(deals),
                          str(history), *([budget] if budget else [])])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


LABELS = {"engine": "funnel import          ", "duckdb": "duckdb read_csv -> file",
          "floor": "floor: same tables     "}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    ap.add_argument("--out", type=Path, default=OUT, help="folder for the generated CSV files")
    ap.add_argument("--floor", action="store_true", help="also build the tables in bare DuckDB (import_floor.py)")
    args = ap.parse_args()
    deals, history = generate_crm_files(args.deals, args.out)
    with open(history, "rb") as fh:
        n_hist = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
    print(f"files: {deals.name} ({deals.stat().st_size / 1e6:.0f} MB, {args.deals:,} deals), "
          f"{history.name} ({history.stat().st_size / 1e6:.0f} MB, {n_hist:,} rows)")
    contenders = [("engine", engine_run), ("duckdb", duckdb_run), *([("floor", floor_run)] if args.floor else [])]
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _fn in contenders}
    for k in range(args.repeat):
        for name, fn in contenders:
            result = fn(deals, history)
            runs[name].append(result)
            print(f"  run {k + 1} {name:6}: {result[0]:7.2f} s  cpu {result[1]:7.2f} s  peak {result[2]:6.0f} MB"
                  f"  (load average {os.getloadavg()[0]:.1f})", flush=True)
    med = {name: [statistics.median(r[i] for r in rs) for i in range(3)] for name, rs in runs.items()}
    for name, _fn in contenders:
        wall, cpu, mb = med[name]
        print(f"{LABELS[name]}: median {wall:.2f} s, cpu {cpu:.2f} s, peak RSS {mb:.0f} MB")
    e, d = med["engine"], med["duckdb"]
    print(f"ratio: time {e[0] / d[0]:.2f}x, cpu {e[1] / d[1]:.2f}x, peak memory {e[2] / d[2]:.2f}x")
    if args.floor:
        f = med["floor"]
        print(f"floor / duckdb: time {f[0] / d[0]:.2f}x, cpu {f[1] / d[1]:.2f}x, peak memory {f[2] / d[2]:.2f}x")
        print(f"import / floor: time {e[0] / f[0]:.2f}x, cpu {e[1] / f[1]:.2f}x, peak memory {e[2] / f[2]:.2f}x")

if __name__ == "__main__":
    main()
