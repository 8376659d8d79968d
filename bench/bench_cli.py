"""Start-up cost of the command line: wall time of ``python -m funnel metrics <dataset> --json``.

Every CLI call is a new process, so what it imports counts as much as what it computes (the
metrics themselves take ~0.03 s at 1M deals). Runs alternate with a floor measured in the same
run: ``python -c "import duckdb"`` (the least any command that opens the store can cost).
``--root`` times another checkout of the project instead (e.g. an older commit unpacked with
``git archive``) for a before/after comparison.

Usage: ``python -m bench.bench_cli [--deals N] [--repeat K] [--out DIR] [--root DIR]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import OUT, generate_crm_files

ROOT = Path(__file__).resolve().parent.parent


def wall(argv: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose CLI is timed")
    args = ap.parse_args()
    store_dir = args.out / f"cli_store_{args.deals}"
    env = dict(os.environ, FUNNEL_DATA_DIR=str(store_dir))
    if not (store_dir / "funnel.duckdb").exists():
        deals, history = generate_crm_files(args.deals, args.out)
        subprocess.run([sys.executable, "-m", "funnel", "import", str(deals), "--history", str(history)],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    metrics = [sys.executable, "-m", "funnel", "metrics", "1", "--json"]
    floor = [sys.executable, "-c", "import duckdb"]
    times: dict[str, list[float]] = {"metrics": [], "floor": []}
    for _ in range(args.repeat):
        times["metrics"].append(wall(metrics, args.root, env))
        times["floor"].append(wall(floor, args.root, env))
    m, f = statistics.median(times["metrics"]), statistics.median(times["floor"])
    print(f"python -m funnel metrics ({args.root}): median {m:.2f} s  runs {[round(x, 2) for x in times['metrics']]}")
    print(f"python -c 'import duckdb' (floor):     median {f:.2f} s")
    print(f"ratio to floor: {m / f:.2f}x")


if __name__ == "__main__":
    main()
