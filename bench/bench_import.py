"""Import benchmark: 1M deals + ~4M stage-history rows from CSV into a fresh store.

Baseline in the same run: ``pandas.read_csv`` of the same two files (reading only: no typing,
mapping, checks or storing). Usage: ``python -m bench.bench_import [--deals N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from bench.common import OUT, generate_crm_files, timed
from funnel.importer import import_file
from funnel.store import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    deals, history = generate_crm_files(args.deals, OUT)
    n_hist = sum(1 for _ in open(history, encoding="utf-8")) - 1
    print(f"files: {deals.name} ({deals.stat().st_size / 1e6:.0f} MB, {args.deals:,} deals), "
          f"{history.name} ({history.stat().st_size / 1e6:.0f} MB, {n_hist:,} rows)")

    def run_import():
        tmp = Path(tempfile.mkdtemp())
        try:
            store = Store(tmp / "funnel.duckdb")
            import_file(store, deals, deals.name, history=history, history_name=history.name)
        finally:
            shutil.rmtree(tmp)

    def run_pandas():
        pd.read_csv(deals)
        pd.read_csv(history)

    imp, imp_all = timed(run_import, args.repeat)
    base, base_all = timed(run_pandas, args.repeat)
    print(f"funnel import (stage, type, check, derive, store): median {imp:.2f} s  runs {[round(x, 2) for x in imp_all]}")
    print(f"pandas.read_csv of the same files (read only):     median {base:.2f} s  runs {[round(x, 2) for x in base_all]}")
    print(f"ratio import / pandas read: {imp / base:.2f}")


if __name__ == "__main__":
    main()
